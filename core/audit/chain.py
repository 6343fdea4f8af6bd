"""The audit log's HMAC-SM3 chain: the canonical form of an entry, its chain value, and the walk that verifies it.

chain(n) = HMAC-SM3(key, chain(n-1) ‖ canonical(entry n)), chain(0) = 32 zero bytes (or, once older entries are
archived, the last archived entry's chain value: the anchor). The canonical form is the JSON array of the entry's
fields in a fixed order — seq, time (UTC, microseconds), actor id and name, address, action, object type, id and
name, before, after — with sorted keys, no spaces, UTF-8, and integral floats written as integers (PostgreSQL's
jsonb gives 1e20 back as 100000000000000000000). `seq` numbers the entries without gaps under the chain head's
lock, so a deleted entry leaves a hole; `id` grows with `seq`, so an entry put back in another's place shows.
"""

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes, hmac

from core.keys import audit_key

# The fields an entry's chain value covers, in their order in the canonical form (`at` and `ip` normalised).
FIELDS = ("seq", "at", "actor_id", "actor_name", "ip", "action", "object_type", "object_id", "object_repr",
          "before", "after")


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _at(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(values: tuple[Any, ...]) -> bytes:
    """`values` in the order of FIELDS, as they come from the database (JSON already decoded)."""
    *head, before, after = values
    return _encode((*head, _plain(before), _plain(after)))


def canonical_fresh(values: tuple[Any, ...]) -> bytes:
    """The canonical form of an entry about to be written: before and after as the database will return them
    (through JSON: tuples become lists, keys strings)."""
    *head, before, after = values
    return _encode((*head, _as_stored(before), _as_stored(after)))


def _encode(values: tuple[Any, ...]) -> bytes:
    seq, at, actor_id, actor_name, ip, action, object_type, object_id, object_repr, before, after = values
    return json.dumps(
        [seq, _at(at), actor_id, actor_name, None if ip is None else str(ip), action, object_type, object_id,
         object_repr, before, after],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    ).encode()


_KEY_TEXT = {True: "true", False: "false", None: "null"}


def _as_stored(value: Any) -> Any:
    """`value` as it comes back from a JSON column, without the cost of encoding and decoding it."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else _key(k): _as_stored(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_stored(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _key(key: Any) -> str:
    if key is None or isinstance(key, bool):
        return _KEY_TEXT[key]
    if isinstance(key, float):
        return json.dumps(key)
    return str(key)


class Mac:
    """HMAC-SM3 keyed once; `value(previous, canonical)` is the next chain value, hex."""

    def __init__(self, key: bytes | None = None) -> None:
        self._base = hmac.HMAC(key if key is not None else audit_key(), hashes.SM3())

    def value(self, previous: str, message: bytes) -> str:
        h = self._base.copy()
        h.update(bytes.fromhex(previous))
        h.update(message)
        return h.finalize().hex()


# ---------------------------------------------------------------------------------------------------------
# Verification.


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold. kind: edited, deleted, inserted, truncated, anchor."""

    kind: str
    seq: int
    entry_id: int | None
    message: str  # Chinese, names the entry


@dataclass(frozen=True)
class Verification:
    rows: int
    seconds: float
    anchor_seq: int
    last_seq: int
    last_chain: str
    problem: Break | None

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float(self.rows)


_COLUMNS = ("id", *FIELDS, "chain")


def _rows(start_after: int, upto: int | None, chunk: int) -> Iterator[tuple[Any, ...]]:
    from core.models import AuditEntry

    last = start_after
    while True:
        qs = AuditEntry.objects.filter(seq__gt=last)
        if upto is not None:
            qs = qs.filter(seq__lte=upto)
        batch = list(qs.order_by("seq").values_list(*_COLUMNS)[:chunk])
        if not batch:
            return
        yield from batch
        last = batch[-1][1]


def _describe(row: tuple[Any, ...]) -> str:
    entry_id, seq, at, _actor_id, actor_name, _ip, action, object_type, object_id, object_repr = row[:10]
    from core.models import AuditEntry

    action_label = dict(AuditEntry.Action.choices).get(action, action)
    what = object_repr or f"{object_type}#{object_id}"
    return (f"第{seq}条（编号{entry_id}，{at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC，{actor_name or '—'}"
            f" {action_label} {what}）")


def verify(*, upto: int | None = None, chunk: int = 10_000, mac: Mac | None = None,
           progress: Callable[[int], None] | None = None) -> Verification:
    """Walk the chain from the anchor to its head (or to `upto`) in chunks and report the first break."""
    from core.models import AuditChain, AuditEntry

    started = time.perf_counter()
    mac = mac or Mac()
    head = AuditChain.objects.filter(pk=1).first() or AuditChain(pk=1)
    previous, expected, previous_id, rows = head.anchor_chain, head.anchor_seq + 1, 0, 0
    problem: Break | None = None

    def done(problem: Break | None) -> Verification:
        return Verification(rows=rows, seconds=time.perf_counter() - started, anchor_seq=head.anchor_seq,
                            last_seq=expected - 1, last_chain=previous, problem=problem)

    for row in _rows(head.anchor_seq, upto, chunk):
        entry_id, seq, stored = row[0], row[1], row[-1]
        if seq > head.seq:
            return done(Break("inserted", seq, entry_id,
                              f"{_describe(row)}在链尾（第{head.seq}条）之后，不是本系统写入的：有人插入了日志"))
        if seq != expected:
            return done(Break("deleted", expected, entry_id,
                              f"第{expected}条" + (f"至第{seq - 1}条" if seq - 1 > expected else "")
                              + f"被删除（缺失于{_describe(row)}之前）"))
        if mac.value(previous, canonical(row[1:-1])) != stored:
            following = AuditEntry.objects.filter(seq__gt=seq).order_by("seq").values_list("id", flat=True).first()
            if entry_id < previous_id or (following is not None and entry_id > following):
                return done(Break("inserted", seq, entry_id, f"{_describe(row)}不在原来的位置：被插入或替换"))
            return done(Break("edited", seq, entry_id, f"{_describe(row)}被修改，或不是本系统写入的"))
        if entry_id < previous_id:
            return done(Break("inserted", seq - 1, entry_id,
                              f"第{seq - 1}条不在原来的位置（编号大于其后的{_describe(row)}）：被删除后重新插入"))
        previous, expected, previous_id = stored, seq + 1, entry_id
        rows += 1
        if progress is not None and rows % 100_000 == 0:
            progress(rows)
    end = head.seq if upto is None else min(upto, head.seq)
    if expected - 1 < end:
        return done(Break("truncated", expected, None, f"第{expected}条至第{end}条（链尾）被删除"))
    if upto is None and expected - 1 == head.seq and previous != head.head:
        return done(Break("edited", head.seq, None, f"链尾记录的值与第{head.seq}条不符：链尾被改动"))
    if head.anchor_seq and upto is None:
        problem = _anchor_problem(head)
    return done(problem)


def _anchor_problem(head: Any) -> Break | None:
    """The anchor moves only with an archive, whose own entry (verified with the chain) names it."""
    from core.models import AuditEntry

    entry = AuditEntry.objects.filter(action=AuditEntry.Action.ARCHIVE).order_by("-seq").values_list(
        "after", flat=True).first()
    if entry and entry.get("through_seq") == head.anchor_seq and entry.get("chain") == head.anchor_chain:
        return None
    return Break("anchor", head.anchor_seq, None,
                 f"归档锚点（第{head.anchor_seq}条）没有对应的归档记录：锚点被改动，或日志未经归档被删除")
