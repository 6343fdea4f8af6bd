"""Lead actions of the key minority (关键少数带头), derived from the records of the measures and the problem ledger.

They are DERIVED, never ticked by hand: a cadre "gave a lecture" because a PartyLecture names him as speaker;
he "found problems" because a self-criticism item at a life meeting is about him, or a problem his unit found
itself names him as its responsible leader. Each app reads its own records (measures.selectors: studied,
researched, lectured, self-criticism; problems.selectors: the problems he is responsible for) as one query of
(cadre id, record …) rows; this module composes them, so a list costs a fixed number of queries however many
cadres it shows. Nothing here is a score: a lead action is shown with the records that prove it.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from accounts.actors import MaybeActor
from campaigns.models import Campaign
from core.scoping import user_scope_paths
from measures import selectors as measures
from measures.choices import LeadAction
from orgs.models import Cadre, OrganizationQuerySet
from problems import selectors as ledger
from problems.choices import Source

# 检视问题 from the ledger: the problems his unit found itself or agreed collectively (自己找、集体议) — problems
# pointed out by superiors, the masses or a liaison group are not his own examination.
SELF_FOUND = (Source.SELF, Source.COLLECTIVE)
# How long the title of a closed problem's proof is.
CLOSED_TITLE = 60


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


Found = dict[str, dict[int, list[Proof]]]


def _problem_url(pk: int) -> str:
    return reverse("problems:problem", args=[pk])


def _proofs(campaign: Campaign, cadre_ids: Any, user: MaybeActor) -> Found:
    """{action: {cadre id: proofs}} — one query per way an action can be shown (seven, whatever the cadres).

    Only records of organisations `user` sees are proofs (and so make an action done for that user): a cadre may
    be named on a record of a unit outside the viewer's scope (old or generated data, or a record made elsewhere),
    and its title, date and unit must not reach the viewer."""
    found: Found = {a.value: defaultdict(list) for a in LeadAction}
    paths = user_scope_paths(user)
    if not paths:
        return found

    def add(action: str, rows: Iterable[tuple[int, int, str, str, dt.date | None]], anchor: str,
            url: Callable[[int], str] | None = None) -> None:
        seen = found[action]
        for cadre_id, record_id, org_code, title, on in rows:
            proof = Proof(org_code=org_code, anchor=f"{anchor}-{record_id}", title=title, on=on,
                          url=url(record_id) if url else "")
            if proof not in seen[cadre_id]:
                seen[cadre_id].append(proof)

    anchor = measures.ANCHOR
    add(LeadAction.STUDIED, measures.studied_records(campaign, cadre_ids, paths), anchor["study"])
    add(LeadAction.RESEARCHED, measures.researched_records(campaign, cadre_ids, paths), anchor["report"])
    add(LeadAction.LECTURED, measures.lectured_records(campaign, cadre_ids, paths), anchor["lecture"])
    add(LeadAction.FOUND_PROBLEMS, measures.self_criticism_records(campaign, cadre_ids, paths), anchor["meeting"])
    add(LeadAction.FOUND_PROBLEMS, ledger.problems_of_cadres(campaign, cadre_ids, paths, sources=SELF_FOUND),
        "problem", _problem_url)
    # 整改落实: a problem he is responsible for, closed after someone else verified it (对账销号).
    closed = ledger.closed_problems_of_cadres(campaign, cadre_ids, paths)
    add(LeadAction.RECTIFIED, ((c, p, o, d[:CLOSED_TITLE], on) for c, p, o, d, on in closed), "problem",
        _problem_url)
    return found


def _sorted(proofs: list[Proof]) -> list[Proof]:
    """Proofs by date, the earliest first (an undated one last): several ways of showing an action merge here."""
    return sorted(proofs, key=lambda p: (p.on is None, p.on or dt.date.min))


def lead_rows(campaign: Campaign, cadres: Iterable[Cadre], *, actor: MaybeActor, cadre_ids: Any = None,
              found: Found | None = None) -> list[LeadRow]:
    """The lead actions of `cadres` (a page of them, or all), derived from the records of `campaign` that `actor`
    sees (records of units outside the actor's scope neither show nor count). `cadre_ids`: the same cadres as a
    subquery, for long lists (else their ids); `found`: their proofs, already derived (`LeadTable`)."""
    cadres = list(cadres)
    if found is None:
        found = _proofs(campaign, cadre_ids if cadre_ids is not None else [c.pk for c in cadres], actor)
    rows = []
    for cadre in cadres:
        cells = []
        for action in LeadAction:
            proofs = _sorted(found[action.value].get(cadre.pk, []))
            cells.append(LeadCell(action=action.value, label=str(action.label), proofs=proofs))
        rows.append(LeadRow(cadre=cadre, cells=cells))
    return rows


def lead_actions(campaign: Campaign, orgs_qs: OrganizationQuerySet, *, actor: MaybeActor) -> list[LeadRow]:
    """For every county-level+ cadre of the participating organisations in `orgs_qs`: each lead action, derived
    from the records `actor` sees (with the records that prove it). A fixed number of queries, whatever the cadre
    count."""
    cadres = measures.county_level_cadres(campaign, orgs_qs)
    return lead_rows(campaign, cadres, actor=actor, cadre_ids=cadres.values("pk"))


def open_lead_actions(campaign: Campaign, orgs: OrganizationQuerySet, user: MaybeActor) -> list[tuple[Cadre, int]]:
    """(cadre, how many of his lead actions have no record yet) for the county-level+ cadres of `orgs`: what a
    liaison group's workspace counts (registered in supervision.lead_actions)."""
    return [(row.cadre, sum(1 for cell in row.cells if not cell.proofs))
            for row in lead_actions(campaign, orgs, actor=user)]


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
    found: Found

    def rows(self, cadres: Iterable[Cadre], *, campaign: Campaign, user: MaybeActor) -> list[LeadRow]:
        return lead_rows(campaign, cadres, actor=user, found=self.found)


def lead_table(campaign: Campaign, orgs: OrganizationQuerySet, *, actor: MaybeActor, missing: str = "") -> LeadTable:
    """The county-level+ leaders of `orgs` with their lead actions (derived from the records `actor` sees), the
    number who have no record of each action, and, for `missing` (a LeadAction), only those without it."""
    cadres = measures.county_level_cadres(campaign, orgs)
    total = cadres.count()
    found = _proofs(campaign, cadres.values("pk"), actor)
    counts = [Missing(action=a.value, label=str(a.label), count=total - len(found[a.value])) for a in LeadAction]
    chosen = missing if missing in LeadAction.values else ""
    if chosen:
        cadres = cadres.exclude(pk__in=list(found[chosen]))
    return LeadTable(total=total, missing=counts, missing_action=chosen, cadres=cadres, found=found)
