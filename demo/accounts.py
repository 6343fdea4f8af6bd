"""The demo accounts, the one place that knows them: one account per role of the table of capabilities
(`accounts.permissions.grants()`), whose username is the role's value, bound where that role works — a liaison
group's member at the first county, a unit's contact at the first village, everyone else at the root. The
generators find "the demo office user", "the demo liaison", "the demo unit contact" here, by the capability that
makes them so (`demo_user(Capability.JOIN_LIAISON_GROUP)`), never by naming a role.

Only a demo (settings.DEMO, JYB_DEMO=1) gets them: production never has demo accounts.
"""

import os

from django.conf import settings
from django.core.management.base import CommandError

from accounts.actors import Actor
from accounts.models import User
from accounts.permissions import Capability, Grant, grants, role_for
from administration.services import user_create
from core.audit import audit_context
from orgs.choices import Tier
from orgs.models import Organization

DEFAULT_PASSWORD = "Demo@2023"


def demo_password() -> str:
    return os.environ.get("JYB_DEMO_PASSWORD") or DEFAULT_PASSWORD


def demo_tier(grant: Grant) -> str | None:
    """The tier a role's demo account is bound to (None: the root)."""
    if Capability.JOIN_LIAISON_GROUP in grant.capabilities:
        return Tier.COUNTY
    if Capability.ANSWER_FOR_UNIT in grant.capabilities:
        return Tier.VILLAGE
    return None


def demo_accounts() -> list[Grant]:
    """The rows of the table that get a demo account, in the table's order."""
    return list(grants().values())


def demo_user(capability: Capability) -> User | None:
    """The active demo account of the one role granted `capability` (accounts.permissions.role_for), if it exists."""
    role = role_for(capability)
    return User.objects.select_related("organization").filter(username=role, role=role, is_active=True).first()


def demo_place(root: Organization, tier: str | None) -> Organization:
    """The first organisation of `tier` in path order (the root when tier is None)."""
    if tier is None:
        return root
    org = Organization.objects.in_subtree(root.path).filter(tier=tier).order_by("path").first()
    if org is None:
        raise CommandError(f"演示数据中没有{Tier(tier).label}级党组织，无法绑定演示账号")
    return org


def ensure_demo_accounts(*, actor: Actor, password: str) -> tuple[list[User], list[str]]:
    """Create the missing demo accounts as `actor`. Returns every demo account and the usernames created now."""
    if not settings.DEMO:
        raise CommandError("只有演示环境（JYB_DEMO=1）才能创建演示账号；生产环境不创建演示账号。")
    root = Organization.objects.get_first_root_node()
    if root is None:
        raise CommandError("党组织库为空，请先生成演示数据（manage.py gendata --scale demo）")
    created: list[str] = []
    users: list[User] = []
    with audit_context(user=actor):
        for grant in demo_accounts():
            role = str(grant.role)
            user = User.objects.select_related("organization").filter(username=role).first()
            if user is None:
                user = user_create(actor=actor, username=role, role=role,
                                   organization=demo_place(root, demo_tier(grant)), password=password,
                                   full_name=f"演示{grant.label}", check_password=False)
                created.append(user.username)
            users.append(user)
    return users, created
