"""Queries that the measures pages, the export and the API share.

Lead actions (关键少数带头) are DERIVED here from the records, never ticked by hand: a cadre "gave a lecture"
because a PartyLecture names him as speaker. Each derivation is one query of (cadre id, record …) pairs, so a
list costs a fixed number of queries however many cadres it shows. Coverage counts are grouped by organisation
in the database (values/annotate), never counted row by row. Nothing here is a score: counts are information
about what was recorded, and lists are ordered by the tree, never ranked.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.actors import MaybeActor
from campaigns.models import Campaign, GuidanceProfile, LiaisonAssignment, LiaisonGroup
from campaigns.selectors import campaigns_of, current_campaign, participating_orgs, profile_for
from core.scoping import subtrees_q, user_scope_paths
from measures.choices import (
    NOT_REQUIRED,
    RECTIFICATION,
    RECTIFICATION_LABEL,
    LeadAction,
    LifeMeetingItemKind,
    LifeMeetingKind,
    RecordKind,
)
from measures.kinds import BY_KIND, KINDS, KindSpec
from measures.models import (
    LifeMeeting,
    LifeMeetingItem,
    Milestone,
    PartyLecture,
    PublicService,
    ResearchReport,
    ResearchTopic,
    ResearchUse,
    StudySession,
)
from orgs.choices import RANK_COUNTY, Sector, Tier
from orgs.models import Cadre, Organization, OrganizationQuerySet
from problems.choices import ProblemStatus, Source
from problems.models import Problem

# Anchor prefixes of records on the unit page (the proofs of lead actions link to them).
ANCHOR = {"study": BY_KIND[RecordKind.STUDY].anchor, "report": "report", "lecture": BY_KIND[RecordKind.LECTURE].anchor,
          "meeting": BY_KIND[RecordKind.DEMOCRATIC_MEETING].anchor}


# ---------------------------------------------------------------------------------------------------------
# Campaign of a page


def campaign_for(org: Organization, campaign_id: Any = None) -> tuple[Campaign | None, list[Campaign]]:
    """The campaign a unit's page shows (the one asked for, else the current one, else its latest) and every
    campaign the unit takes part in."""
    campaigns = list(campaigns_of(org).order_by("-starts_on", "-id"))
    chosen = None
    if campaign_id not in (None, ""):
        chosen = next((c for c in campaigns if str(c.pk) == str(campaign_id)), None)
    if chosen is None:
        current = current_campaign()
        chosen = next((c for c in campaigns if current is not None and c.pk == current.pk), None)
    if chosen is None and campaigns:
        chosen = campaigns[0]
    return chosen, campaigns


def entry_date(campaign: Campaign | None) -> dt.date:
    """The date a new record's form starts with: today, or the last day of a campaign that has ended."""
    today = timezone.localdate()
    if campaign is not None and campaign.ends_on is not None and campaign.ends_on < today:
        return campaign.ends_on
    return today


# ---------------------------------------------------------------------------------------------------------
# Records


def public_services(qs: QuerySet[PublicService]) -> QuerySet[PublicService]:
    """Commitments with `milestone_count` and `done_count` annotated: `PublicService.progress` (done / all
    milestones) then needs no query per row."""
    return qs.annotate(milestone_count=Count("milestones", distinct=True),
                       done_count=Count("milestones", filter=Q(milestones__done_on__isnull=False), distinct=True))


def records_by_kind(campaign: Campaign) -> dict[str, QuerySet[Any]]:
    """One queryset per kind of record of `campaign` (the unit page's sections, the coverage columns)."""
    return {spec.value: spec.records().filter(campaign=campaign) for spec in KINDS}


def applies(profile: GuidanceProfile | None, kind: str) -> bool:
    """Whether a kind of record applies under `profile` (without a profile, everything applies)."""
    return BY_KIND[kind].applies(profile)


@dataclass
class Section:
    spec: KindSpec
    applies: bool
    records: list[Any]

    @property
    def kind(self) -> str:
        return self.spec.value

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def count(self) -> int:
        return len(self.records)

    @property
    def open_text(self) -> str | None:
        """"尚未记录…" only for what applies to the unit and has no record yet."""
        return self.spec.open_text if self.applies and not self.records else None


def unit_sections(org: Organization, campaign: Campaign, profile: GuidanceProfile | None) -> list[Section]:
    """What `org` itself recorded in `campaign`, per kind, with whether each applies under its profile. Kinds
    that do not apply are listed only when something was recorded anyway."""
    sections = []
    for spec in KINDS:
        records = list(spec.fetch(spec.records().filter(campaign=campaign, organization=org)))
        ok = spec.applies(profile)
        if ok or records:
            sections.append(Section(spec=spec, applies=ok, records=records))
    return sections


# ---------------------------------------------------------------------------------------------------------
# Lead actions of the key minority (关键少数)


@dataclass(frozen=True)
class Proof:
    """A record that makes a lead action true: shown as a link to it on its unit's page."""

    org_code: str
    anchor: str
    title: str
    on: dt.date | None
    url: str = ""  # a page of its own (a problem of the ledger); else the unit page's anchor


@dataclass
class LeadCell:
    action: str
    label: str
    proofs: list[Proof] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return bool(self.proofs)


@dataclass
class LeadRow:
    cadre: Cadre
    cells: list[LeadCell]

    @property
    def by_action(self) -> dict[str, LeadCell]:
        return {c.action: c for c in self.cells}


def county_level_cadres(campaign: Campaign, orgs: OrganizationQuerySet) -> QuerySet[Cadre]:
    """County-level+ cadres (Cadre.rank ≥ 县处级副职) of the organisations in `orgs` that take part in
    `campaign`, in tree order, the higher rank first."""
    places = orgs.filter(pk__in=participating_orgs(campaign).values("pk")).values("pk")
    return (Cadre.objects.filter(rank__gte=RANK_COUNTY, organization__in=places).select_related("organization")
            .order_by("organization__path", "-rank", "name", "id"))


def _proofs(campaign: Campaign, cadre_ids: Any, user: MaybeActor) -> dict[str, dict[int, list[Proof]]]:
    """{action: {cadre id: proofs}} — one query per way an action can be shown (six, whatever the cadres).

    Only records of organisations `user` sees are proofs (and so make an action done for that user): a cadre may
    be named on a record of a unit outside the viewer's scope (old or generated data, or a record made elsewhere),
    and its title, date and unit must not reach the viewer."""
    found: dict[str, dict[int, list[Proof]]] = {a.value: defaultdict(list) for a in LeadAction}
    paths = user_scope_paths(user)
    if not paths:
        return found

    def seen_by_user(org_path: str) -> Q:
        return subtrees_q(org_path, paths)

    def add(action: str, rows: Iterable[tuple[Any, ...]], anchor: str,
            url: Callable[[int], str] | None = None) -> None:
        seen = found[action]
        for cadre_id, record_id, org_code, title, on in rows:
            proof = Proof(org_code=org_code, anchor=f"{anchor}-{record_id}", title=title, on=on,
                          url=url(record_id) if url else "")
            if proof not in seen[cadre_id]:
                seen[cadre_id].append(proof)

    # 学习研讨: named among the leaders who took part in a study session.
    through = StudySession.leaders.through
    add(LeadAction.STUDIED, through.objects.filter(seen_by_user("studysession__organization__path"),
                                                   studysession__campaign=campaign, cadre_id__in=cadre_ids)
        .order_by("studysession__held_on", "studysession_id")
        .values_list("cadre_id", "studysession_id", "studysession__organization__code", "studysession__topic",
                     "studysession__held_on"), ANCHOR["study"])
    # 调研并形成报告: leads a topic that has at least one report, or wrote a report.
    reports = (ResearchReport.objects.filter(seen_by_user("topic__organization__path"), topic__campaign=campaign)
               .order_by("submitted_on", "id"))
    add(LeadAction.RESEARCHED, reports.filter(topic__lead_cadre_id__in=cadre_ids).values_list(
        "topic__lead_cadre_id", "id", "topic__organization__code", "title", "submitted_on"), ANCHOR["report"])
    add(LeadAction.RESEARCHED, reports.filter(author_cadre_id__in=cadre_ids).values_list(
        "author_cadre_id", "id", "topic__organization__code", "title", "submitted_on"), ANCHOR["report"])
    # 讲专题党课: the speaker of a lecture.
    add(LeadAction.LECTURED, PartyLecture.objects.filter(seen_by_user("organization__path"), campaign=campaign,
                                                         speaker_cadre_id__in=cadre_ids)
        .order_by("held_on", "id")
        .values_list("speaker_cadre_id", "id", "organization__code", "title", "held_on"), ANCHOR["lecture"])
    # 检视问题: a self-criticism item about himself at a life meeting — he examined his own problems. Being
    # criticised by others is not his own examination and does not count.
    kinds = dict(LifeMeetingKind.choices)
    items = (LifeMeetingItem.objects.filter(seen_by_user("meeting__organization__path"), meeting__campaign=campaign,
                                            kind=LifeMeetingItemKind.SELF_CRITICISM, cadre_id__in=cadre_ids)
             .order_by("meeting__held_on", "meeting_id")
             .values_list("cadre_id", "meeting_id", "meeting__organization__code", "meeting__kind",
                          "meeting__held_on"))
    add(LeadAction.FOUND_PROBLEMS, ((c, m, o, str(kinds.get(k, k)), d) for c, m, o, k, d in items),
        ANCHOR["meeting"])
    # 检视问题, from the ledger: a problem he is responsible for that his unit found itself or agreed collectively
    # (自己找、集体议) — problems pointed out by superiors, the masses or a liaison group are not his examination.
    # 整改落实: a problem he is responsible for, closed after someone else verified it (对账销号).
    problems = Problem.objects.filter(seen_by_user("org_path"), campaign=campaign, responsible_cadre_id__in=cadre_ids)

    def problem_url(pk: int) -> str:
        return reverse("problems:problem", args=[pk])

    add(LeadAction.FOUND_PROBLEMS, problems.filter(source__in=[Source.SELF, Source.COLLECTIVE])
        .order_by("registered_on", "id")
        .values_list("responsible_cadre_id", "id", "organization__code", "description", "registered_on"),
        "problem", problem_url)
    closed = (problems.filter(status=ProblemStatus.CLOSED).order_by("closed_at", "id")
              .values_list("responsible_cadre_id", "id", "organization__code", "description", "closed_at"))
    add(LeadAction.RECTIFIED, ((c, p, o, d[:60], timezone.localtime(at).date() if at else None)
                               for c, p, o, d, at in closed), "problem", problem_url)
    return found


def _sorted(proofs: list[Proof]) -> list[Proof]:
    """Proofs by date, the earliest first (an undated one last): several ways of showing an action merge here."""
    return sorted(proofs, key=lambda p: (p.on is None, p.on or dt.date.min))


def lead_rows(campaign: Campaign, cadres: Iterable[Cadre], *, user: MaybeActor, cadre_ids: Any = None,
              found: dict[str, dict[int, list[Proof]]] | None = None) -> list[LeadRow]:
    """The lead actions of `cadres` (a page of them, or all), derived from the records of `campaign` that `user`
    sees (records of units outside the user's scope neither show nor count). `cadre_ids`: the same cadres as a
    subquery, for long lists (else their ids); `found`: their proofs, already derived (`LeadTable`)."""
    cadres = list(cadres)
    if found is None:
        found = _proofs(campaign, cadre_ids if cadre_ids is not None else [c.pk for c in cadres], user)
    rows = []
    for cadre in cadres:
        cells = []
        for action in LeadAction:
            proofs = _sorted(found[action.value].get(cadre.pk, []))
            cells.append(LeadCell(action=action.value, label=str(action.label), proofs=proofs))
        rows.append(LeadRow(cadre=cadre, cells=cells))
    return rows


def lead_actions(campaign: Campaign, orgs_qs: OrganizationQuerySet, *, user: MaybeActor) -> list[LeadRow]:
    """For every county-level+ cadre of the participating organisations in `orgs_qs`: each lead action, derived
    from the records `user` sees (with the records that prove it). A fixed number of queries, whatever the cadre
    count."""
    cadres = county_level_cadres(campaign, orgs_qs)
    return lead_rows(campaign, cadres, user=user, cadre_ids=cadres.values("pk"))


@dataclass
class Missing:
    """How many of the listed leaders have no record yet of one lead action (尚无记录)."""

    action: str
    label: str
    count: int


@dataclass
class LeadTable:
    """The key-minority leaders of a coverage view: all of them (`total`), how many have not done each action
    (`missing`), and — when `missing_action` is one of LeadAction — only those who have not done it (`cadres`).
    Counts, filter and rows come from the same proofs, so the counts and the filtered list always agree."""

    total: int
    missing: list[Missing]
    missing_action: str
    cadres: QuerySet[Cadre]
    found: dict[str, dict[int, list[Proof]]]

    def rows(self, cadres: Iterable[Cadre], *, campaign: Campaign, user: MaybeActor) -> list[LeadRow]:
        return lead_rows(campaign, cadres, user=user, found=self.found)


def lead_table(campaign: Campaign, orgs: OrganizationQuerySet, *, user: MaybeActor, missing: str = "") -> LeadTable:
    """The county-level+ leaders of `orgs` with their lead actions (derived from the records `user` sees), the
    number who have no record of each action, and, for `missing` (a LeadAction), only those without it."""
    cadres = county_level_cadres(campaign, orgs)
    total = cadres.count()
    found = _proofs(campaign, cadres.values("pk"), user)
    counts = [Missing(action=a.value, label=str(a.label), count=total - len(found[a.value])) for a in LeadAction]
    chosen = missing if missing in LeadAction.values else ""
    if chosen:
        cadres = cadres.exclude(pk__in=list(found[chosen]))
    return LeadTable(total=total, missing=counts, missing_action=chosen, cadres=cadres, found=found)


# ---------------------------------------------------------------------------------------------------------
# The office's coverage view


def coverage_orgs(user: MaybeActor, campaign: Campaign, *, sector: str = "", tier: str = "",
                  group_id: int | None = None) -> OrganizationQuerySet:
    """The participating organisations `user` sees, filtered by sector, tier and liaison group of `campaign`, in
    tree order. The filters come validated (views.CoverageFilterForm): an unknown value filters nothing."""
    qs = participating_orgs(campaign).visible_to(user)
    if sector in Sector.values:
        qs = qs.filter(sector=sector)
    if tier in Tier.values:
        qs = qs.filter(tier=tier)
    if group_id is not None:
        paths = list(LiaisonAssignment.objects.filter(campaign=campaign, group_id=group_id)
                     .values_list("organization__path", flat=True))
        qs = qs.filter(subtrees_q("path", paths))
    return qs.order_by("path")


def liaison_groups(campaign: Campaign) -> QuerySet[LiaisonGroup]:
    return LiaisonGroup.objects.filter(campaign=campaign).order_by("number", "id")


def record_counts(campaign: Campaign, orgs: Any) -> dict[int, dict[str, int]]:
    """{organisation id: {record kind: count}} for the organisations `orgs` (ids or a subquery): one grouped
    query per model of the registry (kinds stored in one model, the two kinds of life meetings, are grouped by
    what tells them apart), whatever the number of organisations."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    by_model: dict[type[Any], list[KindSpec]] = defaultdict(list)
    for spec in KINDS:
        by_model[spec.model].append(spec)
    for model, specs in by_model.items():
        keys = sorted({key for spec in specs for key in spec.rows})
        rows = (model.objects.filter(campaign=campaign, organization__in=orgs).order_by()
                .values("organization", *keys).annotate(n=Count("id")).values_list("organization", *keys, "n"))
        for org_id, *values, n in rows:
            found = dict(zip(keys, values, strict=True))
            for spec in specs:
                if all(found.get(key) == value for key, value in spec.rows.items()):
                    counts[org_id][spec.value] = n
    return counts


@dataclass
class CoverageCell:
    kind: str
    label: str
    applies: bool
    count: int

    @property
    def text(self) -> str:
        """What the page shows (the export writes the count as a number, and this text where it does not
        apply)."""
        if self.count:
            return f"有（{self.count}）"
        return "无" if self.applies else NOT_REQUIRED


@dataclass
class Rectification:
    """检视整改 of a unit: the problems on its own ledger in the campaign, and how many of them are closed
    (对账销号, verified by someone else)."""

    found: int = 0
    closed: int = 0

    @property
    def text(self) -> str:
        return f"查摆{self.found}个 · 销号{self.closed}个" if self.found else "无"


@dataclass
class CoverageRow:
    org: Organization
    cells: list[CoverageCell]
    rectification: Rectification = field(default_factory=Rectification)


def rectification_counts(campaign: Campaign, orgs: Any) -> dict[int, Rectification]:
    """{organisation id: Rectification} for `orgs` (ids or a subquery): one grouped query on the problem ledger.

    The ledger is problems' (a sibling app): this reads it the way the lead actions above do (检视问题, 整改落实),
    so the coverage view keeps its one computation here rather than a copy in each app."""
    rows = (Problem.objects.filter(campaign=campaign, organization__in=orgs).order_by().values("organization")
            .annotate(found=Count("id"), closed=Count("id", filter=Q(status=ProblemStatus.CLOSED)))
            .values_list("organization", "found", "closed"))
    return {org_id: Rectification(found=found, closed=closed) for org_id, found, closed in rows}


def _profiles(orgs: list[Organization]) -> dict[tuple[str, str], GuidanceProfile | None]:
    """The profile of each sector × tier present in `orgs` (at most one look-up per pair, never per row)."""
    found: dict[tuple[str, str], GuidanceProfile | None] = {}
    for org in orgs:
        key = (org.sector, org.tier)
        if key not in found:
            found[key] = profile_for(org)
    return found


def coverage_rows(campaign: Campaign, orgs: Iterable[Organization], org_ids: Any = None) -> list[CoverageRow]:
    """Per organisation × kind of record: whether it applies (its profile) and how many were recorded; and 检视整改
    from its problem ledger (it applies to every unit)."""
    orgs = list(orgs)
    ids = org_ids if org_ids is not None else [o.pk for o in orgs]
    counts = record_counts(campaign, ids)
    ledger = rectification_counts(campaign, ids)
    profiles = _profiles(orgs)
    rows = []
    for org in orgs:
        profile = profiles[(org.sector, org.tier)]
        own = counts.get(org.pk, {})
        rows.append(CoverageRow(org=org, cells=[
            CoverageCell(kind=spec.value, label=spec.label, applies=spec.applies(profile),
                         count=own.get(spec.value, 0))
            for spec in KINDS], rectification=ledger.get(org.pk, Rectification())))
    return rows


# ---------------------------------------------------------------------------------------------------------
# What a unit recorded, by the four key measures (a liaison group's per-unit view reads it beside its judgements)


@dataclass
class Recorded:
    """One kind of record of a unit under a key measure: how many, the latest date, where it is shown."""

    label: str
    count: int
    latest: dt.date | None = None
    note: str = ""
    url: str = ""
    unit: str = "项"


# The four key measures, keyed as the basic requirements a liaison group judges (supervision.choices.Requirement).
MEASURES: tuple[tuple[str, str], ...] = (("study", "理论学习"), ("research", "调查研究"), ("development", "推动发展"),
                                         (RECTIFICATION, RECTIFICATION_LABEL))


def recorded_by_measure(org: Organization, campaign: Campaign, *, user: MaybeActor) -> dict[str, list[Recorded]]:
    """What `org` itself recorded in `campaign`, under each of the four key measures, as `user` sees it: study
    sessions and lectures (理论学习); research topics, reports and uses of their results (调查研究); public-service
    commitments and their milestones (推动发展); its problem ledger and its life meetings (检视整改). A fixed
    number of queries."""
    unit = reverse("measures:unit", args=[org.code])

    def of(qs: QuerySet[Any], date_field: str, label: str, anchor: str, note: str = "") -> Recorded:
        found: dict[str, Any] = (qs.aggregate(n=Count("id"), latest=Max(date_field)) if date_field
                                 else {"n": qs.count(), "latest": None})
        return Recorded(label=label, count=found["n"], latest=found["latest"], note=note,
                        url=f"{unit}#{anchor}" if anchor else unit)

    own = {"organization": org, "campaign": campaign}
    reports = ResearchReport.objects.visible_to(user).filter(topic__organization=org, topic__campaign=campaign)
    services = PublicService.objects.visible_to(user).filter(**own)
    milestones = Milestone.objects.filter(public_service__in=services).aggregate(
        n=Count("id"), done=Count("id", filter=Q(done_on__isnull=False)))
    seen = Organization.objects.visible_to(user).filter(pk=org.pk)
    ledger = rectification_counts(campaign, seen).get(org.pk, Rectification())
    return {
        "study": [of(StudySession.objects.visible_to(user).filter(**own), "held_on", "学习研讨", "section-study"),
                  of(PartyLecture.objects.visible_to(user).filter(**own), "held_on", "专题党课", "section-lecture")],
        "research": [of(ResearchTopic.objects.visible_to(user).filter(**own), "", "调研课题", "section-research"),
                     of(reports, "submitted_on", "调研报告", "section-research"),
                     Recorded(label="成果运用", count=ResearchUse.objects.filter(report__in=reports).count(),
                              url=f"{unit}#section-research")],
        "development": [of(services, "deadline", "为民办实事", "section-public_service",
                           note=f"节点完成{milestones['done']}/{milestones['n']}" if milestones["n"] else "")],
        RECTIFICATION: [Recorded(label="问题清单中查摆的问题", count=ledger.found, note=f"已销号{ledger.closed}个",
                                 url=f"{unit}#section-rectification", unit="个"),
                        of(LifeMeeting.objects.visible_to(user).filter(**own), "held_on", "专题生活会", "")],
    }
