"""Measures pages: the quick record (a branch on a phone), a unit's campaign page and the office's coverage view
with its export. Thin: organisations come through `visible_to(request.user)` (outside → 404), rules are
measures.services, queries measures.selectors."""

import io
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.selectors import current_campaign, profile_for
from core import audit
from core.forms import service_errors
from core.http import AuthedRequest
from core.models import AuditEntry
from core.paging import paginate
from measures import exports, selectors, services
from measures.choices import NO_RECORD, NOT_REQUIRED, RECTIFICATION_LABEL, LeadAction, QuickKind, RecordKind
from measures.forms import CoverageFilterForm, QuickRecordForm
from measures.kinds import KINDS, anchor_of
from measures.permissions import can_choose_organization, can_quick_record, can_record_measures, can_view_coverage
from orgs.models import Organization
from orgs.selectors import visible_org
from orgs.widgets import OrgChoiceField, OrgPickerWidget

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The leaders tab: a city's key minority (a few hundred) on one page, so "who has not" reads at a glance; the
# 尚无记录 filters shorten it.
LEAD_PAGE_SIZE = 500


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
            "lead_rows": selectors.lead_actions(campaign, Organization.objects.filter(pk=org.pk), user=request.user),
            "rectification": selectors.rectification_counts(campaign, [org.pk]).get(org.pk, selectors.Rectification()),
            "not_required": NOT_REQUIRED, "no_record": NO_RECORD,
            "actions": LeadAction.choices,
            "is_current": campaign.is_current,
            # New records and corrections: a recording role, inside its jurisdiction, in the current campaign.
            "can_edit": campaign.is_current and can_record_measures(request.user, org),
        })
    return render(request, "measures/unit.html", context)


# ---------------------------------------------------------------------------------------------------------
# The office's coverage view


def _coverage_campaign(request: AuthedRequest) -> Any:
    if not can_view_coverage(request.user):
        raise Http404
    campaign = current_campaign()
    if campaign is None:
        raise Http404
    return campaign


def _coverage_filter(request: AuthedRequest, campaign: Any) -> tuple[CoverageFilterForm, dict[str, Any]]:
    """The filter form and the filters it validated: sector, tier and one of the campaign's liaison groups. A
    value that is not one of the choices (an unknown code, '²', a number out of range) filters nothing."""
    groups = [(str(g.pk), g.name) for g in selectors.liaison_groups(campaign)]
    form = CoverageFilterForm(request.GET or None, groups=groups)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    group = cleaned.get("group") or ""
    return form, {"sector": cleaned.get("sector") or "", "tier": cleaned.get("tier") or "",
                  "group_id": int(group) if group else None}


def _filter_query(request: AuthedRequest, drop: tuple[str, ...] = ()) -> str:
    params = request.GET.copy()
    for name in ("page", *drop):
        params.pop(name, None)
    return params.urlencode()


@login_required
@require_GET
def coverage(request: AuthedRequest) -> HttpResponse:
    """Per unit × kind of record (counts as information), or per key-minority leader × lead action; filtered by
    sector, tier and liaison group; paged; each row drills down to the unit's page."""
    campaign = _coverage_campaign(request)
    form, filters = _coverage_filter(request, campaign)
    orgs = selectors.coverage_orgs(request.user, campaign, **filters)
    tab = "leaders" if request.GET.get("tab") == "leaders" else "units"
    context: dict[str, Any] = {"campaign": campaign, "form": form, "tab": tab, "filter_query": _filter_query(request),
                               "kinds": [(spec.value, spec.label) for spec in KINDS],
                               "actions": LeadAction.choices, "not_required": NOT_REQUIRED,
                               "rectification_label": RECTIFICATION_LABEL}
    if tab == "units":
        page = paginate(request, orgs)
        context.update({"page": page, "rows": selectors.coverage_rows(campaign, page.object_list)})
    else:
        table = selectors.lead_table(campaign, orgs, user=request.user, missing=request.GET.get("missing") or "")
        page = paginate(request, table.cadres, per_page=LEAD_PAGE_SIZE)
        context.update({"page": page, "lead": table, "no_record": NO_RECORD,
                        "lead_rows": table.rows(page.object_list, campaign=campaign, user=request.user),
                        "missing_query": _filter_query(request, drop=("missing",))})
    return render(request, "measures/coverage.html", context)


@login_required
@require_GET
def coverage_export(request: AuthedRequest) -> FileResponse:
    """The same filtered rows as .xlsx: a sheet of units × records and a sheet of leaders × lead actions."""
    campaign = _coverage_campaign(request)
    _form, filters = _coverage_filter(request, campaign)
    orgs = selectors.coverage_orgs(request.user, campaign, **filters)
    data = io.BytesIO()
    units, leaders = exports.export_coverage(campaign=campaign, orgs=orgs, user=request.user, out=data,
                                             missing=request.GET.get("missing") or "")
    audit.record(AuditEntry.Action.EXPORT, object_type="measures.coverage", object_id=str(campaign.pk),
                 object_repr=f"措施覆盖情况-{campaign}"[:200],
                 after={"units": units, "leaders": leaders, "filters": request.GET.dict()})
    data.seek(0)
    filename = f"措施覆盖情况-{timezone.localdate():%Y%m%d}.xlsx"
    response = FileResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=\"coverage.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response
