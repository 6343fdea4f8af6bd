"""Pages of the liaison group's work: the workspace and calendar, visits (plan, log, record, cancel, attachments),
visit methods, a unit's four basic requirements.

Thin: everything shown comes through `visible_to(user)` and `supervision.selectors` (outside the user's scope →
404; a unit sees the visits held at it, never the groups' plans); every write is one call to
`supervision.services`, whose Chinese errors go back on the form with what was typed (PermissionDenied → 404). A
page that writes answers 404 to whoever may not write there (`permissions.can_change_visit`): liaison groups guide,
they never edit a unit's own records.
"""

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.guards import require_data_role
from accounts.http import AuthedRequest
from campaigns.models import LiaisonGroup
from campaigns.selectors import current_campaign
from core.forms import refusals, service_errors
from core.paging import paginate
from orgs.selectors import visible_org
from supervision import permissions, selectors, services
from supervision.choices import Requirement, VisitStatus
from supervision.forms import (
    AttachmentForm,
    CancelForm,
    MethodForm,
    VisitFilterForm,
    VisitForm,
    VisitRecordForm,
    parse_month,
)
from supervision.models import Action, FeedbackLetter, Finding, Visit, VisitAttachment, VisitMethod
from supervision.views._common import guiding_visit, int_or_none, visit_url

RECENT = 10  # visits shown on the workspace, upcoming and latest
UNIT_RECENT = 20  # each list of a unit's own view
LONG_AGO = 30  # days since the last visit shown in red
WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


# ---------------------------------------------------------------------------------------------------------
# Helpers


def _pick_group(data: QueryDict, groups: list[LiaisonGroup]) -> LiaisonGroup | None:
    """The group `?group=` names among `groups` (one it doesn't see → 404), else the first."""
    text = (data.get("group") or "").strip()
    if text:
        group = next((g for g in groups if g.pk == int_or_none(text)), None)
        if group is None:
            raise Http404
        return group
    return groups[0] if groups else None


def _methods() -> QuerySet[VisitMethod]:
    """Every visit method, the inactive ones too (old visits keep theirs; a vocabulary, not scoped data)."""
    return VisitMethod.objects.order_by("order", "id")


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
    if permissions.can_answer_for_unit(user):
        return render(request, "supervision/workspace_unit.html", {
            "campaign": campaign, "today": today,
            "visits": list(Visit.objects.visible_to(user).with_related().order_by("-visited_on", "-id")[:UNIT_RECENT]),
            "findings": list(Finding.objects.visible_to(user).with_related().order_by("-id")[:UNIT_RECENT]),
            "actions": list(Action.objects.visible_to(user).with_related()
                            .order_by("-decided_on", "-id")[:UNIT_RECENT]),
            "letters": list(FeedbackLetter.objects.visible_to(user).with_related()
                            .order_by("-issued_on", "-id")[:UNIT_RECENT]),
        })
    groups = list(selectors.groups_for(user))
    group = _pick_group(request.GET, groups)
    context: dict[str, Any] = {"campaign": campaign, "groups": groups, "group": group, "today": today,
                               "long_ago": LONG_AGO, "joins_groups": permissions.can_join_liaison_group(user)}
    if group is not None:
        visits = Visit.objects.visible_to(user).with_related().filter(group=group, campaign=group.campaign)
        planned = visits.filter(status=VisitStatus.PLANNED)
        planned_total = planned.count()
        context.update({
            "rows": selectors.unit_rows(group, actor=user, today=today),
            "planned": list(planned.order_by("planned_on", "id")[:RECENT]),
            "planned_total": planned_total,
            "planned_more": max(planned_total - RECENT, 0),
            "recent": list(visits.filter(status=VisitStatus.DONE).order_by("-visited_on", "-id")[:RECENT]),
            "may_guide": permissions.can_guide_group(user, group),
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
    visits = Visit.objects.visible_to(user).with_related()
    groups: list[LiaisonGroup] = []
    group = None
    if not permissions.can_answer_for_unit(user):
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
        "may_guide": group is not None and permissions.can_guide_group(user, group)})


# ---------------------------------------------------------------------------------------------------------
# Visits


@login_required
@require_GET
def visit_list(request: AuthedRequest) -> HttpResponse:
    user = require_data_role(request.user)
    groups = [] if permissions.can_answer_for_unit(user) else list(selectors.groups_for(user))
    form = VisitFilterForm(request.GET, groups=groups, methods=list(_methods()), user=user)
    page = paginate(request, form.apply(Visit.objects.visible_to(user).with_related(), user)
                    .order_by("-planned_on", "-id"))
    return render(request, "supervision/visit_list.html", {
        "form": form, "page": page, "today": timezone.localdate(),
        "may_plan": any(permissions.can_guide_group(user, g) for g in groups)})


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: AuthedRequest) -> HttpResponse:
    """Plan a visit (`mode=plan`), or log one already held (`mode=log`), for a group the user works for
    (`?group=`) at one of its units (`?org=<code>`)."""
    user = require_data_role(request.user)
    data = request.POST if request.method == "POST" else request.GET
    groups = [g for g in selectors.groups_for(user) if permissions.can_guide_group(user, g)]
    group = _pick_group(data, groups)
    if group is None:
        raise Http404
    mode = "log" if data.get("mode") == "log" else "plan"
    units = selectors.group_units(group)
    default = (visible_org(actor=user, code=request.GET.get("org"), by_name=True)
               or (units[0] if len(units) == 1 else None))
    today = timezone.localdate()
    initial: dict[str, Any] = {"group": group.pk, "mode": mode, "organization": default.code if default else "",
                               "participants": [user.pk] if permissions.is_group_member(user, group) else [],
                               "visited_on": today}
    form = VisitForm(request.POST if request.method == "POST" else None, group=group, mode=mode, user=user,
                     units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["organization"]
        with service_errors(form):
            if mode == "log":
                visit = services.visit_log(actor=user, group=group, organization=org, **form.values())
            else:
                visit = services.visit_plan(actor=user, group=group, organization=org, **form.values())
        if not form.errors:
            if mode == "log":
                messages.success(request, "已记录指导活动。发现问题的，请登记发现的问题。")
            else:
                messages.success(request, f"已计划指导活动：{visit.planned_on:%Y-%m-%d}{visit.organization.name}。"
                                          "开展后请记录开展情况。")
            return redirect(visit_url(visit))
    return render(request, "supervision/visit_form.html", {
        "form": form, "group": group, "groups": groups, "mode": mode, "creating": True, "default": default,
        "title": "记录指导活动" if mode == "log" else "计划指导活动"})


def _visit_page(request: AuthedRequest, pk: int, *, cancel_form: CancelForm | None = None,
                attachment_form: AttachmentForm | None = None) -> HttpResponse:
    user = require_data_role(request.user)
    visit = selectors.visit_detail(user, pk)
    may_guide = permissions.can_guide_group(user, visit.group)
    observed = {o.requirement: o for o in visit.observations.all()}
    return render(request, "supervision/visit.html", {
        "visit": visit, "may_guide": may_guide, "today": timezone.localdate(),
        "observations": [(label, observed.get(value)) for value, label in Requirement.choices],
        "participants": list(visit.participants.all()), "attachments": list(visit.attachments.all()),
        "findings": list(Finding.objects.visible_to(user).with_related().filter(visit=visit).order_by("id")),
        "cancel_form": cancel_form or CancelForm(), "cancel_open": cancel_form is not None,
        "attachment_form": attachment_form or AttachmentForm(),
        "may_act": may_guide and permissions.can_record_supervision(user)})


@login_required
@require_GET
def visit_page(request: AuthedRequest, pk: int) -> HttpResponse:
    return _visit_page(request, pk)


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change a planned visit's plan."""
    visit = guiding_visit(request, pk)
    if visit.status != VisitStatus.PLANNED:
        messages.error(request, f"该活动{visit.get_status_display()}，不能再修改计划。")
        return redirect(visit_url(visit))
    form = VisitForm(request.POST if request.method == "POST" else None, group=visit.group, creating=False,
                     current_method=visit.method, initial={
                         "method": visit.method_id, "subject": visit.subject, "planned_on": visit.planned_on,
                         "participants": [p.pk for p in visit.participants.all()], "others": visit.others})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.visit_update(actor=request.user, visit=visit, **form.values())
        if not form.errors:
            messages.success(request, "已保存活动计划")
            return redirect(visit_url(visit))
    return render(request, "supervision/visit_form.html", {
        "form": form, "visit": visit, "group": visit.group, "mode": "plan", "creating": False,
        "title": "修改活动计划"})


@login_required
@require_http_methods(["GET", "POST"])
def visit_record(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark a planned visit done with what the group saw (or correct the record of a done one)."""
    visit = guiding_visit(request, pk)
    if visit.status == VisitStatus.CANCELLED:
        messages.error(request, "该活动已取消，不能记录开展情况。")
        return redirect(visit_url(visit))
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
            services.visit_record(actor=request.user, visit=visit, **form.values())
        if not form.errors:
            messages.success(request, "已记录开展情况。发现问题的，请登记发现的问题。"
                             if visit.status == VisitStatus.PLANNED else "已保存开展情况")
            return redirect(visit_url(visit))
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
            services.visit_cancel(actor=user, visit=visit, reason=form.cleaned_data.get("cancel_reason") or "")
        if not form.errors:
            messages.success(request, "已取消该指导活动")
            return redirect(visit_url(visit))
    return _visit_page(request, pk, cancel_form=form)


@login_required
@require_POST
def attachment_new(request: AuthedRequest, pk: int) -> HttpResponse:
    user = require_data_role(request.user)
    visit = selectors.visit_detail(user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        with service_errors(form):
            attachment = services.attachment_add(actor=user, visit=visit,
                                                 file=form.cleaned_data.get("file"))  # type: ignore[arg-type]
        if not form.errors:
            messages.success(request, f"已上传附件“{attachment.filename}”")
            return redirect(visit_url(visit, "attachments"))
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
    with refusals(request, prefix="未能删除：") as refused:
        services.attachment_remove(actor=user, attachment=attachment)
    if not refused:
        messages.success(request, f"已删除附件“{attachment.filename}”")
    return redirect(visit_url(visit, "attachments"))


# ---------------------------------------------------------------------------------------------------------
# Visit methods


@login_required
@require_http_methods(["GET", "POST"])
def method_list(request: AuthedRequest) -> HttpResponse:
    """The ways of guiding. The city's office adds them and stops using them (a used one is kept, deactivated);
    everyone else who reads supervision sees the list."""
    user = require_data_role(request.user)
    manages = permissions.can_manage_visit_methods(user)
    form = MethodForm(request.POST if request.method == "POST" and "toggle" not in request.POST else None)
    if request.method == "POST":
        if not manages:
            raise Http404
        if "toggle" in request.POST:
            method = get_object_or_404(_methods(), pk=int_or_none(request.POST.get("toggle")) or 0)
            with refusals(request) as refused:
                services.visit_method_set_active(actor=user, method=method, is_active=request.POST.get("active") == "1")
            if not refused:
                messages.success(request, f"已{'启用' if method.is_active else '停用'}指导方式“{method.name}”")
                return redirect("supervision:methods")
        elif form.is_valid():
            with service_errors(form):
                method = services.visit_method_create(actor=user, name=form.cleaned_data.get("name") or "")
            if not form.errors:
                messages.success(request, f"已新增指导方式“{method.name}”")
                return redirect("supervision:methods")
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
