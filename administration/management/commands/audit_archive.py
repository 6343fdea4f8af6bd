"""manage.py audit_archive --before DATE FILE: export the audit entries written before DATE with their chain values
to FILE (JSON lines, or .xlsx), then remove them; the chain continues from the archive's last entry. DATE must be
at least 180 days ago. On PostgreSQL only the table's owner role may run it (README: database roles)."""

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.actors import SystemActor
from core.audit import audit_context
from core.audit.archive import entries_archive


class Command(BaseCommand):
    help = "归档180天以前的审计日志：audit_archive --before 日期 文件（.jsonl 或 .xlsx），导出后从数据库删除"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--before", required=True,
                            help="归档此日期（不含）以前的日志，格式 2023-01-31，至少在180天以前")

    def handle(self, *args: Any, **opts: Any) -> None:
        out = Path(opts["file"])
        try:
            before = dt.date.fromisoformat(str(opts["before"]))
        except ValueError as exc:
            raise CommandError(f"日期 {opts['before']} 应写成 2023-01-31") from exc
        fmt = "xlsx" if out.suffix.lower() == ".xlsx" else "jsonl"
        try:
            with audit_context(user=SystemActor("audit_archive")):
                done = entries_archive(before=before, out=out, fmt=fmt)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        if not done.count:
            self.stdout.write(f"{before} 以前没有尚未归档的日志")
            return
        self.stdout.write(f"已归档{done.count}条（至第{done.through_seq}条）到 {out}，SHA-256 {done.sha256}；"
                          f"链从第{done.through_seq}条（{done.head_chain}）继续")
