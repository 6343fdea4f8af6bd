"""The one scoping path: every queryset that reaches a user goes through `visible_to(user)`.

A user sees the subtree of the organisation tree under their jurisdiction. Subtrees are path ranges
(`path >= p AND path < p + '~'`), not `startswith`: on SQLite `LIKE` ignores the path index, and the
range uses it on both databases (DESIGN §6). Path columns use the "C" collation on PostgreSQL so byte
order holds; '~' sorts after every character of the tree's path alphabet.
"""

from collections.abc import Callable
from typing import Any, Protocol, Self, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q

PATH_END = "~"


class ScopedActor(Protocol):
    """What scoping reads of whoever acts: accounts.models.User and accounts.actors.SystemActor (core sits below
    accounts, so it names the shape, not the classes; accounts.actors.Actor is the union the apps use)."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    def data_scope_paths(self) -> list[str] | None: ...


# Who may be asked "what do you see": an actor, or a stranger (anonymous, or nobody) who sees nothing.
Reader: TypeAlias = ScopedActor | AnonymousUser | None


def subtree_q(field: str, path: str) -> Q:
    """Rows whose `field` (a materialized path) lies in the subtree rooted at `path`."""
    return Q(**{f"{field}__gte": path, f"{field}__lt": path + PATH_END})


def subtrees_q(field: str, paths: list[str]) -> Q:
    """Rows in any of the subtrees rooted at `paths` (an empty list matches nothing)."""
    q = Q(pk__in=[])
    for path in paths:
        q |= subtree_q(field, path)
    return q


def user_scope_paths(user: Reader) -> list[str] | None:
    """The roots of the subtrees `user` may see, or None when they may see no domain data."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return None
    return user.data_scope_paths()


# Apps that narrow what a role sees inside its jurisdiction register here (campaigns: a liaison member sees the
# units assigned to their groups). A narrower returns the paths to use, or None to leave the jurisdiction as is.
ScopeNarrower = Callable[[Any, str], list[str] | None]
_narrowers: list[ScopeNarrower] = []


def register_scope_narrower(narrower: ScopeNarrower) -> None:
    if narrower not in _narrowers:
        _narrowers.append(narrower)


def narrowed_paths(user: Any, root: str) -> list[str]:
    for narrower in _narrowers:
        paths = narrower(user, root)
        if paths is not None:
            return paths
    return [root]


# What a read is for, as NetBox's `restrict(user, action)`: "view" (lists, pages, the API's GET) is the default;
# "change" asks for the rows the user may write, where a model says so in its `for_action`.
ACTIONS = frozenset({"view", "change"})


class ScopedQuerySet(models.QuerySet):
    """Querysets of models placed in the tree. The model names its path lookup in `scope_path_field`.

    `visible_to(user, action)` is the whole answer to "which rows may this user see (or change)": the subtree of the
    user's jurisdiction, then the model's own rule in `for_action` — the one place that says which of its rows a
    role sees inside the subtree (a unit sees only the letters sent to it; a liaison member the visits of its
    groups). A model without such a rule inherits `for_action`, which keeps the subtree as it is.
    """

    def _path_field(self) -> str:
        field = getattr(self.model, "scope_path_field", None)
        assert isinstance(field, str), f"{self.model.__name__} must name its path lookup in scope_path_field"
        return field

    def visible_to(self, user: Reader, action: str = "view") -> Self:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}; one of {sorted(ACTIONS)}")
        paths = user_scope_paths(user)
        if not paths:
            return self.none()
        return self.filter(subtrees_q(self._path_field(), paths)).for_action(user, action)

    def for_action(self, user: Any, action: str) -> Self:
        """The model's rule inside the subtree (override in the model's queryset); by default, the whole subtree."""
        return self

    def in_subtree(self, path: str) -> Self:
        return self.filter(subtree_q(self._path_field(), path))
