"""Who may do what (pages use these to show or hide buttons; the services enforce them), and the units of a
liaison group.
"""

from typing import Any

from django.core.exceptions import PermissionDenied

from accounts.choices import Role
from campaigns.models import Campaign, LiaisonGroup
from campaigns.selectors import current_campaign, is_city_office, liaison_group_of
from orgs.models import Organization
from supervision.choices import LIAISON_LEVELS, OFFICE_LEVELS
from supervision.models import Visit
from supervision.services._common import _role, _visible_org


def member_of(user: Any, group: LiaisonGroup) -> bool:
    return bool(getattr(user, "pk", None)) and group.memberships.filter(user_id=user.pk).exists()


def guides(user: Any, group: LiaisonGroup) -> bool:
    """Whether `user` works for `group`: one of its members, or the city's office (which runs every group)."""
    if _role(user) == Role.LIAISON:
        return member_of(user, group)
    return is_city_office(user)


def supervises(user: Any) -> bool:
    """Liaison members and office staff write supervision records; units and leaders read them."""
    return _role(user) in (Role.LIAISON, Role.OFFICE)


def decides_actions(user: Any) -> bool:
    """The city's office decides proposals and takes the upper rungs of the ladder (a county's office account
    does not decide for the city)."""
    return is_city_office(user)


def levels_for(user: Any) -> frozenset[str]:
    if is_city_office(user):
        return OFFICE_LEVELS
    if _role(user) == Role.LIAISON:
        return LIAISON_LEVELS
    return frozenset()


def may_act(user: Any, campaign: Campaign | None = None) -> bool:
    """Whether `user` takes or proposes steps on the ladder at all: the city's office, or a member of a liaison
    group of the campaign (a county's office account or a liaison in no group does not)."""
    if is_city_office(user):
        return True
    campaign = campaign or current_campaign()
    return (_role(user) == Role.LIAISON and campaign is not None
            and LiaisonGroup.objects.filter(campaign=campaign, memberships__user_id=user.pk).exists())


def acts_on(user: Any, organization: Organization, campaign: Campaign | None = None) -> bool:
    """Whether `user` may take or propose a step on `organization`: the city's office, or a member of the group
    the unit is assigned to (a liaison in no group keeps a wide jurisdiction to read, not to act)."""
    if not _visible_org(user, organization):
        return False
    if is_city_office(user):
        return True
    campaign = campaign or current_campaign()
    if _role(user) != Role.LIAISON or campaign is None:
        return False
    group = liaison_group_of(organization, campaign)
    return group is not None and member_of(user, group)


def _check_group(user: Any, group: LiaisonGroup) -> None:
    if not guides(user, group):
        raise PermissionDenied("只有本联络组成员和市委教育办可以办理")


def _check_visit(user: Any, visit: Visit) -> None:
    if not Visit.objects.visible_to(user).filter(pk=visit.pk).exists():
        raise PermissionDenied("无权处理该指导活动")
    _check_group(user, visit.group)


def group_units(group: LiaisonGroup) -> list[Organization]:
    return [a.organization for a in group.assignments.select_related("organization").order_by("organization__path")]
