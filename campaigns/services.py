"""Every write of the campaigns app and its rules. Each takes the acting `actor` first and refuses, with
PermissionDenied, anyone but the city's office (`campaigns.permissions.can_manage_campaigns`) and an organisation
outside what the actor sees; the rules' errors are `ValidationError`s with Chinese messages."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.actors import Actor
from accounts.models import User
from campaigns.models import (
    Campaign,
    GuidanceProfile,
    LiaisonAssignment,
    LiaisonGroup,
    LiaisonMembership,
    Participation,
    Team,
    TeamMembership,
)
from campaigns.permissions import can_join_team, can_manage_campaigns, can_supervise_unit
from core import cn
from core.scoping import subtree_q
from orgs.models import Organization
from orgs.permissions import can_view_org

PROFILE_FIELDS = (
    "focus", "applies_study", "applies_research", "applies_public_service", "applies_lecture",
    "applies_democratic_meeting", "applies_organisational_meeting", "simplified", "small_dispersed",
    "method_notes", "member_flexibility", "office_notes",
)


def _require_manager(actor: Actor) -> None:
    if not can_manage_campaigns(actor):
        raise PermissionDenied("只有市主题教育办公室可以设置主题教育、工作组、联络组和分级分类指导")


def _require_visible(actor: Actor, organization: Organization) -> None:
    if not can_view_org(actor, organization):
        raise PermissionDenied(f"{organization.name}不在您的管辖范围内")


def _check_campaign(*, name: str, starts_on: dt.date, ends_on: dt.date | None) -> str:
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "请填写名称"
    elif len(name) > 100:
        errors["name"] = "名称不能超过100个字"
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期"
    if errors:
        raise ValidationError(errors)
    return name


@transaction.atomic
def campaign_create(*, actor: Actor, name: str, batch: int | None, starts_on: dt.date, ends_on: dt.date | None = None,
                    is_current: bool = False) -> Campaign:
    _require_manager(actor)
    name = _check_campaign(name=name, starts_on=starts_on, ends_on=ends_on)
    campaign = Campaign.objects.create(name=name, batch=batch, starts_on=starts_on, ends_on=ends_on)
    if is_current:
        campaign_set_current(actor=actor, campaign=campaign)
    return campaign


@transaction.atomic
def campaign_update(*, actor: Actor, campaign: Campaign, name: str, batch: int | None, starts_on: dt.date,
                    ends_on: dt.date | None) -> Campaign:
    _require_manager(actor)
    campaign.name = _check_campaign(name=name, starts_on=starts_on, ends_on=ends_on)
    campaign.batch, campaign.starts_on, campaign.ends_on = batch, starts_on, ends_on
    campaign.save()
    return campaign


@transaction.atomic
def campaign_set_current(*, actor: Actor, campaign: Campaign) -> Campaign:
    """Make `campaign` the one current campaign (the previous one stays as history)."""
    _require_manager(actor)
    for other in Campaign.objects.select_for_update().filter(is_current=True).exclude(pk=campaign.pk):
        other.is_current = False
        other.save()
    if not campaign.is_current:
        campaign.is_current = True
        campaign.save()
    return campaign


# ---- participation ---------------------------------------------------------------------------------------

@transaction.atomic
def participation_add(*, actor: Actor, campaign: Campaign, organization: Organization) -> Participation:
    """Add a participating subtree. A subtree already covered by a participating ancestor, or one that would cover
    participating descendants, is refused: each organisation takes part through one root."""
    _require_manager(actor)
    _require_visible(actor, organization)
    existing = Participation.objects.filter(campaign=campaign)
    above = existing.filter(organization__path__in=organization.ancestor_paths()).select_related("organization")
    if (row := above.first()) is not None:
        if row.organization_id == organization.pk:
            raise ValidationError(f"{organization.name}已在参学范围内")
        raise ValidationError(f"{organization.name}已经通过上级{row.organization.name}参学")
    below = existing.filter(subtree_q("organization__path", organization.path)).select_related("organization")
    if (row := below.first()) is not None:
        raise ValidationError(f"下级{row.organization.name}已单独列入参学范围，请先移除后再添加{organization.name}")
    return Participation.objects.create(campaign=campaign, organization=organization)


@transaction.atomic
def participation_remove(*, actor: Actor, participation: Participation) -> None:
    _require_manager(actor)
    _require_visible(actor, participation.organization)
    participation.delete()


# ---- teams -----------------------------------------------------------------------------------------------

def _check_name(name: str, *, limit: int = 50) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写名称"})
    if len(name) > limit:
        raise ValidationError({"name": f"名称不能超过{limit}个字"})
    return name


@transaction.atomic
def team_create(*, actor: Actor, campaign: Campaign, name: str, duties: str = "") -> Team:
    _require_manager(actor)
    name = _check_name(name)
    if campaign.teams.filter(name=name).exists():
        raise ValidationError({"name": f"本次主题教育已有{name}"})
    return Team.objects.create(campaign=campaign, name=name, duties=(duties or "").strip())


@transaction.atomic
def team_update(*, actor: Actor, team: Team, name: str, duties: str = "") -> Team:
    _require_manager(actor)
    name = _check_name(name)
    if Team.objects.filter(campaign_id=team.campaign_id, name=name).exclude(pk=team.pk).exists():
        raise ValidationError({"name": f"本次主题教育已有{name}"})
    team.name, team.duties = name, (duties or "").strip()
    team.save()
    return team


def _check_member(user: User) -> None:
    if not can_join_team(user):
        raise ValidationError(f"账号 {user.username} 不能加入工作组（已停用或属于系统管理类账号）")


@transaction.atomic
def team_member_add(*, actor: Actor, team: Team, user: User, is_leader: bool = False) -> TeamMembership:
    _require_manager(actor)
    _check_member(user)
    if team.memberships.filter(user=user).exists():
        raise ValidationError(f"{user}已在{team.name}")
    return TeamMembership.objects.create(team=team, user=user, is_leader=is_leader)


@transaction.atomic
def team_member_remove(*, actor: Actor, membership: TeamMembership) -> None:
    _require_manager(actor)
    membership.delete()


# ---- liaison groups --------------------------------------------------------------------------------------

@transaction.atomic
def liaison_group_create(*, actor: Actor, campaign: Campaign, name: str) -> LiaisonGroup:
    _require_manager(actor)
    name = _check_name(name)
    if campaign.liaison_groups.filter(name=name).exists():
        raise ValidationError({"name": f"本次主题教育已有{name}"})
    # The number the name carries (第三联络组 → 3), else after the last group.
    number = cn.ordinal_of(name)
    if number is None:
        last = campaign.liaison_groups.aggregate(n=Max("number"))["n"]
        number = (last or 0) + 1
    return LiaisonGroup.objects.create(campaign=campaign, name=name, number=number)


@transaction.atomic
def liaison_member_add(*, actor: Actor, group: LiaisonGroup, user: User,
                       is_leader: bool = False) -> LiaisonMembership:
    _require_manager(actor)
    _check_member(user)
    # A liaison member sees the group's units only inside their own jurisdiction (core.scoping narrowing):
    # refuse a member who would be cut off from the units they are meant to supervise.
    for assignment in group.assignments.select_related("organization"):
        if not can_supervise_unit(user, assignment.organization):
            raise ValidationError(f"账号 {user.username} 的管辖范围（{user.organization.name}）不包含本组联系单位"
                                  f"{assignment.organization.name}，请先由安全管理员调整其管辖范围")
    if group.memberships.filter(user=user).exists():
        raise ValidationError(f"{user}已在{group.name}")
    return LiaisonMembership.objects.create(group=group, user=user, is_leader=is_leader)


@transaction.atomic
def liaison_member_remove(*, actor: Actor, membership: LiaisonMembership) -> None:
    _require_manager(actor)
    membership.delete()


@transaction.atomic
def liaison_assign(*, actor: Actor, group: LiaisonGroup, organization: Organization) -> LiaisonAssignment:
    """Assign a unit (with its subtree) to `group`. A unit has one group per campaign: a unit already assigned,
    or whose ancestor or descendant is assigned (to another group — or to this one, which would nest), is
    refused."""
    _require_manager(actor)
    _require_visible(actor, organization)
    campaign_id = group.campaign_id
    assigned = LiaisonAssignment.objects.select_for_update().filter(campaign_id=campaign_id)
    same = assigned.filter(organization=organization).select_related("group").first()
    if same is not None:
        if same.group_id == group.pk:
            raise ValidationError(f"{organization.name}已是{group.name}的联系单位")
        raise ValidationError(f"{organization.name}已分配给{same.group.name}，一个单位只能由一个联络组联系")
    above = (assigned.filter(organization__path__in=organization.ancestor_paths()[:-1])
             .select_related("group", "organization").first())
    if above is not None:
        if above.group_id == group.pk:
            raise ValidationError(f"{organization.name}的上级{above.organization.name}已是{group.name}的联系单位，"
                                  "无需重复分配")
        raise ValidationError(f"{organization.name}的上级{above.organization.name}已分配给{above.group.name}，"
                              f"不能再分配给{group.name}")
    below = (assigned.filter(subtree_q("organization__path", organization.path))
             .select_related("group", "organization").first())
    if below is not None:
        if below.group_id == group.pk:
            raise ValidationError(f"{organization.name}的下级{below.organization.name}已是{group.name}的联系单位，"
                                  "请先移除下级后再分配整个单位")
        raise ValidationError(f"{organization.name}的下级{below.organization.name}已分配给{below.group.name}，"
                              f"不能再把{organization.name}分配给{group.name}")
    for membership in group.memberships.select_related("user__organization"):
        member = membership.user
        if not can_supervise_unit(member, organization):
            raise ValidationError(f"{organization.name}不在本组成员 {member.username} 的管辖范围"
                                  f"（{member.organization.name}）内，该成员将看不到它；请先调整成员或其管辖范围")
    return LiaisonAssignment.objects.create(group=group, campaign_id=campaign_id, organization=organization)


@transaction.atomic
def liaison_unassign(*, actor: Actor, assignment: LiaisonAssignment) -> None:
    _require_manager(actor)
    _require_visible(actor, assignment.organization)
    assignment.delete()


# ---- guidance profiles -----------------------------------------------------------------------------------

@transaction.atomic
def profile_update(*, actor: Actor, profile: GuidanceProfile, **values: Any) -> GuidanceProfile:
    _require_manager(actor)
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"unknown profile fields: {sorted(unknown)}")
    for name, value in values.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else bool(value))
    profile.full_clean(exclude=["sector", "tier"])
    profile.save()
    return profile
