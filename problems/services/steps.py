"""Rectification steps: added, changed, marked done on evidence, undone, removed."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.actors import Actor
from core.validation import clean_text
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from problems.models import Evidence, Problem, RectificationStep
from problems.permissions import ensure_problem_editable
from problems.services._common import (
    NOTE_MAX,
    _bump,
    _check_version,
    _duplicate_error,
    _evidence_file_error,
    _evidence_store,
    _locked,
    _step_errors,
)


def _step_for_write(actor: Actor, step: RectificationStep, version: int | None) -> tuple[Problem, RectificationStep]:
    """The step's problem locked and checked for an edit by `actor` at `version`, and the step read again under
    the lock."""
    problem = _locked(step.problem)
    ensure_problem_editable(actor, problem)
    _check_version(problem, version)
    return problem, RectificationStep.objects.get(pk=step.pk, problem=problem)


def _steps_changed(problem: Problem) -> None:
    """After a step was added, changed or removed: the problem's counters exact again and a new version."""
    problem.step_count = problem.steps.count()
    problem.steps_done = problem.steps.filter(done_on__isnull=False).count()
    _bump(problem)
    problem.save()


@transaction.atomic
def step_add(*, actor: Actor, problem: Problem, measure: str, owner: str = "", deadline: dt.date | None = None,
             version: int | None = None) -> RectificationStep:
    problem = _locked(problem)
    ensure_problem_editable(actor, problem)
    _check_version(problem, version)
    reason = _step_errors({"measure": measure, "owner": owner, "deadline": deadline}, problem.campaign)
    if reason:
        field = "owner" if "责任人" in reason else "deadline" if "时限" in reason else "measure"
        raise ValidationError({field: reason})
    step = RectificationStep.objects.create(problem=problem, measure=clean_text(measure), owner=clean_text(owner),
                                            deadline=deadline)
    _steps_changed(problem)
    return step


@transaction.atomic
def step_update(*, actor: Actor, step: RectificationStep, measure: str, owner: str = "",
                deadline: dt.date | None = None, version: int | None = None) -> RectificationStep:
    problem, step = _step_for_write(actor, step, version)
    reason = _step_errors({"measure": measure, "owner": owner, "deadline": deadline}, problem.campaign)
    if reason and not (deadline == step.deadline and "早于今天" in reason):  # an old deadline may stay as it is
        field = "owner" if "责任人" in reason else "deadline" if "时限" in reason else "measure"
        raise ValidationError({field: reason})
    step.measure, step.owner, step.deadline = clean_text(measure), clean_text(owner), deadline
    step.save()
    _bump(problem)
    problem.save()
    return step


@transaction.atomic
def step_done(*, actor: Actor, step: RectificationStep, done_note: str = "", files: Iterable[UploadedFile] = (),
              cite: Iterable[Evidence] = (), version: int | None = None) -> RectificationStep:
    """Mark a step done on evidence: files uploaded now, evidence already attached to the step, or evidence the
    problem already holds, cited (`cite`: one piece may prove several steps, and is stored once). What was done
    (`done_note`) may be written; the evidence is what is required. The date is today (from the server), never
    typed."""
    problem, step = _step_for_write(actor, step, version)
    files, cite = list(files), list(cite)
    errors: dict[str, str] = {}
    if step.done_on is not None:
        errors["step"] = "该整改措施已标记为完成"
    _put(errors, "done_note", _text_error(done_note, "完成情况", NOTE_MAX, required=False))
    for upload in files:
        _put(errors, "files", _evidence_file_error(upload))
    if any(e.problem_id != problem.pk for e in cite):
        errors.setdefault("files", "引用的佐证材料不属于该问题")
    if "files" not in errors:
        _put(errors, "files", _duplicate_error(problem, files))
    if not files and not cite and not step.evidence.exists() and not step.cited_evidence.exists():
        _put(errors, "files", "请上传完成该项措施的佐证材料，或引用已上传的材料")
    _raise(errors)
    for upload in files:
        _evidence_store(problem, upload, actor=actor, step=step)
    if cite:
        step.cited_evidence.add(*cite)
    step.done_on = timezone.localdate()
    step.done_note = clean_text(done_note)
    step.save()
    _steps_changed(problem)
    return step


@transaction.atomic
def step_undone(*, actor: Actor, step: RectificationStep, version: int | None = None) -> RectificationStep:
    problem, step = _step_for_write(actor, step, version)
    if step.done_on is None:
        return step
    step.done_on = None
    step.save()
    _steps_changed(problem)
    return step


@transaction.atomic
def step_delete(*, actor: Actor, step: RectificationStep, version: int | None = None) -> None:
    problem, step = _step_for_write(actor, step, version)
    if step.done_on is not None:
        raise ValidationError({"step": "已完成的整改措施不能删除"})
    step.delete()
    _steps_changed(problem)
