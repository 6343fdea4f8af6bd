"""manage.py demo --port P: what `make demo` runs before serving — migrate, generate the demo city once, create
the demo accounts once, and print where to go and how to log in. Refuses to create accounts unless
settings.DEMO (JYB_DEMO=1): production never gets them."""

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.actors import SETUP
from accounts.choices import Role
from accounts.models import User
from accounts.services import user_create
from campaigns.models import Campaign
from core.audit import audit_context
from demo.generators.campaigns import campaigns_generate
from demo.generators.measures import measures_generate
from demo.generators.office import submissions_generate
from demo.generators.problems import problems_generate
from demo.generators.supervision import summary as supervision_summary
from demo.generators.supervision import supervision_generate
from orgs.choices import Tier
from orgs.models import Organization
from orgs.selectors import org_stats

DEFAULT_PASSWORD = "Demo@2023"
# Username = role; the tier each is bound to (None = the root).
DEMO_ACCOUNTS: tuple[tuple[str, str | None], ...] = (
    (Role.OFFICE, None), (Role.LIAISON, Tier.COUNTY), (Role.UNIT, Tier.VILLAGE), (Role.LEADER, None),
    (Role.SYSADMIN, None), (Role.SECADMIN, None), (Role.AUDITOR, None),
)


def demo_password() -> str:
    return os.environ.get("JYB_DEMO_PASSWORD") or DEFAULT_PASSWORD


def demo_place(root: Organization, tier: str | None) -> Organization:
    """The first organisation of `tier` in path order (the root when tier is None)."""
    if tier is None:
        return root
    org = Organization.objects.in_subtree(root.path).filter(tier=tier).order_by("path").first()
    if org is None:
        raise CommandError(f"演示数据中没有{Tier(tier).label}级党组织，无法绑定演示账号")
    return org


def ensure_demo_accounts(password: str) -> tuple[list[User], list[str]]:
    """Create the missing demo accounts. Returns every demo account and the usernames created now."""
    if not settings.DEMO:
        raise CommandError("只有演示环境（JYB_DEMO=1）才能创建演示账号；生产环境不创建演示账号。")
    root = Organization.objects.get_first_root_node()
    if root is None:
        raise CommandError("党组织库为空，请先生成演示数据（manage.py gendata --scale demo）")
    created: list[str] = []
    users: list[User] = []
    with audit_context(name="manage.py demo"):
        for role, tier in DEMO_ACCOUNTS:
            user = User.objects.select_related("organization").filter(username=str(role)).first()
            if user is None:
                user = user_create(actor=SETUP, username=str(role), role=str(role), organization=demo_place(root, tier),
                                   password=password, full_name=f"演示{Role(role).label}", check_password=False)
                created.append(user.username)
            users.append(user)
    return users, created


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
        generated = not Organization.objects.exists()
        if generated:
            out("首次运行：正在生成演示城市（约1,500个党组织、30,000名党员）……")
            call_command("gendata", scale="demo", seed=opts["seed"], verbosity=1, stdout=self.stdout)
        else:
            out(f"沿用已有数据：党组织{Organization.objects.count()}个。")
        password = demo_password()
        users, created = ensure_demo_accounts(password)
        if created:
            out(f"已创建演示账号：{'、'.join(created)}")
        # Campaigns after the accounts: the demo office and liaison users join their teams and groups.
        if generated or not Campaign.objects.exists():
            campaigns_generate(seed=opts["seed"])
            out("已生成演示主题教育：第一批（历史）和第二批（当前开展），内设组和各县（区）联络组。")
        if measures_generate(seed=opts["seed"]):
            out("已生成演示的四项重点措施记录（部分单位和领导干部有意留空）。")
        problems = problems_generate(seed=opts["seed"])
        if problems:
            out(f"已生成演示问题清单：问题{problems}个（已登记、整改中、申请销号、已销号，含逾期、延期、反弹）。")
        supervision = supervision_generate(seed=opts["seed"])
        if supervision:
            out(supervision_summary(supervision))
        submissions = submissions_generate(seed=opts["seed"])
        if submissions:
            out(f"已生成演示请示报告：{submissions}件（经验做法、典型案例、请示、向省委教育办的请示报告和批复、来函、通知，"
                "含已分办、已答复、已办结和逾期的）。")
        root = Organization.objects.get_first_root_node()
        out("")
        out(self.style.SUCCESS(f"访问地址：http://127.0.0.1:{opts['port']}/"))
        out("")
        rows = [("账号", "角色", "管辖范围", "密码")]
        rows += [(u.username, u.get_role_display(), u.organization.name, password) for u in users]
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
