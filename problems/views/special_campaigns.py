"""Special campaigns (专项整治) of the current campaign: the list with each one's count of the user's problems;
the city's office adds and edits them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.guards import require_data_role
from accounts.http import AuthedRequest
from campaigns.selectors import current_campaign
from core.forms import service_errors
from problems import permissions, selectors, services
from problems.forms import SpecialCampaignForm
from problems.selectors import LedgerFilter


@login_required
@require_http_methods(["GET", "POST"])
def special_list(request: AuthedRequest) -> HttpResponse:
    """The current campaign's special campaigns, with how many of the user's problems each holds; the city's
    office adds them here."""
    user = require_data_role(request.user)
    campaign = current_campaign()
    manages = permissions.can_manage_special_campaign(user)
    form = SpecialCampaignForm(request.POST if request.method == "POST" else None, initial={"is_active": True})
    if request.method == "POST":
        if not manages:
            raise Http404
        if campaign is None:
            form.add_error(None, "当前没有正在开展的主题教育")
        elif form.is_valid():
            with service_errors(form):
                special = services.special_campaign_create(actor=user, campaign=campaign,
                                                           name=form.cleaned_data.get("name") or "",
                                                           description=form.cleaned_data.get("description") or "")
            if not form.errors:
                messages.success(request, f"已新增专项整治“{special.name}”")
                return redirect("problems:special_list")
    counts = {row["special_campaign"]: row["n"] for row in selectors.ledger(user, LedgerFilter())
              .exclude(special_campaign=None).order_by().values("special_campaign").annotate(n=Count("id"))}
    specials = [(s, counts.get(s.pk, 0)) for s in selectors.special_campaigns(campaign)]
    return render(request, "problems/special_list.html", {
        "campaign": campaign, "specials": specials, "manages": manages, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def special_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = require_data_role(request.user)
    if not permissions.can_manage_special_campaign(user):
        raise Http404
    special = get_object_or_404(selectors.special_campaigns(current_campaign()), pk=pk)
    form = SpecialCampaignForm(request.POST if request.method == "POST" else None, initial={
        "name": special.name, "description": special.description, "is_active": special.is_active})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.special_campaign_update(actor=user, special=special, name=form.cleaned_data.get("name") or "",
                                             description=form.cleaned_data.get("description") or "",
                                             is_active=bool(form.cleaned_data.get("is_active")))
        if not form.errors:
            messages.success(request, f"已保存专项整治“{special.name}”")
            return redirect("problems:special_list")
    return render(request, "problems/special_edit.html", {"form": form, "special": special})
