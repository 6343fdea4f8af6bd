import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.audit import audit_context
from core.sheets import ImportFileError
from problems.imports import import_ledger


class Command(BaseCommand):
    help = ("以某个用户的身份导入问题清单（.xlsx 或 .csv，导出的清单或单位自己的整改清单）：各列按表头自动对应，"
            "有无法识别的列则不导入（请在网页上确认对应关系）；先校验全部行，有任何错误则不写入。"
            "“整改进展”“销号情况”两列不读取")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=".xlsx 或 .csv（UTF-8 或 GBK）文件")
        parser.add_argument("--user", required=True, help="导入人的用户名（基层单位或主题教育办公室的账号）")
        parser.add_argument("--dry-run", action="store_true", help="只校验并统计，不写入")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = get_user_model().objects.filter(username=opts["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {opts['user']} 不存在或已停用")
        path = Path(opts["file"])
        started = time.monotonic()
        try:
            with audit_context(user=user):
                report = import_ledger(file=path, filename=path.name, user=user, dry_run=opts["dry_run"],
                                       strict=True)
        except (ImportFileError, PermissionError) as exc:
            raise CommandError(str(exc)) from exc
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(f"文件有{len(report.errors)}处错误，未写入任何数据")
        suffix = "（试运行，未写入）" if opts["dry_run"] else ""
        elapsed = time.monotonic() - started
        self.stdout.write(f"{report.summary.removesuffix('（未写入）')}{suffix}，用时{elapsed:.1f}秒")
