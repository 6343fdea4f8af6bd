"""Writing the audit log. Who and where come from a context set by the middleware (web, API) or by
`audit_context` (management commands, jobs), so services never pass them around.

Every entry is appended to the HMAC-SM3 chain (`core.audit.chain`) by `_append`, the one place that inserts
entries: it locks the chain head (`AuditChain`, one row; SELECT … FOR UPDATE on PostgreSQL, SQLite's write lock
taken at BEGIN IMMEDIATE), numbers the entries after it, computes their chain values in Python and moves the head,
all in the caller's transaction. Two writers therefore never fork the chain: the second waits for the first's
commit. The price: transactions that write audit entries run one after another from their first entry to their
commit (on PostgreSQL; SQLite runs every write transaction so already).
"""

import contextlib
import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from core.audit.chain import FIELDS, Mac, canonical_fresh
from core.models import AuditChain, AuditEntry

# Entries are kept at least this long: `manage.py audit_archive` refuses a later date, and the PostgreSQL
# trigger (core migration 0005) refuses to delete a younger entry.
RETENTION_DAYS = 180


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    ip: str | None = None


SYSTEM = Actor(user_id=None, name="system")
_actor: ContextVar[Actor] = ContextVar("audit_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _actor.get()


@contextlib.contextmanager
def audit_context(*, user: Any = None, name: str | None = None, ip: str | None = None) -> Iterator[None]:
    """Attribute every entry written inside the block to `user` (or `name`, for commands)."""
    if user is not None and getattr(user, "is_authenticated", False):
        actor = Actor(user_id=user.pk, name=user.get_username(), ip=ip)
    else:
        actor = Actor(user_id=None, name=name or "system", ip=ip)
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def type_label(obj: models.Model | type[models.Model]) -> str:
    return obj._meta.label_lower


def _jsonable(value: Any) -> Any:
    if isinstance(value, FieldFile):
        return value.name or ""  # the stored file's name, not its content
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    exclude = set(getattr(obj, "audit_exclude", ())) | {"password"}
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def _entry(action: str, *, object_type: str = "", object_id: str = "", object_repr: str = "",
           before: dict | None = None, after: dict | None = None, actor: Actor | None = None) -> AuditEntry:
    actor = actor or current_actor()
    return AuditEntry(
        at=timezone.now(), actor_id=actor.user_id, actor_name=actor.name[:150], ip=_IP_FIELD.get_prep_value(actor.ip),
        action=action, object_type=object_type, object_id=object_id[:64], object_repr=object_repr[:200],
        before=before, after=after,
    )


_IP_FIELD = AuditEntry._meta.get_field("ip")


_HEAD_TABLE = AuditChain._meta.db_table


def _lock_head() -> tuple[int, str]:
    """The head's (seq, chain value), locked until the transaction ends (raw SQL: this runs for every entry)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""  # SQLite: BEGIN IMMEDIATE locked
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, head FROM {_HEAD_TABLE} WHERE id = 1{lock}")
        row = cursor.fetchone()
    if row is None:  # a database flushed by tests: start the chain again
        AuditChain.objects.bulk_create([AuditChain(pk=1)], ignore_conflicts=True)
        return _lock_head()
    return int(row[0]), str(row[1])


def _append(entries: list[AuditEntry]) -> None:
    """Number and chain `entries` after the head, insert them and move the head, under the head's lock. No
    savepoint of its own: a failed append fails the caller's transaction, as a failed write would."""
    mac = Mac()
    with transaction.atomic(savepoint=False):
        seq, value = _lock_head()
        for entry in entries:
            seq += 1
            entry.seq = seq
            value = entry.chain = mac.value(value, canonical_fresh(tuple(getattr(entry, f) for f in FIELDS)))
        if len(entries) == 1:
            entries[0].save()
        else:
            AuditEntry.objects.bulk_create(entries)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {_HEAD_TABLE} SET seq = %s, head = %s WHERE id = 1", [seq, value])


def record(action: str, **kwargs: Any) -> AuditEntry:
    entry = _entry(action, **kwargs)
    _append([entry])
    return entry


def record_change(obj: models.Model, *, before: dict | None) -> AuditEntry | None:
    """After a save: a create entry, or an update entry holding only the fields that changed."""
    after = snapshot(obj)
    if before is None:
        return record(AuditEntry.Action.CREATE, object_type=type_label(obj), object_id=str(obj.pk),
                      object_repr=str(obj), after=after)
    changed = {k for k in after if before.get(k) != after.get(k)}
    if not changed:
        return None
    return record(
        AuditEntry.Action.UPDATE, object_type=type_label(obj), object_id=str(obj.pk), object_repr=str(obj),
        before={k: before.get(k) for k in sorted(changed)}, after={k: after[k] for k in sorted(changed)},
    )


def record_many(action: str, model: type[models.Model],
                rows: Iterable[tuple[Any, str, dict | None, dict | None]], batch_size: int = 2000) -> int:
    """Bulk paths: one entry per (object_id, repr, before, after) row, written in batches."""
    actor = current_actor()
    label = type_label(model)
    batch: list[AuditEntry] = []
    count = 0
    for object_id, object_repr, before, after in rows:
        batch.append(_entry(action, object_type=label, object_id=str(object_id), object_repr=object_repr,
                            before=before, after=after, actor=actor))
        if len(batch) >= batch_size:
            _append(batch)
            count += len(batch)
            batch = []
    if batch:
        _append(batch)
        count += len(batch)
    return count


def set_links(obj: models.Model, field: str, ids: Iterable[int]) -> None:
    """Replace the many-to-many links `field` of `obj` by `ids`; links are not in the row's snapshot, so a change is
    logged as a change of the row (before and after: the linked ids)."""
    manager = getattr(obj, field)
    before = sorted(manager.values_list("pk", flat=True))
    after = sorted(set(ids))
    if before != after:
        manager.set(after)
        record(AuditEntry.Action.UPDATE, object_type=type_label(obj), object_id=str(obj.pk),
               object_repr=str(obj)[:200], before={field: before}, after={field: after})
