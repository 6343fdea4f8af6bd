"""The scoping matrix: every role × every registry page, export and API endpoint × inside and outside the
user's jurisdiction. Inside answers 200, outside answers 404 — the same as an object that does not exist.

A second city, D, sits beside the fixture's city C: it is outside every user's jurisdiction.
"""

import datetime as dt

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.actors import SETUP
from accounts.models import ApiToken
from conftest import make_member
from orgs import services
from orgs.permissions import can_see_full_ids

DATA_ROLES = ("office", "leader", "liaison", "unit")
ADMIN_ROLES = ("sysadmin", "secadmin", "auditor")
INSIDE = "A1a"  # inside every data user's jurisdiction (office/leader at C, liaison at A, unit at A1a)
OUTSIDE = "D1"  # another city


@pytest.fixture
def world(tree, users):
    d = services.org_create(actor=SETUP,
                            parent=None, code="D", name="邻市市委", kind="committee", sector="organ", tier="city")
    d1 = services.org_create(actor=SETUP, parent=d, code="D1", name="邻市某村党支部", kind="branch", sector="village",
                             tier="village")
    inside_member = make_member(tree.village_a, birth=dt.date(1975, 3, 3))
    outside_member = make_member(d1, birth=dt.date(1976, 4, 4))
    services.cadre_create(actor=SETUP, organization=tree.village_a, name="甲", id_number="11010519491231002X",
                          position="书记", rank=40)
    services.cadre_create(actor=SETUP,
                          organization=d1, name="乙", id_number="440524188001010014", position="书记", rank=40)
    return {"inside_member": inside_member, "outside_member": outside_member}


# (url name, takes an org code) — every registry page and export.
ORG_PAGES = [
    ("orgs:detail", True),
    ("orgs:tree_children", True),
    ("orgs:members", True),
    ("orgs:cadres", True),
    ("orgs:export_members", True),
    ("orgs:export_cadres", True),
]


def _page(name: str, code: str) -> str:
    return reverse(name, kwargs={"code": code})


@pytest.mark.parametrize(("name", "_"), ORG_PAGES)
def test_anonymous_is_sent_to_login(client, world, name, _):
    response = client.get(_page(name, INSIDE))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", DATA_ROLES)
@pytest.mark.parametrize(("name", "_"), ORG_PAGES)
def test_data_roles_see_inside_and_get_404_outside(client, users, world, role, name, _):
    client.force_login(users[role])
    assert client.get(_page(name, INSIDE)).status_code == 200
    assert client.get(_page(name, OUTSIDE)).status_code == 404
    assert client.get(_page(name, "NO-SUCH-CODE")).status_code == 404


@pytest.mark.parametrize("role", ADMIN_ROLES)
@pytest.mark.parametrize(("name", "_"), ORG_PAGES)
def test_administrators_get_404_on_registry_pages(client, users, world, role, name, _):
    client.force_login(users[role])
    assert client.get(_page(name, INSIDE)).status_code == 404


def test_unit_gets_404_for_a_neighbouring_county(client, users, world):
    client.force_login(users["unit"])
    for name, _ in ORG_PAGES:
        assert client.get(_page(name, "B1a")).status_code == 404, name
        assert client.get(_page(name, "A")).status_code == 404, name  # its own parent is outside too


@pytest.mark.parametrize(("role", "expected"), [
    ("office", 200), ("leader", 200), ("liaison", 200), ("unit", 200),
    ("sysadmin", 404), ("secadmin", 404), ("auditor", 404),
])
def test_tree_page(client, users, world, role, expected):
    client.force_login(users[role])
    assert client.get(reverse("orgs:tree")).status_code == expected


@pytest.mark.parametrize(("role", "expected"), [
    ("office", 200), ("unit", 200),
    ("leader", 404), ("liaison", 404), ("sysadmin", 404), ("secadmin", 404), ("auditor", 404),
])
def test_import_pages_only_for_registry_editors(client, users, world, role, expected):
    client.force_login(users[role])
    assert client.get(reverse("orgs:import_start")).status_code == expected


@pytest.mark.parametrize(("role", "expected"), [
    ("auditor", 200),
    ("office", 404), ("leader", 404), ("liaison", 404), ("unit", 404), ("sysadmin", 404), ("secadmin", 404),
])
def test_audit_log_only_for_the_auditor(client, users, world, role, expected):
    client.force_login(users[role])
    assert client.get(reverse("audit:list")).status_code == expected


# ---- API -------------------------------------------------------------------------------------------------

def _api_paths(code: str, id_number: str) -> list[str]:
    return [
        f"/api/v1/orgs/{code}",
        f"/api/v1/orgs/{code}/stats",
        f"/api/v1/orgs/{code}/members",
        f"/api/v1/orgs/{code}/cadres",
        f"/api/v1/members/{id_number}",
    ]


def test_api_anonymous_gets_401(client, world):
    for path in [*_api_paths(INSIDE, world["inside_member"].id_number), "/api/v1/orgs/"]:
        assert client.get(path).status_code == 401, path


@pytest.mark.parametrize("role", DATA_ROLES + ADMIN_ROLES)
def test_api_matrix(client, users, world, role):
    token = ApiToken.issue(users[role])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    inside = _api_paths(INSIDE, world["inside_member"].id_number)
    outside = _api_paths(OUTSIDE, world["outside_member"].id_number)
    for path in inside:
        expected = 200 if role in DATA_ROLES else 404
        if path.startswith("/api/v1/members/") and not can_see_full_ids(users[role]):
            expected = 404  # lookup by full ID number only for roles shown full numbers
        assert client.get(path, **auth).status_code == expected, path
    for path in outside:
        assert client.get(path, **auth).status_code == 404, path
    listed = client.get("/api/v1/orgs/?limit=500", **auth).json()
    codes = {item["code"] for item in listed["items"]}
    assert "D" not in codes and "D1" not in codes
    assert (INSIDE in codes) == (role in DATA_ROLES)


# ---- API: the problem ledger --------------------------------------------------------------------------------

@pytest.fixture
def problem_world(world, tree, settings, tmp_path):
    """A problem (and a problem's evidence) inside every data user's jurisdiction and one in the other city."""
    from orgs.models import Organization
    from tests.scoped_factories import FACTORIES

    settings.MEDIA_ROOT = tmp_path / "media"
    outside = Organization.objects.get(code=OUTSIDE)
    return {
        "inside": (FACTORIES["problems.Problem"](tree.village_a), FACTORIES["problems.Evidence"](tree.village_a)),
        "outside": (FACTORIES["problems.Problem"](outside), FACTORIES["problems.Evidence"](outside)),
    }


def _problem_api_paths(problem, evidence) -> list[str]:
    return [
        f"/api/v1/problems/{problem.pk}",
        f"/api/v1/problems/{problem.pk}/feedback",
        f"/api/v1/problems/{evidence.problem_id}/evidence/{evidence.pk}",
    ]


def test_problem_api_anonymous_gets_401(client, problem_world):
    paths = [*_problem_api_paths(*problem_world["inside"]), "/api/v1/problems/", "/api/v1/problems/special-campaigns"]
    for path in paths:
        assert client.get(path).status_code == 401, path
    problem = problem_world["inside"][0]
    assert client.post(f"/api/v1/problems/{problem.pk}/actions/start", {"version": 1}).status_code == 401


@pytest.mark.parametrize("role", DATA_ROLES + ADMIN_ROLES)
def test_problem_api_matrix(client, users, problem_world, role):
    token = ApiToken.issue(users[role])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for path in _problem_api_paths(*problem_world["inside"]):
        assert client.get(path, **auth).status_code == (200 if role in DATA_ROLES else 404), path
    for path in _problem_api_paths(*problem_world["outside"]):
        assert client.get(path, **auth).status_code == 404, path
    listed = client.get("/api/v1/problems/?limit=500", **auth)
    assert listed.status_code == (200 if role in DATA_ROLES else 404)
    if role in DATA_ROLES:
        ids = {item["id"] for item in listed.json()["items"]}
        assert problem_world["inside"][0].pk in ids and problem_world["outside"][0].pk not in ids
    outside = problem_world["outside"][0]
    for action in ("start", "close"):
        response = client.post(f"/api/v1/problems/{outside.pk}/actions/{action}", {"version": outside.version}, **auth)
        assert response.status_code == 404, action
    outside.refresh_from_db()
    assert outside.status == "registered"


# ---- every scoped model ----------------------------------------------------------------------------------

def _scoped_models() -> list:
    return [m for m in apps.get_models() if hasattr(m, "scope_path_field")]


def test_every_scoped_model_has_a_factory():
    from tests.scoped_factories import FACTORIES

    missing = {m._meta.label for m in _scoped_models()} - set(FACTORIES)
    assert not missing, f"add a factory to tests/scoped_factories.py for {sorted(missing)}"


def test_every_scoped_model_hides_other_cities(users, world, tree):
    """A new model placed in the tree (it declares scope_path_field) is covered here automatically."""
    from orgs.models import Organization
    from tests.scoped_factories import FACTORIES

    outside = Organization.objects.get(code=OUTSIDE)
    models = _scoped_models()
    assert {m._meta.label for m in models} >= {"orgs.Organization", "orgs.Member", "orgs.Cadre"}
    for model in models:
        inside_row = FACTORIES[model._meta.label](tree.village_a)
        outside_row = FACTORIES[model._meta.label](outside)
        for role in DATA_ROLES:
            visible = model._default_manager.visible_to(users[role])
            assert visible.filter(pk=inside_row.pk).exists(), (model, role)
            assert not visible.filter(pk=outside_row.pk).exists(), (model, role)
            paths = visible.values_list(model.scope_path_field, flat=True)
            roots = users[role].data_scope_paths()
            assert all(any(p.startswith(r) for r in roots) for p in paths), (model, role)
        for role in ADMIN_ROLES:
            assert not model._default_manager.visible_to(users[role]).exists(), (model, role)
        assert not model._default_manager.visible_to(None).exists()


# ---- API: supervision ------------------------------------------------------------------------------------------

@pytest.fixture
def supervision_world(world, tree, settings, tmp_path):
    """A visit, a finding, an action and an issued letter (a unit sees no drafts) inside every data user's
    jurisdiction, and the same in the other city; each side's unit is assigned to a liaison group."""
    from campaigns.models import LiaisonAssignment
    from orgs.models import Organization
    from tests.scoped_factories import FACTORIES

    settings.MEDIA_ROOT = tmp_path / "media"
    rows = {}
    for side, org in (("inside", tree.village_a), ("outside", Organization.objects.get(code=OUTSIDE))):
        letter = FACTORIES["supervision.FeedbackLetter"](org)  # issued: a unit sees no drafts
        rows[side] = {
            "visits": FACTORIES["supervision.Visit"](org),
            "findings": FACTORIES["supervision.Finding"](org),
            "actions": FACTORIES["supervision.Action"](org),
            "letters": letter,
            "group": LiaisonAssignment.objects.get(organization=org).group,
        }
    return rows


SUPERVISION_LISTS = ("visits", "findings", "actions", "letters")


def _supervision_api_paths(rows) -> list[str]:
    return [*(f"/api/v1/supervision/{name}/{rows[name].pk}" for name in SUPERVISION_LISTS),
            f"/api/v1/supervision/letters/{rows['letters'].pk}/docx",
            f"/api/v1/supervision/groups/{rows['group'].pk}/units"]


def test_supervision_api_anonymous_gets_401(client, supervision_world):
    inside = supervision_world["inside"]
    paths = [*_supervision_api_paths(inside), *(f"/api/v1/supervision/{name}" for name in SUPERVISION_LISTS),
             "/api/v1/supervision/groups", "/api/v1/supervision/methods"]
    for path in paths:
        assert client.get(path).status_code == 401, path
    response = client.post(f"/api/v1/supervision/actions/{inside['actions'].pk}/result", {"result": "x"},
                           content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize("role", DATA_ROLES + ADMIN_ROLES)
def test_supervision_api_matrix(client, users, supervision_world, role):
    token = ApiToken.issue(users[role])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    inside, outside = supervision_world["inside"], supervision_world["outside"]
    for path in _supervision_api_paths(inside):
        assert client.get(path, **auth).status_code == (200 if role in DATA_ROLES else 404), path
    for path in _supervision_api_paths(outside):
        assert client.get(path, **auth).status_code == 404, path
    for name in SUPERVISION_LISTS:
        listed = client.get(f"/api/v1/supervision/{name}?limit=500", **auth)
        assert listed.status_code == (200 if role in DATA_ROLES else 404), name
        if role in DATA_ROLES:
            ids = {item["id"] for item in listed.json()["items"]}
            assert inside[name].pk in ids and outside[name].pk not in ids, name
    groups = client.get("/api/v1/supervision/groups", **auth)
    assert groups.status_code == (200 if role in DATA_ROLES else 404)
    if role in DATA_ROLES:
        ids = {item["id"] for item in groups.json()}
        assert inside["group"].pk in ids and outside["group"].pk not in ids
    for path, body in ((f"/api/v1/supervision/actions/{outside['actions'].pk}/result", {"result": "越界"}),
                       (f"/api/v1/supervision/visits/{outside['visits'].pk}/findings",
                        {"description": "越界", "requirement": "study"}),
                       (f"/api/v1/supervision/letters/{outside['letters'].pk}/issue", {})):
        assert client.post(path, body, content_type="application/json", **auth).status_code == 404, path
    outside["actions"].refresh_from_db()
    assert outside["actions"].status == "decided" and outside["visits"].findings.count() == 0
