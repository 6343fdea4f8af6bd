from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.actors import SystemActor
from core import audit
from core.models import AuditEntry
from orgs import exports, selectors
from orgs.models import Cadre, Member, Organization


class ExportCommand(BaseCommand):
    """Shared by export_members and export_cadres. The command line writes full ID numbers."""

    model: type[Member] | type[Cadre] = Member
    label = "党员"

    @property
    def help(self) -> str:  # type: ignore[override]
        return f"导出{self.label}名册（.xlsx，表头与导入模板相同）：FILE [--org 组织编码]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--org", help="只导出该组织及其下级（组织编码）")

    def handle(self, *args: Any, **opts: Any) -> None:
        code = opts.get("org")
        name = self.model.__name__.lower()
        actor = SystemActor(f"export_{name}s")
        if code:
            org = Organization.objects.visible_to(actor).filter(code=code).first()
            if org is None:
                raise CommandError(f"组织编码 {code} 不存在")
            lister = selectors.member_list if self.model is Member else selectors.cadre_list
            queryset = lister(org, {})
        else:
            queryset = self.model.objects.order_by("organization__path", "id")
        writer = exports.export_members if self.model is Member else exports.export_cadres
        with open(opts["file"], "wb") as out:
            rows = writer(queryset=queryset, out=out, masked=False)
        with audit.audit_context(user=actor):
            audit.record(AuditEntry.Action.EXPORT, object_type=audit.type_label(self.model),
                         object_id=code or "", object_repr=str(opts["file"])[:200],
                         after={"rows": rows, "masked": False, "org": code})
        self.stdout.write(f"已导出{self.label}{rows}行：{opts['file']}")


class Command(ExportCommand):
    model = Member
    label = "党员"
