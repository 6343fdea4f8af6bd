"""What the pages of the problem ledger share: the problem a page works on, its address, the version a form
sends, and the states in which the record is locked."""

from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.guards import require_data_role
from accounts.http import AuthedRequest
from problems.choices import ProblemStatus
from problems.models import Problem

# Claimed or closed: the record and its steps no longer change (only the lifecycle actions move it on).
LOCKED = {ProblemStatus.CLAIMED, ProblemStatus.CLOSED}


def problem_of(request: AuthedRequest, pk: int) -> Problem:
    """A problem the user sees (a role with no data scope, or outside the jurisdiction → 404)."""
    require_data_role(request.user)
    return get_object_or_404(Problem.objects.visible_to(request.user).select_related("organization", "campaign"),
                             pk=pk)


def problem_url(problem: Problem, anchor: str = "") -> str:
    return reverse("problems:problem", args=[problem.pk]) + (f"#{anchor}" if anchor else "")


def version_of(data: QueryDict) -> int | None:
    """The record's version a form sends (optimistic locking), if it is a number."""
    text = (data.get("version") or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None
