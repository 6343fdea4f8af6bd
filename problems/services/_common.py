"""What the ledger's services share: limits, the history record, the row lock and the
version check, the rule of a deadline, what a step and a piece of evidence must be (and how evidence is stored),
the pending extension and its withdrawal, the masses' unanswered complaints, and the base of the lifecycle's
action handlers.
"""

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from accounts.actors import Actor, user_or_none
from campaigns.models import Campaign
from core import audit
from core.cn import cn_date
from core.files import file_sha256, upload_error
from core.validation import clean_text
from core.validation import text_error as _text_error
from problems.choices import ExtensionStatus, Rating
from problems.models import Evidence, Extension, Problem, RectificationStep, TransitionRecord

EVIDENCE_SUFFIXES = frozenset({".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png"})
TEXT_MAX = 2000
NOTE_MAX = 1000


def _future_date_error(value: Any, label: str, *, campaign: Campaign | None = None,
                       required: bool = False) -> str | None:
    """A deadline is today or later (no back-dating) and, when the campaign has an end, not after it."""
    if value is None:
        return f"请填写{label}" if required else None
    if not isinstance(value, dt.date):
        return f"{label}格式不正确"
    if value < timezone.localdate():
        return f"{label}不能早于今天（{cn_date(timezone.localdate())}）"
    if campaign is not None and campaign.ends_on is not None and value > campaign.ends_on:
        return f"{label}不能晚于主题教育结束日期（{cn_date(campaign.ends_on)}）"
    return None


def _record(problem: Problem, action: str, actor: Actor, *, from_status: str = "", to_status: str = "",
            note: str = "", data: dict[str, Any] | None = None) -> TransitionRecord:
    return TransitionRecord.objects.create(
        problem=problem, action=action, from_status=from_status, to_status=to_status,
        actor=user_or_none(actor),
        actor_name=(str(actor) if getattr(actor, "is_authenticated", False) else audit.current_actor().name)[:150],
        at=timezone.now(), note=note, data=data or {},
    )


def _locked(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().select_related("organization").get(pk=problem.pk)


def _check_version(problem: Problem, version: int | None) -> None:
    if version is not None and int(version) != problem.version:
        raise ValidationError({"version": "该问题已被他人修改，您看到的不是最新内容。请刷新页面，核对后重新提交。"})


def _bump(problem: Problem) -> None:
    problem.version += 1


def _step_errors(step: dict[str, Any], campaign: Campaign | None) -> str | None:
    return (_text_error(step.get("measure"), "整改措施", TEXT_MAX)
            or _text_error(step.get("owner"), "责任人", 100, required=False)
            or _future_date_error(step.get("deadline"), "完成时限", campaign=campaign))


def _evidence_file_error(upload: UploadedFile | None) -> str | None:
    return upload_error(upload, label="佐证材料", suffixes=EVIDENCE_SUFFIXES,
                        kinds="PDF、Word（.doc、.docx）、Excel（.xls、.xlsx）或JPG、PNG图片")


def _duplicate_error(problem: Problem, uploads: Sequence[UploadedFile]) -> str | None:
    """One file is one piece of evidence: a file identical (same SHA-256) to one the problem already holds, or
    to another file of the same upload, is refused, naming the piece it repeats. A piece already uploaded serves
    any number of steps (`step_done` cites it) and counts for the claim and the closure."""
    held = {sha: name for sha, name in problem.evidence.values_list("sha256", "filename")}
    for upload in uploads:
        if upload is None:
            continue
        sha, name = file_sha256(upload), Path(upload.name or "file").name[:200]
        if sha in held:
            return (f"“{name}”与已上传的“{held[sha]}”是同一个文件，不重复保存。"
                    "同一份材料可以证明多项整改措施：标记措施完成时勾选它即可")
        held[sha] = name
    return None


def _evidence_store(problem: Problem, upload: UploadedFile, *, actor: Actor, note: str = "",
                    step: RectificationStep | None = None) -> Evidence:
    sha = file_sha256(upload)
    name = Path(upload.name or "file").name[:200]
    return Evidence.objects.create(
        problem=problem, step=step, file=upload, filename=name, size=upload.size or 0, sha256=sha,
        note=clean_text(note)[:200], uploaded_by=user_or_none(actor),
    )


def _pending_extension(problem: Problem) -> Extension | None:
    return problem.extensions.filter(status=ExtensionStatus.PENDING).first()


def _unanswered_unsatisfied(problem: Problem) -> int:
    return problem.satisfactions.filter(rating=Rating.UNSATISFIED, answered_at__isnull=True).count()


class _Handler:
    """What an action checks and does beyond the table's rules."""

    def check(self, problem: Problem, actor: Actor, errors: dict[str, str], **kw: Any) -> None:
        return None

    def apply(self, problem: Problem, actor: Actor, **kw: Any) -> dict[str, Any] | None:
        return None


def _withdraw_extension(problem: Problem, why: str) -> None:
    """A pending extension request lapses when the problem leaves rectification (claimed, closed, reopened)."""
    pending = _pending_extension(problem)
    if pending is not None:
        pending.status = ExtensionStatus.REJECTED
        pending.decided_at, pending.decision_note = timezone.now(), why
        pending.save()
