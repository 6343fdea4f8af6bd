"""Pages that read the measures and the problem ledger together: the office's coverage view (per unit × kind of
record with its 检视整改, or per key-minority leader × lead action) and its export, and the two panels of a unit's
page (measures.panels): its 检视整改 and the lead actions of its leaders.

The coverage view keeps the measures' paths (/measures/coverage/); thin: organisations come through
`visible_to(request.user)`, queries are measures.selectors, assessment.coverage and assessment.lead_actions."""

import io
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.actors import MaybeActor
from accounts.http import AuthedRequest
from assessment import exports
from assessment.coverage import Rectification, coverage_rows, rectification_counts
from assessment.lead_actions import lead_actions, lead_table
from campaigns.models import Campaign
from campaigns.selectors import current_campaign
from core import audit
from core.models import AuditEntry
from core.paging import paginate
from measures import selectors
from measures.choices import NO_RECORD, NOT_REQUIRED, RECTIFICATION_LABEL, LeadAction
from measures.forms import CoverageFilterForm
from measures.kinds import KINDS
from measures.panels import UnitPanel
from measures.permissions import can_view_coverage
from orgs.models import Organization

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The leaders tab: a city's key minority (a few hundred) on one page, so "who has not" reads at a glance; the
# 尚无记录 filters shorten it.
LEAD_PAGE_SIZE = 500


# ---------------------------------------------------------------------------------------------------------
# The panels of a unit's page (registered in AssessmentConfig.ready)


def rectification_panel(org: Organization, campaign: Campaign, actor: MaybeActor) -> UnitPanel:
    """检视整改: the problems on the unit's own ledger in the campaign, and how many are closed."""
    rectification = rectification_counts(campaign, [org.pk]).get(org.pk, Rectification())
    return UnitPanel("assessment/_rectification_panel.html", {"org": org, "rectification": rectification})


def lead_panel(org: Organization, campaign: Campaign, actor: MaybeActor) -> UnitPanel:
    """The lead actions of the unit's county-level+ leaders, derived from the records `actor` sees."""
    return UnitPanel("assessment/_lead_panel.html", {
        "lead_rows": lead_actions(campaign, Organization.objects.filter(pk=org.pk), actor=actor),
        "actions": LeadAction.choices, "no_record": NO_RECORD})


# ---------------------------------------------------------------------------------------------------------
# The office's coverage view


def _coverage_campaign(request: AuthedRequest) -> Campaign:
    if not can_view_coverage(request.user):
        raise Http404
    campaign = current_campaign()
    if campaign is None:
        raise Http404
    return campaign


def _coverage_filter(request: AuthedRequest, campaign: Campaign) -> tuple[CoverageFilterForm, dict[str, Any]]:
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
        context.update({"page": page, "rows": coverage_rows(campaign, page.object_list)})
    else:
        table = lead_table(campaign, orgs, actor=request.user, missing=request.GET.get("missing") or "")
        page = paginate(request, table.cadres, per_page=LEAD_PAGE_SIZE)
        context.update({"page": page, "lead": table, "no_record": NO_RECORD,
                        "lead_rows": table.rows(page.object_list, campaign=campaign, user=request.user),
                        "missing_query": _filter_query(request, drop=("missing",))})
    return render(request, "assessment/coverage.html", context)


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
