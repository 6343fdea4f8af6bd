import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.actors import SystemActor
from core.audit import audit_context
from orgs.imports import ImportFileError, ImportKind, import_file


class ImportCommand(BaseCommand):
    """Shared by import_orgs, import_members and import_cadres."""

    kind: str = ImportKind.ORGS

    @property
    def help(self) -> str:  # type: ignore[override]
        return (f"从 .xlsx 或 .csv 文件导入{ImportKind(self.kind).label}：模板、导出文件或单位自己的名册，"
                "各列按表头自动对应，有无法识别的列则不导入（请在网页上确认对应关系）；先校验全部行，有错误则不写入")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=".xlsx 或 .csv（UTF-8 或 GBK）文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验并统计，不写入")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        started = time.monotonic()
        try:
            actor = SystemActor(f"import_{self.kind}")
            with audit_context(user=actor):
                report = import_file(kind=self.kind, file=path, filename=path.name, actor=actor,
                                     dry_run=opts["dry_run"], strict=True)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(f"文件有{len(report.errors)}处错误，未写入任何数据")
        elapsed = time.monotonic() - started
        suffix = "（试运行，未写入）" if opts["dry_run"] else ""
        self.stdout.write(f"{report.summary.removesuffix('（未写入）')}{suffix}，用时{elapsed:.1f}秒")


class Command(ImportCommand):
    kind = ImportKind.ORGS
