"""The registry's moves: the problems' copies of their organization's path follow a moved subtree."""

from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from core import audit
from core.models import AuditEntry
from problems.models import Problem


def problems_follow_move(sender: Any, *, old_path: str, new_path: str, **kwargs: Any) -> None:
    """After `orgs.services.org_move`: the copies of the moved subtree's paths follow (same transaction)."""
    from core.scoping import subtree_q

    moved = Problem.objects.filter(subtree_q("org_path", old_path))
    count = moved.update(org_path=Concat(Value(new_path), Substr(F("org_path"), len(old_path) + 1)))
    if count:
        audit.record(AuditEntry.Action.UPDATE, object_type=audit.type_label(Problem), object_id="",
                     object_repr=f"{count}个问题随组织调整", before={"path": old_path}, after={"path": new_path})
