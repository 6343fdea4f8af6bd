"""Who may do what (pages use these to show or hide buttons; the services enforce them)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.choices import Role
from problems.choices import LIAISON_SOURCES, OWNER_ROLES, RAISER_ROLES, ProblemStatus, Source
from problems.models import Problem
from problems.services._common import _role


def sees_problem(user: Any, problem: Problem) -> bool:
    return Problem.objects.visible_to(user).filter(pk=problem.pk).exists()


def may_raise(user: Any) -> bool:
    return _role(user) in RAISER_ROLES


def sources_for(user: Any) -> list[str]:
    """The sources (问题来源) `user` may give a problem they register: the one rule of the form, the API and the
    ledger import. 督导发现 records what a liaison group found on a visit: liaison members register only that, the
    office (which runs the liaison groups and raises their findings) any source, and a unit any other — a unit
    cannot label its own problem as found by supervision."""
    role = _role(user)
    if role == Role.LIAISON:
        return sorted(LIAISON_SOURCES)
    if role == Role.OFFICE:
        return list(Source.values)
    return [s for s in Source.values if s not in LIAISON_SOURCES]


def source_refusal(user: Any, source: str) -> str | None:
    """Why `user` may not register a problem with `source` (a known one), or None."""
    if not source or source not in Source.values or source in sources_for(user):
        return None
    if _role(user) == Role.LIAISON:
        return "联络组登记的问题来源应为“督导发现”"
    allowed = "、".join(str(Source(s).label) for s in sources_for(user))
    return f"“{Source(source).label}”只能由联络组根据督导发现登记，本单位登记的问题来源应为{allowed}之一"


def may_edit(user: Any) -> bool:
    """The unit (its own subtree) and the office edit a problem's record and steps; liaison groups and leaders
    do not (不越位、不包办)."""
    return _role(user) in OWNER_ROLES


def owner_reason(user: Any, problem: Problem) -> str | None:
    """Why `user` counts as the problem's owner (and so may not verify it), or None. The owner is the unit the
    problem belongs to and the people who registered it for the unit or claimed its closure."""
    if user.organization_id == problem.organization_id:
        return "整改责任单位的人员不能核验本单位的问题"
    if problem.claimed_by_id == user.pk:
        return "申请销号的人不能核验自己申请的问题"
    if problem.created_by_id == user.pk and user.role in OWNER_ROLES:
        return "登记问题的人不能核验自己登记的问题"
    if problem.evidence.filter(uploaded_by_id=user.pk).exists():
        return "上传佐证材料的人不能核验依据自己材料的问题"
    return None


def _editable_errors(user: Any, problem: Problem) -> None:
    """The owner side edits a problem's record, steps and evidence while it is being rectified."""
    if not may_edit(user) or not sees_problem(user, problem):
        raise PermissionDenied("无权修改该问题")
    if problem.status == ProblemStatus.CLOSED:
        raise ValidationError({"status": "问题已销号，记录已锁定，不能修改。确需修改的，由核验人员重新打开后再改。"})
    if problem.status == ProblemStatus.CLAIMED:
        raise ValidationError({"status": "问题已申请销号，核验期间不能修改。如需修改，请核验人员退回后再改。"})
