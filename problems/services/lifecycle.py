"""The lifecycle: `problem_act` is the only function that changes `Problem.status`, driven by the transition
table `problems.choices.TRANSITIONS`; what each action checks and does beyond the table is in its handler.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.actors import Actor, user_or_none
from accounts.models import User
from core.validation import clean_text
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from problems.choices import ProblemAction, ProblemStatus, Transition, transitions_for
from problems.models import Closure, Problem
from problems.permissions import can_take_transition, can_view_problem, owner_refusal
from problems.services._common import (
    NOTE_MAX,
    _bump,
    _check_version,
    _duplicate_error,
    _evidence_file_error,
    _evidence_store,
    _future_date_error,
    _Handler,
    _locked,
    _pending_extension,
    _record,
    _unanswered_unsatisfied,
    _withdraw_extension,
)
from problems.services.evidence import evidence_intact
from problems.services.extensions import _DecideExtension, _RequestExtension
from problems.services.registration import due_date

# What an action whose note the table requires says when it is missing (else "请写明…的理由").
NOTE_REQUIRED: dict[str, str] = {
    ProblemAction.CLOSE: "请填写核验意见：核对了哪些整改情况和佐证材料，整改是否到位",
}


def allowed_actions(actor: Actor, problem: Problem) -> list[str]:
    """The actions `actor` may take on `problem` now (for buttons; `problem_act` checks again)."""
    actions: list[str] = []
    if not can_view_problem(actor, problem):
        return actions
    for action in ProblemAction.values:
        if action == ProblemAction.REGISTER:
            continue
        rule = rule_for(problem, action)
        if rule is None or not can_take_transition(actor, rule):
            continue
        if rule.verifier and owner_refusal(actor, problem):
            continue
        if (action in (ProblemAction.APPROVE_EXTENSION, ProblemAction.REJECT_EXTENSION)
                and not _pending_extension(problem)):
            continue
        if action == ProblemAction.REQUEST_EXTENSION and _pending_extension(problem):
            continue
        actions.append(action)
    return actions


def rule_for(problem: Problem, action: str) -> Transition | None:
    """The row of the transition table that `action` would follow from the problem's state, or None."""
    for rule in transitions_for(action):
        if problem.status in rule.sources and (not rule.fix_now_only or problem.fix_now):
            return rule
    return None


def action_label(action: str) -> str:
    return str(dict(ProblemAction.choices).get(action, action))


@transaction.atomic
def problem_act(*, actor: Actor, problem: Problem, action: str, note: str = "", version: int | None = None,
                new_due_on: dt.date | None = None, feedback_override: str = "",
                files: Iterable[UploadedFile] = ()) -> Problem:
    """Take `action` on `problem` as `actor`: the one function that changes a problem's status. Who and when
    come from `actor` and the clock, never from the caller. `files` are evidence uploaded with the action (a
    claim usually brings its evidence)."""
    if action not in ProblemAction.values or action == ProblemAction.REGISTER:
        raise ValidationError({"action": "未知的操作"})
    if not can_view_problem(actor, problem):
        raise PermissionDenied("无权处理该问题")
    problem = _locked(problem)
    _check_version(problem, version)
    label = action_label(action)
    rule = rule_for(problem, action)
    if rule is None:
        refusal = f"问题当前为“{problem.get_status_display()}”，不能{label}"
        if action == ProblemAction.CLAIM and problem.status == ProblemStatus.REGISTERED:
            refusal += "：请先开始整改（立查立改的问题可直接申请销号）"
        raise ValidationError({"action": refusal})
    if not can_take_transition(actor, rule):
        who = actor.get_role_display() if isinstance(actor, User) else str(actor)
        raise ValidationError({"action": f"{who}不能{label}"})
    if rule.verifier:
        reason = owner_refusal(actor, problem)
        if reason:
            raise ValidationError({"action": reason})
    note = clean_text(note)
    files = list(files)
    errors: dict[str, str] = {}
    if rule.needs_note and not note:
        errors["note"] = NOTE_REQUIRED.get(action, f"请写明{label}的理由")
    _put(errors, "note", _text_error(note, "说明", NOTE_MAX, required=False))
    for upload in files:
        _put(errors, "files", _evidence_file_error(upload))
    if files and action != ProblemAction.CLAIM:
        errors.setdefault("files", "佐证材料只能由整改单位在整改中上传或随申请销号提交")
    if files and "files" not in errors:
        _put(errors, "files", _duplicate_error(problem, files))
    if rule.needs_evidence and not files and not problem.evidence.exists():
        errors.setdefault("files", "请上传整改佐证材料")
    handler = _HANDLERS.get(action)
    if handler is not None:
        handler.check(problem, actor, errors, note=note, new_due_on=new_due_on, feedback_override=feedback_override)
    _raise(errors)

    for upload in files:
        _evidence_store(problem, upload, actor=actor)
    from_status = problem.status
    data: dict[str, Any] = {}
    if handler is not None:
        data = handler.apply(problem, actor, note=note, new_due_on=new_due_on,
                             feedback_override=clean_text(feedback_override)) or {}
    if rule.target is not None:
        problem.status = rule.target
    _bump(problem)
    problem.save()
    _record(problem, action, actor, from_status=from_status, to_status=problem.status, note=note, data=data)
    return problem


class _Claim(_Handler):
    def check(self, problem: Problem, actor: Actor, errors: dict[str, str], **kw: Any) -> None:
        open_steps = problem.step_count - problem.steps_done
        if open_steps > 0:
            errors.setdefault("action", f"尚有{open_steps}项整改措施未完成，不能申请销号")

    def apply(self, problem: Problem, actor: Actor, **kw: Any) -> dict[str, Any]:
        problem.claimed_at = timezone.now()
        problem.claimed_by = user_or_none(actor)
        _withdraw_extension(problem, "已申请销号，延期申请自动撤回")
        return {}


class _Close(_Handler):
    def check(self, problem: Problem, actor: Actor, errors: dict[str, str], **kw: Any) -> None:
        unanswered = _unanswered_unsatisfied(problem)
        override = clean_text(kw.get("feedback_override"))
        if unanswered and not override:
            errors.setdefault("feedback_override", f"群众有{unanswered}条“不满意”评价尚未答复：请先答复，"
                                                   "或写明仍予销号的理由")
        _put(errors, "feedback_override", _text_error(override, "理由", NOTE_MAX, required=False))
        for evidence in problem.evidence.all():
            if not evidence_intact(evidence):
                errors.setdefault("files", f"佐证材料“{evidence.filename}”与上传时的校验值不符（文件已被改动或丢失），"
                                           "不能据此销号")

    def apply(self, problem: Problem, actor: Actor, **kw: Any) -> dict[str, Any]:
        now = timezone.now()
        # On time is the unit's doing: it claimed by the due date (a slow verification does not make it late).
        claimed_on = timezone.localdate(problem.claimed_at) if problem.claimed_at else timezone.localdate()
        on_time = claimed_on <= problem.due_on
        manifest = [{"id": e.pk, "filename": e.filename, "sha256": e.sha256, "size": e.size}
                    for e in problem.evidence.order_by("id")]
        problem.evidence.update(frozen=True)
        problem.closed_at, problem.closed_by, problem.closed_on_time = now, user_or_none(actor), on_time
        Closure.objects.create(problem=problem, closed_by=user_or_none(actor), closed_by_name=str(actor)[:150],
                               closed_at=now, note=kw.get("note", ""),
                               feedback_override=kw.get("feedback_override", ""), evidence=manifest, on_time=on_time)
        return {"evidence": [e["sha256"] for e in manifest], "on_time": on_time}


class _Reopen(_Handler):
    def check(self, problem: Problem, actor: Actor, errors: dict[str, str], **kw: Any) -> None:
        _put(errors, "new_due_on", _future_date_error(kw.get("new_due_on"), "新的完成时限"))

    def apply(self, problem: Problem, actor: Actor, **kw: Any) -> dict[str, Any]:
        _withdraw_extension(problem, "问题重新打开，原延期申请失效")
        problem.relapsed = True
        problem.relapse_count += 1
        problem.closed_at = problem.closed_by = problem.closed_on_time = None
        problem.claimed_at = problem.claimed_by = None
        today = timezone.localdate()
        new_due = kw.get("new_due_on") or max(problem.due_on, due_date(
            registered_on=today, deadline=None, severity=problem.severity, fix_now=problem.fix_now,
            campaign=problem.campaign))
        old_due, problem.due_on = problem.due_on, new_due
        if new_due == old_due:  # a change that changed nothing is not recorded
            return {}
        return {"old_due_on": old_due.isoformat(), "new_due_on": new_due.isoformat()}


class _Return(_Handler):
    def apply(self, problem: Problem, actor: Actor, **kw: Any) -> dict[str, Any]:
        problem.claimed_at = problem.claimed_by = None
        return {}


_HANDLERS: dict[str, _Handler] = {
    ProblemAction.CLAIM: _Claim(),
    ProblemAction.CLOSE: _Close(),
    ProblemAction.RETURN: _Return(),
    ProblemAction.REOPEN: _Reopen(),
    ProblemAction.REQUEST_EXTENSION: _RequestExtension(),
    ProblemAction.APPROVE_EXTENSION: _DecideExtension(approve=True),
    ProblemAction.REJECT_EXTENSION: _DecideExtension(approve=False),
}
