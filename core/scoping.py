"""The one scoping path: every queryset that reaches a user goes through `visible_to(user)`.

A user sees the subtree of the organisation tree under their jurisdiction. Subtrees are path ranges
(`path >= p AND path < p + '~'`), not `startswith`: on SQLite `LIKE` ignores the path index, and the
range uses it on both databases (DESIGN §6). Path columns use the "C" collation on PostgreSQL so byte
order holds; '~' sorts after every character of the tree's path alphabet.
"""

from typing import Any, Self

from django.db import models
from django.db.models import Q

PATH_END = "~"


def subtree_q(field: str, path: str) -> Q:
    """Rows whose `field` (a materialized path) lies in the subtree rooted at `path`."""
    return Q(**{f"{field}__gte": path, f"{field}__lt": path + PATH_END})


def user_scope_path(user: Any) -> str | None:
    """The path of the subtree `user` may see, or None when they may see no domain data."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    scope = getattr(user, "data_scope_path", None)
    return scope() if callable(scope) else None


class ScopedQuerySet(models.QuerySet):
    """Querysets of models placed in the tree. The model names its path lookup in `scope_path_field`."""

    def _path_field(self) -> str:
        field = getattr(self.model, "scope_path_field", None)
        assert isinstance(field, str), f"{self.model.__name__} must name its path lookup in scope_path_field"
        return field

    def visible_to(self, user: Any) -> Self:
        path = user_scope_path(user)
        if path is None:
            return self.none()
        return self.filter(subtree_q(self._path_field(), path))

    def in_subtree(self, path: str) -> Self:
        return self.filter(subtree_q(self._path_field(), path))
