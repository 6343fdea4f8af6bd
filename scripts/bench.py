"""Benchmarks run by scripts/bench (`make bench`): the statistics query at city scale, and the problem ledger
(its list as the page runs it, and its .xlsx export) at city scale and, on PostgreSQL, at province scale.

    python scripts/bench.py check [--scale S]      exit 0 when DATABASE_URL holds a complete cache of scale S
    python scripts/bench.py generate [--scale S]   migrate and generate scale S (seed 1) into DATABASE_URL
    python scripts/bench.py run                    time the statistics queries (city), one JSON line each
    python scripts/bench.py ledger [--scale S]     time the ledger list and export, print the EXPLAIN plans
    python scripts/bench.py audit                  the audit chain's write overhead (10,000 entries) and verify speed
    python scripts/bench.py migrate                apply new migrations to a cached database
    python scripts/bench.py pg-create [--drop]     create the PostgreSQL database of DATABASE_URL if missing

Scales: `city` (gendata --scale city: organisations, members, 50,000 problems) and `province` (gendata --scale
province --only orgs,problems: 200,000 organisations and 1,000,000 problems, no members — planning 4,000,000
members takes minutes and nothing the ledger does reads them).

A cache is complete when the registry holds the organisations that the scale's gendata audit entry says it wrote
and the problems that the problems generator's entry says it wrote (each written in the same transaction as its
data, so they exist only for a full load), and the table jyb_bench_marker holds the hash of the generators that
wrote it, so a changed generator regenerates the cache.
"""

import json
import math
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyuban.settings")

SCALE, SEED = "city", 1
GOAL_MS = 50.0
# scale → gendata --only (None: everything the scale has)
ONLY: dict[str, str | None] = {"city": None, "province": "orgs,problems"}
GENERATORS = ("demo/parts.py", "demo/management/commands/gendata.py", "demo/generators/orgs.py",
              "demo/generators/campaigns.py", "demo/generators/problems.py")
LEDGER_GOAL_MS = 100.0  # list p95, province scale, PostgreSQL
EXPORT_GOAL_S = 10.0  # 100,000 rows to .xlsx
EXPORT_ROWS = 100_000
LEDGER_RUNS, LEDGER_WARMUPS = 20, 2


def setup() -> None:
    import django

    django.setup()


def vendor() -> str:
    from django.db import connection

    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def generator_hash() -> str:
    import hashlib

    digest = hashlib.sha256()
    for name in GENERATORS:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:16]


def cache_ok(scale: str = SCALE) -> bool:
    from django.db import DatabaseError, connection, transaction

    from core.models import AuditEntry
    from demo.generators.orgs import marker
    from orgs.models import Organization
    from problems.models import Problem

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT source_hash FROM jyb_bench_marker")
            row = cursor.fetchone()
            only = ONLY[scale]
            repr_ = marker(scale, SEED, members=only is None or "members" in only)
            entry = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT, object_repr=repr_).first()
            problems = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT,
                                                 object_type="problems.gendata").first()
            return (row is not None and row[0] == generator_hash() and entry is not None
                    and isinstance(entry.after, dict) and entry.after.get("orgs") == Organization.objects.count() > 0
                    and problems is not None and isinstance(problems.after, dict)
                    and problems.after.get("problems") == Problem.objects.count() > 0)
    except DatabaseError:  # not migrated or not generated yet
        return False


def write_marker() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS jyb_bench_marker (source_hash varchar(64) NOT NULL)")
        cursor.execute("DELETE FROM jyb_bench_marker")
        cursor.execute("INSERT INTO jyb_bench_marker (source_hash) VALUES (%s)", [generator_hash()])


def generate(scale: str = SCALE) -> float:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    started = time.monotonic()
    call_command("gendata", scale=scale, seed=SEED, only=ONLY[scale] or "", verbosity=2, stdout=sys.stderr)
    seconds = time.monotonic() - started
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load anyway: the visibility map lets counts be index-only scans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) problems_problem")
    write_marker()
    return seconds


def pg_create(drop: bool) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    with psycopg.connect(host=cfg["HOST"] or "127.0.0.1", port=cfg["PORT"] or 5432, user=cfg["USER"] or "postgres",
                         password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True,
                         connect_timeout=5) as conn:
        name = cfg["NAME"]
        if drop:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def timed(fn: Callable[[], int], runs: int, warmups: int) -> tuple[list[float], int]:
    rows = 0
    for _ in range(warmups):
        rows = fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, rows


def run(runs: int = 50, warmups: int = 5, naive_runs: int = 5) -> list[dict[str, Any]]:
    from django.db.models import Count, Q, Sum

    from orgs.choices import RANK_COUNTY, Tier
    from orgs.models import Cadre, Member, Organization, Rollup
    from orgs.selectors import member_list, member_list_total, org_stats

    db = vendor()
    root = Organization.objects.get_first_root_node()
    places = [
        ("root", root),
        ("county", Organization.objects.filter(tier=Tier.COUNTY).order_by("path").first()),
        ("township", Organization.objects.filter(tier=Tier.TOWNSHIP).order_by("path").first()),
    ]
    lines: list[dict[str, Any]] = []
    root_p95 = None
    for level, org in places:
        def stats(org: Organization = org) -> int:
            s = org_stats(org)
            return len(s.by_sector) + len(s.by_tier) + len(s.children)

        def rollup_sum(org: Organization = org) -> int:
            agg = Rollup.objects.filter(organization=org).aggregate(
                members=Sum("members"), orgs=Sum("orgs"), cadres=Sum("cadres"), rows=Count("id"))
            return agg["rows"]

        def naive(org: Organization = org) -> int:
            m = Member.objects.in_subtree(org.path).aggregate(
                n=Count("id"), mobile=Count("id", filter=Q(is_mobile=True)),
                frail=Count("id", filter=Q(is_frail=True)))
            c = Cadre.objects.in_subtree(org.path).filter(rank__gte=RANK_COUNTY).count()
            o = Organization.objects.in_subtree(org.path).count()
            return m["n"] + c + o

        def list_page(org: Organization = org, number: int = 1) -> int:
            # What the member list page does: the total from the counters, then one page of 50.
            from django.core.paginator import Paginator

            paginator = Paginator(member_list(org, {}), 50)
            total = member_list_total(org, {})
            if total is not None:  # always known without filters
                paginator.count = total
            return len(list(paginator.get_page(number).object_list))

        def list_deep(org: Organization = org) -> int:
            return list_page(org, 100)

        for method, fn, n, w in (("org_stats", stats, runs, warmups), ("rollup_sum", rollup_sum, runs, warmups),
                                 ("naive_join", naive, naive_runs, 1),
                                 ("member_list_page_1", list_page, naive_runs * 2, 1),
                                 ("member_list_page_100", list_deep, naive_runs * 2, 1)):
            times, rows = timed(fn, n, w)
            line = {"database": db, "level": level, "org": org.code, "name": org.name, "method": method,
                    "p50_ms": round(statistics.median(times), 3), "p95_ms": round(percentile(times, 0.95), 3),
                    "runs": n, "rows": rows}
            lines.append(line)
            print(json.dumps(line, ensure_ascii=False), flush=True)
            if level == "root" and method == "org_stats":
                root_p95 = line["p95_ms"]
    verdict = {"database": db, "goal": "p95 ≤ 50 ms for the root at city scale (org_stats)",
               "organisations": Organization.objects.count(), "members": Member.objects.count(),
               "root_p95_ms": root_p95, "holds": root_p95 is not None and root_p95 <= GOAL_MS}
    print(json.dumps(verdict, ensure_ascii=False), flush=True)
    lines.append(verdict)
    return lines


def bench_user() -> Any:
    """An office account at the root (it sees the whole ledger, as the office does), made once per cache."""
    from accounts.actors import SETUP
    from accounts.models import User
    from administration.services import user_create
    from orgs.models import Organization

    user = User.objects.filter(username="bench").first()
    if user is None:
        user = user_create(actor=SETUP, username="bench", role="office",
                           organization=Organization.objects.get_first_root_node(),
                           check_password=False, full_name="压测")
    return user


def explain(sql: str) -> str:
    from django.db import connection

    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return "\n".join(r[0] for r in rows)
    return "\n".join(f"{'  ' * (parent > 0)}{detail}" for _id, parent, _notused, detail in rows)


def ledger(scale: str) -> list[dict[str, Any]]:
    """The ledger list for a county subtree filtered to 整改中 — `problems.selectors.ledger` with
    LedgerFilter(subtree=<county>, status=[in_progress]), paged as the page pages it (`core.paging`: COUNT(*),
    then 50 rows at an offset) — page 1 and page 100, p50/p95 over LEDGER_RUNS runs; the same for a city subtree
    (where page 100 exists: a county of this generator holds fewer than 5,000 such problems) and for the county
    without a filter (the page's default); the EXPLAIN plans of the COUNT and of the page-100 query; and the
    export of EXPORT_ROWS problems to .xlsx."""
    import io

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.paging import PAGE_SIZE, ListPaginator
    from demo.generators.campaigns import counties
    from orgs.models import Organization
    from problems.choices import ProblemStatus
    from problems.exports import write_ledger
    from problems.models import Problem
    from problems.selectors import LedgerFilter
    from problems.selectors import ledger as ledger_query

    db = vendor()
    user = bench_user()
    root = Organization.objects.get_first_root_node()
    county = counties(root)[0]
    # The city committee above the county (the root at city scale).
    city = Organization.objects.filter(path=county.path[:-Organization.steplen]).first() or root
    lines: list[dict[str, Any]] = []
    p95s: list[float] = []

    def emit(line: dict[str, Any]) -> None:
        lines.append(line)
        print(json.dumps(line, ensure_ascii=False), flush=True)

    # (level, subtree, status filter): a county's open problems by status (DESIGN §6), the same for a city, and the
    # county unfiltered.
    cases: list[tuple[str, Organization, list[str]]] = [
        ("county", county, [ProblemStatus.IN_PROGRESS]), ("city", city, [ProblemStatus.IN_PROGRESS]),
        ("county", county, [])]
    for level, org, status in cases:
        filters = LedgerFilter(subtree=org, status=list(status))
        for number in (1, 100):
            shown: dict[str, int] = {}

            def page(number: int = number, filters: LedgerFilter = filters, shown: dict[str, int] = shown) -> int:
                paginator = ListPaginator(ledger_query(user, filters), PAGE_SIZE)
                current = paginator.get_page(number)
                rows = len(list(current.object_list))
                shown.update(page=current.number, total=paginator.count)
                return rows

            times, rows = timed(page, LEDGER_RUNS, LEDGER_WARMUPS)
            line = {"database": db, "scale": scale, "what": "ledger_list", "level": level, "org": org.code,
                    "name": org.name, "filter": f"status={','.join(status)}" if status else "none", "page": number,
                    "page_shown": shown["page"],
                    "total": shown["total"], "rows": rows, "p50_ms": round(statistics.median(times), 3),
                    "p95_ms": round(percentile(times, 0.95), 3), "runs": LEDGER_RUNS}
            emit(line)
            if level == "county" and status:
                p95s.append(percentile(times, 0.95))
            if number == 100 and status:
                with CaptureQueriesContext(connection) as ctx:
                    page()
                for captured in ctx.captured_queries:
                    sql = captured["sql"]
                    what = ("COUNT" if sql.startswith("SELECT COUNT(*)")
                            else f"page {shown['page']}" if '"problems_problem"' in sql and " LIMIT " in sql else "")
                    if what:
                        short = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", sql, count=1)
                        print(f"-- EXPLAIN {db} {scale} {level} {org.name} {what}:\n{short}\n{explain(sql)}\n",
                              file=sys.stderr, flush=True)

    rows_qs = ledger_query(user, LedgerFilter())[:EXPORT_ROWS]
    out = io.BytesIO()
    started = time.perf_counter()
    written = write_ledger(rows_qs, out)
    seconds = time.perf_counter() - started
    emit({"database": db, "scale": scale, "what": "ledger_export", "rows": written, "bytes": out.tell(),
          "seconds": round(seconds, 2)})
    verdict = {"database": db, "scale": scale, "what": "ledger_goal",
               "goal": f"county list p95 ≤ {LEDGER_GOAL_MS:g} ms (pages 1 and 100), "
                       f"export of {EXPORT_ROWS:,} rows ≤ {EXPORT_GOAL_S:g} s",
               "organisations": Organization.objects.count(), "problems": Problem.objects.count(),
               "list_p95_ms": round(max(p95s), 3), "export_seconds": round(seconds, 2), "export_rows": written,
               "holds": max(p95s) <= LEDGER_GOAL_MS and seconds <= EXPORT_GOAL_S}
    emit(verdict)
    return lines


AUDIT_ROWS, AUDIT_RUNS = 10_000, 5


def audit_bench() -> list[dict[str, Any]]:
    """The audit chain's cost: 10,000 entries through record_many (numbered and chained under the head's lock) against
    the same entries inserted without chain values (the path before the chain), each run rolled back; then
    `audit_verify`'s walk over the whole table, in rows per second."""
    from django.db import transaction

    from core import audit
    from core.audit.chain import verify
    from core.models import AuditEntry
    from orgs.models import Member

    class Rollback(Exception):
        pass

    rows = [(i, f"成员{i}", None, {"name": f"成员{i}", "organization_id": i % 1500, "phone": f"1380000{i:04d}",
                                   "is_mobile": False, "joined_on": "2001-07-01"}) for i in range(AUDIT_ROWS)]

    def plain() -> None:
        entries = [audit._entry(AuditEntry.Action.CREATE, object_type="orgs.member", object_id=str(pk),
                                object_repr=name, before=before, after=after) for pk, name, before, after in rows]
        for n, entry in enumerate(entries, start=1):
            entry.seq, entry.chain = -n, ""
        for i in range(0, len(entries), 2000):
            AuditEntry.objects.bulk_create(entries[i:i + 2000])

    def chained() -> None:
        audit.record_many(AuditEntry.Action.CREATE, Member, iter(rows))

    def seconds(fn: Callable[[], None]) -> float:
        started = 0.0
        try:
            with transaction.atomic():
                started = time.perf_counter()
                fn()
                elapsed = time.perf_counter() - started
                raise Rollback
        except Rollback:
            return elapsed

    db = vendor()
    timings: dict[str, list[float]] = {"plain": [], "chained": []}
    seconds(plain), seconds(chained)  # warm-up
    for _ in range(AUDIT_RUNS):  # interleaved, so that the disk's and the database's drift hits both alike
        timings["plain"].append(seconds(plain))
        timings["chained"].append(seconds(chained))
    plain_s, chained_s = statistics.median(timings["plain"]), statistics.median(timings["chained"])
    write = {"database": db, "bench": "audit_write", "rows": AUDIT_ROWS, "runs": AUDIT_RUNS,
             "without_chain_s": round(plain_s, 3), "with_chain_s": round(chained_s, 3),
             "overhead_pct": round(100 * (chained_s - plain_s) / plain_s, 1),
             "per_entry_us": round(1e6 * (chained_s - plain_s) / AUDIT_ROWS, 1)}
    print(json.dumps(write, ensure_ascii=False), flush=True)
    result = verify()
    check = {"database": db, "bench": "audit_verify", "rows": result.rows, "seconds": round(result.seconds, 2),
             "rows_per_s": round(result.rows_per_second), "holds": result.problem is None,
             "problem": result.problem.message if result.problem else None}
    print(json.dumps(check, ensure_ascii=False), flush=True)
    return [write, check]


def scale_of(argv: list[str]) -> str:
    for n, arg in enumerate(argv):
        if arg.startswith("--scale="):
            value = arg.split("=", 1)[1]
        elif arg == "--scale" and n + 1 < len(argv):
            value = argv[n + 1]
        else:
            continue
        if value not in ONLY:
            raise SystemExit(f"未知规模：{value}（可选：{'、'.join(ONLY)}）")
        return value
    return SCALE


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "run"
    if command == "pg-create":
        pg_create(drop="--drop" in argv)
        return 0
    setup()
    scale = scale_of(argv)
    if command == "check":
        return 0 if cache_ok(scale) else 1
    if command == "generate":
        seconds = generate(scale)
        print(json.dumps({"database": vendor(), "event": "generate", "scale": scale, "seed": SEED,
                          "only": ONLY[scale], "seconds": round(seconds, 1)}, ensure_ascii=False), flush=True)
        return 0 if cache_ok(scale) else 1
    if command == "run":
        run()
        return 0
    if command == "ledger":
        ledger(scale)
        return 0
    if command == "audit":
        return 0 if audit_bench()[-1]["holds"] else 1
    if command == "migrate":  # a cached database follows new migrations (say, the ledger's indexes)
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=1, stdout=sys.stderr)
        from django.db import connection

        with connection.cursor() as cursor:  # statistics for indexes a migration added (SQLite has none otherwise)
            cursor.execute("ANALYZE problems_problem")
        return 0
    print(f"未知子命令：{command}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
