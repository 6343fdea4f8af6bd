"""Benchmark of the statistics query at city scale (run by scripts/bench, i.e. `make bench`).

    python scripts/bench.py check      exit 0 when DATABASE_URL holds a complete city-scale cache
    python scripts/bench.py generate   migrate and generate the city scale (seed 1) into DATABASE_URL
    python scripts/bench.py run        time the queries, one JSON line per (database, level, method)
    python scripts/bench.py pg-create  create the PostgreSQL database of DATABASE_URL if missing / --drop first

A cache is complete when the registry holds the organisations that the one `gendata city seed 1` audit entry
says it wrote (the entry is written in the same transaction as the data, so it exists only for a full load),
and the table jyb_bench_marker holds the hash of the generator (orgs/gendata.py) that wrote it, so a changed
generator regenerates the cache.
"""

import json
import math
import os
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
MARKER_REPR = f"gendata {SCALE} seed {SEED}"
GOAL_MS = 50.0


def setup() -> None:
    import django

    django.setup()


def vendor() -> str:
    from django.db import connection

    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def generator_hash() -> str:
    import hashlib

    return hashlib.sha256((ROOT / "orgs" / "gendata.py").read_bytes()).hexdigest()[:16]


def cache_ok() -> bool:
    from django.db import DatabaseError, connection, transaction

    from core.models import AuditEntry
    from orgs.models import Organization

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT source_hash FROM jyb_bench_marker")
            marker = cursor.fetchone()
            entry = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT, object_repr=MARKER_REPR).first()
            return (marker is not None and marker[0] == generator_hash() and entry is not None
                    and isinstance(entry.after, dict) and entry.after.get("orgs") == Organization.objects.count() > 0)
    except DatabaseError:  # not migrated or not generated yet
        return False


def write_marker() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS jyb_bench_marker (source_hash varchar(64) NOT NULL)")
        cursor.execute("DELETE FROM jyb_bench_marker")
        cursor.execute("INSERT INTO jyb_bench_marker (source_hash) VALUES (%s)", [generator_hash()])


def generate() -> float:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    started = time.monotonic()
    call_command("gendata", scale=SCALE, seed=SEED, verbosity=1)
    seconds = time.monotonic() - started
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


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "run"
    if command == "pg-create":
        pg_create(drop="--drop" in argv)
        return 0
    setup()
    if command == "check":
        return 0 if cache_ok() else 1
    if command == "generate":
        seconds = generate()
        print(json.dumps({"database": vendor(), "event": "generate", "scale": SCALE, "seed": SEED,
                          "seconds": round(seconds, 1)}, ensure_ascii=False), flush=True)
        return 0 if cache_ok() else 1
    if command == "run":
        run()
        return 0
    print(f"未知子命令：{command}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
