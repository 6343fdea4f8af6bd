"""The ledger's list: filters, counts by state, the export's query, and the user's saved filters.

Thin: the rows come through `selectors.ledger` (scoped with `visible_to(user)`); saving and deleting a filter is one
call to `problems.services` each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.guards import require_data_role
from accounts.http import AuthedRequest
from campaigns.selectors import current_campaign
from core.forms import refusals
from core.paging import paginate
from problems import permissions, selectors, services
from problems.choices import ProblemStatus
from problems.forms import SavedFilterForm, ledger_filter_from
from problems.selectors import LedgerFilter


def _query(data: QueryDict) -> str:
    """The list's query string without its page number (what export and saved filters keep)."""
    query = data.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def ledger(request: AuthedRequest) -> HttpResponse:
    user = require_data_role(request.user)
    form, filters = ledger_filter_from(request.GET, user)
    counts = selectors.problem_counts(user)
    unfiltered = filters == LedgerFilter()
    page = paginate(request, selectors.ledger(user, filters), total=counts["total"] if unfiltered else None)
    states = [{"value": value, "label": label, "count": counts.get(value, 0),
               "active": filters.status == [value] and not filters.overdue} for value, label in ProblemStatus.choices]
    return render(request, "problems/ledger.html", {
        "form": form, "filters": filters, "page": page, "counts": counts, "states": states,
        "unfiltered": unfiltered, "query": _query(request.GET), "saved": selectors.saved_filters(user),
        "save_form": SavedFilterForm(initial={"query": _query(request.GET)}),
        "can_raise": permissions.can_raise_problem(user), "can_import": permissions.can_import_problems(user),
        "group_units_only": permissions.sees_group_units_only(user),
        "manages": permissions.can_manage_special_campaign(user), "today": timezone.localdate(),
        "campaign": current_campaign()})


@login_required
@require_POST
def filter_save(request: AuthedRequest) -> HttpResponse:
    user = require_data_role(request.user)
    form = SavedFilterForm(request.POST)
    query = ""
    if form.is_valid():
        query = _query(QueryDict(form.cleaned_data.get("query", "").lstrip("?")))
        with refusals(request, prefix="未能保存筛选：") as refused:
            saved = services.saved_filter_save(actor=user, name=form.cleaned_data.get("name") or "", query=query)
        if not refused:
            messages.success(request, f"已保存筛选“{saved.name}”")
    return redirect(reverse("problems:ledger") + (f"?{query}" if query else ""))


@login_required
@require_POST
def filter_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    user = require_data_role(request.user)
    saved = get_object_or_404(selectors.saved_filters(user), pk=pk)
    with refusals():
        services.saved_filter_delete(actor=user, saved=saved)
    messages.success(request, f"已删除筛选“{saved.name}”")
    return redirect("problems:ledger")
