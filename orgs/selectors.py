"""Queries that pages, exports, commands and the API share. Statistics read the stored roll-up only."""


from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, overload

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.actors import MaybeActor
from core.scoping import subtrees_q
from orgs.choices import RANK_COUNTY, Sector, Tier
from orgs.models import Cadre, Member, Organization, OrganizationQuerySet, Rollup


@dataclass
class Totals:
    orgs: int = 0
    members: int = 0
    mobile: int = 0
    frail: int = 0
    cadres: int = 0

    def add(self, row: dict[str, Any]) -> None:
        for name in Rollup.COUNTERS:
            setattr(self, name, getattr(self, name) + row[name])

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in Rollup.COUNTERS}


@dataclass
class OrgStats:
    organization: Organization
    totals: Totals
    by_sector: list[tuple[str, str, Totals]]  # (value, label, totals), in the glossary's order
    by_tier: list[tuple[str, str, Totals]]
    children: list[tuple[Organization, Totals]] = field(default_factory=list)

    @property
    def sentence(self) -> str:
        t = self.totals
        return f"共有党组织{t.orgs}个，党员{t.members}人，县处级以上领导干部{t.cadres}人"

    def as_dict(self) -> dict[str, Any]:
        org = self.organization
        return {
            "code": org.code,
            "name": org.name,
            "sentence": self.sentence,
            "totals": self.totals.as_dict(),
            "by_sector": [{"sector": v, "label": lbl, **t.as_dict()} for v, lbl, t in self.by_sector],
            "by_tier": [{"tier": v, "label": lbl, **t.as_dict()} for v, lbl, t in self.by_tier],
            "children": [{"code": c.code, "name": c.name, **t.as_dict()} for c, t in self.children],
        }


def org_children(org: Organization) -> OrganizationQuerySet:
    return Organization.objects.in_subtree(org.path).filter(depth=org.depth + 1)


def org_totals(org: Organization) -> Totals:
    """The sentence's three numbers and more: a sum of this node's few roll-up rows."""
    return orgs_totals([org])[org.pk]


def orgs_totals(orgs: list[Organization]) -> dict[int, Totals]:
    """Totals for several organisations' subtrees in one query."""
    totals = {org.pk: Totals() for org in orgs}
    for row in Rollup.objects.filter(organization_id__in=list(totals)).values("organization_id", *Rollup.COUNTERS):
        totals[row["organization_id"]].add(row)
    return totals


def org_stats(org: Organization, *, with_children: bool = True) -> OrgStats:
    children = list(org_children(org)) if with_children else []
    ids = [org.pk] + [c.pk for c in children]
    rows = Rollup.objects.filter(organization_id__in=ids).values("organization_id", "sector", "tier",
                                                                  *Rollup.COUNTERS)
    totals = Totals()
    sectors: dict[str, Totals] = {}
    tiers: dict[str, Totals] = {}
    per_child: dict[int, Totals] = {c.pk: Totals() for c in children}
    for row in rows:
        if row["organization_id"] == org.pk:
            totals.add(row)
            sectors.setdefault(row["sector"], Totals()).add(row)
            tiers.setdefault(row["tier"], Totals()).add(row)
        else:
            per_child[row["organization_id"]].add(row)
    return OrgStats(
        organization=org,
        totals=totals,
        by_sector=[(s.value, str(s.label), sectors[s.value]) for s in Sector if s.value in sectors],
        by_tier=[(t.value, str(t.label), tiers[t.value]) for t in Tier if t.value in tiers],
        children=[(c, per_child[c.pk]) for c in children],
    )


def org_search(qs: OrganizationQuerySet, q: str) -> OrganizationQuerySet:
    """Every organisation of `qs` the picker's search (`org_pick`) would find for `q`, unranked: the API's list
    filter, so that the API and the pages find the same organisations — by name, code (or its start), or
    pinyin initials ("cgz" finds 城关镇)."""
    q = q.strip()[:PICK_Q_MAX]
    if not q:
        return qs
    cond = Q(name__contains=q) | Q(code=q)
    if q.isascii():
        cond |= _prefix_q("code", q)
    if q.isascii() and q.isalnum():
        cond |= Q(initials__contains=q.lower())
    return qs.filter(cond)


# ---------------------------------------------------------------------------------------------------------
# The organisation picker (orgs.widgets): what a form may offer, and the search behind the suggestions.

PICK_LIMIT = 20
PICK_Q_MAX = 100
TRAIL_SEP = " › "
MAX_TYPED = 100  # longer than any code or name: nothing to look up


def org_choices(user: MaybeActor, *, within: list[str] | None = None, everything: bool = False) -> OrganizationQuerySet:
    """The organisations a form may offer `user`: what they see (`visible_to`), narrowed to the subtrees at
    `within` when the form has a narrower rule (a liaison group's units, the unit a visit was held at).
    `everything` is the whole tree, for the security administrator who assigns jurisdictions and sees no
    registry data."""
    qs = Organization.objects.all() if everything else Organization.objects.visible_to(user)
    if within is not None:
        qs = qs.filter(subtrees_q("path", within))
    return qs


@overload
def visible_org(*, actor: MaybeActor, code: str, typed: Literal[False] = ..., by_name: Literal[False] = ...
                ) -> Organization: ...
@overload
def visible_org(*, actor: MaybeActor, code: str | None, typed: bool = ..., by_name: bool = ...
                ) -> Organization | None: ...
def visible_org(*, actor: MaybeActor, code: str | None, typed: bool = False, by_name: bool = False
                ) -> Organization | None:
    """The organisation whose code is `code`, if `actor` sees it; unknown or outside what `actor` sees → 404 (a
    code in a link, a path or an API field). The one lookup every page and endpoint uses.

    `typed`: text from a query string or a form: surrounding spaces are dropped and a blank value is None.
    `by_name`: what a person typed in a form's organisation box, its code or else its exact name (of namesakes,
    the first in the tree's order); blank, unknown or unseen → None, for the form to say so rather than 404."""
    text = code or ""
    if typed or by_name:
        text = text.strip()
        if not text:
            return None
    found = None
    if len(text) <= MAX_TYPED:
        visible = Organization.objects.visible_to(actor)
        found = visible.filter(code=text).first()
        if found is None and by_name:
            found = visible.filter(name=text).order_by("path").first()
    if found is None and not by_name:
        raise Http404
    return found


def _prefix_q(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, as an index range: on PostgreSQL LIKE 'p%' uses the pattern index Django
    makes for indexed text columns; on SQLite LIKE ignores the index, and a byte range uses it."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})
    return Q(**{f"{field}__startswith": prefix})


def org_pick(qs: OrganizationQuerySet, q: str, *, limit: int = PICK_LIMIT) -> tuple[list[Organization], bool]:
    """Up to `limit` organisations of `qs` matching `q`, best first, and whether there are more: the exact
    code, then pinyin initials from the start (dfqw → 大坊区委), names from the start, codes from the start,
    then names and initials containing `q`. Each step is one query (the prefix steps use an index) and the
    search stops once it has enough. An empty `q` offers the top levels of `qs`."""
    q = q.strip()[:PICK_Q_MAX]
    fields = ("code", "name", "path", "depth", "kind")
    if not q:
        top = list(qs.order_by("depth", "path").only(*fields)[:limit + 1])
        return top[:limit], len(top) > limit
    letters = q.lower() if q.isascii() and q.isalnum() else ""
    steps: list[tuple[Q, tuple[str, ...]]] = [(Q(code=q), ("path",))]
    if letters:
        steps.append((_prefix_q("initials", letters), ("depth", "path")))
    steps.append((_prefix_q("name", q), ("depth", "path")))
    if q.isascii():
        steps.append((_prefix_q("code", q), ("code",)))
    steps.append((Q(name__contains=q), ("path",)))
    if letters:
        steps.append((Q(initials__contains=letters), ("path",)))
    found: list[Organization] = []
    seen: set[int] = set()
    for cond, order in steps:
        rows = list(qs.filter(cond).exclude(pk__in=seen).order_by(*order).only(*fields)[:limit + 1 - len(found)])
        for org in rows:
            seen.add(org.pk)
            found.append(org)
        if len(found) > limit:
            break
    return found[:limit], len(found) > limit


def org_trails(orgs: list[Organization]) -> dict[int, list[str]]:
    """Each organisation's ancestors' names, root first (长宁市委, 大坊区委), in one query."""
    paths = {p for org in orgs for p in org.ancestor_paths()[:-1]}
    names = dict(Organization.objects.filter(path__in=paths).values_list("path", "name")) if paths else {}
    return {org.pk: [names[p] for p in org.ancestor_paths()[:-1] if p in names] for org in orgs}


def org_trail_text(org: Organization) -> str:
    """长宁市委 › 大坊区委 › 城关镇党委: the organisation's place in the tree, itself last."""
    return TRAIL_SEP.join([*org_trails([org])[org.pk], org.name])




# ---------------------------------------------------------------------------------------------------------
# Member and cadre lists: the same filters serve the list pages, their exports and the API.

MEMBER_FILTERS = ("q", "gender", "category", "mobile", "frail")
CADRE_FILTERS = ("q", "rank", "county_level")


def _flag(value: str | None) -> bool | None:
    if value in ("1", "true", "yes", "是"):
        return True
    if value in ("0", "false", "no", "否"):
        return False
    return None


def member_list(org: Organization, params: Mapping[str, str] | None = None, *,
                full_ids: bool = True) -> "QuerySet[Member]":
    """Members of `org`'s subtree, filtered by `params` (the list page's GET parameters). Search by ID number
    only for those who see full numbers (`full_ids`): others could use it to confirm a number they guessed."""
    params = params or {}
    qs = Member.objects.in_subtree(org.path).select_related("organization")
    if q := (params.get("q") or "").strip():
        qs = qs.filter(Q(name__contains=q) | Q(id_number=q.upper())) if full_ids else qs.filter(name__contains=q)
    if params.get("gender"):
        qs = qs.filter(gender=params["gender"])
    if params.get("category"):
        qs = qs.filter(category=params["category"])
    if (mobile := _flag(params.get("mobile"))) is not None:
        qs = qs.filter(is_mobile=mobile)
    if (frail := _flag(params.get("frail"))) is not None:
        qs = qs.filter(is_frail=frail)
    return qs.order_by("organization__path", "id")


def member_list_total(org: Organization, params: Mapping[str, str] | None = None) -> int | None:
    """The member list's total from the stored counters when its filters allow (none, or only 流动党员 or
    only 年老体弱 = 是); None when it must be counted."""
    params = params or {}
    active = {name: params[name] for name in MEMBER_FILTERS if (params.get(name) or "").strip()}
    if not active:
        return org_totals(org).members
    if len(active) == 1 and _flag(active.get("mobile")):
        return org_totals(org).mobile
    if len(active) == 1 and _flag(active.get("frail")):
        return org_totals(org).frail
    return None


def cadre_list(org: Organization, params: Mapping[str, str] | None = None, *,
               full_ids: bool = True) -> "QuerySet[Cadre]":
    params = params or {}
    qs = Cadre.objects.in_subtree(org.path).select_related("organization")
    if q := (params.get("q") or "").strip():
        cond = Q(name__contains=q) | Q(position__contains=q)
        if full_ids:
            cond |= Q(id_number=q.upper())
        qs = qs.filter(cond)
    if (rank := params.get("rank")) and rank.isdigit():
        qs = qs.filter(rank=int(rank))
    if _flag(params.get("county_level")):
        qs = qs.filter(rank__gte=RANK_COUNTY)
    return qs.order_by("-rank", "organization__path", "id")
