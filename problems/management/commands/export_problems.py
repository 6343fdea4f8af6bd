from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaigns.selectors import current_campaign
from core import audit
from core.models import AuditEntry
from core.scoping import subtree_q
from orgs.models import Organization
from problems.choices import ProblemStatus
from problems.exports import write_ledger
from problems.models import Problem

_STATUS_LABELS = {str(label): value for value, label in ProblemStatus.choices}


class Command(BaseCommand):
    help = ("导出问题清单（.xlsx，列与导入相同）：OUT.xlsx [--org 组织编码] [--status 状态 …]；"
            "默认为当前主题教育的全部问题")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="写入的 .xlsx 文件")
        parser.add_argument("--org", help="只导出该组织及其下级（组织编码）")
        parser.add_argument("--status", nargs="+", default=[],
                            help="只导出这些状态：" + "、".join(f"{v}（{lbl}）" for v, lbl in ProblemStatus.choices))

    def handle(self, *args: Any, **opts: Any) -> None:
        problems = Problem.objects.all()
        campaign = current_campaign()
        if campaign is not None:
            problems = problems.filter(campaign=campaign)
        code = opts.get("org")
        if code:
            org = Organization.objects.filter(code=code).first()
            if org is None:
                raise CommandError(f"组织编码 {code} 不存在")
            problems = problems.filter(subtree_q("org_path", org.path))
        statuses = []
        for text in opts["status"]:
            value = _STATUS_LABELS.get(text, text)
            if value not in ProblemStatus.values:
                known = "、".join([*ProblemStatus.values, *_STATUS_LABELS])
                raise CommandError(f"未知的状态“{text}”：应为 {known} 之一")
            statuses.append(value)
        if statuses:
            problems = problems.filter(status__in=statuses)
        with open(opts["file"], "wb") as out:
            rows = write_ledger(problems.order_by("due_on", "id"), out)
        with audit.audit_context(name="manage.py export_problems"):
            audit.record(AuditEntry.Action.EXPORT, object_type=audit.type_label(Problem), object_id=code or "",
                         object_repr=str(opts["file"])[:200],
                         after={"rows": rows, "org": code, "status": statuses})
        self.stdout.write(f"已导出问题{rows}个：{opts['file']}")
