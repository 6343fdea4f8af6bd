"""manage.py demo --port P: what `make demo` runs before serving — migrate, generate the demo city once (every part
of demo.parts, as SystemActor("demo"); the demo accounts among them), and print where to go and how to log in.
Refuses unless settings.DEMO (JYB_DEMO=1): production never gets demo accounts."""

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.actors import SystemActor
from accounts.models import User
from demo.accounts import demo_accounts, demo_password
from demo.generators.orgs import GendataError
from demo.parts import PARTS, Run, walk
from orgs.models import Organization
from orgs.selectors import org_stats


class Command(BaseCommand):
    help = "准备演示环境：迁移数据库、生成演示城市（仅首次）、创建演示账号（仅首次），并打印访问地址和账号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **opts: Any) -> None:
        if not settings.DEMO:
            raise CommandError("manage.py demo 只能在演示环境运行（请设置 JYB_DEMO=1，或使用 make demo）。")
        out = self.stdout.write
        call_command("migrate", interactive=False, verbosity=0)
        names = [part.name for part in PARTS]
        if Organization.objects.exists():
            out(f"沿用已有数据：党组织{Organization.objects.count()}个。")
            names.remove("orgs")
        else:
            out("首次运行：正在生成演示城市（约1,500个党组织、30,000名党员）……")
        try:
            for done in walk(names, Run(actor=SystemActor("demo"), seed=opts["seed"])):
                if done.line:
                    out(done.line)
        except GendataError as exc:
            raise CommandError(str(exc)) from exc
        root = Organization.objects.get_first_root_node()
        assert root is not None
        password = demo_password()
        users = {u.username: u for u in User.objects.select_related("organization")
                 .filter(username__in=[str(g.role) for g in demo_accounts()])}
        out("")
        out(self.style.SUCCESS(f"访问地址：http://127.0.0.1:{opts['port']}/"))
        out("")
        rows = [("账号", "角色", "管辖范围", "密码")]
        rows += [(u.username, u.role_label, u.organization.name, password)
                 for u in (users.get(str(g.role)) for g in demo_accounts()) if u is not None]
        widths = [max(_width(r[i]) for r in rows) for i in range(4)]
        for n, row in enumerate(rows):
            out("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                out("  ".join("-" * w for w in widths))
        out("")
        out(f"{root.name}：{org_stats(root, with_children=False).sentence}")


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
