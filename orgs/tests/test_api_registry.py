import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.actors import SETUP
from conftest import make_member
from core.cn import make_id_number, mask_id_number, mask_phone
from orgs import services

DATA_ROLES = ("office", "leader", "liaison", "unit")
ADMIN_ROLES = ("sysadmin", "secadmin", "auditor")
ALL_CODES = ["C", "A", "A1", "A1a", "B", "B1", "B1a"]


def _codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def _cadre(org, rank: int, seq: int, name: str = "李四", position: str = "书记"):
    id_number = make_id_number("130102", dt.date(1970, 1, 1), seq, "M")
    return services.cadre_create(actor=SETUP,
                                 organization=org, name=name, id_number=id_number, position=position, rank=rank)


@pytest.fixture
def people(tree):
    """Members: 2 in A1a (one mobile), 1 frail woman in B1a. Cadres: 县处级副职 in A, 乡科级正职 in A1a,
    厅局级副职 in B."""
    return {
        "a1a": make_member(tree.village_a, mobile=True, name="王芳", gender="F", birth=dt.date(1985, 2, 3)),
        "a1a_2": make_member(tree.village_a, name="赵强"),
        "b1a": make_member(tree.village_b, frail=True, gender="F", name="孙丽", birth=dt.date(1940, 8, 9)),
        "cadre_a": _cadre(tree.county_a, 40, 1, name="周县长", position="区长"),
        "cadre_a1a": _cadre(tree.village_a, 30, 2, name="吴书记"),
        "cadre_b": _cadre(tree.county_b, 60, 3, name="郑书记"),
    }


# ---- the organisation list ------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "expected"), [
    ("office", ALL_CODES), ("leader", ALL_CODES), ("liaison", ["A", "A1", "A1a"]), ("unit", ["A1a"]),
    ("sysadmin", []), ("secadmin", []), ("auditor", []),
])
def test_org_list_shows_the_jurisdiction_only(api_as, role, expected):
    response = api_as(role).get("/orgs/")
    assert _codes(response) == expected
    assert response.json()["count"] == len(expected)


def test_org_list_item_shape(api_as):
    item = api_as("office").get("/orgs/", q="A1a").json()["items"][0]
    assert item == {
        "code": "A1a", "name": "东关村党支部", "kind": "branch", "kind_label": "党支部",
        "sector": "village", "sector_label": "村", "tier": "village", "tier_label": "村(社区)",
        "unit_name": "", "credit_code": "", "division_code": "", "parent_code": "A1", "depth": 4,
        "has_children": False,
    }
    root = api_as("office").get("/orgs/", depth=1).json()["items"][0]
    assert root["code"] == "C" and root["parent_code"] is None and root["has_children"] is True
    assert root["division_code"] == "130100"


def test_org_list_parent_codes_cost_no_query_per_row(api_as, tree):
    for i in range(12):
        services.org_create(actor=SETUP, parent=tree.township_b, code=f"B1x{i}", name=f"河西{i}村党支部", kind="branch",
                            sector="village", tier="village")
    api = api_as("office")
    api.get("/orgs/")  # the token's first use writes last_used_at
    with CaptureQueriesContext(connection) as few:
        api.get("/orgs/", limit=2)
    with CaptureQueriesContext(connection) as many:
        response = api.get("/orgs/", limit=500)
    assert len(many) == len(few)
    items = response.json()["items"]
    assert len(items) == 19
    assert {i["code"]: i["parent_code"] for i in items if i["code"].startswith("B1x")} == {
        f"B1x{i}": "B1" for i in range(12)}


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "城关"}, ["A", "A1"]),
    ({"q": "cgz"}, ["A1"]),  # pinyin initials of 城关镇党委
    ({"q": "B1a"}, ["B1a"]),  # code
    ({"sector": "township"}, ["A1", "B1"]),
    ({"tier": "county"}, ["A", "B"]),
    ({"kind": "branch"}, ["A1a", "B1a"]),
    ({"parent": "C"}, ["A", "B"]),
    ({"parent": "B1"}, ["B1a"]),
    ({"parent": "NOPE"}, []),
    ({"depth": 3}, ["A1", "B1"]),
    ({"tier": "village", "q": "西河"}, ["B1a"]),
])
def test_org_list_filters(api_as, params, expected):
    assert _codes(api_as("office").get("/orgs/", **params)) == expected


def test_org_list_parent_outside_the_jurisdiction_lists_nothing(api_as):
    api = api_as("liaison")
    assert _codes(api.get("/orgs/", parent="B")) == []
    assert _codes(api.get("/orgs/", parent="C")) == ["A"]  # only the visible children of C


@pytest.mark.parametrize("params", [{"sector": "nonsense"}, {"depth": 0}, {"limit": 0}, {"offset": -1}])
def test_org_list_rejects_bad_parameters(api_as, params):
    assert api_as("office").get("/orgs/", **params).status_code == 422


def test_org_list_pagination(api_as):
    api = api_as("office")
    page = api.get("/orgs/", limit=3, offset=2).json()
    assert page["count"] == 7
    assert [i["code"] for i in page["items"]] == ALL_CODES[2:5]
    assert _codes(api.get("/orgs/", limit=3, offset=6)) == ["B1a"]
    assert _codes(api.get("/orgs/", limit=3, offset=7)) == []


def test_org_list_limit_is_capped_at_500(api_as, tree):
    for i in range(501):
        services.org_create(actor=SETUP, parent=tree.village_b, code=f"X{i:03d}", name=f"小组{i}", kind="branch",
                            sector="community", tier="village")
    page = api_as("office").get("/orgs/", limit=1000).json()
    assert page["count"] == 508
    assert len(page["items"]) == 500


# ---- one organisation and its statistics ----------------------------------------------------------------

def test_org_detail_with_totals(api_as, people):
    response = api_as("liaison").get("/orgs/A")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "A" and body["parent_code"] == "C" and body["tier_label"] == "县(区)"
    assert body["totals"] == {"orgs": 3, "members": 2, "mobile": 1, "frail": 0, "cadres": 1}


def test_org_detail_404_is_the_same_for_unknown_and_outside(api_as):
    api = api_as("unit")
    outside, unknown = api.get("/orgs/B1a"), api.get("/orgs/NO-SUCH")
    assert outside.status_code == unknown.status_code == 404
    assert outside.json() == unknown.json() == {"detail": "未找到"}
    assert api.get("/orgs/A1").status_code == 404  # its own parent is outside its jurisdiction too
    assert api.get("/orgs/A1a").status_code == 200


@pytest.mark.parametrize("role", ADMIN_ROLES)
@pytest.mark.parametrize("path", ["/orgs/C", "/orgs/A1a", "/orgs/C/stats", "/orgs/C/members", "/orgs/C/cadres"])
def test_administrators_see_no_registry(api_as, people, role, path):
    response = api_as(role).get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到"}


def test_stats_shape_and_numbers(api_as, people):
    response = api_as("office").get("/orgs/C/stats")
    assert response.status_code == 200
    stats = response.json()
    assert set(stats) == {"code", "name", "sentence", "totals", "by_sector", "by_tier", "children"}
    assert stats["code"] == "C" and stats["name"] == "示范市委"
    assert stats["sentence"] == "共有党组织7个，党员3人，县处级以上领导干部2人"
    assert stats["totals"] == {"orgs": 7, "members": 3, "mobile": 1, "frail": 1, "cadres": 2}
    sectors = {row["sector"]: row for row in stats["by_sector"]}
    assert sectors["organ"] == {"sector": "organ", "label": "机关", "orgs": 3, "members": 0, "mobile": 0,
                                "frail": 0, "cadres": 2}
    assert sectors["village"]["members"] == 2 and sectors["community"]["frail"] == 1
    assert [row["sector"] for row in stats["by_sector"]] == ["organ", "township", "village", "community"]
    tiers = {row["tier"]: (row["label"], row["orgs"], row["members"]) for row in stats["by_tier"]}
    assert tiers == {"city": ("市", 1, 0), "county": ("县(区)", 2, 0), "township": ("乡镇(街道)", 2, 0),
                     "village": ("村(社区)", 2, 3)}
    assert stats["children"] == [
        {"code": "A", "name": "城关区委", "orgs": 3, "members": 2, "mobile": 1, "frail": 0, "cadres": 1},
        {"code": "B", "name": "河西县委", "orgs": 3, "members": 1, "mobile": 0, "frail": 1, "cadres": 1},
    ]


def test_stats_scoped(api_as, people):
    api = api_as("unit")
    assert api.get("/orgs/B/stats").status_code == 404
    stats = api.get("/orgs/A1a/stats").json()
    assert stats["sentence"] == "共有党组织1个，党员2人，县处级以上领导干部0人"
    assert stats["children"] == []


# ---- members and cadres ---------------------------------------------------------------------------------

def test_members_of_a_subtree(api_as, people):
    response = api_as("office").get("/orgs/A/members")
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 2
    first = page["items"][0]
    member = people["a1a"]
    assert first == {
        "id": member.pk, "name": "王芳", "gender": "F", "gender_label": "女", "ethnicity": "汉族",
        "birth_date": "1985-02-03", "id_number": member.id_number, "phone": "13800138000",
        "joined_on": "2005-07-01", "category": "full", "category_label": "正式党员", "is_mobile": True,
        "is_frail": False, "organization_code": "A1a", "organization_name": "东关村党支部",
    }


@pytest.mark.parametrize(("role", "full"), [("office", True), ("unit", True), ("leader", False),
                                            ("liaison", False)])
def test_id_numbers_and_phones_masked_by_role(api_as, people, role, full):
    member = people["a1a"]
    api = api_as(role)
    listed = api.get("/orgs/A1a/members").json()["items"]
    lookup = api.get(f"/members/{member.id_number}")
    cadre = api.get("/orgs/A1a/cadres").json()["items"][0]
    items = [next(i for i in listed if i["id"] == member.pk)]
    if full:
        items.append(lookup.json())
    else:
        # A role shown masked numbers cannot confirm a full number by looking it up or searching for it.
        assert lookup.status_code == 404
        assert api.get(f"/orgs/A1a/members?q={member.id_number}").json()["items"] == []
        assert "*" in items[0]["id_number"] and items[0]["phone"] == "138****8000"
    for item in items:
        assert item["id_number"] == (member.id_number if full else mask_id_number(member.id_number))
        assert item["phone"] == ("13800138000" if full else mask_phone("13800138000"))
    assert cadre["id_number"] == (people["cadre_a1a"].id_number if full
                                  else mask_id_number(people["cadre_a1a"].id_number))


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["王芳", "赵强", "孙丽"]),
    ({"q": "王"}, ["王芳"]),
    ({"gender": "F"}, ["王芳", "孙丽"]),
    ({"mobile": "true"}, ["王芳"]),
    ({"mobile": "false"}, ["赵强", "孙丽"]),
    ({"frail": "1"}, ["孙丽"]),
    ({"category": "probationary"}, []),
    ({"limit": 1, "offset": 1}, ["赵强"]),
])
def test_member_filters(api_as, people, params, expected):
    page = api_as("office").get("/orgs/C/members", **params).json()
    assert [i["name"] for i in page["items"]] == expected
    if "limit" not in params:
        assert page["count"] == len(expected)


def test_member_search_by_full_id_number(api_as, people):
    member = people["b1a"]
    page = api_as("office").get("/orgs/C/members", q=member.id_number.lower()).json()
    assert [i["id"] for i in page["items"]] == [member.pk]


def test_members_scoped(api_as, people):
    api = api_as("unit")
    assert [i["name"] for i in api.get("/orgs/A1a/members").json()["items"]] == ["王芳", "赵强"]
    assert api.get("/orgs/B1a/members").status_code == 404
    assert api.get("/orgs/C/members").status_code == 404


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["郑书记", "周县长", "吴书记"]),  # highest rank first
    ({"county_level": "true"}, ["郑书记", "周县长"]),
    ({"rank": 30}, ["吴书记"]),
    ({"q": "区长"}, ["周县长"]),
])
def test_cadre_filters(api_as, people, params, expected):
    page = api_as("office").get("/orgs/C/cadres", **params).json()
    assert [i["name"] for i in page["items"]] == expected
    assert page["count"] == len(expected)


def test_cadre_item_shape(api_as, people):
    item = api_as("office").get("/orgs/B/cadres").json()["items"][0]
    cadre = people["cadre_b"]
    assert item == {"id": cadre.pk, "name": "郑书记", "id_number": cadre.id_number, "position": "书记",
                    "rank": 60, "rank_label": "厅局级副职", "is_county_level": True, "organization_code": "B",
                    "organization_name": "河西县委"}


def test_cadres_scoped(api_as, people):
    api = api_as("liaison")
    assert [i["name"] for i in api.get("/orgs/A/cadres").json()["items"]] == ["周县长", "吴书记"]
    assert api.get("/orgs/B/cadres").status_code == 404


def test_member_by_id_number_scoped(api_as, people):
    inside, outside = people["a1a"], people["b1a"]
    unit = api_as("unit")
    response = unit.get(f"/members/{inside.id_number}")
    assert response.status_code == 200 and response.json()["organization_code"] == "A1a"
    assert unit.get(f"/members/{outside.id_number}").json() == {"detail": "未找到"}
    assert unit.get(f"/members/{outside.id_number}").status_code == 404
    office = api_as("office")
    assert office.get(f"/members/{outside.id_number}").json()["name"] == "孙丽"
    assert office.get(f"/members/{outside.id_number.lower()}").status_code == 200
    assert office.get("/members/110101190001011234").status_code == 404
    for role in ADMIN_ROLES:
        assert api_as(role).get(f"/members/{inside.id_number}").status_code == 404
