"""The write matrix: every POST, PATCH, PUT and DELETE route of the API × every role × a target inside the actor's
jurisdiction, outside it (the neighbouring city D; for the unit and the liaison also village B1a of the
neighbouring county, inside the city their office sees) and unknown → the expected answer: 2xx for a role that may
write it, 401 anonymous, 404 outside, unknown or for a role with no right, 422 for a body the rule refuses. What
each route expects is one row of tests/write_routes.py; a route of the OpenAPI document without a row fails here.

Every refused write leaves the database as it was (no row added or removed anywhere, the target unchanged), and
every successful one changes it.
"""

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.test import Client

from accounts.actors import SETUP
from accounts.models import ApiToken
from tests.write_routes import ROLES, ROUTES, UNKNOWN_CODE, UNKNOWN_ID, UNSCOPED, Row, Target

WRITE_METHODS = {"post", "put", "patch", "delete"}
INSIDE = "A1a"  # inside every data user's jurisdiction (office/leader at C, liaison's group at A1a, unit at A1a)
NEIGHBOUR = "B1a"  # in city C, outside the unit's and the liaison's jurisdiction
OUTSIDE = "D1"  # a village of another city
NOW = dt.datetime(2023, 10, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def _openapi_writes() -> set[tuple[str, str]]:
    from api.api import api

    paths = api.get_openapi_schema()["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops if method in WRITE_METHODS}


def test_every_write_route_declares_its_row() -> None:
    routes = _openapi_writes()
    missing = routes - set(ROUTES) - set(UNSCOPED)
    assert not missing, f"declare a row in tests/write_routes.py for {sorted(missing)}"
    stale = (set(ROUTES) | set(UNSCOPED)) - routes
    assert not stale, f"rows of tests/write_routes.py for routes the API no longer has: {sorted(stale)}"


@pytest.fixture
def world(tree: Any, users: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The fixture city C and a neighbouring city D, both taking part in the current campaign; village A1a is
    assigned to a liaison group the liaison user leads, B1a and D1 each to another group; each city office leads
    a team."""
    from campaigns.models import (
        Campaign,
        LiaisonAssignment,
        LiaisonGroup,
        LiaisonMembership,
        Participation,
        Team,
        TeamMembership,
    )
    from conftest import make_member
    from orgs import services
    from supervision.models import VisitMethod
    from tests.scoped_factories import _problem_office

    with time_machine.travel(NOW, tick=False):
        d = services.org_create(actor=SETUP, parent=None, code="D", name="邻市市委", kind="committee", sector="organ",
                                tier="city")
        d1 = services.org_create(actor=SETUP,
                                 parent=d, code=OUTSIDE, name="邻市某村党支部", kind="branch", sector="village",
                                 tier="village")
        campaign = Campaign.objects.create(name="学习贯彻主题教育", batch=2, starts_on=dt.date(2023, 9, 1),
                                           ends_on=dt.date(2024, 1, 31), is_current=True)
        teams = {}
        for root, org, label in ((tree.city, tree.village_a, "一"), (tree.city, tree.village_b, "二"),
                                 (d, d1, "三")):
            Participation.objects.get_or_create(campaign=campaign, organization=root)
            group = LiaisonGroup.objects.create(campaign=campaign, name=f"第{label}联络组")
            LiaisonAssignment.objects.create(group=group, campaign=campaign, organization=org)
            if org == tree.village_a:
                LiaisonMembership.objects.create(group=group, user=users["liaison"], is_leader=True)
            team = Team.objects.create(campaign=campaign, name=f"综合{label}组")
            TeamMembership.objects.create(team=team, user=_problem_office(org), is_leader=True)
            if org == tree.village_a:
                TeamMembership.objects.create(team=team, user=users["office"])
            teams[org.code] = team
        yield {
            "campaign": campaign, "inside": tree.village_a, "neighbour": tree.village_b, "outside": d1,
            "teams": teams,
            "method": VisitMethod.objects.filter(is_active=True).first(),
            "members": {org.code: make_member(org) for org in (tree.village_a, tree.village_b, d1)},
        }


def _fingerprint(target: Target) -> tuple[Any, ...]:
    """How many rows every model has, and the target's rows as they are stored."""
    counts = tuple(model._base_manager.count() for model in apps.get_models())
    rows = tuple(tuple(sorted((type(obj)._base_manager.filter(pk=obj.pk).values().first() or {}).items()))
                 for obj in target.objects)
    return counts, rows


def _send(client: Client, method: str, path: str, row: Row, body: dict[str, Any], auth: dict[str, str]) -> Any:
    if row.multipart:
        for value in body.values():
            if hasattr(value, "seek"):
                value.seek(0)
        return client.post(path, body, headers=auth)
    return client.generic(method, path, json.dumps(body, default=str), content_type="application/json", headers=auth)


def _unknown(target: Target) -> Target:
    params = {k: (UNKNOWN_ID if k.endswith("_id") else v) for k, v in target.params.items()}
    body = dict(target.body)
    if params == target.params:
        body["org"] = UNKNOWN_CODE
    return Target(params=params, body=body, objects=target.objects)


@pytest.mark.parametrize(("method", "template"), sorted(ROUTES))
def test_write_route(client: Client, users: dict[str, Any], world: dict[str, Any], method: str,
                     template: str) -> None:
    row = ROUTES[(method, template)]
    tokens = {role: ApiToken.issue(users[role]) for role in ROLES if role != "anonymous"}
    wrong: list[str] = []
    with time_machine.travel(NOW, tick=False):
        outside = row.make(world, world["outside"])
        unknown = (row.make_unknown(world, world["inside"]) if row.make_unknown
                   else _unknown(row.make(world, world["inside"])))
        for role in ROLES:
            auth = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
            inside = row.make(world, world["inside"])
            if role == "anonymous":
                expected = {"inside": 401, "outside": 401, "unknown": 401}
            else:
                expected = {"inside": row.ok if role in row.writers else row.others.get(role, 404),
                            "outside": row.outside.get(role, 404), "unknown": row.unknown.get(role, 404)}
            cases = [("outside", outside), ("unknown", unknown), ("inside", inside)]
            if role in ("unit", "liaison"):
                cases.insert(0, ("neighbour", row.make(world, world["neighbour"])))
                expected["neighbour"] = expected["outside"]
            if row.refused is not None and role in row.writers:
                refused = row.make(world, world["inside"])
                cases.insert(0, ("refused", Target(refused.params, row.refused(refused), refused.objects)))
                expected["refused"] = 422
            for where, target in cases:
                before = _fingerprint(target)
                response = _send(client, method, template.format(**target.params), row, target.body, auth)
                written = _fingerprint(target) != before
                if response.status_code != expected[where]:
                    wrong.append(f"{role} {where}: {response.status_code} (expected {expected[where]}) "
                                 f"{response.content[:200].decode(errors='replace')}")
                elif written != (200 <= expected[where] < 300):
                    wrong.append(f"{role} {where}: {response.status_code} but "
                                 f"{'wrote' if written else 'wrote nothing'}")
    assert not wrong, "\n".join(wrong)
