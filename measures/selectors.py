"""Queries that the measures pages, the export and the API share.

The records that show a lead action (关键少数带头) are read here, never ticked by hand: a cadre "gave a lecture"
because a PartyLecture names him as speaker. Each is one query of (cadre id, record …) pairs, so a list costs a
fixed number of queries however many cadres it shows; `assessment.lead_actions` composes them with the problem
ledger's. Coverage counts are grouped by organisation in the database (values/annotate), never counted row by
row. Nothing here is a score: counts are information about what was recorded, and lists are ordered by the tree,
never ranked.

The problem ledger is a sibling app, which measures does not import: where a record points to a problem (a
research result that found one), the ledger's model is the one measures' own foreign key names.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Model, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.actors import Actor, MaybeActor
from campaigns.models import Campaign, GuidanceProfile, LiaisonAssignment, LiaisonGroup
from campaigns.selectors import campaigns_of, current_campaign, participating_orgs, profile_for
from core.scoping import ScopedQuerySet, subtrees_q
from measures.choices import (
    NOT_REQUIRED,
    RECTIFICATION,
    RECTIFICATION_LABEL,
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


def linkable_problems(user: Actor, org: Organization, campaign: Campaign) -> QuerySet[Any]:
    """The problems of `org`'s ledger in `campaign` that `user` sees, newest first: what a research result may be
    linked to (ResearchUse.problem, whose model is the ledger's Problem)."""
    model = ResearchUse._meta.get_field("problem").related_model
    assert isinstance(model, type) and issubclass(model, Model)
    problems = model._default_manager.all()
    assert isinstance(problems, ScopedQuerySet)
    return problems.visible_to(user).filter(organization=org, campaign=campaign).order_by("-id")


# ---------------------------------------------------------------------------------------------------------
# The records that show a lead action of the key minority (关键少数带头)
#
# Each names a cadre: (cadre id, record id, organisation code, title, date), of the organisations under `paths`
# (the reader's scope), for `cadre_ids` (ids or a subquery); one query each, whatever the number of cadres.
# `assessment.lead_actions` composes them with the problem ledger's into each leader's lead actions.

CadreRecord = tuple[int, int, str, str, dt.date | None]


def studied_records(campaign: Campaign, cadre_ids: Any, paths: list[str]) -> list[CadreRecord]:
    """学习研讨: study sessions that name the cadre among the leaders who took part."""
    through = StudySession.leaders.through
    return list(through.objects.filter(subtrees_q("studysession__organization__path", paths),
                                       studysession__campaign=campaign, cadre_id__in=cadre_ids)
                .order_by("studysession__held_on", "studysession_id")
                .values_list("cadre_id", "studysession_id", "studysession__organization__code", "studysession__topic",
                             "studysession__held_on"))


def researched_records(campaign: Campaign, cadre_ids: Any, paths: list[str]) -> list[CadreRecord]:
    """调研并形成报告: research reports of a topic the cadre leads, then the reports he wrote."""
    reports = (ResearchReport.objects.filter(subtrees_q("topic__organization__path", paths), topic__campaign=campaign)
               .order_by("submitted_on", "id"))
    led = reports.filter(topic__lead_cadre_id__in=cadre_ids).values_list(
        "topic__lead_cadre_id", "id", "topic__organization__code", "title", "submitted_on")
    written = reports.filter(author_cadre_id__in=cadre_ids).values_list(
        "author_cadre_id", "id", "topic__organization__code", "title", "submitted_on")
    return [*led, *written]


def lectured_records(campaign: Campaign, cadre_ids: Any, paths: list[str]) -> list[CadreRecord]:
    """讲专题党课: lectures the cadre gave."""
    return list(PartyLecture.objects.filter(subtrees_q("organization__path", paths), campaign=campaign,
                                            speaker_cadre_id__in=cadre_ids)
                .order_by("held_on", "id")
                .values_list("speaker_cadre_id", "id", "organization__code", "title", "held_on"))


def self_criticism_records(campaign: Campaign, cadre_ids: Any, paths: list[str]) -> list[CadreRecord]:
    """检视问题 at a life meeting: a self-criticism item about the cadre himself (being criticised by others is
    not his own examination); the record is the meeting, titled by its kind."""
    kinds = dict(LifeMeetingKind.choices)
    items = (LifeMeetingItem.objects.filter(subtrees_q("meeting__organization__path", paths),
                                            meeting__campaign=campaign, kind=LifeMeetingItemKind.SELF_CRITICISM,
                                            cadre_id__in=cadre_ids)
             .order_by("meeting__held_on", "meeting_id")
             .values_list("cadre_id", "meeting_id", "meeting__organization__code", "meeting__kind",
                          "meeting__held_on"))
    return [(c, m, o, str(kinds.get(k, k)), d) for c, m, o, k, d in items]


def county_level_cadres(campaign: Campaign, orgs: OrganizationQuerySet) -> QuerySet[Cadre]:
    """County-level+ cadres (Cadre.rank ≥ 县处级副职) of the organisations in `orgs` that take part in
    `campaign`, in tree order, the higher rank first."""
    places = orgs.filter(pk__in=participating_orgs(campaign).values("pk")).values("pk")
    return (Cadre.objects.filter(rank__gte=RANK_COUNTY, organization__in=places).select_related("organization")
            .order_by("organization__path", "-rank", "name", "id"))


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


def _profiles(orgs: list[Organization]) -> dict[tuple[str, str], GuidanceProfile | None]:
    """The profile of each sector × tier present in `orgs` (at most one look-up per pair, never per row)."""
    found: dict[tuple[str, str], GuidanceProfile | None] = {}
    for org in orgs:
        key = (org.sector, org.tier)
        if key not in found:
            found[key] = profile_for(org)
    return found


def coverage_cells(campaign: Campaign, orgs: list[Organization], org_ids: Any = None) -> dict[int, list[CoverageCell]]:
    """{organisation id: a cell per kind of record} for `orgs`: whether the kind applies (its profile) and how
    many were recorded. `org_ids`: the same organisations as a subquery, for long lists (else their ids)."""
    counts = record_counts(campaign, org_ids if org_ids is not None else [o.pk for o in orgs])
    profiles = _profiles(orgs)
    cells = {}
    for org in orgs:
        profile = profiles[(org.sector, org.tier)]
        own = counts.get(org.pk, {})
        cells[org.pk] = [CoverageCell(kind=spec.value, label=spec.label, applies=spec.applies(profile),
                                      count=own.get(spec.value, 0)) for spec in KINDS]
    return cells


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


def recorded_by_measure(org: Organization, campaign: Campaign, *, actor: MaybeActor,
                        ledger: tuple[int, int]) -> dict[str, list[Recorded]]:
    """What `org` itself recorded in `campaign`, under each of the four key measures, as `actor` sees it: study
    sessions and lectures (理论学习); research topics, reports and uses of their results (调查研究); public-service
    commitments and their milestones (推动发展); its problem ledger — `ledger`: (problems found, of them closed),
    which the ledger counts (problems.selectors.ledger_counts) — and its life meetings (检视整改). A fixed number
    of queries."""
    unit = reverse("measures:unit", args=[org.code])

    def of(qs: QuerySet[Any], date_field: str, label: str, anchor: str, note: str = "") -> Recorded:
        found: dict[str, Any] = (qs.aggregate(n=Count("id"), latest=Max(date_field)) if date_field
                                 else {"n": qs.count(), "latest": None})
        return Recorded(label=label, count=found["n"], latest=found["latest"], note=note,
                        url=f"{unit}#{anchor}" if anchor else unit)

    own = {"organization": org, "campaign": campaign}
    reports = ResearchReport.objects.visible_to(actor).filter(topic__organization=org, topic__campaign=campaign)
    services = PublicService.objects.visible_to(actor).filter(**own)
    milestones = Milestone.objects.filter(public_service__in=services).aggregate(
        n=Count("id"), done=Count("id", filter=Q(done_on__isnull=False)))
    ledger_found, ledger_closed = ledger
    return {
        "study": [of(StudySession.objects.visible_to(actor).filter(**own), "held_on", "学习研讨", "section-study"),
                  of(PartyLecture.objects.visible_to(actor).filter(**own), "held_on", "专题党课", "section-lecture")],
        "research": [of(ResearchTopic.objects.visible_to(actor).filter(**own), "", "调研课题", "section-research"),
                     of(reports, "submitted_on", "调研报告", "section-research"),
                     Recorded(label="成果运用", count=ResearchUse.objects.filter(report__in=reports).count(),
                              url=f"{unit}#section-research")],
        "development": [of(services, "deadline", "为民办实事", "section-public_service",
                           note=f"节点完成{milestones['done']}/{milestones['n']}" if milestones["n"] else "")],
        RECTIFICATION: [Recorded(label="问题清单中查摆的问题", count=ledger_found, note=f"已销号{ledger_closed}个",
                                 url=f"{unit}#section-rectification", unit="个"),
                        of(LifeMeeting.objects.visible_to(actor).filter(**own), "held_on", "专题生活会", "")],
    }
