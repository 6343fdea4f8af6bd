"""Queries of the problem ledger that pages, exports, the API, reminders and the benchmark share.

Every list starts from `Problem.objects.visible_to(user)`. Lists are ordered by (due_on, id) and filter the
subtree on `org_path` (a copy of the organisation's path on the problem row) so that one index serves
"subtree + status, by due date" without a join (DESIGN §6.3; `make bench` measures it at province scale).
"""

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.actors import MaybeActor, user_or_none
from campaigns.models import Campaign, LiaisonAssignment
from campaigns.selectors import current_campaign
from core.scoping import ScopedQuerySet, subtree_q, subtrees_q
from orgs.models import Cadre, Organization
from problems.choices import Category, ProblemStatus, Severity, Source
from problems.models import (
    Closure,
    Evidence,
    Extension,
    Problem,
    RectificationStep,
    Satisfaction,
    SavedFilter,
    SpecialCampaign,
    TransitionRecord,
    parse_number,
)


@dataclass
class LedgerFilter:
    """What the ledger list, its export and the API filter on. Empty values mean "any"."""

    campaign: Campaign | None = None
    status: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    severity: list[str] = field(default_factory=list)
    special_campaign: SpecialCampaign | None = None
    overdue: bool = False
    relapsed: bool = False
    fix_now: bool | None = None
    subtree: Organization | None = None  # an organisation; its whole subtree
    liaison_group_id: int | None = None
    q: str = ""

    def clean_lists(self) -> "LedgerFilter":
        self.status = [s for s in self.status if s in ProblemStatus.values]
        self.source = [s for s in self.source if s in Source.values]
        self.category = [s for s in self.category if s in Category.values]
        self.severity = [s for s in self.severity if s in Severity.values]
        return self


def search_q(text: str) -> Q:
    """What the ledger's search box finds: the problem whose number (问题编号) the text is — WT0000594, wt594,
    594 — and the problems whose description, responsible unit or organisation name contain it."""
    text = text.strip()
    found = Q(description__contains=text) | Q(responsible_unit__contains=text) | Q(organization__name__contains=text)
    number = parse_number(unicodedata.normalize("NFKC", text).replace(" ", ""))  # ＷＴ０５９４ typed on a phone too
    return found | Q(pk=number) if number is not None and number < 2**31 else found


def ledger(user: MaybeActor, filters: LedgerFilter | None = None, *, today: dt.date | None = None) -> QuerySet[Problem]:
    """The problems `user` sees, filtered, by due date. Rows carry their organisation (one join) for display."""
    filters = filters or LedgerFilter()
    qs = Problem.objects.visible_to(user)
    campaign = filters.campaign or current_campaign()
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.source:
        qs = qs.filter(source__in=filters.source)
    if filters.category:
        qs = qs.filter(category__in=filters.category)
    if filters.severity:
        qs = qs.filter(severity__in=filters.severity)
    if filters.special_campaign is not None:
        qs = qs.filter(special_campaign=filters.special_campaign)
    if filters.overdue:
        qs = qs.overdue(today or timezone.localdate())
    if filters.relapsed:
        qs = qs.filter(relapsed=True)
    if filters.fix_now is not None:
        qs = qs.filter(fix_now=filters.fix_now)
    if filters.subtree is not None:
        qs = qs.filter(subtree_q("org_path", filters.subtree.path))
    if filters.liaison_group_id is not None:
        paths = list(LiaisonAssignment.objects.filter(group_id=filters.liaison_group_id)
                     .values_list("organization__path", flat=True))
        qs = qs.filter(subtrees_q("org_path", paths))
    if filters.q.strip():
        qs = qs.filter(search_q(filters.q))
    return qs.select_related("organization", "responsible_cadre", "special_campaign").order_by("due_on", "id")


def problem_detail(user: MaybeActor, pk: int) -> Problem | None:
    """One problem with everything its page shows, or None when `user` does not see it."""
    return (Problem.objects.visible_to(user)
            .select_related("organization", "campaign", "responsible_cadre", "special_campaign", "created_by",
                            "claimed_by", "closed_by", "life_meeting_item__meeting")
            .prefetch_related(
                Prefetch("steps", queryset=RectificationStep.objects.order_by("id").prefetch_related(
                    Prefetch("cited_evidence", queryset=Evidence.objects.order_by("id")))),
                Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by", "step").order_by("id")),
                Prefetch("timeline", queryset=TransitionRecord.objects.select_related("actor").order_by("at", "id")),
                Prefetch("closures", queryset=Closure.objects.order_by("closed_at")),
                Prefetch("extensions", queryset=Extension.objects.select_related("requested_by", "decided_by")
                         .order_by("requested_at")),
                Prefetch("satisfactions", queryset=Satisfaction.objects.order_by("-at")),
            )
            .filter(pk=pk).first())


def leader_choices(organization: Organization) -> QuerySet[Cadre]:
    """Who may be a problem's responsible leader: the cadres of its organisation and of the organisations above."""
    return (Cadre.objects.filter(organization__path__in=organization.ancestor_paths())
            .select_related("organization").order_by("-organization__depth", "-rank", "name", "id"))


def overdue_problems(user: MaybeActor, *, today: dt.date | None = None) -> QuerySet[Problem]:
    return ledger(user, LedgerFilter(overdue=True), today=today)


def special_campaigns(campaign: Campaign | None) -> QuerySet[SpecialCampaign]:
    if campaign is None:
        return SpecialCampaign.objects.none()
    return SpecialCampaign.objects.filter(campaign=campaign).order_by("id")


def saved_filters(user: MaybeActor) -> QuerySet[SavedFilter]:
    """The user's own saved filters (none for a system actor or a stranger)."""
    owner = user_or_none(user)
    if owner is None:
        return SavedFilter.objects.none()
    return SavedFilter.objects.filter(user=owner).order_by("name")


def problem_counts(user: MaybeActor, campaign: Campaign | None = None, *,
                   today: dt.date | None = None) -> dict[str, int]:
    """Counts by status, plus overdue and relapsed, of the problems `user` sees (for headers and summaries)."""
    campaign = campaign or current_campaign()
    qs = Problem.objects.visible_to(user)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    today = today or timezone.localdate()
    counts = {s: 0 for s in ProblemStatus.values}
    for row in qs.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    counts["total"] = sum(counts[s] for s in ProblemStatus.values)
    counts["overdue"] = qs.overdue(today).count()
    counts["relapsed"] = qs.filter(relapsed=True).count()
    return counts


def public_answers(problem: Problem) -> list[Satisfaction]:
    """What the public feedback page (no login, found by its token) shows of what the masses said: the answered
    ratings, newest answer first: the rating and the unit's answer, never the sender's own words (they may carry a
    name or a phone number, and nobody who wrote them was told they would be public); unanswered ratings are
    counted, not published."""
    return list(problem.satisfactions.filter(answered_at__isnull=False).order_by("-answered_at", "-id"))


# ---------------------------------------------------------------------------------------------------------
# What apps above the ledger read of it (assessment: lead actions, 检视整改 on the coverage view and a unit's page)

# A problem naming its responsible leader: (cadre id, problem id, organisation code, description, date).
CadreProblem = tuple[int, int, str, str, dt.date | None]


def _of_cadres(campaign: Campaign, cadre_ids: Any, paths: list[str]) -> QuerySet[Problem]:
    """Problems of `campaign` whose responsible leader is one of `cadre_ids` (ids or a subquery), of the
    organisations under `paths` (the reader's scope)."""
    return Problem.objects.filter(subtrees_q("org_path", paths), campaign=campaign, responsible_cadre_id__in=cadre_ids)


def problems_of_cadres(campaign: Campaign, cadre_ids: Any, paths: list[str], *,
                       sources: Iterable[str]) -> list[CadreProblem]:
    """The problems of `sources` the cadres are responsible for, by registration date (the date is the day
    registered)."""
    return list(_of_cadres(campaign, cadre_ids, paths).filter(source__in=list(sources))
                .order_by("registered_on", "id")
                .values_list("responsible_cadre_id", "id", "organization__code", "description", "registered_on"))


def closed_problems_of_cadres(campaign: Campaign, cadre_ids: Any, paths: list[str]) -> list[CadreProblem]:
    """The closed problems (verified by someone else: 对账销号) the cadres are responsible for, by closing time
    (the date is the local day of closing)."""
    rows = (_of_cadres(campaign, cadre_ids, paths).filter(status=ProblemStatus.CLOSED).order_by("closed_at", "id")
            .values_list("responsible_cadre_id", "id", "organization__code", "description", "closed_at"))
    return [(c, p, o, d, timezone.localtime(at).date() if at else None) for c, p, o, d, at in rows]


def ledger_counts(campaign: Campaign, orgs: Any) -> dict[int, tuple[int, int]]:
    """{organisation id: (problems on its own ledger in `campaign`, of them closed)} for `orgs` (ids or a
    subquery): one grouped query, whatever the number of organisations."""
    rows = (Problem.objects.filter(campaign=campaign, organization__in=orgs).order_by().values("organization")
            .annotate(found=Count("id"), closed=Count("id", filter=Q(status=ProblemStatus.CLOSED)))
            .values_list("organization", "found", "closed"))
    return {org_id: (found, closed) for org_id, found, closed in rows}


# ---------------------------------------------------------------------------------------------------------
# The life meeting's item a problem is raised from


class MeetingOfItem(Protocol):
    @property
    def organization(self) -> Organization: ...

    @property
    def organization_id(self) -> int: ...


class MeetingItem(Protocol):
    """What the ledger reads of a life meeting's criticism item (批评和自我批评意见) a problem is raised from:
    its text, the cadre it is about and the meeting's organisation (and, on the page, the meeting and the kind)."""

    @property
    def pk(self) -> Any: ...

    @property
    def text(self) -> str: ...

    @property
    def cadre(self) -> Cadre | None: ...

    @property
    def meeting(self) -> MeetingOfItem: ...


def meeting_item(user: MaybeActor, pk: int) -> MeetingItem | None:
    """The life meeting's item `pk` when `user` sees it, else None.

    The item is a record of measures, the ledger's sibling, which the ledger does not import: its model is the
    one `Problem.life_meeting_item` points to, and it is scoped like every record (`visible_to`)."""
    model = Problem._meta.get_field("life_meeting_item").related_model
    assert isinstance(model, type) and issubclass(model, Model)
    items = model._default_manager.all()
    assert isinstance(items, ScopedQuerySet)
    found = items.visible_to(user).select_related("meeting__organization", "cadre").filter(pk=pk).first()
    return cast(MeetingItem | None, found)


def raised_from(item: MeetingItem) -> QuerySet[Problem]:
    """The problems already raised from a life meeting's item."""
    return Problem.objects.filter(life_meeting_item_id=item.pk)
