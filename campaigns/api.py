"""API for campaigns and guidance profiles (read-only). Data roles only: the three administrators get an empty
list or 404. Participation roots and liaison groups' units are those visible to the caller."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from accounts.api_auth import request_user
from accounts.guards import has_data_role, require_data_role
from campaigns import selectors
from campaigns.models import Campaign, GuidanceProfile, LiaisonMembership, TeamMembership
from campaigns.permissions import can_see_people
from campaigns.schemas import CampaignDetailOut, CampaignOut, ProfileOut
from core.schemas import ErrorOut
from orgs.choices import Sector, Tier
from orgs.selectors import org_stats

router = Router(tags=["主题教育"])


def _person(m: TeamMembership | LiaisonMembership) -> dict[str, Any]:
    return {"username": m.user.username, "name": m.user.get_full_name() or m.user.username, "is_leader": m.is_leader}


def _profile(p: GuidanceProfile) -> dict[str, Any]:
    data = {name: getattr(p, name) for name in ProfileOut.model_fields if hasattr(p, name)}
    data.update(sector_label=str(p.get_sector_display()), tier_label=str(p.get_tier_display()),
                applies=p.applies_labels())
    return data


@router.get("/", response=list[CampaignOut], summary="主题教育列表")
def campaign_list(request: HttpRequest) -> list[Campaign]:
    if not has_data_role(request_user(request)):
        return []
    return list(selectors.campaign_list())


@router.get("/profiles", response=list[ProfileOut], summary="分级分类指导列表")
def profile_list(request: HttpRequest) -> list[dict[str, Any]]:
    if not has_data_role(request_user(request)):
        return []
    return [_profile(p) for p in GuidanceProfile.objects.all()]


@router.get("/profiles/{sector}/{tier}", response={200: ProfileOut, 404: ErrorOut}, summary="某类单位的分级分类指导")
def profile_detail(request: HttpRequest, sector: Sector, tier: Tier) -> dict[str, Any]:
    require_data_role(request_user(request))
    return _profile(get_object_or_404(GuidanceProfile, sector=sector, tier=tier))


@router.get("/{campaign_id}", response={200: CampaignDetailOut, 404: ErrorOut}, summary="主题教育详情")
def campaign_detail(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    """The campaign with its participating subtrees (those visible to the caller, each with the registry's
    sentence), the office's teams, and the liaison groups with the units the caller may see."""
    user = require_data_role(request_user(request))
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    # Who staffs the office's teams and groups is for the office and the leading group, not for every unit.
    people = can_see_people(user)
    return {
        "id": campaign.pk, "name": campaign.name, "batch": campaign.batch, "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on, "is_current": campaign.is_current,
        "participations": [
            {"code": p.organization.code, "name": p.organization.name,
             "sentence": org_stats(p.organization, with_children=False).sentence}
            for p in selectors.campaign_participations(campaign, user)],
        "teams": [{"id": t.pk, "name": t.name, "duties": t.duties,
                   "members": [_person(m) for m in t.memberships.all()] if people else []}
                  for t in selectors.campaign_teams(campaign)],
        "liaison_groups": [
            {"id": g.pk, "name": g.name, "members": [_person(m) for m in g.memberships.all()] if people else [],
             "units": [{"code": a.organization.code, "name": a.organization.name} for a in g.assignments.all()]}
            for g in selectors.campaign_liaison_groups(campaign, user)],
    }
