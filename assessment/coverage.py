"""The office's coverage view: per unit, what it recorded of each kind of record (measures) and its 检视整改 from
its own problem ledger (problems). Counts are grouped by organisation in the database, a fixed number of queries
per page or chunk whatever the number of units; they are information, never a ranking (rows in tree order)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from campaigns.models import Campaign
from measures.selectors import CoverageCell, coverage_cells
from orgs.models import Organization
from problems.selectors import ledger_counts


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
    """{organisation id: Rectification} for `orgs` (ids or a subquery): one grouped query on the problem ledger."""
    return {org_id: Rectification(found=found, closed=closed)
            for org_id, (found, closed) in ledger_counts(campaign, orgs).items()}


def coverage_rows(campaign: Campaign, orgs: Iterable[Organization], org_ids: Any = None) -> list[CoverageRow]:
    """Per organisation × kind of record: whether it applies (its profile) and how many were recorded; and 检视整改
    from its problem ledger (it applies to every unit)."""
    orgs = list(orgs)
    ids = org_ids if org_ids is not None else [o.pk for o in orgs]
    cells = coverage_cells(campaign, orgs, ids)
    ledger = rectification_counts(campaign, ids)
    return [CoverageRow(org=org, cells=cells[org.pk], rectification=ledger.get(org.pk, Rectification()))
            for org in orgs]
