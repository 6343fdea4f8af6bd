"""Queries of the communication log that pages and the API share. Every item that reaches a user — list, counts,
page, API, replies, attachments, and the services' own checks — comes from `Submission.objects.visible_to(user)`:
the jurisdiction, narrowed by the model's own rule of who reads which item (`SubmissionQuerySet.for_action`)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.actors import Actor
from campaigns.models import Campaign, Team, TeamMembership
from campaigns.selectors import current_campaign
from core.docnumbers import doc_number_q
from office.choices import OPEN, Direction, Kind, Origin, SubmissionStatus
from office.models import Submission, SubmissionAttachment

Q_MAX = 100

# What a row of the list and the API shows with each item.
ROW_RELATED = ("organization", "team", "assignee")


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
        self.status = self.status if self.status in SubmissionStatus.values else ""
        self.q = (self.q or "").strip()[:Q_MAX]
        return self


def overdue_q(today: dt.date) -> Q:
    """Not answered, and the date it had to be answered by has passed."""
    return Q(status__in=OPEN, due_on__lt=today)


def with_parent_seen(user: Actor, qs: QuerySet[Submission]) -> QuerySet[Submission]:
    """Each item with `parent_seen`: whether `user` may read what it answers (one EXISTS in the same query, so a
    list does not ask per row). Neither the page nor the API names a parent the user may not read."""
    readable = Submission.objects.visible_to(user).filter(pk=OuterRef("parent_id"))
    return qs.annotate(parent_seen=Exists(readable))


def search_q(text: str) -> Q:
    """What the list's search box finds: the items whose 文号 the text is, as people type it
    (省委主题教育办〔2023〕12号, 〔2023〕012号, 2023 12: any brackets, leading zeros, the 代字 as a part), and the items
    whose title, summary, 文号, counterpart or unit name contain the text."""
    found = (Q(title__icontains=text) | Q(body__icontains=text) | Q(counterpart__icontains=text)
             | Q(number__icontains=text) | Q(organization__name__icontains=text))
    by_number = doc_number_q("number", text)
    return found | by_number if by_number is not None else found


def submission_list(user: Actor, filters: SubmissionFilter | None = None, *,
                    today: dt.date | None = None) -> QuerySet[Submission]:
    """The items `user` sees in the campaign (the current one), filtered, newest first."""
    filters = (filters or SubmissionFilter()).clean()
    qs = Submission.objects.visible_to(user).select_related(*ROW_RELATED)
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
        qs = qs.filter(search_q(filters.q))
    return with_parent_seen(user, qs).order_by("-id")


def submission_counts(user: Actor, *, today: dt.date | None = None) -> dict[str, int]:
    """How many items of the current campaign the user sees, by status, overdue and assigned to them."""
    today = today or timezone.localdate()
    campaign = current_campaign()
    qs = Submission.objects.visible_to(user)
    qs = qs.filter(campaign=campaign) if campaign is not None else qs.none()
    aggregates: dict[str, Any] = {"total": Count("pk"), "overdue": Count("pk", filter=overdue_q(today)),
                                  "mine": Count("pk", filter=Q(assignee_id=getattr(user, "pk", None),
                                                               status__in=OPEN))}
    for value in SubmissionStatus.values:
        aggregates[value] = Count("pk", filter=Q(status=value))
    return {key: int(value or 0) for key, value in qs.aggregate(**aggregates).items()}


def submission_detail(user: Actor, pk: int) -> Submission:
    """One item the user sees (else 404), with its attachments, replies and the item it answers."""
    qs = Submission.objects.visible_to(user).select_related(*ROW_RELATED, "parent", "campaign", "created_by",
                                                            "answered_by", "closed_by", "assigned_by")
    return get_object_or_404(with_parent_seen(user, qs).prefetch_related("attachments"), pk=pk)


def replies_of(user: Actor, submission: Submission) -> QuerySet[Submission]:
    """The items that answer `submission`, those the user sees."""
    return Submission.objects.visible_to(user).select_related(*ROW_RELATED).filter(parent=submission).order_by("id")


def attachment_for(user: Actor, pk: int, attachment_pk: int) -> SubmissionAttachment:
    """An attachment of an item the user reads (else 404)."""
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
