"""Pages of supervision: the liaison group's workspace and calendar, visits (plan, log, record, cancel,
attachments), findings (and the problems they become), visit methods.

Thin: everything shown comes through `supervision.selectors` (outside the user's scope → 404; a unit sees the
visits held at it, never the groups' plans); every write is one call to `supervision.services`, whose Chinese
errors go back on the form with what was typed (PermissionDenied → 404). A page that writes answers 404 to whoever
may not write there (`services.guides`): liaison groups guide, they never edit a unit's own records.
"""

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.choices import Role
from accounts.guards import require_data_role
from campaigns.models import LiaisonGroup
from campaigns.selectors import current_campaign, manages_campaigns
from core.forms import service_errors
from core.http import AuthedRequest
from core.paging import paginate
from orgs.selectors import visible_org
from problems.selectors import leader_choices
from supervision import selectors, services
from supervision.choices import Requirement, VisitStatus
from supervision.forms import (
    AttachmentForm,
    CancelForm,
    FindingFilterForm,
    FindingForm,
    MethodForm,
    RaiseProblemForm,
    RelapseForm,
    VisitFilterForm,
    VisitForm,
    VisitRecordForm,
    parse_month,
)
from supervision.models import Finding, Visit, VisitAttachment, VisitMethod

RECENT = 10  # visits shown on the workspace, upcoming and latest
UNIT_RECENT = 20  # each list of a unit's own view
LONG_AGO = 30  # days since the last visit shown in red
RELAPSE_CHOICES = 100  # closed problems offered to reopen as a relapse
WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


# ---------------------------------------------------------------------------------------------------------
# Helpers


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and 0 < len(text) < 12 else None


def _pick_group(data: QueryDict, groups: list[LiaisonGroup]) -> LiaisonGroup | None:
    """The group `?group=` names among `groups` (one it doesn't see → 404), else the first."""
    text = (data.get("group") or "").strip()
    if text:
        group = next((g for g in groups if g.pk == _int(text)), None)
        if group is None:
            raise Http404
        return group
    return groups[0] if groups else None


def _methods() -> QuerySet[VisitMethod]:
    """Every visit method, the inactive ones too (old visits keep theirs; a vocabulary, not scoped data)."""
    return VisitMethod.objects.order_by("order", "id")


def _visit_url(visit: Visit, anchor: str = "") -> str:
    return reverse("supervision:visit", args=[visit.pk]) + (f"#{anchor}" if anchor else "")


def _guiding_visit(request: AuthedRequest, pk: int) -> Visit:
    """A visit the user sees and whose group they work for (else 404)."""
    user = require_data_role(request.user)
    visit = selectors.visit_detail(user, pk)
    if not services.guides(user, visit.group):
        raise Http404
    return visit


def _guiding_finding(request: AuthedRequest, pk: int) -> Finding:
    user = require_data_role(request.user)
    finding = selectors.finding_detail(user, pk)
    if not services.guides(user, finding.visit.group):
        raise Http404
    return finding


def _month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


# ---------------------------------------------------------------------------------------------------------
# The workspace and the calendar


@login_required
@require_GET
def workspace(request: AuthedRequest) -> HttpResponse:
    """A liaison member's group (or, for the office and leaders, any group they see): its units at a glance, the
    visits ahead and the latest held. A unit sees its own supervision: visits held, findings, decided actions,
    letters issued."""
    user = require_data_role(request.user)
    campaign = current_campaign()
    today = timezone.localdate()
    if user.role == Role.UNIT:
        return render(request, "supervision/workspace_unit.html", {
            "campaign": campaign, "today": today,
            "visits": list(selectors.visits_for(user).order_by("-visited_on", "-id")[:UNIT_RECENT]),
            "findings": list(selectors.findings_for(user).order_by("-id")[:UNIT_RECENT]),
            "actions": list(selectors.actions_for(user).order_by("-decided_on", "-id")[:UNIT_RECENT]),
            "letters": list(selectors.letters_for(user).order_by("-issued_on", "-id")[:UNIT_RECENT]),
        })
    groups = list(selectors.groups_for(user))
    group = _pick_group(request.GET, groups)
    context: dict[str, Any] = {"campaign": campaign, "groups": groups, "group": group, "today": today,
                               "long_ago": LONG_AGO}
    if group is not None:
        visits = selectors.visits_for(user).filter(group=group, campaign=group.campaign)
        planned = visits.filter(status=VisitStatus.PLANNED)
        planned_total = planned.count()
        context.update({
            "rows": selectors.unit_rows(group, user=user, today=today),
            "planned": list(planned.order_by("planned_on", "id")[:RECENT]),
            "planned_total": planned_total,
            "planned_more": max(planned_total - RECENT, 0),
            "recent": list(visits.filter(status=VisitStatus.DONE).order_by("-visited_on", "-id")[:RECENT]),
            "may_guide": services.guides(user, group),
            "members": [m.user for m in group.memberships.select_related("user").order_by("-is_leader", "id")],
        })
    return render(request, "supervision/workspace.html", context)


@login_required
@require_GET
def visit_calendar(request: AuthedRequest) -> HttpResponse:
    """A month of a group's visits, planned and held (`?group=&month=2023-10`); a unit sees the visits held at
    it."""
    user = require_data_role(request.user)
    today = timezone.localdate()
    year, month = parse_month(request.GET.get("month")) or (today.year, today.month)
    visits = selectors.visits_for(user)
    groups: list[LiaisonGroup] = []
    group = None
    if user.role != Role.UNIT:
        groups = list(selectors.groups_for(user))
        group = _pick_group(request.GET, groups)
        visits = visits.filter(group=group) if group is not None else visits.none()
    weeks = selectors.month_calendar(visits, year=year, month=month)
    days = [{"day": d.day, "visits": d.visits, "weekday": WEEKDAYS[d.day.weekday()]}
            for week in weeks for d in week if d.in_month and d.visits]
    prev, after = _shift(year, month, -1), _shift(year, month, 1)
    return render(request, "supervision/calendar.html", {
        "groups": groups, "group": group, "weeks": weeks, "days": days, "today": today,
        "year": year, "month": month, "month_text": _month_text(year, month),
        "prev_month": _month_text(*prev), "next_month": _month_text(*after),
        "this_month": _month_text(today.year, today.month),
        "weekdays": WEEKDAYS,
        "may_guide": group is not None and services.guides(user, group)})


# ---------------------------------------------------------------------------------------------------------
# Visits


@login_required
@require_GET
def visit_list(request: AuthedRequest) -> HttpResponse:
    user = require_data_role(request.user)
    groups = [] if user.role == Role.UNIT else list(selectors.groups_for(user))
    form = VisitFilterForm(request.GET, groups=groups, methods=list(_methods()), user=user)
    page = paginate(request, form.apply(selectors.visits_for(user), user).order_by("-planned_on", "-id"))
    return render(request, "supervision/visit_list.html", {
        "form": form, "page": page, "today": timezone.localdate(),
        "may_plan": any(services.guides(user, g) for g in groups)})


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: AuthedRequest) -> HttpResponse:
    """Plan a visit (`mode=plan`), or log one already held (`mode=log`), for a group the user works for
    (`?group=`) at one of its units (`?org=<code>`)."""
    user = require_data_role(request.user)
    data = request.POST if request.method == "POST" else request.GET
    groups = [g for g in selectors.groups_for(user) if services.guides(user, g)]
    group = _pick_group(data, groups)
    if group is None:
        raise Http404
    mode = "log" if data.get("mode") == "log" else "plan"
    units = services.group_units(group)
    default = (visible_org(actor=user, code=request.GET.get("org"), by_name=True)
               or (units[0] if len(units) == 1 else None))
    today = timezone.localdate()
    initial: dict[str, Any] = {"group": group.pk, "mode": mode, "organization": default.code if default else "",
                               "participants": [user.pk] if services.member_of(user, group) else [],
                               "visited_on": today}
    form = VisitForm(request.POST if request.method == "POST" else None, group=group, mode=mode, user=user,
                     units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["organization"]
        with service_errors(form):
            if mode == "log":
                visit = services.visit_log(user=user, group=group, organization=org, **form.values())
            else:
                visit = services.visit_plan(user=user, group=group, organization=org, **form.values())
        if not form.errors:
            if mode == "log":
                messages.success(request, "已记录指导活动。发现问题的，请登记发现的问题。")
            else:
                messages.success(request, f"已计划指导活动：{visit.planned_on:%Y-%m-%d}{visit.organization.name}。"
                                          "开展后请记录开展情况。")
            return redirect(_visit_url(visit))
    return render(request, "supervision/visit_form.html", {
        "form": form, "group": group, "groups": groups, "mode": mode, "creating": True, "default": default,
        "title": "记录指导活动" if mode == "log" else "计划指导活动"})


def _visit_page(request: AuthedRequest, pk: int, *, cancel_form: CancelForm | None = None,
                attachment_form: AttachmentForm | None = None) -> HttpResponse:
    user = require_data_role(request.user)
    visit = selectors.visit_detail(user, pk)
    may_guide = services.guides(user, visit.group)
    observed = {o.requirement: o for o in visit.observations.all()}
    return render(request, "supervision/visit.html", {
        "visit": visit, "may_guide": may_guide, "today": timezone.localdate(),
        "observations": [(label, observed.get(value)) for value, label in Requirement.choices],
        "participants": list(visit.participants.all()), "attachments": list(visit.attachments.all()),
        "findings": list(selectors.findings_for(user).filter(visit=visit).order_by("id")),
        "cancel_form": cancel_form or CancelForm(), "cancel_open": cancel_form is not None,
        "attachment_form": attachment_form or AttachmentForm(),
        "may_act": may_guide and services.supervises(user)})


@login_required
@require_GET
def visit_page(request: AuthedRequest, pk: int) -> HttpResponse:
    return _visit_page(request, pk)


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change a planned visit's plan."""
    visit = _guiding_visit(request, pk)
    if visit.status != VisitStatus.PLANNED:
        messages.error(request, f"该活动{visit.get_status_display()}，不能再修改计划。")
        return redirect(_visit_url(visit))
    form = VisitForm(request.POST if request.method == "POST" else None, group=visit.group, creating=False,
                     current_method=visit.method, initial={
                         "method": visit.method_id, "subject": visit.subject, "planned_on": visit.planned_on,
                         "participants": [p.pk for p in visit.participants.all()], "others": visit.others})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.visit_update(user=request.user, visit=visit, **form.values())
        if not form.errors:
            messages.success(request, "已保存活动计划")
            return redirect(_visit_url(visit))
    return render(request, "supervision/visit_form.html", {
        "form": form, "visit": visit, "group": visit.group, "mode": "plan", "creating": False,
        "title": "修改活动计划"})


@login_required
@require_http_methods(["GET", "POST"])
def visit_record(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark a planned visit done with what the group saw (or correct the record of a done one)."""
    visit = _guiding_visit(request, pk)
    if visit.status == VisitStatus.CANCELLED:
        messages.error(request, "该活动已取消，不能记录开展情况。")
        return redirect(_visit_url(visit))
    today = timezone.localdate()
    initial: dict[str, Any] = {
        "visited_on": visit.visited_on or min(visit.planned_on, today), "summary": visit.summary,
        "participants": [p.pk for p in visit.participants.all()], "others": visit.others}
    for o in visit.observations.all():
        initial[f"judgement_{o.requirement}"] = o.judgement
        initial[f"note_{o.requirement}"] = o.note
    form = VisitRecordForm(request.POST if request.method == "POST" else None, group=visit.group, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.visit_record(user=request.user, visit=visit, **form.values())
        if not form.errors:
            messages.success(request, "已记录开展情况。发现问题的，请登记发现的问题。"
                             if visit.status == VisitStatus.PLANNED else "已保存开展情况")
            return redirect(_visit_url(visit))
    return render(request, "supervision/visit_record.html", {"form": form, "visit": visit,
                                                             "done": visit.status == VisitStatus.DONE})


@login_required
@require_POST
def visit_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    user = require_data_role(request.user)
    visit = selectors.visit_detail(user, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        with service_errors(form):
            services.visit_cancel(user=user, visit=visit, reason=form.cleaned_data.get("cancel_reason") or "")
        if not form.errors:
            messages.success(request, "已取消该指导活动")
            return redirect(_visit_url(visit))
    return _visit_page(request, pk, cancel_form=form)


@login_required
@require_POST
def attachment_new(request: AuthedRequest, pk: int) -> HttpResponse:
    user = require_data_role(request.user)
    visit = selectors.visit_detail(user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        with service_errors(form):
            attachment = services.attachment_add(user=user, visit=visit,
                                                 file=form.cleaned_data.get("file"))  # type: ignore[arg-type]
        if not form.errors:
            messages.success(request, f"已上传附件“{attachment.filename}”")
            return redirect(_visit_url(visit, "attachments"))
    return _visit_page(request, pk, attachment_form=form)


@login_required
@require_GET
def attachment_download(request: AuthedRequest, pk: int, attachment_pk: int) -> FileResponse:
    """The file, for whoever sees the visit (outside the scope, a planned visit for a unit, a missing file → 404)."""
    user = require_data_role(request.user)
    visit = selectors.visit_detail(user, pk)
    attachment = get_object_or_404(VisitAttachment.objects.visible_to(user), pk=attachment_pk, visit_id=visit.pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(attachment.filename)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=attachment.filename, content_type=content_type)


@login_required
@require_POST
def attachment_remove(request: AuthedRequest, pk: int, attachment_pk: int) -> HttpResponse:
    user = require_data_role(request.user)
    visit = selectors.visit_detail(user, pk)
    attachment = get_object_or_404(VisitAttachment.objects.visible_to(user).select_related("visit"),
                                   pk=attachment_pk, visit_id=visit.pk)
    try:
        services.attachment_remove(user=user, attachment=attachment)
    except ValidationError as exc:
        messages.error(request, "未能删除：" + "；".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(request, f"已删除附件“{attachment.filename}”")
    return redirect(_visit_url(visit, "attachments"))


# ---------------------------------------------------------------------------------------------------------
# Findings


@login_required
@require_http_methods(["GET", "POST"])
def finding_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record what a done visit found, at the visited unit or one below it."""
    visit = _guiding_visit(request, pk)
    user = request.user
    if visit.status != VisitStatus.DONE:
        messages.error(request, "活动开展后才能登记发现的问题，请先记录开展情况。")
        return redirect(_visit_url(visit))
    requirement = request.GET.get("requirement")
    form = FindingForm(request.POST if request.method == "POST" else None, user=user, visit=visit,
                       cadres=selectors.unit_leaders(user, visit.org_path), initial={
                           "organization": visit.organization.code, "needs_fix": True,
                           "requirement": requirement if requirement in Requirement.values else ""})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            finding = services.finding_add(user=user, visit=visit, organization=form.cleaned_data["organization"],
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
    groups = [] if user.role == Role.UNIT else list(selectors.groups_for(user))
    form = FindingFilterForm(request.GET, groups=groups, user=user)
    page = paginate(request, form.apply(selectors.findings_for(user), user).order_by("-id"))
    return render(request, "supervision/finding_list.html", {
        "form": form, "page": page})


def _finding_page(request: AuthedRequest, pk: int, *, raise_form: RaiseProblemForm | None = None,
                  relapse_form: RelapseForm | None = None) -> HttpResponse:
    user = require_data_role(request.user)
    finding = selectors.finding_detail(user, pk)
    may_guide = services.guides(user, finding.visit.group)
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


def _closed_problems(user: Any, finding: Finding) -> Any:
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
            services.finding_update(user=request.user, finding=finding, **form.values())
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
    try:
        services.finding_delete(user=user, finding=finding)
    except ValidationError as exc:
        messages.error(request, "未能删除：" + "；".join(exc.messages))
        return redirect("supervision:finding", finding.pk)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, "已删除发现的问题")
    return redirect(_visit_url(finding.visit, "findings"))


@login_required
@require_POST
def finding_problem(request: AuthedRequest, pk: int) -> HttpResponse:
    """Put a finding into the unit's ledger (source 督导发现), then go to the new problem."""
    user = require_data_role(request.user)
    finding = selectors.finding_detail(user, pk)
    form = RaiseProblemForm(request.POST, leaders=leader_choices(finding.organization))
    if form.is_valid():
        with service_errors(form):
            problem = services.finding_raise_problem(user=user, finding=finding, **form.values())
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
                problem = services.finding_reopen_problem(user=user, finding=finding, problem=problem,
                                                          note=form.cleaned_data.get("note") or "")
            if not form.errors:
                messages.success(request, f"已重新打开问题{problem.number}（反弹），请督促整改。")
                return redirect("problems:problem", problem.pk)
    return _finding_page(request, pk, relapse_form=form)


# ---------------------------------------------------------------------------------------------------------
# Visit methods


@login_required
@require_http_methods(["GET", "POST"])
def method_list(request: AuthedRequest) -> HttpResponse:
    """The ways of guiding. The city's office adds them and stops using them (a used one is kept, deactivated);
    everyone else who reads supervision sees the list."""
    user = require_data_role(request.user)
    manages = manages_campaigns(user)
    form = MethodForm(request.POST if request.method == "POST" and "toggle" not in request.POST else None)
    if request.method == "POST":
        if not manages:
            raise Http404
        try:
            if "toggle" in request.POST:
                method = get_object_or_404(_methods(), pk=_int(request.POST.get("toggle")) or 0)
                services.visit_method_set_active(user=user, method=method, is_active=request.POST.get("active") == "1")
                messages.success(request, f"已{'启用' if method.is_active else '停用'}指导方式“{method.name}”")
                return redirect("supervision:methods")
            if form.is_valid():
                method = services.visit_method_create(user=user, name=form.cleaned_data.get("name") or "")
                messages.success(request, f"已新增指导方式“{method.name}”")
                return redirect("supervision:methods")
        except ValidationError as exc:
            if form.is_bound:
                form.add_service_errors(exc)
            else:
                messages.error(request, "；".join(exc.messages))
        except PermissionDenied as exc:
            raise Http404 from exc
    return render(request, "supervision/methods.html", {"methods": list(_methods()), "manages": manages,
                                                        "form": form})


# ---------------------------------------------------------------------------------------------------------
# A unit's four basic requirements


@login_required
@require_GET
def unit_requirements(request: AuthedRequest, code: str) -> HttpResponse:
    """Per basic requirement of one unit: what the liaison groups judged at each visit (好/较好/一般/较差, with
    what they learned), beside what the unit recorded itself. Read only; a unit outside what the user sees → 404."""
    user = require_data_role(request.user)
    organization = visible_org(actor=user, code=code)
    campaign = current_campaign()
    rows = selectors.unit_requirements(user, organization, campaign) if campaign is not None else []
    group = next((g for g, o in selectors.supervised_units(user, campaign) if o.pk == organization.pk), None)
    return render(request, "supervision/unit_requirements.html", {
        "org": organization, "campaign": campaign, "rows": rows, "group": group})
