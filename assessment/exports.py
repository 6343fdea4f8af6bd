"""The coverage view as .xlsx (XlsxWriter, constant-memory): the same filtered rows as the page, streamed in
chunks; each chunk costs a fixed number of grouped queries. Counts are information, never a ranking: rows are
in tree order."""

from collections.abc import Iterator
from typing import Any, BinaryIO

import xlsxwriter
from django.db.models import QuerySet

from accounts.actors import MaybeActor
from assessment.coverage import coverage_rows
from assessment.lead_actions import lead_table
from campaigns.models import Campaign
from measures.choices import NO_RECORD, RECTIFICATION_LABEL, LeadAction
from measures.kinds import KINDS
from orgs.models import OrganizationQuerySet

CHUNK = 2000


def _chunks(qs: QuerySet[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for obj in qs.iterator(chunk_size=CHUNK):
        chunk.append(obj)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def export_coverage(*, campaign: Campaign, orgs: OrganizationQuerySet, user: MaybeActor, out: BinaryIO,
                    missing: str = "") -> tuple[int, int]:
    """Write both sheets to `out`; returns (unit rows, leader rows). Lead actions count only records `user`
    sees; `missing` (a LeadAction): only the leaders with no record of it, as the page's filter."""
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False,
                                     "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    grey = book.add_format({"font_color": "#888888"})

    units = book.add_worksheet("单位×措施")
    headers = ["组织编码", "党组织", "单位类别", "层级", *[spec.label for spec in KINDS],
               f"{RECTIFICATION_LABEL}：查摆问题", f"{RECTIFICATION_LABEL}：已销号"]
    for col, title in enumerate(headers):
        units.write_string(0, col, title, bold)
        units.set_column(col, col, 28 if col == 1 else 14)
    units.freeze_panes(1, 2)
    row = 1
    for chunk in _chunks(orgs):
        for cov in coverage_rows(campaign, chunk):
            org = cov.org
            units.write_string(row, 0, org.code)
            units.write_string(row, 1, org.name)
            units.write_string(row, 2, str(org.get_sector_display()))
            units.write_string(row, 3, str(org.get_tier_display()))
            for col, cell in enumerate(cov.cells, start=4):
                if cell.applies or cell.count:
                    units.write_number(row, col, cell.count)
                else:
                    units.write_string(row, col, cell.text, grey)
            col = 4 + len(cov.cells)
            units.write_number(row, col, cov.rectification.found)
            units.write_number(row, col + 1, cov.rectification.closed)
            row += 1
    unit_rows = row - 1

    leaders = book.add_worksheet("关键少数×带头事项")
    headers = ["姓名", "职务", "所在党组织", "组织编码", *[str(label) for _, label in LeadAction.choices]]
    for col, title in enumerate(headers):
        leaders.write_string(0, col, title, bold)
        leaders.set_column(col, col, 24 if col in (1, 2) else 14)
    leaders.freeze_panes(1, 1)
    row = 1
    table = lead_table(campaign, orgs, actor=user, missing=missing)
    for chunk in _chunks(table.cadres):
        for lead in table.rows(chunk, campaign=campaign, user=user):
            cadre = lead.cadre
            leaders.write_string(row, 0, cadre.name)
            leaders.write_string(row, 1, cadre.position)
            leaders.write_string(row, 2, cadre.organization.name)
            leaders.write_string(row, 3, cadre.organization.code)
            for col, lead_cell in enumerate(lead.cells, start=4):
                if lead_cell.proofs:
                    leaders.write_string(row, col, f"有（{len(lead_cell.proofs)}项记录）")
                else:
                    leaders.write_string(row, col, NO_RECORD)
            row += 1
    book.close()
    return unit_rows, row - 1
