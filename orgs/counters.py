"""Keeping the per-subtree roll-up (`Rollup`) exact. Every write path of the registry calls `rollup_apply`
in the same transaction as the write; `rollup_rebuild` recomputes everything (after very large imports,
and as the nightly check `manage.py check_counters`)."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.db.models import Count, F, Q

from orgs.choices import RANK_COUNTY
from orgs.models import Cadre, Member, Organization, Rollup

STEPLEN = Organization.steplen
# Above this many (ancestor, sector, tier) keys a full rebuild is cheaper than one UPDATE per key.
REBUILD_THRESHOLD = 4000

Key = tuple[str, str, str]  # (ancestor path, sector, tier)
Change = tuple[str, str, str, dict[str, int]]  # (org path, org sector, org tier, counter deltas)


def _ancestors(path: str) -> Iterator[str]:
    for i in range(STEPLEN, len(path) + 1, STEPLEN):
        yield path[:i]


def _chunks(items: list, size: int = 900) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def member_delta(*, mobile: bool, frail: bool, sign: int = 1) -> dict[str, int]:
    return {"members": sign, "mobile": sign if mobile else 0, "frail": sign if frail else 0}


def cadre_delta(*, rank: int, sign: int = 1) -> dict[str, int]:
    return {"cadres": sign if rank >= RANK_COUNTY else 0}


def rollup_apply(changes: Iterable[Change], *, above_only: bool = False) -> None:
    """Add each change's deltas to the rows of its organisation and every ancestor.

    `above_only` skips the organisation itself (used when a whole subtree moves: its own rows stay)."""
    acc: dict[Key, Counter] = defaultdict(Counter)
    for path, sector, tier, delta in changes:
        paths = list(_ancestors(path))
        if above_only:
            paths = paths[:-1]
        for p in paths:
            acc[(p, sector, tier)].update(delta)
    acc = {k: v for k, v in acc.items() if any(v.values())}
    if not acc:
        return
    if len(acc) > REBUILD_THRESHOLD:
        rollup_rebuild()
        return
    with transaction.atomic():
        all_paths = sorted({k[0] for k in acc})
        ids: dict[str, int] = {}
        for chunk in _chunks(all_paths):
            ids.update(Organization.objects.filter(path__in=chunk).values_list("path", "id"))
        Rollup.objects.bulk_create(
            [Rollup(organization_id=ids[p], sector=s, tier=t) for (p, s, t) in acc],
            ignore_conflicts=True, batch_size=500,
        )
        for (p, s, t), delta in acc.items():
            updates = {name: F(name) + value for name, value in delta.items() if value}
            Rollup.objects.filter(organization_id=ids[p], sector=s, tier=t).update(**updates)


def compute_rollups() -> dict[tuple[int, str, str], Counter]:
    """The roll-up as it should be, computed from the rows (one pass over organisations, two GROUP BYs)."""
    own: dict[int, Counter] = defaultdict(Counter)
    for org_id, n, mobile, frail in Member.objects.order_by().values("organization_id").annotate(
        n=Count("id"), mob=Count("id", filter=Q(is_mobile=True)), fr=Count("id", filter=Q(is_frail=True)),
    ).values_list("organization_id", "n", "mob", "fr"):
        own[org_id].update({"members": n, "mobile": mobile, "frail": frail})
    for org_id, n in Cadre.objects.filter(rank__gte=RANK_COUNTY).order_by().values("organization_id").annotate(
        n=Count("id")
    ).values_list("organization_id", "n"):
        own[org_id]["cadres"] += n
    orgs = list(Organization.objects.order_by().values_list("id", "path", "sector", "tier"))
    id_by_path = {path: org_id for org_id, path, _, _ in orgs}
    result: dict[tuple[int, str, str], Counter] = defaultdict(Counter)
    for org_id, path, sector, tier in orgs:
        delta = Counter({"orgs": 1})
        delta.update(own.get(org_id, {}))
        for p in _ancestors(path):
            result[(id_by_path[p], sector, tier)].update(delta)
    return result


@transaction.atomic
def rollup_rebuild() -> int:
    """Recompute every roll-up row from scratch. Returns the number of rows written."""
    expected = compute_rollups()
    Rollup.objects.all().delete()
    rows = [
        Rollup(organization_id=org_id, sector=s, tier=t, **{k: c.get(k, 0) for k in Rollup.COUNTERS})
        for (org_id, s, t), c in expected.items()
    ]
    Rollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def rollup_differences() -> list[str]:
    """Where the stored roll-up disagrees with the rows: empty when exact."""
    expected = compute_rollups()
    problems: list[str] = []
    seen: set[tuple[int, str, str]] = set()
    for row in Rollup.objects.order_by().values("organization_id", "sector", "tier", *Rollup.COUNTERS):
        key = (row["organization_id"], row["sector"], row["tier"])
        seen.add(key)
        want = expected.get(key, Counter())
        for name in Rollup.COUNTERS:
            if row[name] != want.get(name, 0):
                problems.append(f"{key} {name}: 存储 {row[name]}，实际 {want.get(name, 0)}")
    for key, want in expected.items():
        if key not in seen and any(want.values()):
            problems.append(f"{key}: 缺少汇总行（实际 {dict(want)}）")
    return problems


def analyze() -> None:
    """Refresh planner statistics after bulk loads (SQLite plans badly without them)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
