"""Demo campaigns (`campaigns_generate`), the `campaigns` part of demo.parts: after the registry and the demo
accounts.

Deterministic: the same registry gives the same campaigns, teams, groups and assignments (no randomness is
needed; `seed` is accepted so every generator is called the same way). Written through the services as the
command's system actor, so the audit log names it (system:demo, system:gendata) for each row (a few dozen rows).
"""

import datetime as dt

from accounts.actors import Actor
from accounts.permissions import Capability
from campaigns import services
from campaigns.choices import DEFAULT_TEAMS
from campaigns.models import Campaign, LiaisonGroup
from core.audit import audit_context
from demo.accounts import demo_user
from orgs.choices import Tier
from orgs.models import Organization

CAMPAIGN_NAME = "学习贯彻习近平新时代中国特色社会主义思想主题教育"
# (batch, starts_on, ends_on)
PAST: tuple[int, dt.date, dt.date | None] = (1, dt.date(2023, 4, 3), dt.date(2023, 8, 31))
# The current campaign has no end date in the demo, so records dated today are accepted whenever it is run.
CURRENT: tuple[int, dt.date, dt.date | None] = (2, dt.date(2023, 9, 1), None)
CN_NUMBERS = "一二三四五六七八九十"


def group_name(n: int) -> str:
    """第一联络组 … 第十联络组, then 第11联络组 …"""
    return f"第{CN_NUMBERS[n - 1] if n <= len(CN_NUMBERS) else n}联络组"


def counties(root: Organization) -> list[Organization]:
    """The top county-tier organisations under `root` (the county committees), in path order."""
    found: list[Organization] = []
    for org in Organization.objects.in_subtree(root.path).filter(tier=Tier.COUNTY).order_by("path"):
        if not found or not org.path.startswith(found[-1].path):
            found.append(org)
    return found


def campaigns_generate(*, actor: Actor, seed: int) -> bool:
    """A past campaign (第一批) and the current one (第二批), the root taking part in both; the office's four
    teams with the demo office user; one liaison group per county with its county assigned, the demo liaison user
    a member of the group of their own county, written as `actor`. Returns whether it wrote anything: nothing when
    a campaign exists already or the registry is empty."""
    if Campaign.objects.exists():
        return False
    root = Organization.objects.get_first_root_node()
    if root is None:
        return False
    office = demo_user(Capability.CITY_OFFICE)
    liaison = demo_user(Capability.JOIN_LIAISON_GROUP)
    with audit_context(user=actor):
        batch, starts_on, ends_on = PAST
        past = services.campaign_create(actor=actor, name=CAMPAIGN_NAME, batch=batch, starts_on=starts_on,
                                        ends_on=ends_on)
        services.participation_add(actor=actor, campaign=past, organization=root)
        batch, starts_on, ends_on = CURRENT
        current = services.campaign_create(actor=actor, name=CAMPAIGN_NAME, batch=batch, starts_on=starts_on,
                                           ends_on=ends_on, is_current=True)
        services.participation_add(actor=actor, campaign=current, organization=root)
        for n, (name, duties) in enumerate(DEFAULT_TEAMS):
            team = services.team_create(actor=actor, campaign=current, name=name, duties=duties)
            if office is not None:
                services.team_member_add(actor=actor, team=team, user=office, is_leader=n == 0)
        groups: list[tuple[Organization, LiaisonGroup]] = []
        for n, county in enumerate(counties(root), start=1):
            group = services.liaison_group_create(actor=actor, campaign=current, name=group_name(n))
            services.liaison_assign(actor=actor, group=group, organization=county)
            groups.append((county, group))
        if liaison is not None:
            for county, group in groups:
                if liaison.organization.path.startswith(county.path):
                    services.liaison_member_add(actor=actor, group=group, user=liaison, is_leader=True)
    return True
