"""Saved filters of the ledger's list, each user's own."""

from django.core.exceptions import PermissionDenied

from accounts.actors import Actor, user_or_none
from core.validation import clean_text
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from problems.models import SavedFilter
from problems.permissions import can_delete_saved_filter


def saved_filter_save(*, actor: Actor, name: str, query: str) -> SavedFilter:
    errors: dict[str, str] = {}
    _put(errors, "name", _text_error(name, "名称", 50))
    _put(errors, "query", _text_error(query, "筛选条件", 1000, required=False))
    _raise(errors)
    owner = user_or_none(actor)
    if owner is None:
        raise PermissionDenied("筛选保存在登录用户名下")
    saved, _ = SavedFilter.objects.update_or_create(user=owner, name=clean_text(name), defaults={"query": query})
    return saved


def saved_filter_delete(*, actor: Actor, saved: SavedFilter) -> None:
    if not can_delete_saved_filter(actor, saved):
        raise PermissionDenied("只能删除自己保存的筛选")
    saved.delete()
