"""Saved filters of the ledger's list, each user's own."""

from typing import Any

from django.core.exceptions import PermissionDenied

from core.validation import clean_text
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from problems.models import SavedFilter


def saved_filter_save(*, user: Any, name: str, query: str) -> SavedFilter:
    errors: dict[str, str] = {}
    _put(errors, "name", _text_error(name, "名称", 50))
    _put(errors, "query", _text_error(query, "筛选条件", 1000, required=False))
    _raise(errors)
    saved, _ = SavedFilter.objects.update_or_create(user=user, name=clean_text(name), defaults={"query": query})
    return saved


def saved_filter_delete(*, user: Any, saved: SavedFilter) -> None:
    if saved.user_id != user.pk:
        raise PermissionDenied("只能删除自己保存的筛选")
    saved.delete()
