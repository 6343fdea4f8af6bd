"""manage.py check_counters [--fix]: are the stored roll-up counters exact? (The nightly check.)"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orgs.counters import rollup_differences, rollup_rebuild


class Command(BaseCommand):
    help = "核对汇总计数是否与党员、干部、党组织数据一致；--fix 重新计算全部汇总计数"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="重新计算全部汇总计数")
        parser.add_argument("--limit", type=int, default=50, help="最多列出多少处不一致（默认50）")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["fix"]:
            rows = rollup_rebuild()
            self.stdout.write(self.style.SUCCESS(f"已重新计算汇总计数：{rows}行"))
            return
        problems = rollup_differences()
        if not problems:
            self.stdout.write(self.style.SUCCESS("汇总计数准确，无不一致。"))
            return
        for line in problems[: opts["limit"]]:
            self.stdout.write(line)
        if len(problems) > opts["limit"]:
            self.stdout.write(f"……另有{len(problems) - opts['limit']}处未列出")
        raise CommandError(f"汇总计数有{len(problems)}处不一致；运行 manage.py check_counters --fix 重新计算")
