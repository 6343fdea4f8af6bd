"""Pages of a problem: registration (also from a life meeting's item) and edits of the record; the problem's
page (record, steps, evidence, timeline, closures, extensions, and the lifecycle actions the user may take now) and
the actions themselves.

Thin: a problem comes through `selectors`/`visible_to(request.user)` (outside the jurisdiction, or a role with
no data scope → 404); every write is one call to `problems.services`, whose Chinese errors go back on the form
with what was typed (PermissionDenied → 404). The status changes only through `services.problem_act`; who acts
and when come from the session and the clock, never from the request.
"""

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.actors import Actor
from accounts.guards import require_data_role
from accounts.http import AuthedRequest
from accounts.permissions import Capability, has
from campaigns.selectors import current_campaign
from core.cn import cn_date
from core.forms import service_errors
from orgs.models import Organization
from orgs.selectors import visible_org
from problems import permissions, selectors, services
from problems.choices import ProblemAction, ProblemStatus, Rating, Source
from problems.forms import ActionForm, EvidenceForm, ProblemForm, StepDoneForm, StepForm
from problems.models import Evidence, Problem, TransitionRecord
from problems.views._common import LOCKED, problem_of, problem_url

# What each action's small form says and asks for (beyond the transition table's note and evidence rules).
ACTION_HINTS: dict[str, str] = {
    ProblemAction.START: "开始整改后，问题进入“整改中”。",
    ProblemAction.CLAIM: "整改措施全部完成、佐证材料齐全后申请销号，由联络组或办公室核验（本单位不能自己销号）。",
    ProblemAction.CLOSE: "核对整改情况和佐证材料后销号。销号后记录锁定、佐证材料固定；核验人和时间由系统记录。",
    ProblemAction.RETURN: "整改不到位的，写明理由退回，问题回到“整改中”。",
    ProblemAction.REOPEN: "销号后发现问题反弹的，写明情况重新打开，计为反弹，重新整改。",
    ProblemAction.REQUEST_EXTENSION: "确需延期的，写明理由和申请延至的日期，由联络组或办公室审批。",
    ProblemAction.APPROVE_EXTENSION: ("批准后，到期日改为申请延至的日期，计延期一次；"
                              "未完成的整改措施中已到期或在原到期日及以后到期的，时限一并延至该日期。"),
    ProblemAction.REJECT_EXTENSION: "不批准的，写明理由。",
}
ACTION_BUTTONS: dict[str, str] = {
    ProblemAction.START: "btn-primary", ProblemAction.CLAIM: "btn-primary", ProblemAction.CLOSE: "btn-success",
    ProblemAction.RETURN: "btn-outline-danger", ProblemAction.REOPEN: "btn-outline-danger",
    ProblemAction.REQUEST_EXTENSION: "btn-outline-secondary", ProblemAction.APPROVE_EXTENSION: "btn-outline-success",
    ProblemAction.REJECT_EXTENSION: "btn-outline-danger",
}
NOTE_LABELS: dict[str, str] = {
    ProblemAction.CLOSE: "核验意见", ProblemAction.RETURN: "退回理由", ProblemAction.REOPEN: "反弹情况",
    ProblemAction.REQUEST_EXTENSION: "延期理由", ProblemAction.APPROVE_EXTENSION: "审批意见",
    ProblemAction.REJECT_EXTENSION: "不批准的理由",
    ProblemAction.CLAIM: "整改情况",
}


def _int_or_none(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and 0 < len(text) < 12 else None


def _error_list(form: forms.BaseForm | None) -> list[str]:
    if form is None or not form.is_bound:
        return []
    return [str(e) for errors in form.errors.values() for e in errors]


# ---------------------------------------------------------------------------------------------------------
# Registration and the record


def _item(request: AuthedRequest) -> selectors.MeetingItem | None:
    """The life meeting item a problem is raised from (`?item=`), if the user sees it (else 404)."""
    pk = request.POST.get("item") if request.method == "POST" else request.GET.get("item")
    if not pk:
        return None
    number = _int_or_none(pk)
    item = selectors.meeting_item(request.user, number) if number is not None else None
    if item is None:
        raise Http404
    return item


@login_required
@require_http_methods(["GET", "POST"])
def problem_new(request: AuthedRequest) -> HttpResponse:
    user = require_data_role(request.user)
    if not permissions.can_raise_problem(user):
        raise Http404
    campaign = current_campaign()
    item = _item(request)
    source = request.POST if request.method == "POST" else request.GET
    default = (item.meeting.organization if item is not None else None) or visible_org(
        actor=user, code=source.get("organization", ""), by_name=True)
    if default is None:
        visible = Organization.objects.visible_to(user)
        default = visible.filter(pk=user.organization_id).first() or visible.order_by("depth", "path").first()
    initial: dict[str, Any] = {"organization": default.code if default else ""}
    if item is not None:
        initial.update({"description": item.text, "source": Source.COLLECTIVE, "responsible_cadre": item.cadre,
                        "item": item.pk})
    form = ProblemForm(request.POST if request.method == "POST" else None, user=user, organization=default,
                       creating=True, campaign=campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            problem = services.problem_create(actor=user, organization=form.cleaned_data["organization"],
                                              steps=form.steps(), life_meeting_item=item, **form.record_fields())
        if not form.errors:
            messages.success(request, f"已登记问题{problem.number}。请添加整改措施，开始整改。")
            return redirect("problems:problem", problem.pk)
    if request.htmx and request.method == "GET" and request.htmx.target == "cadre-field":  # type: ignore[attr-defined]
        return render(request, "problems/_cadre_field.html", {"field": form["responsible_cadre"]})
    return render(request, "problems/problem_form.html", {
        "form": form, "creating": True, "item": item, "campaign": campaign, "title": "登记问题",
        "raised_already": list(selectors.raised_from(item)[:3]) if item is not None else []})


@login_required
@require_http_methods(["GET", "POST"])
def problem_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = problem_of(request, pk)
    user = request.user
    if not permissions.can_edit_problem(user):
        raise Http404
    if problem.status in LOCKED:
        messages.error(request, "问题已申请销号或已销号，记录已锁定，不能修改。")
        return redirect("problems:problem", problem.pk)
    initial = {name: getattr(problem, name) for name in ("description", "source", "category", "severity", "fix_now",
                                                          "deadline", "special_campaign", "responsible_cadre",
                                                          "responsible_unit", "cause", "event_ref", "case_ref",
                                                          "petition_ref")}
    initial["version"] = problem.version
    form = ProblemForm(request.POST if request.method == "POST" else None, user=user,
                       organization=problem.organization, creating=False, campaign=problem.campaign,
                       current_special=problem.special_campaign,
                       lock_deadline=problem.status != ProblemStatus.REGISTERED, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {}
        for name, value in form.record_fields().items():
            old = getattr(problem, name)
            if (value.strip() if isinstance(value, str) else value) != old:
                changes[name] = value
        with service_errors(form):
            services.problem_update(actor=user, problem=problem, version=form.cleaned_data.get("version"), **changes)
        if not form.errors:
            messages.success(request, "已保存" if changes else "没有修改")
            return redirect("problems:problem", problem.pk)
    return render(request, "problems/problem_form.html", {
        "form": form, "creating": False, "problem": problem, "title": f"修改问题{problem.number}"})


# ---------------------------------------------------------------------------------------------------------
# A problem's page


def _actions(user: Actor, problem: Problem, act: str | None, act_form: ActionForm | None) -> list[dict[str, Any]]:
    """The lifecycle actions `user` may take now, each with what its small form asks for."""
    unanswered = sum(1 for s in problem.satisfactions.all()
                     if s.rating == Rating.UNSATISFIED and s.answered_at is None)
    rows = []
    for action in services.allowed_actions(user, problem):
        rule = services.rule_for(problem, action)
        if rule is None:
            continue
        rows.append({
            "action": action, "label": services.action_label(action), "hint": ACTION_HINTS.get(action, ""),
            "button": ACTION_BUTTONS.get(action, "btn-outline-primary"),
            "note_label": NOTE_LABELS.get(action, "说明"), "note_required": rule.needs_note,
            "due": ("required" if action == ProblemAction.REQUEST_EXTENSION
                    else "optional" if action == ProblemAction.REOPEN else ""),
            "files": action == ProblemAction.CLAIM, "has_evidence": bool(problem.evidence.all()),
            "override": action == ProblemAction.CLOSE and (unanswered > 0 or (act == action and act_form is not None
                                                                        and "feedback_override" in act_form.errors)),
            "unanswered": unanswered,
            "form": act_form if act == action else None, "open": act == action,
        })
    return rows


def _timeline_extra(record: TransitionRecord) -> list[str]:
    """What a timeline line adds to who, when, what and why: dates moved, the closure's basis."""
    data = record.data or {}
    lines = []
    if data.get("old_due_on") and data.get("new_due_on"):
        if data["old_due_on"] != data["new_due_on"]:  # never show a change that changed nothing
            lines.append(f"到期日由{_cn_iso(data['old_due_on'])}改为{_cn_iso(data['new_due_on'])}")
    elif data.get("new_due_on"):
        verb = "申请延至" if record.action == ProblemAction.REQUEST_EXTENSION else "延至"
        lines.append(f"{verb}{_cn_iso(data['new_due_on'])}")
    if data.get("steps_moved"):
        lines.append(f"{data['steps_moved']}项未完成的整改措施时限同步延至{_cn_iso(data['new_due_on'])}")
    if record.action == ProblemAction.CLOSE:
        if "on_time" in data:
            lines.append("按期销号" if data["on_time"] else "逾期销号")
        if data.get("evidence"):
            lines.append(f"核验依据：佐证材料{len(data['evidence'])}份")
    return lines


def _cn_iso(text: str) -> str:
    try:
        return cn_date(dt.date.fromisoformat(str(text)))
    except ValueError:
        return str(text)


def render_problem_page(request: AuthedRequest, pk: int, *, act: str | None = None,
                        act_form: ActionForm | None = None, step_form: StepForm | None = None,
                        done: tuple[int, StepDoneForm] | None = None,
                        evidence_form: EvidenceForm | None = None) -> HttpResponse:
    """The problem's page; a form the user sent that was refused (an action's, a new step's, a step marked done,
    a piece of evidence) is shown open with its errors and what was typed."""
    user = request.user
    problem = selectors.problem_detail(user, pk)
    if problem is None:
        raise Http404
    can_edit = permissions.can_edit_problem(user)
    editable = can_edit and problem.status not in LOCKED
    steps = list(problem.steps.all())
    evidence = list(problem.evidence.all())
    by_step: dict[int, list[Evidence]] = {}
    for e in evidence:
        if e.step_id:
            by_step.setdefault(e.step_id, []).append(e)
    for s in steps:  # pieces uploaded earlier that this step cites (one piece may prove several steps)
        for e in s.cited_evidence.all():
            if e not in by_step.get(s.pk, []):
                by_step.setdefault(s.pk, []).append(e)
    today = timezone.localdate()
    step_rows = [{"step": s, "evidence": by_step.get(s.pk, []),
                  "overdue": s.done_on is None and s.deadline is not None and s.deadline < today,
                  "done_form": (done[1] if done and done[0] == s.pk
                                else StepDoneForm(prefix=f"done{s.pk}", problem=problem)),
                  "open": bool(done and done[0] == s.pk)} for s in steps]
    # Whether the files are still there as uploaded: shown to whoever verifies a claimed problem. The page checks
    # presence and size only (cheap); closing re-hashes every file and refuses on a mismatch.
    verifying = problem.status == ProblemStatus.CLAIMED and permissions.can_verify_problem(user, problem)
    if verifying:
        for e in evidence:
            e.intact = services.evidence_present(e)  # type: ignore[attr-defined]
    pending = next((x for x in problem.extensions.all() if x.status == "pending"), None)
    return render(request, "problems/problem.html", {
        "problem": problem, "can_edit": can_edit, "feedback_url": services.feedback_link(problem),
        "feedback_refusal": services.feedback_link_refusal(),
        "editable": editable, "steps": step_rows, "evidence": evidence,
        "verifying": verifying,
        # Checksums are for those who verify (the liaison groups and the office), not the unit's contact.
        "shows_hashes": has(user, Capability.SEE_CHECKSUMS),
        "timeline": [{"record": t, "extra": _timeline_extra(t)} for t in problem.timeline.all()],
        "closures": list(problem.closures.all()), "extensions": list(problem.extensions.all()),
        "pending_extension": pending, "actions": _actions(user, problem, act, act_form), "act": act,
        "act_errors": _error_list(act_form), "act_label": services.action_label(act) if act else "",
        "step_form": step_form or StepForm(prefix="step", initial={"version": problem.version}),
        "evidence_form": evidence_form or EvidenceForm(prefix="ev", problem=problem),
        "today": today, "overdue": problem.status != ProblemStatus.CLOSED and problem.due_on < today,
        "max_mb": services.evidence_max_mb(),
        "step_errors": _error_list(step_form), "evidence_errors": _error_list(evidence_form),
        "done_errors": _error_list(done[1]) if done else []})


@login_required
@require_GET
def problem_page(request: AuthedRequest, pk: int) -> HttpResponse:
    require_data_role(request.user)
    return render_problem_page(request, pk)


@login_required
@require_POST
def problem_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    """Take a lifecycle action. Only the note, a new due date, the closer's reason and evidence files are read
    from the request; who acts and when come from the session and the clock."""
    if action not in ProblemAction.values or action == ProblemAction.REGISTER:
        raise Http404
    problem = problem_of(request, pk)
    form = ActionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with service_errors(form):
            services.problem_act(actor=request.user, problem=problem, action=action, note=data.get("note") or "",
                                 version=data.get("version"), new_due_on=data.get("new_due_on"),
                                 feedback_override=data.get("feedback_override") or "",
                                 files=request.FILES.getlist("files"))
        if not form.errors:
            messages.success(request, f"已{services.action_label(action)}")
            return redirect(problem_url(problem))
    return render_problem_page(request, pk, act=action, act_form=form)
