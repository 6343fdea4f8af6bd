"""Archiving old audit entries: export them with their chain values, then remove them, moving the chain's anchor.

The archive holds a contiguous run of the chain: from the anchor (the previous archive's last entry, or the start)
to the last entry written before the given day. Its first line (JSON lines) or its sheet 链 (xlsx) names the anchor
it continues from and the head it ends at, so the file is verified on its own (`verify_file`) and the table's
chain continues from that head: the chain head's anchor moves to it, and an `archive` entry — itself chained —
records the move with the file's name and SHA-256.
"""

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core import audit
from core.audit.chain import FIELDS, Mac, canonical, verify
from core.models import AuditChain, AuditEntry

FORMAT = "jiaoyuban-audit-archive"
FORMATS = ("jsonl", "xlsx")
_COLUMNS = ("id", *FIELDS, "chain")


@dataclass(frozen=True)
class Archived:
    count: int
    through_seq: int
    head_chain: str
    path: Path | None
    sha256: str


def earliest_allowed(today: dt.date | None = None) -> dt.date:
    """The latest --before a run may name: entries are kept RETENTION_DAYS days."""
    return (today or timezone.localdate()) - dt.timedelta(days=audit.RETENTION_DAYS)


def entries_archive(*, before: dt.date, out: Path, fmt: str = "jsonl", today: dt.date | None = None) -> Archived:
    """Export every entry written before `before` (local day) that is not archived yet to `out`, then remove them.
    Refuses a day less than RETENTION_DAYS ago, an existing file, and a chain that does not verify up to there."""
    if fmt not in FORMATS:
        raise ValidationError(f"归档格式只能是 {'、'.join(FORMATS)}")
    if before > earliest_allowed(today):
        raise ValidationError(f"审计日志至少保存{audit.RETENTION_DAYS}天：--before 不能晚于 {earliest_allowed(today)}")
    if out.exists():
        raise ValidationError(f"文件 {out} 已存在，不覆盖")
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    written = False
    try:
        with transaction.atomic():
            head = AuditChain.objects.select_for_update().filter(pk=1).first()
            if head is None:
                return Archived(0, 0, AuditChain.GENESIS, None, "")
            # A contiguous prefix: up to the first entry written on or after the cutoff (entries are timed just
            # before they take the lock, so `at` may step back by a moment between neighbours).
            first_kept = (AuditEntry.objects.filter(seq__gt=head.anchor_seq, at__gte=cutoff).order_by("seq")
                          .values_list("seq", flat=True).first())
            through = head.seq if first_kept is None else first_kept - 1
            if through <= head.anchor_seq:
                return Archived(0, head.anchor_seq, head.anchor_chain, None, "")
            checked = verify(upto=through)
            if checked.problem is not None:
                raise ValidationError(f"审计日志链校验未通过，不归档：{checked.problem.message}")
            digest = _write(out, fmt, head, through, checked.last_chain, checked.rows, before)
            written = True
            AuditChain.objects.filter(pk=1).update(anchor_seq=through, anchor_chain=checked.last_chain)
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq <= %s", [through])
            audit.record(AuditEntry.Action.ARCHIVE, object_type="core.auditentry", object_id=str(through),
                         object_repr=f"归档至第{through}条：{out.name}"[:200],
                         after={"through_seq": through, "chain": checked.last_chain, "count": checked.rows,
                                "before": before.isoformat(), "file": out.name, "sha256": digest})
    except BaseException:
        if written:  # the entries stay: so must not a file claiming they were archived
            out.unlink(missing_ok=True)
        raise
    return Archived(checked.rows, through, checked.last_chain, out, digest)


def _entries(anchor_seq: int, through: int) -> Iterator[dict[str, Any]]:
    last = anchor_seq
    while True:
        batch = list(AuditEntry.objects.filter(seq__gt=last, seq__lte=through).order_by("seq")
                     .values(*_COLUMNS)[:10_000])
        if not batch:
            return
        for row in batch:
            row["at"] = row["at"].astimezone(dt.UTC).isoformat()
            yield row
        last = batch[-1]["seq"]


def _write(out: Path, fmt: str, head: AuditChain, through: int, head_chain: str, count: int,
           before: dt.date) -> str:
    """Write to a temporary file beside `out`, flush it to disk, then move it into place; its SHA-256."""
    header = {"format": FORMAT, "version": 1, "anchor_seq": head.anchor_seq, "anchor_chain": head.anchor_chain,
              "head_seq": through, "head_chain": head_chain, "count": count, "before": before.isoformat(),
              "created_at": timezone.now().astimezone(dt.UTC).isoformat()}
    tmp = out.with_name(f".{out.name}.partial")
    if fmt == "jsonl":
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(json.dumps(header, ensure_ascii=False) + "\n")
            for row in _entries(head.anchor_seq, through):
                f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())
    else:
        _write_xlsx(tmp, header, _entries(head.anchor_seq, through))
    os.replace(tmp, out)
    digest = hashlib.sha256()
    with open(out, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_xlsx(path: Path, header: dict[str, Any], rows: Iterator[dict[str, Any]]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("审计日志")
    sheet.write_row(0, 0, _COLUMNS)
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, [_cell(row[c]) for c in _COLUMNS])
    chain_sheet = book.add_worksheet("链")
    for r, (key, value) in enumerate(header.items()):
        chain_sheet.write_row(r, 0, [key, _cell(value)])
    book.close()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def verify_file(path: Path) -> tuple[int, str | None]:
    """Re-compute a JSON-lines archive's chain from its anchor: (entries checked, the first problem or None)."""
    mac = Mac()
    with open(path, encoding="utf-8") as f:
        header = json.loads(f.readline())
        if header.get("format") != FORMAT:
            return 0, "不是审计日志归档文件"
        value, expected, count = header["anchor_chain"], header["anchor_seq"] + 1, 0
        for line in f:
            row = json.loads(line)
            row["at"] = dt.datetime.fromisoformat(row["at"])
            if row["seq"] != expected:
                return count, f"第{expected}条缺失"
            value_now = mac.value(value, canonical(tuple(row[name] for name in FIELDS)))
            if value_now != row["chain"]:
                return count, f"第{row['seq']}条（编号{row['id']}）被修改"
            value, expected, count = value_now, expected + 1, count + 1
    if expected - 1 != header["head_seq"] or value != header["head_chain"]:
        return count, f"文件在第{expected - 1}条处结束，与文件头所记链尾（第{header['head_seq']}条）不符"
    return count, None
