"""API: campaigns and guidance profiles, data roles only; a liaison member sees only their groups' units."""

import datetime as dt

import pytest

from accounts.actors import SETUP
from accounts.models import ApiToken
from campaigns import services
from campaigns.models import GuidanceProfile


@pytest.fixture
def world(campaign, tree, users):
    services.campaign_create(actor=SETUP, name="第一批主题教育", batch=1, starts_on=dt.date(2023, 4, 1),
                             ends_on=dt.date(2023, 8, 31))
    team = services.team_create(actor=SETUP, campaign=campaign, name="综合组")
    services.team_member_add(actor=SETUP, team=team, user=users["office"], is_leader=True)
    g1 = services.liaison_group_create(actor=SETUP, campaign=campaign, name="第一联络组")
    g2 = services.liaison_group_create(actor=SETUP, campaign=campaign, name="第二联络组")
    services.liaison_assign(actor=SETUP, group=g1, organization=tree.county_a)
    services.liaison_assign(actor=SETUP, group=g2, organization=tree.county_b)
    services.liaison_member_add(actor=SETUP, group=g1, user=users["liaison"])
    return campaign


def _get(client, user, path):
    token = ApiToken.issue(user)
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_list_and_detail_for_the_office(client, users, world):
    listed = _get(client, users["office"], "/api/v1/campaigns/").json()
    assert [c["batch"] for c in listed] == [2, 1] and listed[0]["is_current"]
    detail = _get(client, users["office"], f"/api/v1/campaigns/{world.pk}").json()
    assert detail["participations"] == [{"code": "C", "name": "示范市委",
                                         "sentence": "共有党组织7个，党员0人，县处级以上领导干部0人"}]
    assert detail["teams"][0]["members"] == [{"username": "office", "name": "office", "is_leader": True}]
    units = {g["name"]: [u["code"] for u in g["units"]] for g in detail["liaison_groups"]}
    assert units == {"第一联络组": ["A"], "第二联络组": ["B"]}


def test_liaison_sees_only_visible_units(client, users, world):
    detail = _get(client, users["liaison"], f"/api/v1/campaigns/{world.pk}").json()
    units = {g["name"]: [u["code"] for u in g["units"]] for g in detail["liaison_groups"]}
    assert units == {"第一联络组": ["A"], "第二联络组": []}
    assert detail["participations"] == []  # the city root lies above what the liaison sees


def test_unit_sees_no_other_units(client, users, world):
    detail = _get(client, users["unit"], f"/api/v1/campaigns/{world.pk}").json()
    assert all(g["units"] == [] for g in detail["liaison_groups"])


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_administrators_get_nothing(client, users, world, role):
    assert _get(client, users[role], "/api/v1/campaigns/").json() == []
    assert _get(client, users[role], "/api/v1/campaigns/profiles").json() == []
    r = _get(client, users[role], f"/api/v1/campaigns/{world.pk}")
    assert r.status_code == 404 and r.json() == {"detail": "未找到"}
    assert _get(client, users[role], "/api/v1/campaigns/profiles/village/village").status_code == 404


def test_anonymous_gets_401(client, world):
    assert client.get("/api/v1/campaigns/").status_code == 401
    assert client.get("/api/v1/campaigns/profiles").status_code == 401


def test_profiles(client, users, world):
    listed = _get(client, users["unit"], "/api/v1/campaigns/profiles").json()
    assert len(listed) == GuidanceProfile.objects.count() == 21
    village = _get(client, users["unit"], "/api/v1/campaigns/profiles/village/village").json()
    assert village["simplified"] and village["tier_label"] == "村(社区)" and "服务群众" in village["focus"]
    assert "专题组织生活会（党支部）" in village["applies"]
    assert _get(client, users["unit"], "/api/v1/campaigns/profiles/organ/village").status_code == 404
    assert _get(client, users["unit"], "/api/v1/campaigns/profiles/nope/village").status_code == 422


def test_unknown_campaign_is_404(client, users, world):
    assert _get(client, users["office"], "/api/v1/campaigns/99999").status_code == 404


def test_office_staff_are_listed_only_to_the_office_and_leaders(client, users, world):
    for role, shown in (("office", True), ("leader", True), ("unit", False), ("liaison", False)):
        detail = _get(client, users[role], f"/api/v1/campaigns/{world.pk}").json()
        members = [m for t in detail["teams"] for m in t["members"]]
        members += [m for g in detail["liaison_groups"] for m in g["members"]]
        assert bool(members) == shown, role
