"""Who acts: a signed-in user, or the application's own code acting as a named system actor.

Every service takes `actor` first. Pages and the API pass `request.user`; generators, commands and the daily job
pass a `SystemActor` that names them (`SystemActor("demo")`), which holds every capability, sees the whole tree and
is written to the audit log as `system:<name>` (core.audit.audit_context). A system actor is never a row's author:
`user_or_none(actor)` gives the User to store in a `created_by` column, or None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, TypeAlias

from django.contrib.auth.models import AnonymousUser

from accounts.models import User


@dataclass(frozen=True)
class SystemActor:
    """The application acting on its own, under a name the audit log keeps (demo, gendata, remind, import…)."""

    name: str
    is_system: ClassVar[bool] = True
    is_authenticated: ClassVar[bool] = True
    is_active: ClassVar[bool] = True
    pk: ClassVar[None] = None
    id: ClassVar[None] = None
    role: ClassVar[str] = ""

    def get_username(self) -> str:
        return f"system:{self.name}"

    def __str__(self) -> str:
        return f"系统（{self.name}）"

    def data_scope_paths(self) -> list[str]:
        """The whole tree: '' is the root of every path range (core.scoping.subtree_q)."""
        return [""]


Actor: TypeAlias = User | SystemActor
# Pages open to the public (the masses' feedback form) and selectors that answer "nothing" for a stranger.
MaybeActor: TypeAlias = User | SystemActor | AnonymousUser | None


def user_or_none(actor: MaybeActor) -> User | None:
    """The User to record as a row's author: the signed-in user, or None for a system actor or a stranger."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


# Fixtures, scripts and the bench set accounts and data up as this actor.
SETUP = SystemActor("setup")
