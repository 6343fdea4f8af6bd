"""Registry pages: the tree, an organisation's statistics, its member and cadre lists.

Thin views: every organisation is fetched through `Organization.objects.visible_to(request.user)`, so an
organisation outside the user's jurisdiction — and any organisation for the three administrators, who see
no registry data — answers 404. Queries are `orgs.selectors`.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from accounts.http import AuthedRequest
from core.paging import paginate
from orgs import selectors
from orgs.forms import CadreFilterForm, MemberFilterForm, OrgSearchForm
from orgs.models import Organization
from orgs.panels import org_panels
from orgs.permissions import can_see_full_ids
from orgs.widgets import scope_from_token

SEARCH_LIMIT = 50
DETAIL_FIELDS = ("kind", "sector", "tier", "unit_name", "credit_code", "division_code")


def _roots(request: AuthedRequest) -> list[Organization]:
    """The roots of what the user sees: their jurisdiction, or the units assigned to a liaison member's groups
    (404 for roles without registry data)."""
    roots = list(Organization.objects.visible_to(request.user).filter(path__in=request.user.data_scope_paths() or []))
    if not roots:
        raise Http404
    return roots


def _trails(request: AuthedRequest, orgs: list[Organization]) -> dict[int, list[dict[str, Any]]]:
    """Each organisation's ancestors, root first, in one query. Only those inside the user's jurisdiction
    are marked as links."""
    paths = {p for org in orgs for p in org.ancestor_paths()[:-1]}
    by_path = {a.path: a for a in Organization.objects.filter(path__in=paths)} if paths else {}
    scopes = request.user.data_scope_paths() or []
    return {
        org.pk: [
            {"org": by_path[p], "link": any(p.startswith(s) for s in scopes)}
            for p in org.ancestor_paths()[:-1] if p in by_path
        ]
        for org in orgs
    }


def _children_items(node: Organization) -> list[dict[str, Any]]:
    return [{"org": child, "totals": totals} for child, totals in selectors.org_stats(node).children]


def _filter_query(request: HttpRequest) -> str:
    """The list's filters as a query string (without the page), for the export link."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_GET
def tree(request: AuthedRequest) -> HttpResponse:
    roots = _roots(request)
    form = OrgSearchForm(request.GET or None)
    q = (request.GET.get("q") or "").strip()
    matches: list[dict[str, Any]] = []
    more = False
    if q:
        # The picker's search (orgs.selectors.org_pick): the exact code first, then initials, names, codes.
        found, more = selectors.org_pick(Organization.objects.visible_to(request.user), q, limit=SEARCH_LIMIT)
        trails = _trails(request, found)
        matches = [{"org": org, "trail": trails[org.pk]} for org in found]
    # One root opens with its children; several (a liaison member's units) are listed closed.
    totals = selectors.orgs_totals(roots)
    nodes = [{"org": root, "totals": totals[root.pk],
              "items": _children_items(root) if len(roots) == 1 else None} for root in roots]
    return render(request, "orgs/tree.html", {
        "nodes": nodes, "form": form, "q": q, "matches": matches, "more": more, "search_limit": SEARCH_LIMIT,
    })


@login_required
@require_GET
def tree_children(request: AuthedRequest, code: str) -> HttpResponse:
    """The <li> items of a node's children (htmx, when a node is expanded)."""
    node = selectors.visible_org(actor=request.user, code=code)
    return render(request, "orgs/_tree_items.html", {"items": _children_items(node)})


@login_required
@require_GET
def detail(request: AuthedRequest, code: str) -> HttpResponse:
    org = selectors.visible_org(actor=request.user, code=code)
    stats = selectors.org_stats(org)
    fields = []
    for name in DETAIL_FIELDS:
        field = Organization._meta.get_field(name)
        assert isinstance(field, models.Field)  # DETAIL_FIELDS are the model's own columns
        value = getattr(org, f"get_{name}_display")() if field.choices else getattr(org, name)
        fields.append({"label": field.verbose_name, "value": value})
    chart_data = {
        "sector": [{"name": label, "orgs": t.orgs, "members": t.members} for _, label, t in stats.by_sector],
        "tier": [{"name": label, "orgs": t.orgs, "members": t.members} for _, label, t in stats.by_tier],
    }
    return render(request, "orgs/detail.html", {
        "org": org, "stats": stats, "fields": fields, "trail": _trails(request, [org])[org.pk],
        "chart_data": chart_data, "panels": _panels(request, org),
    })


def _panels(request: AuthedRequest, org: Organization) -> list[str]:
    """The panels apps above the registry add to the page (orgs.panels), rendered."""
    return [render_to_string(panel.template, panel.context, request=request)
            for panel in org_panels(org, request.user)]


@login_required
@require_GET
def member_list(request: AuthedRequest, code: str) -> HttpResponse:
    org = selectors.visible_org(actor=request.user, code=code)
    full_ids = can_see_full_ids(request.user)
    page = paginate(request, selectors.member_list(org, request.GET, full_ids=full_ids),
                    total=selectors.member_list_total(org, request.GET))
    return render(request, "orgs/member_list.html", {
        "org": org, "page": page, "form": MemberFilterForm(request.GET or None),
        "filter_query": _filter_query(request), "full_ids": full_ids,
        "trail": _trails(request, [org])[org.pk],
    })


@login_required
@require_GET
def cadre_list(request: AuthedRequest, code: str) -> HttpResponse:
    org = selectors.visible_org(actor=request.user, code=code)
    full_ids = can_see_full_ids(request.user)
    page = paginate(request, selectors.cadre_list(org, request.GET, full_ids=full_ids))
    return render(request, "orgs/cadre_list.html", {
        "org": org, "page": page, "form": CadreFilterForm(request.GET or None),
        "filter_query": _filter_query(request), "full_ids": full_ids,
        "trail": _trails(request, [org])[org.pk],
    })


@login_required
@require_GET
def pick(request: AuthedRequest) -> JsonResponse:
    """The picker's suggestions (orgs.widgets): `?scope=` the signed scope of the form's field, `?q=` what was
    typed. A scope that is forged or another person's answers 404."""
    qs = scope_from_token(request.user, request.GET.get("scope") or "")
    if qs is None:
        raise Http404
    found, more = selectors.org_pick(qs, request.GET.get("q") or "")
    trails = selectors.org_trails(found)
    return JsonResponse({
        "results": [{"code": org.code, "name": org.name, "trail": selectors.TRAIL_SEP.join(trails[org.pk])}
                    for org in found],
        "more": more,
    })
