"""Evidence (佐证材料): uploaded, removed, and checked against the hash recorded at upload."""

import hmac

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.actors import Actor
from core.files import file_sha256, upload_max_mb
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from problems.models import Evidence, Problem, RectificationStep
from problems.permissions import ensure_problem_editable
from problems.services._common import (
    _bump,
    _check_version,
    _duplicate_error,
    _evidence_file_error,
    _evidence_store,
    _locked,
)


def evidence_max_mb() -> int:
    return upload_max_mb()


@transaction.atomic
def evidence_add(*, actor: Actor, problem: Problem, file: UploadedFile, note: str = "",
                 step: RectificationStep | None = None, version: int | None = None) -> Evidence:
    problem = _locked(problem)
    ensure_problem_editable(actor, problem)
    _check_version(problem, version)
    errors: dict[str, str] = {}
    _put(errors, "file", _evidence_file_error(file))
    _put(errors, "note", _text_error(note, "说明", 200, required=False))
    if step is not None and step.problem_id != problem.pk:
        errors["step"] = "整改措施不属于该问题"
    if "file" not in errors:
        _put(errors, "file", _duplicate_error(problem, [file]))
    _raise(errors)
    evidence = _evidence_store(problem, file, actor=actor, note=note, step=step)
    _bump(problem)
    problem.save()
    return evidence


@transaction.atomic
def evidence_remove(*, actor: Actor, evidence: Evidence, version: int | None = None) -> None:
    problem = _locked(evidence.problem)
    ensure_problem_editable(actor, problem)
    _check_version(problem, version)
    evidence = Evidence.objects.get(pk=evidence.pk, problem=problem)
    if evidence.frozen:
        raise ValidationError({"evidence": "该材料是已销号问题的核验依据，已固定，不能删除"})
    evidence.file.delete(save=False)
    evidence.delete()
    _bump(problem)
    problem.save()


def evidence_present(evidence: Evidence) -> bool:
    """Whether the stored file is there with the size recorded at upload (a cheap check for pages; closing
    compares the SHA-256, `evidence_intact`)."""
    try:
        name = evidence.file.name
        return bool(name) and evidence.file.storage.size(name or "") == evidence.size
    except (FileNotFoundError, OSError, ValueError):
        return False


def evidence_intact(evidence: Evidence) -> bool:
    """Whether the stored file still has the hash recorded when it was uploaded."""
    try:
        with evidence.file.open("rb") as fh:
            return hmac.compare_digest(file_sha256(fh), evidence.sha256)
    except (FileNotFoundError, OSError, ValueError):
        return False
