"""Extensions (延期): requested, approved or rejected through `problem_act`, withdrawn when the problem leaves
rectification; an approved extension moves the open steps with the due date.
"""

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from accounts.actors import Actor, user_or_none
from core.cn import cn_date
from core.validation import put_error as _put
from problems.choices import ExtensionStatus
from problems.models import Extension, Problem
from problems.services._common import _future_date_error, _Handler, _pending_extension


class _RequestExtension(_Handler):
    def check(self, problem: Problem, actor: Actor, errors: dict[str, str], **kw: Any) -> None:
        new_due = kw.get("new_due_on")
        if _pending_extension(problem):
            errors.setdefault("action", "已有一份延期申请待审批")
        reason = _future_date_error(new_due, "申请延至的日期", campaign=problem.campaign, required=True)
        if not reason and new_due is not None and new_due <= problem.due_on:
            reason = f"申请延至的日期应晚于现在的到期日（{cn_date(problem.due_on)}）"
        _put(errors, "new_due_on", reason)

    def apply(self, problem: Problem, actor: Actor, **kw: Any) -> dict[str, Any]:
        Extension.objects.create(problem=problem, requested_by=user_or_none(actor), requested_at=timezone.now(),
                                 reason=kw["note"], old_due_on=problem.due_on, new_due_on=kw["new_due_on"])
        return {"new_due_on": kw["new_due_on"].isoformat()}


class _DecideExtension(_Handler):
    def __init__(self, approve: bool) -> None:
        self.approve = approve

    def check(self, problem: Problem, actor: Actor, errors: dict[str, str], **kw: Any) -> None:
        pending = _pending_extension(problem)
        if pending is None:
            errors.setdefault("action", "没有待审批的延期申请")
        elif pending.requested_by_id is not None and pending.requested_by_id == actor.pk:
            errors.setdefault("action", "延期申请不能由申请人自己审批")
        elif self.approve and (pending.new_due_on < timezone.localdate() or pending.new_due_on <= problem.due_on):
            errors.setdefault("action", f"申请延至的{cn_date(pending.new_due_on)}已过或不晚于现在的到期日，"
                                        "不能批准；请不批准，由整改单位重新申请")

    def apply(self, problem: Problem, actor: Actor, **kw: Any) -> dict[str, Any]:
        pending = _pending_extension(problem)
        assert pending is not None
        pending.status = ExtensionStatus.APPROVED if self.approve else ExtensionStatus.REJECTED
        pending.decided_by, pending.decided_at = user_or_none(actor), timezone.now()
        pending.decision_note = kw.get("note", "")
        pending.save()
        data: dict[str, Any] = {"extension": pending.pk, "new_due_on": pending.new_due_on.isoformat()}
        if self.approve:
            moved = _steps_follow_extension(problem, old_due=problem.due_on, new_due=pending.new_due_on)
            problem.due_on = problem.deadline = pending.new_due_on
            problem.extension_count += 1
            if moved:
                data["steps_moved"] = moved
        return data


def _steps_follow_extension(problem: Problem, *, old_due: dt.date, new_due: dt.date) -> int:
    """An approved extension moves the deadline of every step not yet done that was due at or after the old due
    date, or has already passed, to the new due date: the extension was asked for the rectification, and a
    step must not show 已逾期 the day its extension is approved. Open steps still ahead of today and before the
    old due date keep their own milestones; a step due after the new date keeps its date. Returns how many
    steps moved."""
    today = timezone.localdate()
    moving = (problem.steps.filter(done_on__isnull=True, deadline__lt=new_due)
              .filter(Q(deadline__gte=old_due) | Q(deadline__lt=today)).order_by("id"))
    moved = 0
    for step in moving:  # one by one: each change is in the audit log
        step.deadline = new_due
        step.save()
        moved += 1
    return moved
