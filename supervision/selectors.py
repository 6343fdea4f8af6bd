"""Queries of supervision that pages, exports and the API share. Every queryset that reaches a user starts from
`visible_to(user)`, which is the whole answer to who sees which row: what a unit sees of its own supervision
(visits that took place, what they found, actions decided on it and letters issued to it — not the groups' plans,
proposals or drafts) is the models' `for_action` rule (supervision.models).
"""

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.actors import Actor, MaybeActor
from accounts.models import User
from campaigns.models import Campaign, LiaisonAssignment, LiaisonGroup
from campaigns.selectors import current_campaign
from core.docnumbers import doc_number_of
from core.scoping import subtree_q, subtrees_q, user_scope_paths
from orgs.models import Cadre, Organization
from problems.models import Problem
from supervision.choices import ActionStatus, VisitStatus
from supervision.models import Action, FeedbackLetter, Finding, Visit, VisitMethod
from supervision.permissions import can_answer_for_unit, can_join_liaison_group, can_read_supervision


def visit_detail(user: Actor, pk: int) -> Visit:
    return get_object_or_404(Visit.objects.visible_to(user).with_related()
                             .prefetch_related("participants", "observations", "attachments"), pk=pk)


def finding_detail(user: Actor, pk: int) -> Finding:
    return get_object_or_404(Finding.objects.visible_to(user).with_related(), pk=pk)


def action_detail(user: Actor, pk: int) -> Action:
    return get_object_or_404(Action.objects.visible_to(user).with_related().prefetch_related("findings"), pk=pk)


def letter_detail(user: Actor, pk: int) -> FeedbackLetter:
    return get_object_or_404(FeedbackLetter.objects.visible_to(user).with_related()
                             .prefetch_related("findings", "actions"), pk=pk)


def active_methods() -> QuerySet[VisitMethod]:
    return VisitMethod.objects.filter(is_active=True)


# ---------------------------------------------------------------------------------------------------------
# Groups and their units.


def group_units(group: LiaisonGroup) -> list[Organization]:
    """The units assigned to `group`, in tree order."""
    return [a.organization for a in group.assignments.select_related("organization").order_by("organization__path")]


def groups_for(user: MaybeActor, campaign: Campaign | None = None) -> QuerySet[LiaisonGroup]:
    """The liaison groups whose work `user` sees in `campaign` (the current one): a liaison member, the groups
    they belong to; others, the groups with a unit inside their jurisdiction."""
    campaign = campaign or current_campaign()
    if campaign is None or not can_read_supervision(user):
        return LiaisonGroup.objects.none()
    qs = LiaisonGroup.objects.filter(campaign=campaign)
    pk = getattr(user, "pk", None)
    if can_join_liaison_group(user) and pk and qs.filter(memberships__user_id=pk).exists():
        return qs.filter(memberships__user_id=pk).distinct().order_by("number", "id")
    paths = user_scope_paths(user) or []
    step = Organization.steplen
    # A unit inside the jurisdiction, or one above it (a county office sees the group of the city unit above).
    above = [p[:n] for p in paths for n in range(step, len(p), step)]
    units = LiaisonAssignment.objects.filter(campaign=campaign).filter(
        subtrees_q("organization__path", paths) | Q(organization__path__in=above))
    return qs.filter(pk__in=units.values("group_id")).order_by("number", "id")


def supervised_units(user: Actor, campaign: Campaign | None = None) -> list[tuple[LiaisonGroup, Organization]]:
    """The units assigned to the liaison groups `user` sees, that `user` sees, each with its group, in group and
    tree order."""
    pairs = [(a.group, a.organization) for a in LiaisonAssignment.objects.filter(group__in=groups_for(user, campaign))
             .select_related("group", "organization").order_by("group__number", "group_id", "organization__path")]
    visible = set(Organization.objects.visible_to(user).filter(pk__in=[o.pk for _, o in pairs])
                  .values_list("pk", flat=True))
    return [(g, o) for g, o in pairs if o.pk in visible]


def unit_leaders(user: Actor, path: str) -> QuerySet[Cadre]:
    """The county-level+ leaders of the subtree at `path` that `user` sees: whom a finding or an action may
    concern."""
    return (Cadre.objects.visible_to(user).county_level().filter(subtree_q("organization__path", path))
            .select_related("organization").order_by("organization__path", "-rank", "name", "id"))


# Filters shared by the pages' filter forms and the API's query parameters (values come validated).


def filter_visits(qs: QuerySet[Visit], *, group: int | None = None, organization: Organization | None = None,
                  statuses: Sequence[str] = (), method: int | None = None, date_from: dt.date | None = None,
                  date_to: dt.date | None = None) -> QuerySet[Visit]:
    """`date_from`/`date_to` bound the day a visit took place, or is planned for when not done yet."""
    if group:
        qs = qs.filter(group_id=group)
    if organization is not None:
        qs = qs.filter(subtree_q("org_path", organization.path))
    if statuses:
        qs = qs.filter(status__in=list(statuses))
    if method:
        qs = qs.filter(method_id=method)
    if date_from:
        qs = qs.filter(Q(visited_on__gte=date_from) | Q(visited_on__isnull=True, planned_on__gte=date_from))
    if date_to:
        qs = qs.filter(Q(visited_on__lte=date_to) | Q(visited_on__isnull=True, planned_on__lte=date_to))
    return qs


def filter_findings(qs: QuerySet[Finding], *, group: int | None = None, visit: int | None = None,
                    organization: Organization | None = None, requirements: Sequence[str] = (),
                    filed: bool | None = None) -> QuerySet[Finding]:
    """`filed`: True, in the ledger; False, needing a fix and not yet in it; None, all."""
    if group:
        qs = qs.filter(visit__group_id=group)
    if visit:
        qs = qs.filter(visit_id=visit)
    if organization is not None:
        qs = qs.filter(subtree_q("org_path", organization.path))
    if requirements:
        qs = qs.filter(requirement__in=list(requirements))
    if filed is True:
        qs = qs.filter(problem__isnull=False)
    elif filed is False:
        qs = qs.filter(needs_fix=True, problem__isnull=True)
    return qs


def filter_actions(qs: QuerySet[Action], *, statuses: Sequence[str] = (), levels: Sequence[str] = (),
                   group: int | None = None, organization: Organization | None = None) -> QuerySet[Action]:
    if statuses:
        qs = qs.filter(status__in=list(statuses))
    if levels:
        qs = qs.filter(level__in=list(levels))
    if group:
        qs = qs.filter(group_id=group)
    if organization is not None:
        qs = qs.filter(subtree_q("org_path", organization.path))
    return qs


def letter_search_q(text: str) -> Q:
    """What the letter list's search box finds: the letter whose 文号 the text is, as people type it
    (教育办督〔2023〕1号, 督〔2023〕1号, 督[2023]01号, 2023 1 — on the year and serial columns, the 代字 as a part), and
    the letters whose title, 文号 or unit name contain the text."""
    text = text.strip()
    found = Q(title__icontains=text) | Q(number__icontains=text) | Q(organization__name__icontains=text)
    number = doc_number_of(text)
    if number is not None:
        by_number = Q(year=number.year, serial=number.serial)
        if number.prefix:
            by_number &= Q(number__icontains=number.prefix)
        found |= by_number
    return found


def filter_letters(qs: QuerySet[FeedbackLetter], *, statuses: Sequence[str] = (), group: int | None = None,
                   organization: Organization | None = None, q: str = "") -> QuerySet[FeedbackLetter]:
    if q.strip():
        qs = qs.filter(letter_search_q(q))
    if statuses:
        qs = qs.filter(status__in=list(statuses))
    if group:
        qs = qs.filter(group_id=group)
    if organization is not None:
        qs = qs.filter(subtree_q("org_path", organization.path))
    return qs


def unit_findings(user: Actor, organization: Organization, campaign: Campaign | None) -> QuerySet[Finding]:
    """The findings of the unit's subtree `user` sees, in the campaign, newest first (what an action or a letter
    rests on)."""
    qs = filter_findings(Finding.objects.visible_to(user).with_related(), organization=organization)
    if campaign is not None:
        qs = qs.filter(visit__campaign=campaign)
    return qs.order_by("-visit__visited_on", "-id")


def group_for(user: Actor, pk: int) -> LiaisonGroup:
    return get_object_or_404(groups_for(user), pk=pk)


@dataclass
class UnitRow:
    """One unit of a group's workspace, at a glance."""

    organization: Organization
    overdue_problems: int = 0
    open_problems: int = 0
    leaders: int = 0  # county-level+ leaders of the unit
    leaders_behind: int = 0  # of them, those with a lead action still open
    open_lead_actions: int = 0  # (leader, action) pairs still open
    last_visit: dt.date | None = None
    days_since_visit: int | None = None
    planned_visits: int = 0
    open_actions: int = 0  # decided, result not yet recorded
    proposals: int = 0
    findings: int = 0
    unfiled_findings: int = 0  # needing a fix, not yet in the ledger
    extra: dict[str, Any] = field(default_factory=dict)


def _by_unit(field: str, units: list[Organization]) -> Case:
    """An expression naming, for a row whose path `field` lies in one of the (disjoint) units' subtrees, that
    unit's id: counts for every unit come from one grouped query."""
    return Case(*[When(subtree_q(field, u.path), then=Value(u.pk)) for u in units], default=None,
                output_field=IntegerField())


def _grouped(qs: QuerySet[Any], field: str, units: list[Organization], **aggregates: Any) -> dict[int, dict]:
    rows = (qs.filter(subtrees_q(field, [u.path for u in units])).annotate(unit=_by_unit(field, units))
            .order_by().values("unit").annotate(**aggregates))
    return {row["unit"]: row for row in rows}


def unit_rows(group: LiaisonGroup, *, actor: Actor, today: dt.date | None = None) -> list[UnitRow]:
    """The group's units that `actor` sees, each with what a liaison member looks at first: overdue problems,
    lead actions still open for its key-minority leaders, days since the last visit, open actions. Counts come
    from what `actor` sees (a unit sees no plans or proposals), a fixed number of queries for the whole group."""
    from supervision.lead_actions import open_lead_actions

    today = today or timezone.localdate()
    campaign = group.campaign
    assigned = list(group.assignments.select_related("organization").order_by("organization__path"))
    seen = set(Organization.objects.visible_to(actor).filter(pk__in=[a.organization_id for a in assigned])
               .values_list("pk", flat=True))
    units = [a.organization for a in assigned if a.organization_id in seen]
    if not units:
        return []
    problems = _grouped(Problem.objects.visible_to(actor).filter(campaign=campaign).open(), "org_path", units,
                        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    # Each count is of exactly the rows its link lists (the group's, in this campaign): a planned visit whose
    # day has passed is still planned, and listed, until it is recorded.
    visits = _grouped(Visit.objects.visible_to(actor).filter(campaign=campaign, group=group), "org_path", units,
                      last=Max("visited_on", filter=Q(status=VisitStatus.DONE)),
                      planned=Count("pk", filter=Q(status=VisitStatus.PLANNED)))
    actions = _grouped(Action.objects.visible_to(actor).filter(campaign=campaign, group=group), "org_path", units,
                       open=Count("pk", filter=Q(status=ActionStatus.DECIDED)),
                       proposed=Count("pk", filter=Q(status=ActionStatus.PROPOSED)))
    findings = _grouped(Finding.objects.visible_to(actor).filter(visit__campaign=campaign, visit__group=group),
                        "org_path", units,
                        all=Count("pk"), unfiled=Count("pk", filter=Q(needs_fix=True, problem__isnull=True)))
    rows = {u.pk: UnitRow(organization=u) for u in units}
    for pk, row in rows.items():
        p, v, a, f = problems.get(pk, {}), visits.get(pk, {}), actions.get(pk, {}), findings.get(pk, {})
        row.open_problems, row.overdue_problems = p.get("open", 0), p.get("overdue", 0)
        row.last_visit, row.planned_visits = v.get("last"), v.get("planned", 0)
        row.days_since_visit = (today - row.last_visit).days if row.last_visit else None
        row.open_actions, row.proposals = a.get("open", 0), a.get("proposed", 0)
        row.findings, row.unfiled_findings = f.get("all", 0), f.get("unfiled", 0)
    leaders = open_lead_actions(campaign, Organization.objects.filter(subtrees_q("path", [u.path for u in units])),
                                actor)
    for cadre, missing in leaders:
        unit = next((u for u in units if cadre.organization.path.startswith(u.path)), None)
        if unit is None:
            continue
        row = rows[unit.pk]
        row.leaders += 1
        row.leaders_behind += bool(missing)
        row.open_lead_actions += missing
    return list(rows.values())


# ---------------------------------------------------------------------------------------------------------
# The calendar.


@dataclass
class CalendarDay:
    day: dt.date
    in_month: bool
    visits: list[Visit]


def month_calendar(visits: QuerySet[Visit], *, year: int, month: int) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of `month`, each day with the visits planned or held on it."""
    cal = calendar.Calendar(firstweekday=0)
    days = list(cal.itermonthdates(year, month))
    by_day: dict[dt.date, list[Visit]] = {}
    span = (days[0], days[-1])
    for visit in visits.filter(Q(planned_on__range=span) | Q(visited_on__range=span)).order_by("planned_on", "id"):
        by_day.setdefault(visit.day, []).append(visit)
    cells = [CalendarDay(day=d, in_month=d.month == month, visits=by_day.get(d, [])) for d in days]
    return [cells[i:i + 7] for i in range(0, len(cells), 7)]


@dataclass
class UnitLadder:
    """Where a unit stands on the ladder (actions on the unit itself; leaders' own ladders are on their actions)."""

    organization: Organization
    position: int  # the highest rung in force, 0 when none
    proposed: bool  # a proposal waits for the office


def unit_ladders(user: Actor, campaign: Campaign | None, *, group: int | None = None) -> list[UnitLadder]:
    """The units `user` follows (their groups' units, or a unit contact's own unit) and their rungs, in a fixed
    number of queries."""
    from supervision.services import ladder_positions

    units = [o for g, o in supervised_units(user, campaign) if not group or g.pk == group]
    if not units and can_answer_for_unit(user) and isinstance(user, User) and user.sees_own_organization():
        units = [user.organization]
    if campaign is None or not units:
        return [UnitLadder(organization=o, position=0, proposed=False) for o in units]
    positions = ladder_positions(campaign=campaign, organizations=units)
    proposed = set(proposals_for(user).filter(organization__in=units, cadre=None)
                   .values_list("organization_id", flat=True))
    return [UnitLadder(organization=o, position=positions.get(o.pk, 0), proposed=o.pk in proposed) for o in units]


def proposals_for(user: Actor) -> QuerySet[Action]:
    """Proposals waiting for the office."""
    return (Action.objects.visible_to(user).with_related().filter(status=ActionStatus.PROPOSED)
            .order_by("proposed_at", "id"))


def follow_ups_due(user: Actor, today: dt.date | None = None) -> QuerySet[Action]:
    """Decided actions whose follow-up date has come."""
    today = today or timezone.localdate()
    return (Action.objects.visible_to(user).with_related().filter(status=ActionStatus.DECIDED, follow_up_on__lte=today)
            .order_by("follow_up_on"))


def closed_problems_of(user: Actor, organization: Organization) -> QuerySet[Problem]:
    """Closed problems of a unit (its subtree) a finding may reopen as a relapse."""
    return (Problem.objects.visible_to(user).filter(subtree_q("org_path", organization.path))
            .filter(status="closed").order_by("-closed_at", "-id"))


# ---------------------------------------------------------------------------------------------------------
# A unit's four basic requirements: what the groups judged at each visit, beside what the unit recorded


@dataclass
class RequirementView:
    """One basic requirement at one unit: the groups' judgements on the spot (newest first), how many findings
    it gave rise to, and what the unit itself recorded under the same key measure (measures.selectors)."""

    requirement: str
    label: str
    observations: list[Any]
    findings: int
    recorded: list[Any]


def unit_requirements(user: Actor, organization: Organization, campaign: Campaign) -> list[RequirementView]:
    """The four basic requirements of `organization` in `campaign`, as `user` sees them: the observations of
    the visits held at the unit that `user` sees (a unit, only visits that took place), findings at the unit, and
    the unit's own records. A fixed number of queries."""
    from measures.selectors import recorded_by_measure
    from problems.selectors import ledger_counts
    from supervision.choices import Requirement
    from supervision.models import Observation

    visits = Visit.objects.visible_to(user).filter(campaign=campaign, organization=organization,
                                                   status=VisitStatus.DONE)
    observations = (Observation.objects.filter(visit__in=visits).select_related("visit__group", "visit__method")
                    .order_by("-visit__visited_on", "-visit_id"))
    by_requirement: dict[str, list[Any]] = {r.value: [] for r in Requirement}
    for observation in observations:
        by_requirement[observation.requirement].append(observation)
    findings = dict(Finding.objects.visible_to(user).filter(visit__in=visits).order_by().values("requirement")
                    .annotate(n=Count("id")).values_list("requirement", "n"))
    seen = Organization.objects.visible_to(user).filter(pk=organization.pk)
    ledger = ledger_counts(campaign, seen).get(organization.pk, (0, 0))
    recorded = recorded_by_measure(organization, campaign, actor=user, ledger=ledger)
    return [RequirementView(requirement=r.value, label=str(r.label), observations=by_requirement[r.value],
                            findings=findings.get(r.value, 0), recorded=recorded.get(r.value, []))
            for r in Requirement]
