"""Keeping copies of paths: supervision records follow a moved subtree."""

from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from core import audit
from core.models import AuditEntry
from supervision.models import Action, FeedbackLetter, Finding, Visit


def supervision_follow_move(sender: Any, *, old_path: str, new_path: str, **kwargs: Any) -> None:
    """After `orgs.services.org_move`: the copies of the moved subtree's paths follow (same transaction)."""
    from core.scoping import subtree_q

    count = 0
    for model in (Visit, Finding, Action, FeedbackLetter):
        count += model.objects.filter(subtree_q("org_path", old_path)).update(
            org_path=Concat(Value(new_path), Substr(F("org_path"), len(old_path) + 1)))
    if count:
        audit.record(AuditEntry.Action.UPDATE, object_type="supervision", object_id="",
                     object_repr=f"{count}条督导记录随组织调整", before={"path": old_path},
                     after={"path": new_path})
