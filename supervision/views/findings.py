"""Pages of findings (督导发现问题): recorded on a visit held, corrected while not in the ledger, deleted, put into the
unit's problem ledger (source 督导发现) or reopening a closed problem as a relapse (反弹).

Thin: findings come through `visible_to(user)` and `supervision.selectors` (outside the user's scope → 404); every
write is one call to `supervision.services`, whose Chinese errors go back on the form with what was typed
(PermissionDenied → 404). A page that writes answers 404 to whoever does not guide the finding's group
(`permissions.can_change_finding`).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.actors import Actor
from accounts.guards import require_data_role
from accounts.http import AuthedRequest
from core.forms import refusals, service_errors
from core.paging import paginate
from problems.models import Problem
from problems.selectors import leader_choices
from supervision import permissions, selectors, services
from supervision.choices import Requirement, VisitStatus
from supervision.forms import FindingFilterForm, FindingForm, RaiseProblemForm, RelapseForm
from supervision.models import Finding
from supervision.views._common import guiding_visit, visit_url

RELAPSE_CHOICES = 100  # closed problems offered to reopen as a relapse


def _guiding_finding(request: AuthedRequest, pk: int) -> Finding:
    """A finding the user sees and whose group they work for (else 404)."""
    user = require_data_role(request.user)
    finding = selectors.finding_detail(user, pk)
    if not permissions.can_change_finding(user, finding):
        raise Http404
    return finding


@login_required
@require_http_methods(["GET", "POST"])
def finding_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record what a done visit found, at the visited unit or one below it."""
    visit = guiding_visit(request, pk)
    user = request.user
    if visit.status != VisitStatus.DONE:
        messages.error(request, "活动开展后才能登记发现的问题，请先记录开展情况。")
        return redirect(visit_url(visit))
    requirement = request.GET.get("requirement")
    form = FindingForm(request.POST if request.method == "POST" else None, user=user, visit=visit,
                       cadres=selectors.unit_leaders(user, visit.org_path), initial={
                           "organization": visit.organization.code, "needs_fix": True,
                           "requirement": requirement if requirement in Requirement.values else ""})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            finding = services.finding_add(actor=user, visit=visit, organization=form.cleaned_data["organization"],
                                           **form.values())
        if not form.errors:
            messages.success(request, "已登记发现的问题。" + (
                "需要整改的，请列入问题清单，由单位整改、联络组核验。" if finding.needs_fix else ""))
            return redirect("supervision:finding", finding.pk)
    return render(request, "supervision/finding_form.html", {
        "form": form, "visit": visit, "creating": True, "title": "登记发现的问题"})


@login_required
@require_GET
def finding_list(request: AuthedRequest) -> HttpResponse:
    user = require_data_role(request.user)
    groups = [] if permissions.can_answer_for_unit(user) else list(selectors.groups_for(user))
    form = FindingFilterForm(request.GET, groups=groups, user=user)
    page = paginate(request, form.apply(Finding.objects.visible_to(user).with_related(), user).order_by("-id"))
    return render(request, "supervision/finding_list.html", {
        "form": form, "page": page})


def _finding_page(request: AuthedRequest, pk: int, *, raise_form: RaiseProblemForm | None = None,
                  relapse_form: RelapseForm | None = None) -> HttpResponse:
    user = require_data_role(request.user)
    finding = selectors.finding_detail(user, pk)
    may_guide = permissions.can_guide_group(user, finding.visit.group)
    open_for_ledger = may_guide and finding.needs_fix and finding.problem_id is None
    context: dict[str, Any] = {"finding": finding, "may_guide": may_guide, "open_for_ledger": open_for_ledger,
                               "editable": may_guide and finding.problem_id is None,
                               "raise_open": raise_form is not None, "relapse_open": relapse_form is not None}
    if open_for_ledger:
        leaders = leader_choices(finding.organization)
        cadre = finding.cadre if finding.cadre and leaders.filter(pk=finding.cadre.pk).exists() else None
        closed = _closed_problems(user, finding)
        context.update({
            "raise_form": raise_form or RaiseProblemForm(leaders=leaders, initial={"responsible_cadre": cadre}),
            "relapse_form": relapse_form or RelapseForm(problems=closed),
            "has_closed": closed.exists(),
        })
    return render(request, "supervision/finding.html", context)


def _closed_problems(user: Actor, finding: Finding) -> QuerySet[Problem]:
    """The unit's closed problems a finding may reopen (the latest closed first, at most RELAPSE_CHOICES)."""
    closed = selectors.closed_problems_of(user, finding.organization)
    latest = list(closed.values_list("pk", flat=True)[:RELAPSE_CHOICES])
    return closed.filter(pk__in=latest).select_related("organization")


@login_required
@require_GET
def finding_page(request: AuthedRequest, pk: int) -> HttpResponse:
    return _finding_page(request, pk)


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Correct a finding while it is not in the ledger (once it is, the problem is the record)."""
    finding = _guiding_finding(request, pk)
    if finding.problem_id:
        messages.error(request, "该发现已列入问题清单，请在问题清单中办理。")
        return redirect("supervision:finding", finding.pk)
    form = FindingForm(request.POST if request.method == "POST" else None, creating=False,
                       cadres=selectors.unit_leaders(request.user, finding.visit.org_path), initial={
                           "description": finding.description, "requirement": finding.requirement,
                           "cadre": finding.cadre_id, "needs_fix": finding.needs_fix})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.finding_update(actor=request.user, finding=finding, **form.values())
        if not form.errors:
            messages.success(request, "已保存")
            return redirect("supervision:finding", finding.pk)
    return render(request, "supervision/finding_form.html", {
        "form": form, "visit": finding.visit, "finding": finding, "creating": False, "title": "修改发现的问题"})


@login_required
@require_POST
def finding_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    user = require_data_role(request.user)
    finding = selectors.finding_detail(user, pk)
    with refusals(request, prefix="未能删除：") as refused:
        services.finding_delete(actor=user, finding=finding)
    if refused:
        return redirect("supervision:finding", finding.pk)
    messages.success(request, "已删除发现的问题")
    return redirect(visit_url(finding.visit, "findings"))


@login_required
@require_POST
def finding_problem(request: AuthedRequest, pk: int) -> HttpResponse:
    """Put a finding into the unit's ledger (source 督导发现), then go to the new problem."""
    user = require_data_role(request.user)
    finding = selectors.finding_detail(user, pk)
    form = RaiseProblemForm(request.POST, leaders=leader_choices(finding.organization))
    if form.is_valid():
        with service_errors(form):
            problem = services.finding_raise_problem(actor=user, finding=finding, **form.values())
        if not form.errors:
            messages.success(request, f"已列入问题清单，问题编号{problem.number}。由{problem.organization.name}"
                                      "整改，整改完成后由联络组核验销号。")
            return redirect("problems:problem", problem.pk)
    return _finding_page(request, pk, raise_form=form)


@login_required
@require_POST
def finding_relapse(request: AuthedRequest, pk: int) -> HttpResponse:
    """A closed problem found again: reopen it as a relapse (反弹), linked to the finding."""
    user = require_data_role(request.user)
    finding = selectors.finding_detail(user, pk)
    form = RelapseForm(request.POST, problems=_closed_problems(user, finding))
    if form.is_valid():
        problem = form.cleaned_data.get("problem")
        if problem is None:
            form.add_error("problem", "请选择反弹的问题")
            form.mark_invalid()
        else:
            with service_errors(form):
                problem = services.finding_reopen_problem(actor=user, finding=finding, problem=problem,
                                                          note=form.cleaned_data.get("note") or "")
            if not form.errors:
                messages.success(request, f"已重新打开问题{problem.number}（反弹），请督促整改。")
                return redirect("problems:problem", problem.pk)
    return _finding_page(request, pk, relapse_form=form)
