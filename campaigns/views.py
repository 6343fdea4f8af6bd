"""The office's campaign pages: campaigns, their participating subtrees, teams, liaison groups and units, and
the guidance profiles. The office and the leading group read them; only the office changes anything
(everyone else gets 404, like an object that does not exist). Every write is one call to `campaigns.services`.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.actors import MaybeActor
from accounts.http import AuthedRequest
from campaigns import selectors, services
from campaigns.forms import CampaignForm, LiaisonGroupForm, OrgCodeForm, ProfileForm, TeamForm, UsernameForm
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
from campaigns.permissions import can_manage_campaigns, can_view_campaigns
from core.forms import service_errors
from orgs.choices import Tier
from orgs.models import Organization
from orgs.panels import OrgPanel
from orgs.selectors import org_stats


def guidance_panel(organization: Organization, actor: MaybeActor) -> OrgPanel | None:
    """The organisation page's panel (orgs.panels, registered in CampaignsConfig.ready): the guidance profile
    (分级分类指导) of an organisation taking part in the current campaign."""
    campaign = selectors.current_campaign()
    if campaign is None or not selectors.takes_part(organization, campaign):
        return None
    profile = selectors.profile_for(organization)
    return OrgPanel("campaigns/_profile.html", {"profile": profile}) if profile is not None else None


def _require_reader(request: AuthedRequest) -> None:
    if not can_view_campaigns(request.user):
        raise Http404


def _require_office(request: AuthedRequest) -> None:
    if not can_manage_campaigns(request.user):
        raise Http404


# ---- campaigns -------------------------------------------------------------------------------------------

@login_required
@require_GET
def campaign_list(request: AuthedRequest) -> HttpResponse:
    _require_reader(request)
    return render(request, "campaigns/list.html", {
        "campaigns": selectors.campaign_list(), "can_manage": can_manage_campaigns(request.user),
    })


def _detail_context(request: AuthedRequest, campaign: Campaign, *, bound: dict[str, Any] | None = None
                    ) -> dict[str, Any]:
    """The detail page's context. `bound` holds the one form that failed (key → form), shown with its errors
    and what was typed; every other form is empty."""
    bound = bound or {}
    user = request.user
    can_manage = can_manage_campaigns(user)
    participations = [{"participation": p, "sentence": org_stats(p.organization, with_children=False).sentence}
                      for p in selectors.campaign_participations(campaign, user)]
    teams = [{"team": team, "member_form": bound.get(f"team-{team.pk}") or UsernameForm(prefix=f"team-{team.pk}")}
             for team in selectors.campaign_teams(campaign)]
    groups = [{"group": group,
               "member_form": bound.get(f"member-{group.pk}") or UsernameForm(prefix=f"member-{group.pk}"),
               "unit_form": bound.get(f"unit-{group.pk}") or OrgCodeForm(prefix=f"unit-{group.pk}", user=user)}
              for group in selectors.campaign_liaison_groups(campaign, user)]
    return {
        "campaign": campaign, "can_manage": can_manage, "participations": participations, "teams": teams,
        "groups": groups,
        "participation_form": bound.get("participation") or OrgCodeForm(prefix="participation", user=user),
        "team_form": bound.get("team") or TeamForm(prefix="team"),
        "group_form": bound.get("group") or LiaisonGroupForm(prefix="group"),
    }


@login_required
@require_GET
def campaign_detail(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    _require_reader(request)
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    return render(request, "campaigns/detail.html", _detail_context(request, campaign))


def _detail_with_error(request: AuthedRequest, campaign: Campaign, key: str, form: forms.BaseForm) -> HttpResponse:
    return render(request, "campaigns/detail.html", _detail_context(request, campaign, bound={key: form}), status=400)


def _back(campaign: Campaign, anchor: str = "") -> HttpResponse:
    response = redirect("campaigns:detail", campaign_id=campaign.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: AuthedRequest) -> HttpResponse:
    _require_office(request)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
        if not form.errors:
            messages.success(request, f"已新建：{campaign}")
            return redirect("campaigns:detail", campaign_id=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "campaign": None},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    _require_office(request)
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    initial = {"name": campaign.name, "batch": campaign.batch, "starts_on": campaign.starts_on,
               "ends_on": campaign.ends_on}
    form = CampaignForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.campaign_update(actor=request.user, campaign=campaign, **form.cleaned_data)
        if not form.errors:
            messages.success(request, "已保存")
            return redirect("campaigns:detail", campaign_id=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def campaign_set_current(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    _require_office(request)
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    services.campaign_set_current(actor=request.user, campaign=campaign)
    messages.success(request, f"当前开展的主题教育：{campaign}")
    return _back(campaign)


# ---- participation ---------------------------------------------------------------------------------------

@login_required
@require_POST
def participation_add(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    _require_office(request)
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    form = OrgCodeForm(request.POST, prefix="participation", user=request.user)
    if form.is_valid():
        with service_errors(form):
            p = services.participation_add(actor=request.user, campaign=campaign,
                                           organization=form.cleaned_data["code"])
        if not form.errors:
            messages.success(request, f"已将{p.organization.name}列入参学范围")
            return _back(campaign, "participation")
    return _detail_with_error(request, campaign, "participation", form)


@login_required
@require_POST
def participation_remove(request: AuthedRequest, participation_id: int) -> HttpResponse:
    _require_office(request)
    p = get_object_or_404(Participation.objects.visible_to(request.user).select_related("campaign", "organization"),
                          pk=participation_id)
    services.participation_remove(actor=request.user, participation=p)
    messages.success(request, f"已将{p.organization.name}移出参学范围")
    return _back(p.campaign, "participation")


# ---- teams -----------------------------------------------------------------------------------------------

@login_required
@require_POST
def team_create(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    _require_office(request)
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    form = TeamForm(request.POST, prefix="team")
    if form.is_valid():
        with service_errors(form):
            team = services.team_create(actor=request.user, campaign=campaign, **form.cleaned_data)
        if not form.errors:
            messages.success(request, f"已新增{team.name}")
            return _back(campaign, "teams")
    return _detail_with_error(request, campaign, "team", form)


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: AuthedRequest, team_id: int) -> HttpResponse:
    _require_office(request)
    team = get_object_or_404(Team.objects.select_related("campaign"), pk=team_id)
    form = TeamForm(request.POST or None, initial={"name": team.name, "duties": team.duties})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.team_update(actor=request.user, team=team, **form.cleaned_data)
        if not form.errors:
            messages.success(request, f"已保存{team.name}")
            return _back(team.campaign, "teams")
    return render(request, "campaigns/team_form.html", {"form": form, "team": team},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def team_member_add(request: AuthedRequest, team_id: int) -> HttpResponse:
    _require_office(request)
    team = get_object_or_404(Team.objects.select_related("campaign"), pk=team_id)
    form = UsernameForm(request.POST, prefix=f"team-{team.pk}")
    if form.is_valid():
        with service_errors(form):
            m = services.team_member_add(actor=request.user, team=team, user=form.cleaned_data["username"],
                                         is_leader=form.cleaned_data["is_leader"])
        if not form.errors:
            messages.success(request, f"{m.user}已加入{team.name}")
            return _back(team.campaign, f"team-{team.pk}")
    return _detail_with_error(request, team.campaign, f"team-{team.pk}", form)


@login_required
@require_POST
def team_member_remove(request: AuthedRequest, membership_id: int) -> HttpResponse:
    _require_office(request)
    m = get_object_or_404(TeamMembership.objects.select_related("team__campaign", "user"), pk=membership_id)
    services.team_member_remove(actor=request.user, membership=m)
    messages.success(request, f"{m.user}已退出{m.team.name}")
    return _back(m.team.campaign, f"team-{m.team_id}")


# ---- liaison groups --------------------------------------------------------------------------------------

@login_required
@require_POST
def liaison_group_create(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    _require_office(request)
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    form = LiaisonGroupForm(request.POST, prefix="group")
    if form.is_valid():
        with service_errors(form):
            group = services.liaison_group_create(actor=request.user, campaign=campaign,
                                                  name=form.cleaned_data["name"])
        if not form.errors:
            messages.success(request, f"已新增{group.name}")
            return _back(campaign, f"group-{group.pk}")
    return _detail_with_error(request, campaign, "group", form)


@login_required
@require_POST
def liaison_member_add(request: AuthedRequest, group_id: int) -> HttpResponse:
    _require_office(request)
    group = get_object_or_404(LiaisonGroup.objects.select_related("campaign"), pk=group_id)
    form = UsernameForm(request.POST, prefix=f"member-{group.pk}")
    if form.is_valid():
        with service_errors(form):
            m = services.liaison_member_add(actor=request.user, group=group, user=form.cleaned_data["username"],
                                            is_leader=form.cleaned_data["is_leader"])
        if not form.errors:
            messages.success(request, f"{m.user}已加入{group.name}")
            return _back(group.campaign, f"group-{group.pk}")
    return _detail_with_error(request, group.campaign, f"member-{group.pk}", form)


@login_required
@require_POST
def liaison_member_remove(request: AuthedRequest, membership_id: int) -> HttpResponse:
    _require_office(request)
    m = get_object_or_404(LiaisonMembership.objects.select_related("group__campaign", "user"), pk=membership_id)
    services.liaison_member_remove(actor=request.user, membership=m)
    messages.success(request, f"{m.user}已退出{m.group.name}")
    return _back(m.group.campaign, f"group-{m.group_id}")


@login_required
@require_POST
def liaison_assign(request: AuthedRequest, group_id: int) -> HttpResponse:
    _require_office(request)
    group = get_object_or_404(LiaisonGroup.objects.select_related("campaign"), pk=group_id)
    form = OrgCodeForm(request.POST, prefix=f"unit-{group.pk}", user=request.user)
    if form.is_valid():
        with service_errors(form):
            a = services.liaison_assign(actor=request.user, group=group, organization=form.cleaned_data["code"])
        if not form.errors:
            messages.success(request, f"已将{a.organization.name}分配给{group.name}")
            return _back(group.campaign, f"group-{group.pk}")
    return _detail_with_error(request, group.campaign, f"unit-{group.pk}", form)


@login_required
@require_POST
def liaison_unassign(request: AuthedRequest, assignment_id: int) -> HttpResponse:
    _require_office(request)
    a = get_object_or_404(LiaisonAssignment.objects.visible_to(request.user)
                          .select_related("group__campaign", "organization"), pk=assignment_id)
    services.liaison_unassign(actor=request.user, assignment=a)
    messages.success(request, f"已将{a.organization.name}移出{a.group.name}的联系单位")
    return _back(a.group.campaign, f"group-{a.group_id}")


# ---- guidance profiles -----------------------------------------------------------------------------------

@login_required
@require_GET
def profile_list(request: AuthedRequest) -> HttpResponse:
    _require_reader(request)
    return render(request, "campaigns/profiles.html", {
        "rows": selectors.profile_matrix(), "tiers": list(Tier),
        "can_manage": can_manage_campaigns(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthedRequest, profile_id: int) -> HttpResponse:
    _require_office(request)
    profile = get_object_or_404(GuidanceProfile, pk=profile_id)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.profile_update(actor=request.user, profile=profile,
                                    **{name: form.cleaned_data[name] for name in form.fields})
        if not form.errors:
            messages.success(request, f"已保存{profile}的分级分类指导")
            return redirect("campaigns:profiles")
        profile.refresh_from_db()
    return render(request, "campaigns/profile_form.html", {"form": form, "profile": profile},
                  status=400 if form.errors else 200)
