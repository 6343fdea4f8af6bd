"""The audit log's HMAC-SM3 chain: every entry is chained, `audit_verify` names the first entry edited, deleted or
inserted out of order, the database refuses rewrites, old entries are archived with their chain, and two writers
never fork it."""

import contextlib
import datetime as dt
import importlib
import itertools
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from core import audit
from core.audit.archive import entries_archive, verify_file
from core.audit.chain import Mac, verify
from core.models import AuditChain, AuditEntry

TABLE = "core_auditentry"
COPY_COLUMNS = "at, actor_id, actor_name, ip, action, object_type, object_id, object_repr, before, after, chain"
_append_only = importlib.import_module("core.migrations.0005_audit_append_only")


def _sql(sql: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextlib.contextmanager
def attacker() -> Iterator[None]:
    """Someone with the database's files or its owner's password: the triggers are off while they work."""
    if connection.vendor == "postgresql":
        _sql(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        try:
            yield
        finally:
            _sql(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
    else:
        _sql("DROP TRIGGER core_auditentry_append_only")
        try:
            yield
        finally:
            _sql(_append_only.SQLITE_INSTALL)


def write(n: int, *, name: str = "tester", start: int = 1) -> None:
    with audit.audit_context(name=name, ip="10.0.0.1"):
        for i in range(start, start + n):
            audit.record(AuditEntry.Action.UPDATE, object_type="orgs.member", object_id=str(i),
                         object_repr=f"成员{i}", before={"name": f"旧{i}", "score": 1.0},
                         after={"name": f"新{i}", "tags": [1, 2], "big": 1e20})


def seqs() -> list[int]:
    return list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))


def test_entries_are_numbered_and_chained_and_verify(db):
    write(3)
    with audit.audit_context(name="importer"):
        audit.record_many(AuditEntry.Action.CREATE, AuditEntry,
                          ((i, f"行{i}", None, {"i": i}) for i in range(5)), batch_size=2)
    assert seqs() == list(range(1, 9))
    head = AuditChain.objects.get(pk=1)
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None and head.seq == 8 and head.head == last.chain and len(last.chain) == 64
    result = verify()
    assert result.problem is None and result.rows == 8 and result.last_seq == 8


def test_the_chain_value_is_hmac_sm3_over_the_previous_value_and_the_fields(db):
    write(2)
    first, second = AuditEntry.objects.order_by("seq")
    from core.audit.chain import FIELDS, canonical

    mac = Mac()
    values = tuple(getattr(second, f) for f in FIELDS)
    assert mac.value(first.chain, canonical(values)) == second.chain
    assert Mac(b"another key" * 4).value(first.chain, canonical(values)) != second.chain


def test_an_edited_field_is_named(db):
    write(5)
    with attacker():
        _sql(f"UPDATE {TABLE} SET object_repr = %s WHERE seq = 3", ["篡改"])
    problem = verify().problem
    assert problem is not None and problem.kind == "edited" and problem.seq == 3
    assert "第3条" in problem.message and "篡改" in problem.message
    with pytest.raises(CommandError, match="第3条"):
        call_command("audit_verify")


def test_an_edited_snapshot_is_named(db):
    write(4)
    with attacker():
        _sql(f"UPDATE {TABLE} SET after = %s WHERE seq = 2", [json.dumps({"name": "改过"})])
    problem = verify().problem
    assert problem is not None and (problem.kind, problem.seq) == ("edited", 2)


def test_a_deleted_entry_is_named(db):
    write(5)
    with attacker():
        _sql(f"DELETE FROM {TABLE} WHERE seq = 2")
    problem = verify().problem
    assert problem is not None and (problem.kind, problem.seq) == ("deleted", 2)
    assert "第2条被删除" in problem.message


def test_deleting_the_newest_entries_is_found(db):
    write(5)
    with attacker():
        _sql(f"DELETE FROM {TABLE} WHERE seq >= 4")
    problem = verify().problem
    assert problem is not None and (problem.kind, problem.seq) == ("truncated", 4)


def _replace(seq: int, repr_: str | None = None) -> None:
    """Delete entry `seq` and insert a copy in its place (a new id), its name changed when `repr_` is given."""
    with attacker():
        _sql(f"INSERT INTO {TABLE} ({COPY_COLUMNS}, seq) SELECT {COPY_COLUMNS}, -1 FROM {TABLE} WHERE seq = %s",
             [seq])
        _sql(f"DELETE FROM {TABLE} WHERE seq = %s", [seq])
        _sql(f"UPDATE {TABLE} SET seq = %s WHERE seq = -1", [seq])
        if repr_ is not None:
            _sql(f"UPDATE {TABLE} SET object_repr = %s WHERE seq = %s", [repr_, seq])


def test_an_entry_inserted_in_anothers_place_is_named(db):
    write(5)
    _replace(3, "伪造")
    problem = verify().problem
    assert problem is not None and (problem.kind, problem.seq) == ("inserted", 3)


def test_an_entry_put_back_unchanged_out_of_order_is_named(db):
    write(5)
    _replace(2)
    problem = verify().problem
    assert problem is not None and (problem.kind, problem.seq) == ("inserted", 2)


def test_an_entry_appended_behind_the_applications_back_is_named(db):
    write(3)
    with attacker():
        _sql(f"INSERT INTO {TABLE} ({COPY_COLUMNS}, seq) SELECT {COPY_COLUMNS}, 4 FROM {TABLE} WHERE seq = 3")
    problem = verify().problem
    assert problem is not None and (problem.kind, problem.seq) == ("inserted", 4)


def test_the_database_refuses_to_rewrite_the_log(db):
    write(3)
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql(f"UPDATE {TABLE} SET object_repr = %s WHERE seq = 2", ["篡改"])
    if connection.vendor == "postgresql":
        # The trigger also refuses deletions, and lets the chain head only move forward.
        with pytest.raises(DatabaseError), transaction.atomic():
            _sql(f"DELETE FROM {TABLE} WHERE seq = 2")
        with pytest.raises(DatabaseError), transaction.atomic():
            _sql("UPDATE core_auditchain SET seq = 1, head = %s WHERE id = 1", [AuditChain.GENESIS])
        with pytest.raises(DatabaseError), transaction.atomic():
            _sql("DELETE FROM core_auditchain")
        # The application's role (README: database roles) can add entries, not remove the triggers.
        app_role = f"jyb_app_probe_{os.getpid()}"
        _sql(f"CREATE ROLE {app_role} NOLOGIN")
        _sql(f"GRANT SELECT, INSERT ON {TABLE} TO {app_role}")
        _sql(f"GRANT SELECT, UPDATE ON core_auditchain TO {app_role}")
        for statement in (f"DROP TRIGGER core_auditentry_append_only ON {TABLE}",
                          f"ALTER TABLE {TABLE} DISABLE TRIGGER USER", f"TRUNCATE {TABLE}",
                          f"DELETE FROM {TABLE}", "DROP TRIGGER core_auditchain_forward ON core_auditchain"):
            with pytest.raises(DatabaseError), transaction.atomic():
                _sql(f"SET LOCAL ROLE {app_role}")
                _sql(statement)
    else:
        # SQLite (the demo): a deletion gets past the database, and the chain names it.
        _sql(f"DELETE FROM {TABLE} WHERE seq = 2")
        problem = verify().problem
        assert problem is not None and (problem.kind, problem.seq) == ("deleted", 2)
    assert AuditEntry.objects.get(seq=1).object_repr == "成员1"


def test_the_orm_refuses_bulk_updates_and_deletes(db):
    write(2)
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(seq=1).update(object_repr="篡改")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert verify().problem is None


def test_verify_command_reports_rows_per_second(db, capsys):
    write(4)
    call_command("audit_verify", chunk=3)
    out = capsys.readouterr().out
    assert "校验通过" in out and "至第4条" in out and "每秒" in out


# ---------------------------------------------------------------------------------------------------------
# Retention and archives.


def _old_and_new(old: int, new: int) -> None:
    with time_machine.travel(timezone.now() - dt.timedelta(days=200), tick=False):
        write(old, name="old")
    write(new, name="new", start=old + 1)


def test_archive_exports_old_entries_with_their_chain_and_verification_continues(db, tmp_path):
    today = timezone.localdate()
    with time_machine.travel(timezone.now() - dt.timedelta(days=300), tick=False):
        write(4, name="old")
    with time_machine.travel(timezone.now() - dt.timedelta(days=200), tick=False):
        write(2, name="older", start=5)
    write(1, name="new", start=7)
    out = tmp_path / "audit-2023.jsonl"
    done = entries_archive(before=today - dt.timedelta(days=250), out=out)
    assert (done.count, done.through_seq) == (4, 4)
    # The old entries left the table; the kept ones and the archive's own entry stay, chained from the anchor.
    assert seqs() == [5, 6, 7, 8]
    head = AuditChain.objects.get(pk=1)
    assert (head.anchor_seq, head.anchor_chain) == (4, done.head_chain)
    archive_entry = AuditEntry.objects.get(action=AuditEntry.Action.ARCHIVE)
    assert archive_entry.after is not None and archive_entry.after["sha256"] == done.sha256
    assert archive_entry.actor_name == "system"
    result = verify()
    assert result.problem is None and result.anchor_seq == 4 and result.rows == 4
    # The file: a header naming the anchor and the head, then the entries with their chain values.
    lines = out.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["anchor_seq"] == 0 and header["head_seq"] == 4 and header["head_chain"] == done.head_chain
    assert [json.loads(line)["object_repr"] for line in lines[1:]] == ["成员1", "成员2", "成员3", "成员4"]
    assert verify_file(out) == (4, None)
    # A second archive continues from the first's head, up to the first archive's own entry (written today).
    later = entries_archive(before=today - dt.timedelta(days=180), out=tmp_path / "b.jsonl")
    assert (later.count, later.through_seq) == (2, 6)
    assert json.loads((tmp_path / "b.jsonl").read_text().splitlines()[0])["anchor_seq"] == 4
    assert verify_file(tmp_path / "b.jsonl") == (2, None)
    assert seqs() == [7, 8, 9] and verify().problem is None


def test_an_edited_archive_file_is_found(db, tmp_path):
    _old_and_new(3, 1)
    out = tmp_path / "a.jsonl"
    entries_archive(before=timezone.localdate() - dt.timedelta(days=180), out=out)
    lines = out.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[2])
    row["object_repr"] = "篡改"
    out.write_text("\n".join([lines[0], lines[1], json.dumps(row, ensure_ascii=False), *lines[3:]]) + "\n",
                   encoding="utf-8")
    count, problem = verify_file(out)
    assert count == 1 and problem is not None and problem.startswith("第2条（编号") and problem.endswith("被修改")
    with pytest.raises(CommandError, match="第2条"):
        call_command("audit_verify", archive=out)


def test_archive_to_xlsx(db, tmp_path):
    from python_calamine import CalamineWorkbook

    _old_and_new(2, 1)
    out = tmp_path / "a.xlsx"
    call_command("audit_archive", str(out), before=(timezone.localdate() - dt.timedelta(days=180)).isoformat())
    book = CalamineWorkbook.from_path(str(out))
    rows = book.get_sheet_by_name("审计日志").to_python()
    assert rows[0][:3] == ["id", "seq", "at"] and len(rows) == 3
    chain = dict((r[0], r[1]) for r in book.get_sheet_by_name("链").to_python())
    assert chain["head_seq"] == 2 and chain["head_chain"] == rows[2][-1]
    assert verify().problem is None and seqs() == [3, 4]


def test_archive_refuses_dates_within_the_retention(db, tmp_path):
    _old_and_new(2, 1)
    too_recent = timezone.localdate() - dt.timedelta(days=179)
    with pytest.raises(ValidationError, match="至少保存180天"):
        entries_archive(before=too_recent, out=tmp_path / "a.jsonl")
    with pytest.raises(CommandError, match="至少保存180天"):
        call_command("audit_archive", str(tmp_path / "a.jsonl"), before=too_recent.isoformat())
    assert seqs() == [1, 2, 3] and not (tmp_path / "a.jsonl").exists()


def test_archive_refuses_a_broken_chain_and_keeps_everything(db, tmp_path):
    _old_and_new(3, 1)
    with attacker():
        _sql(f"UPDATE {TABLE} SET actor_name = %s WHERE seq = 2", ["别人"])
    with pytest.raises(ValidationError, match="第2条"):
        entries_archive(before=timezone.localdate() - dt.timedelta(days=180), out=tmp_path / "a.jsonl")
    assert seqs() == [1, 2, 3, 4] and not (tmp_path / "a.jsonl").exists()


def test_moving_the_anchor_without_an_archive_is_found(db):
    _old_and_new(3, 1)
    with connection.cursor() as cursor:  # what archiving does, without the file and the archive's entry
        cursor.execute("UPDATE core_auditchain SET anchor_seq = 2, anchor_chain = "
                       f"(SELECT chain FROM {TABLE} WHERE seq = 2) WHERE id = 1")
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq <= 2")
    problem = verify().problem
    assert problem is not None and problem.kind == "anchor"


# ---------------------------------------------------------------------------------------------------------
# A deleted user, and two writers at once.


def test_a_deleted_users_entries_stay_readable(client, users):
    from conftest import PASSWORD

    leader = users["leader"]
    assert client.login(username="leader", password=PASSWORD)
    client.post("/accounts/logout/")
    with audit.audit_context(user=leader):
        audit.record(AuditEntry.Action.EXPORT, object_type="orgs.member", object_repr="党员名册")
    leader_id = leader.pk
    leader.delete()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, object_repr="党员名册")
    assert entry.actor_id == leader_id and entry.actor_name == "leader"
    assert client.login(username="auditor", password=PASSWORD)
    html = client.get("/audit/", {"actor": "leader"}).content.decode()
    assert "党员名册" in html and ">leader<" in html
    assert verify().problem is None


@contextlib.contextmanager
def writers_database(tmp_path: Path) -> Iterator[None]:
    """The database the writers' threads share. PostgreSQL: the test database. SQLite: an in-memory test database
    cannot host two writers (its shared cache locks tables instead of waiting), so the threads use a file copy of
    it, as the demo's server does (WAL, BEGIN IMMEDIATE, a busy timeout)."""
    if connection.vendor != "sqlite":
        yield
        return
    path = tmp_path / "writers.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    original = connections.settings["default"]["NAME"]
    connections.settings["default"]["NAME"] = str(path)
    try:
        yield
    finally:
        connections.settings["default"]["NAME"] = original


def in_thread(work: Callable[[], object]) -> object:
    """Run `work` on a new thread, hence a new database connection; its result, or raise its exception."""
    result: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


@pytest.mark.django_db(transaction=True)
def test_two_bulk_writers_at_once_do_not_fork_the_chain(tmp_path):
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def writer(name: str, count: int, batch_size: int) -> None:
        try:
            start.wait()
            with audit.audit_context(name=name), transaction.atomic():
                audit.record_many(AuditEntry.Action.CREATE, AuditEntry,
                                  ((i, f"{name}{i}", None, {"i": i}) for i in range(count)), batch_size=batch_size)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    with writers_database(tmp_path):
        threads = [threading.Thread(target=writer, args=args)
                   for args in (("甲", 1500, 500), ("乙", 1500, 500), ("丙", 5, 1))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors
        runs = in_thread(lambda: list(AuditEntry.objects.order_by("seq").values_list("seq", "actor_name")))
        problem = in_thread(lambda: verify().problem)
    assert isinstance(runs, list) and [seq for seq, _ in runs] == list(range(1, 3006))
    names = [name for _, name in runs]
    assert sorted(names.count(n) for n in ("甲", "乙", "丙")) == [5, 1500, 1500]
    # Each writer's transaction is one unbroken run: the others waited for its commit.
    assert sum(1 for a, b in itertools.pairwise(names) if a != b) == 2
    assert problem is None


# ---------------------------------------------------------------------------------------------------------
# The canonical form of an entry being written is the one its stored copy will have.

_json_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=5) | st.floats(
    allow_nan=False, allow_infinity=False)
_json_values = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=3) | st.integers(-9, 9), inner, max_size=3),
    max_leaves=12,
)


@given(before=_json_values, after=_json_values)
def test_the_form_computed_before_writing_equals_the_form_read_back(before: object, after: object) -> None:
    from core.audit.chain import canonical, canonical_fresh

    head = (1, timezone.now(), 3, "张三", "10.0.0.1", "update", "orgs.member", "7", "成员")
    stored = tuple(None if v is None else json.loads(json.dumps(v)) for v in (before, after))
    assert canonical_fresh((*head, before, after)) == canonical((*head, *stored))
