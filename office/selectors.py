"""Queries of the communication log that pages and the API share. Every queryset that reaches a user starts from
`Submission.objects.visible_to(user)`: a unit sees what it reported and what was sent to it, a liaison member
what concerns its group's units, the city's office and leaders everything (the office's dealings with the
province and city departments sit at the root of the tree)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.choices import DATA_ROLES
from campaigns.models import Campaign, Team, TeamMembership
from campaigns.selectors import current_campaign
from office.choices import OPEN, Direction, Kind, Origin, Status
from office.models import Submission, SubmissionAttachment

Q_MAX = 100


def reads_submissions(user: Any) -> bool:
    """The data roles read the log (each within what it sees); the three administrators do not."""
    return getattr(user, "is_authenticated", False) and getattr(user, "role", None) in DATA_ROLES


def submissions_for(user: Any) -> QuerySet[Submission]:
    return Submission.objects.visible_to(user).select_related("organization", "team", "assignee")


@dataclass
class SubmissionFilter:
    """What the list and the API filter on. Empty values mean "any"."""

    campaign: Campaign | None = None
    kind: str = ""
    direction: str = ""
    origin: str = ""
    status: str = ""
    overdue: bool = False
    team_id: int | None = None
    mine: bool = False  # assigned to the caller, still open
    q: str = ""

    def clean(self) -> "SubmissionFilter":
        self.kind = self.kind if self.kind in Kind.values else ""
        self.direction = self.direction if self.direction in Direction.values else ""
        self.origin = self.origin if self.origin in Origin.values else ""
        self.status = self.status if self.status in Status.values else ""
        self.q = (self.q or "").strip()[:Q_MAX]
        return self


def overdue_q(today: dt.date) -> Q:
    """Not answered, and the date it had to be answered by has passed."""
    return Q(status__in=OPEN, due_on__lt=today)


def submission_list(user: Any, filters: SubmissionFilter | None = None, *,
                    today: dt.date | None = None) -> QuerySet[Submission]:
    """The items `user` sees in the campaign (the current one), filtered, newest first."""
    filters = (filters or SubmissionFilter()).clean()
    qs = submissions_for(user)
    campaign = filters.campaign or current_campaign()
    qs = qs.filter(campaign=campaign) if campaign is not None else qs.none()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    if filters.origin:
        qs = qs.filter(origin=filters.origin)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(overdue_q(today or timezone.localdate()))
    if filters.team_id is not None:
        qs = qs.filter(team_id=filters.team_id)
    if filters.mine:
        qs = qs.filter(assignee_id=getattr(user, "pk", None), status__in=OPEN)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(body__icontains=filters.q)
                       | Q(counterpart__icontains=filters.q) | Q(number__icontains=filters.q)
                       | Q(organization__name__icontains=filters.q))
    return qs.order_by("-id")


def submission_counts(user: Any, *, today: dt.date | None = None) -> dict[str, int]:
    """How many items of the current campaign the user sees, by status, overdue and assigned to them."""
    today = today or timezone.localdate()
    campaign = current_campaign()
    qs = Submission.objects.visible_to(user)
    qs = qs.filter(campaign=campaign) if campaign is not None else qs.none()
    aggregates: dict[str, Any] = {"total": Count("pk"), "overdue": Count("pk", filter=overdue_q(today)),
                                  "mine": Count("pk", filter=Q(assignee_id=getattr(user, "pk", None),
                                                               status__in=OPEN))}
    for value in Status.values:
        aggregates[value] = Count("pk", filter=Q(status=value))
    return {key: int(value or 0) for key, value in qs.aggregate(**aggregates).items()}


def submission_detail(user: Any, pk: int) -> Submission:
    """One item the user sees (else 404), with its attachments, replies and the item it answers."""
    qs = submissions_for(user).select_related("parent", "campaign", "created_by", "answered_by", "closed_by",
                                              "assigned_by")
    return get_object_or_404(qs.prefetch_related("attachments"), pk=pk)


def replies_of(user: Any, submission: Submission) -> QuerySet[Submission]:
    """The items that answer `submission`, those the user sees."""
    return submissions_for(user).filter(parent=submission).order_by("id")


def attachment_for(user: Any, pk: int, attachment_pk: int) -> SubmissionAttachment:
    return get_object_or_404(SubmissionAttachment.objects.visible_to(user), pk=attachment_pk, submission_id=pk)


def teams(campaign: Campaign | None) -> QuerySet[Team]:
    """The office's teams an item may be assigned to."""
    if campaign is None:
        return Team.objects.none()
    return Team.objects.filter(campaign=campaign).order_by("id")


def team_members(campaign: Campaign | None) -> QuerySet[TeamMembership]:
    """Who an item may be assigned to: the members of the campaign's teams (active accounts)."""
    if campaign is None:
        return TeamMembership.objects.none()
    return (TeamMembership.objects.filter(team__campaign=campaign, user__is_active=True)
            .select_related("team", "user").order_by("team_id", "-is_leader", "user__username"))
