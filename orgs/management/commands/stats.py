"""manage.py stats [--org CODE] [--json]: an organisation's statistics from the stored roll-up."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orgs.models import Organization
from orgs.selectors import OrgStats, Totals, org_stats

COLUMNS = ("党组织数", "党员数", "流动党员", "年老体弱", "县处级以上领导干部")


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def table(title: str, head: str, rows: list[tuple[str, Totals]]) -> list[str]:
    """A plain-text table, columns aligned for CJK (two columns per character)."""
    cells = [(head, *COLUMNS)] + [
        (label, str(t.orgs), str(t.members), str(t.mobile), str(t.frail), str(t.cadres)) for label, t in rows
    ]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(cells[0]))]

    def line(row: tuple[str, ...]) -> str:
        first = row[0] + " " * (widths[0] - _width(row[0]))
        rest = [" " * (widths[i] - _width(c)) + c for i, c in enumerate(row) if i]
        return "  ".join([first, *rest])

    return [title, line(cells[0]), "  ".join("-" * w for w in widths), *(line(r) for r in cells[1:]), ""]


def stats_text(stats: OrgStats) -> str:
    org = stats.organization
    lines = [f"{org.name}（{org.code}）", stats.sentence + "。", ""]
    lines += table("按单位类别", "单位类别", [(label, t) for _, label, t in stats.by_sector])
    lines += table("按层级", "层级", [(label, t) for _, label, t in stats.by_tier])
    if stats.children:
        lines += table("下级党组织", "党组织", [(f"{c.name}（{c.code}）", t) for c, t in stats.children])
    return "\n".join(lines).rstrip() + "\n"


class Command(BaseCommand):
    help = "打印党组织统计：总数句子、按单位类别、按层级和各下级党组织（读取汇总计数，不扫描党员）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="组织编码（默认：根党组织）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["org"]:
            org = Organization.objects.filter(code=opts["org"]).first()
            if org is None:
                raise CommandError(f"组织编码 {opts['org']} 不存在")
        else:
            org = Organization.objects.get_first_root_node()
            if org is None:
                raise CommandError("党组织库为空")
        stats = org_stats(org)
        if opts["json"]:
            self.stdout.write(json.dumps(stats.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(stats_text(stats), ending="")
