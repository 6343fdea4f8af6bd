"""Queries about campaigns that pages, the API and other apps (measures, supervision) share."""

from typing import Any

from django.db.models import Prefetch, QuerySet

from accounts.actors import MaybeActor
from accounts.permissions import Capability, has
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
from core.scoping import subtrees_q
from orgs.choices import Sector, Tier
from orgs.models import Organization, OrganizationQuerySet


def current_campaign() -> Campaign | None:
    return Campaign.objects.filter(is_current=True).first()


def campaigns_of(org: Organization) -> QuerySet[Campaign]:
    """The campaigns `org` takes part in: those with a participation on `org` or one of its ancestors."""
    return Campaign.objects.filter(participations__organization__path__in=org.ancestor_paths()).distinct()


def participation_roots(campaign: Campaign) -> list[Organization]:
    return list(Organization.objects.filter(participations__campaign=campaign).order_by("path"))


def participating_orgs(campaign: Campaign) -> OrganizationQuerySet:
    """Every organisation in the participating subtrees of `campaign`."""
    paths = [org.path for org in participation_roots(campaign)]
    return Organization.objects.filter(subtrees_q("path", paths))


def takes_part(org: Organization, campaign: Campaign) -> bool:
    return Participation.objects.filter(campaign=campaign, organization__path__in=org.ancestor_paths()).exists()


def profile_for(org: Organization) -> GuidanceProfile | None:
    """The guidance profile (分级分类指导) of `org`'s sector × tier."""
    return GuidanceProfile.objects.filter(sector=org.sector, tier=org.tier).first()


def liaison_group_of(org: Organization, campaign: Campaign) -> LiaisonGroup | None:
    """The liaison group whose assigned unit is `org` or one of its ancestors (assignments never nest, so at
    most one; the nearest wins should old data nest)."""
    assignment = (LiaisonAssignment.objects.filter(campaign=campaign, organization__path__in=org.ancestor_paths())
                  .select_related("group").order_by("-organization__depth").first())
    return assignment.group if assignment else None


def liaison_units(user: MaybeActor) -> list[Organization]:
    """The units assigned to the liaison groups `user` is a member of, in the current campaign."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(Organization.objects.filter(
        liaison_assignments__group__campaign__is_current=True,
        liaison_assignments__group__memberships__user=user,
    ).distinct().order_by("path"))


def liaison_scope(user: MaybeActor, root: str) -> list[str] | None:
    """The scope narrower (registered in CampaignsConfig.ready): a liaison (JOIN_LIAISON_GROUP) who is a member of
    at least one liaison group of the current campaign sees the units assigned to their groups, intersected with
    their jurisdiction `root` — a unit inside it narrows to the unit, a unit above it narrows to `root` itself, a
    unit elsewhere adds nothing. A liaison who belongs to no group of the current campaign keeps the jurisdiction,
    so the office can set accounts up before the groups exist. Everyone else: None (unchanged)."""
    user_id = getattr(user, "pk", None)
    if not has(user, Capability.JOIN_LIAISON_GROUP) or not isinstance(user_id, int):
        return None
    current = Campaign.objects.filter(is_current=True).values("pk")[:1]
    if not LiaisonMembership.objects.filter(user_id=user_id, group__campaign__in=current).exists():
        return None
    units = LiaisonAssignment.objects.filter(
        campaign__in=current, group__memberships__user_id=user_id,
    ).values_list("organization__path", flat=True).distinct()
    paths: set[str] = set()
    for path in units:
        if path.startswith(root):
            paths.add(path)
        elif root.startswith(path):
            paths.add(root)
    # Drop paths nested in another (a unit inside a unit assigned through another group).
    return sorted(p for p in paths if not any(p != q and p.startswith(q) for q in paths))


# ---------------------------------------------------------------------------------------------------------
# Pages and the API.


def office_name(organization: Organization, *, short: bool = False) -> str:
    """The theme-education office of the city whose tree holds `organization` (its root's office): the issuer of
    letters and what units report to. `short`: the everyday name (示范市委主题教育办)."""
    root = Organization.objects.filter(path=organization.path[:Organization.steplen]).first()
    name = root.name if root else ""
    return f"{name}主题教育办" if short else f"{name}主题教育领导小组办公室"


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.order_by("-is_current", "-starts_on", "-id")


def campaign_teams(campaign: Campaign) -> QuerySet[Team]:
    members = TeamMembership.objects.select_related("user").order_by("-is_leader", "user__username")
    return campaign.teams.order_by("id").prefetch_related(Prefetch("memberships", queryset=members))


def campaign_liaison_groups(campaign: Campaign, user: MaybeActor) -> QuerySet[LiaisonGroup]:
    """The campaign's liaison groups with members and those assigned units `user` may see."""
    members = LiaisonMembership.objects.select_related("user").order_by("-is_leader", "user__username")
    units = (LiaisonAssignment.objects.visible_to(user).select_related("organization")
             .order_by("organization__path"))
    return campaign.liaison_groups.order_by("number", "id").prefetch_related(
        Prefetch("memberships", queryset=members), Prefetch("assignments", queryset=units))


def campaign_participations(campaign: Campaign, user: MaybeActor) -> QuerySet[Participation]:
    return (Participation.objects.visible_to(user).filter(campaign=campaign).select_related("organization")
            .order_by("organization__path"))


def profile_matrix() -> list[dict[str, Any]]:
    """Guidance profiles as a matrix: one row per sector (glossary order), one cell per tier (None = no profile)."""
    by_key = {(p.sector, p.tier): p for p in GuidanceProfile.objects.all()}
    return [{"sector": sector, "label": sector.label,
             "cells": [by_key.get((sector.value, tier.value)) for tier in Tier]} for sector in Sector]
