"""The registry pages as each role sees them: statistics, tree and search, lists with filters, scoping."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.actors import SETUP
from conftest import PASSWORD, make_member
from orgs import services


def login(client: Client, username: str) -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def office(client, users):
    return login(client, "office")


def test_office_sees_the_root_page_with_the_sentence_and_chart_data(office, tree):
    make_member(tree.village_a, mobile=True)
    make_member(tree.village_b, frail=True)
    services.cadre_create(actor=SETUP, organization=tree.county_a, name="李四", id_number="11010519491231002X",
                          position="区委书记", rank=50)
    response = office.get(reverse("orgs:detail", args=["C"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "共有党组织7个，党员2人，县处级以上领导干部1人" in html
    assert 'id="stats-data"' in html and "echarts.min.js" in html
    # One row per child, linking to the child's page; fields labelled from verbose_name.
    assert reverse("orgs:detail", args=["A"]) in html and reverse("orgs:detail", args=["B"]) in html
    assert "统一社会信用代码" in html and "130100" in html
    assert reverse("orgs:members", args=["C"]) in html and reverse("orgs:cadres", args=["C"]) in html


def test_home_sends_a_unit_to_its_own_campaign_work(client, users):
    response = login(client, "unit").get(reverse("home"))  # each role's landing: core/tests/test_landing.py
    assert response.status_code == 302 and response["Location"] == reverse("measures:unit", args=["A1a"])


def test_unit_sees_its_village_and_nothing_outside(client, users, tree):
    login(client, "unit")
    page = client.get(reverse("orgs:detail", args=["A1a"]))
    assert page.status_code == 200
    html = page.content.decode()
    # Ancestors above the jurisdiction are named but not linked.
    assert "城关镇党委" in html and reverse("orgs:detail", args=["A1"]) not in html
    for name, args in [("orgs:detail", ["B1a"]), ("orgs:detail", ["A1"]), ("orgs:members", ["B"]),
                       ("orgs:cadres", ["B1a"]), ("orgs:tree_children", ["B1"])]:
        assert client.get(reverse(name, args=args)).status_code == 404, (name, args)


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_administrators_see_no_registry_page(client, users, role):
    login(client, role)
    for name, args in [("orgs:tree", []), ("orgs:detail", ["C"]), ("orgs:members", ["C"]),
                       ("orgs:cadres", ["C"]), ("orgs:tree_children", ["C"])]:
        assert client.get(reverse(name, args=args)).status_code == 404, (role, name)


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(reverse("orgs:detail", args=["C"]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_pinyin_search_finds_the_township_with_its_trail(office, tree):
    response = office.get(reverse("orgs:tree"), {"q": "cgz"})
    assert response.status_code == 200
    matches = response.context["matches"]
    assert [m["org"].code for m in matches] == ["A1"]
    assert [step["org"].name for step in matches[0]["trail"]] == ["示范市委", "城关区委"]
    assert "城关镇党委" in response.content.decode()


def test_search_stays_inside_the_jurisdiction(client, users, tree):
    login(client, "liaison")  # county A
    response = client.get(reverse("orgs:tree"), {"q": "党委"})
    assert {m["org"].code for m in response.context["matches"]} == {"A1"}  # not 示范市委, not 河西镇党委
    assert not client.get(reverse("orgs:tree"), {"q": "hx"}).context["matches"]


def test_tree_shows_root_children_and_expands_a_node(office, tree):
    make_member(tree.village_a)
    page = office.get(reverse("orgs:tree"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "示范市委" in html and "城关区委" in html and "河西县委" in html
    assert reverse("orgs:tree_children", args=["A"]) in html
    children = office.get(reverse("orgs:tree_children", args=["A"]), HTTP_HX_REQUEST="true")
    assert children.status_code == 200
    part = children.content.decode()
    assert "城关镇党委" in part and "党员1人" in part and "<html" not in part


def test_member_ids_masked_for_leader_and_full_for_office(client, users, tree):
    member = make_member(tree.village_a, name="王芳", gender="F")
    url = reverse("orgs:members", args=["C"])
    html = login(client, "leader").get(url).content.decode()
    assert member.id_number not in html and member.id_number_masked in html
    assert "13800138000" not in html and "138****8000" in html
    client.logout()
    html = login(client, "office").get(url).content.decode()
    assert member.id_number in html and "13800138000" in html


def test_member_filters(office, tree):
    make_member(tree.village_a, name="王芳", gender="F", mobile=True)
    make_member(tree.village_b, name="李强", frail=True)
    url = reverse("orgs:members", args=["C"])

    def names(**params):
        return {m.name for m in office.get(url, params).context["page"].object_list}

    assert names() == {"王芳", "李强"}
    assert names(gender="F") == {"王芳"}
    assert names(mobile="1") == {"王芳"}
    assert names(frail="1") == {"李强"}
    assert names(frail="0") == {"王芳"}
    assert names(q="李") == {"李强"}
    assert {m.name for m in office.get(reverse("orgs:members", args=["B"])).context["page"].object_list} == {"李强"}
    # The export link carries the same filters.
    assert reverse("orgs:export_members", args=["C"]) + "?gender=F" in office.get(url, {"gender": "F"}).content.decode()


def test_pagination_keeps_the_filters(office, tree):
    for i in range(55):
        make_member(tree.village_a, name=f"女{i}", gender="F", birth=dt.date(1970, 1, 1) + dt.timedelta(days=i))
    make_member(tree.village_a, name="男", gender="M")
    url = reverse("orgs:members", args=["C"])
    first = office.get(url, {"gender": "F"})
    assert first.context["page"].paginator.count == 55 and len(first.context["page"].object_list) == 50
    html = first.content.decode()
    assert "?gender=F&amp;page=2" in html
    second = office.get(url, {"gender": "F", "page": "2"})
    assert {m.gender for m in second.context["page"].object_list} == {"F"}
    assert len(second.context["page"].object_list) == 5


def test_cadre_list_filters_county_level(office, tree):
    services.cadre_create(actor=SETUP, organization=tree.county_a, name="李四", id_number="11010519491231002X",
                          position="区委书记", rank=50)
    services.cadre_create(actor=SETUP, organization=tree.township_a, name="王五", id_number="440524188001010014",
                          position="镇长", rank=30)
    url = reverse("orgs:cadres", args=["C"])
    all_page = office.get(url)
    assert all_page.status_code == 200
    assert {c.name for c in all_page.context["page"].object_list} == {"李四", "王五"}
    county = office.get(url, {"county_level": "1"})
    assert {c.name for c in county.context["page"].object_list} == {"李四"}
    assert reverse("orgs:export_cadres", args=["C"]) + "?county_level=1" in county.content.decode()
    assert {c.name for c in office.get(url, {"rank": "30"}).context["page"].object_list} == {"王五"}


def test_navigation_follows_the_role(client, users):
    html = login(client, "office").get(reverse("orgs:tree")).content.decode()
    assert reverse("orgs:import_start") in html and reverse("audit:list") not in html
    assert 'lang="zh-CN"' in html and "X-CSRFToken" in html
    client.logout()
    html = login(client, "leader").get(reverse("orgs:tree")).content.decode()
    assert reverse("orgs:import_start") not in html


def test_member_list_total_comes_from_the_counters_and_matches_the_rows(tree):
    from orgs import selectors

    for i in range(3):
        make_member(tree.village_a, mobile=i == 0, frail=i == 1)
    make_member(tree.village_b)
    for params in ({}, {"mobile": "1"}, {"frail": "1"}, {"mobile": "0"}, {"q": "张"}, {"gender": "F"}):
        total = selectors.member_list_total(tree.county_a, params)
        real = selectors.member_list(tree.county_a, params).count()
        assert total is None or total == real, params
    assert selectors.member_list_total(tree.county_a, {}) == 3
    assert selectors.member_list_total(tree.county_a, {"q": "张"}) is None


def test_unfiltered_member_list_runs_no_count_query(client, users, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext


    make_member(tree.village_a)
    client.force_login(users["office"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("orgs:members", kwargs={"code": "C"}))
    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and "orgs_member" in q["sql"]]
