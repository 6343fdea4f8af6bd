"""manage.py audit_verify: walk the audit log's HMAC-SM3 chain from its anchor to its head and name the first
entry that was edited, deleted or inserted out of order (exit status 1); `--archive FILE` checks an archive file
(JSON lines) written by audit_archive."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.audit.archive import verify_file
from core.audit.chain import verify


class Command(BaseCommand):
    help = "校验审计日志链：找出第一条被修改、删除或插入的日志；--archive 文件 校验归档文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--archive", type=Path, help="校验 audit_archive 写出的归档文件（.jsonl）")
        parser.add_argument("--chunk", type=int, default=10_000, help="每次读取的条数")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["archive"]:
            count, problem = verify_file(opts["archive"])
            if problem:
                raise CommandError(f"归档文件校验未通过（已核对{count}条）：{problem}")
            self.stdout.write(f"归档文件校验通过：{count}条")
            return
        result = verify(chunk=opts["chunk"], progress=lambda n: self.stderr.write(f"已校验{n}条……"))
        speed = f"{result.rows}条，{result.seconds:.1f}秒，每秒{result.rows_per_second:,.0f}条"
        start = f"自归档锚点第{result.anchor_seq}条之后" if result.anchor_seq else "自第1条"
        if result.problem is not None:
            raise CommandError(f"审计日志链校验未通过：{result.problem.message}（{start}已核对{speed}）")
        self.stdout.write(f"审计日志链校验通过：{start}至第{result.last_seq}条，{speed}")
