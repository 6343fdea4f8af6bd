"""Measures pages: the quick record (a branch on a phone) and a unit's campaign page (with the panels apps above
add to it: measures.panels). Thin: organisations come through `visible_to(request.user)` (outside → 404), rules
are measures.services, queries measures.selectors. The office's coverage view, which reads the problem ledger
too, is assessment's."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthedRequest
from campaigns.models import Campaign
from campaigns.selectors import current_campaign, profile_for
from core.forms import service_errors
from measures import selectors, services
from measures.choices import NOT_REQUIRED, QuickKind, RecordKind
from measures.forms import QuickRecordForm
from measures.kinds import anchor_of
from measures.panels import Place, unit_panels
from measures.permissions import can_choose_organization, can_quick_record, can_record_measures
from orgs.models import Organization
from orgs.selectors import visible_org
from orgs.widgets import OrgChoiceField, OrgPickerWidget

# ---------------------------------------------------------------------------------------------------------
# Quick record


def _quick_org(request: AuthedRequest, data: Any) -> tuple[Organization | None, bool]:
    """(the organisation recorded for, whether the user chooses it). A unit's contact records for its own
    organisation; the office for any organisation it sees (by code)."""
    if not can_choose_organization(request.user):
        org = Organization.objects.visible_to(request.user).filter(pk=request.user.organization_id).first()
        if org is None:
            raise Http404
        return org, False
    # The form's own picker field resolves what was posted (the chosen code, or a code or name typed without
    # script), so that the people offered are the chosen organisation's: one rule, not a second lookup here.
    field = OrgChoiceField(user=request.user, required=False)
    widget = field.widget
    assert isinstance(widget, OrgPickerWidget)
    try:
        org = field.clean(widget.value_from_datadict(data, None, "org"))
    except ValidationError:
        org = None
    return org, True


def _quick_create(request: AuthedRequest, form: QuickRecordForm, org: Organization, campaign: Any) -> Any:
    data = form.cleaned_data
    what = data["what"]
    common = {"actor": request.user, "organization": org, "campaign": campaign, "held_on": data["held_on"],
              "attachment": data.get("attachment") or None,
              "confirm_duplicate": bool(data.get("confirm_duplicate"))}
    if what == QuickKind.STUDY:
        return services.study_session_create(kind=data.get("study_kind") or "", topic=data["title"],
                                             participant_count=data["count"], leaders=data.get("leaders") or [],
                                             **common)
    if what == QuickKind.LECTURE:
        cadre, member = data.get("speaker") or (None, None)
        return services.party_lecture_create(title=data["title"], audience_count=data["count"],
                                             speaker_cadre=cadre, speaker_member=member, **common)
    return services.life_meeting_create(kind="organisational", topic=data["title"], attendance=data["count"],
                                        **common)


@login_required
@require_http_methods(["GET", "POST"])
def quick(request: AuthedRequest) -> HttpResponse:
    """One short form: 学习 / 党课 / 组织生活会, for the current campaign. Leaders and liaison groups read only
    (404)."""
    if not can_record_measures(request.user):
        raise Http404
    campaign = current_campaign()
    data = request.POST if request.method == "POST" else request.GET
    org, choose_org = _quick_org(request, data)
    today = timezone.localdate()
    if campaign is not None and campaign.ends_on is not None and campaign.ends_on < today:
        today = campaign.ends_on  # a campaign that has ended: its last day is the nearest valid date
    # On a GET, what the page sends along when the organisation is chosen (the picker reloads the form) is kept.
    initial = {"what": data.get("what") or QuickKind.STUDY, "held_on": data.get("held_on") or today,
               "org": data.get("org", ""), "title": data.get("title", ""), "count": data.get("count", "")}
    form = QuickRecordForm(request.POST or None, request.FILES or None, org=org, choose_org=choose_org,
                           user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        if org is None:
            form.add_error("org", "请选择您管辖范围内的党组织")
        else:
            record = None
            with service_errors(form):
                record = _quick_create(request, form, org, campaign)
            if record is not None:
                messages.success(request, f"已记录：{record}（{org.name}）")
                return redirect(f"{reverse('measures:unit', args=[org.code])}#{anchor_of(record)}")
    return render(request, "measures/quick.html", {"form": form, "org": org, "campaign": campaign,
                                                   "choose_org": choose_org})


# ---------------------------------------------------------------------------------------------------------
# A unit's campaign page


def _panels(request: AuthedRequest, place: Place, org: Organization, campaign: Campaign) -> list[str]:
    """The panels apps above measures add to a unit's page at `place` (measures.panels), rendered."""
    return [render_to_string(panel.template, panel.context, request=request)
            for panel in unit_panels(place, org, campaign, request.user)]


@login_required
@require_GET
def unit(request: AuthedRequest, code: str) -> HttpResponse:
    org = visible_org(actor=request.user, code=code)
    campaign, campaigns = selectors.campaign_for(org, request.GET.get("campaign"))
    profile = profile_for(org)
    context: dict[str, Any] = {"org": org, "campaign": campaign, "campaigns": campaigns, "profile": profile,
                               "can_quick_record": can_quick_record(request.user, org),
                               "choose_org": can_choose_organization(request.user)}
    if campaign is not None:
        sections = selectors.unit_sections(org, campaign, profile)
        by_kind = {s.kind: s for s in sections}
        context.update({
            "sections": sections,
            "open_items": [s.open_text for s in sections if s.open_text],
            "services": by_kind.get(RecordKind.PUBLIC_SERVICE),
            "side_panels": _panels(request, "side", org, campaign),
            "foot_panels": _panels(request, "foot", org, campaign),
            "not_required": NOT_REQUIRED,
            "is_current": campaign.is_current,
            # New records and corrections: a recording role, inside its jurisdiction, in the current campaign.
            "can_edit": campaign.is_current and can_record_measures(request.user, org),
        })
    return render(request, "measures/unit.html", context)
