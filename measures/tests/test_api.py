"""The measures API: lists scoped to the caller, creation through the same services as the forms, 404 for roles
that may not write, computed progress, derived lead actions."""

import json
from typing import Any

import pytest

from accounts.actors import SETUP
from api.tests.helpers import ApiClient
from measures import services
from measures.models import LifeMeeting, PartyLecture, StudySession
from measures.tests.conftest import DAY, END


@pytest.fixture
def api_as(client: Any, users: dict) -> Any:
    return lambda role: ApiClient(client, users[role])


def _post(api: ApiClient, path: str, body: dict) -> Any:
    return api.post(path, json.dumps(body, default=str), content_type="application/json")


def _study(org: str = "A1a", **extra: Any) -> dict:
    body = {"org": org, "kind": "group_study", "topic": "集中学习", "held_on": DAY.isoformat(),
            "participant_count": 11}
    body.update(extra)
    return body


def test_unit_creates_and_lists_study_sessions(api_as, tree, campaign):
    api = api_as("unit")
    response = _post(api, "/measures/study-sessions", _study())
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["organization_code"] == "A1a" and data["kind_label"] == "集中学习"
    assert data["campaign_id"] == campaign.pk
    assert StudySession.objects.get().participant_count == 11
    listed = api.get("/measures/study-sessions").json()
    assert listed["count"] == 1 and listed["items"][0]["topic"] == "集中学习"


def test_create_errors_are_chinese_and_write_nothing(api_as, tree, campaign):
    response = _post(api_as("office"), "/measures/study-sessions",
                     _study(held_on="2022-01-01", topic="", participant_count=0))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["topic"] == ["请填写学习主题"] and "主题教育期间" in errors["held_on"][0]
    assert not StudySession.objects.exists()


@pytest.mark.parametrize("role", ["leader", "liaison"])
def test_read_only_roles_cannot_create(api_as, tree, campaign, role):
    assert _post(api_as(role), "/measures/study-sessions", _study()).status_code == 404
    assert not StudySession.objects.exists()
    assert api_as(role).get("/measures/study-sessions").status_code == 200


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_administrators_see_nothing(api_as, tree, campaign, role):
    assert api_as(role).get("/measures/study-sessions").status_code == 404
    assert api_as(role).get("/measures/lead-actions", org="A1a").status_code == 404


def test_outside_the_jurisdiction_is_404(api_as, tree, campaign):
    services.study_session_create(actor=SETUP,
                                  organization=tree.village_b, campaign=campaign, kind="self_study", topic="自学",
                                  held_on=DAY, participant_count=3)
    api = api_as("unit")
    assert _post(api, "/measures/study-sessions", _study(org="B1a")).status_code == 404
    assert api.get("/measures/study-sessions").json()["count"] == 0
    assert api.get("/measures/study-sessions", org="B1a").status_code == 404
    assert api_as("office").get("/measures/study-sessions", org="B").json()["count"] == 1


def test_lectures_and_life_meetings(api_as, tree, campaign, cadres):
    api = api_as("office")
    lecture = _post(api, "/measures/lectures", {"org": "A", "title": "专题党课", "held_on": DAY.isoformat(),
                                                "speaker_cadre": cadres["deputy"].pk, "audience_count": 60})
    assert lecture.status_code == 201 and lecture.json()["speaker_name"] == "李强"
    neither = _post(api, "/measures/lectures", {"org": "A", "title": "党课", "held_on": DAY.isoformat(),
                                                "audience_count": 60})
    assert neither.status_code == 422 and neither.json()["errors"]["speaker"] == ["请选择主讲人（领导干部或党员）"]
    assert PartyLecture.objects.count() == 1
    meeting = _post(api, "/measures/life-meetings", {
        "org": "A", "kind": "democratic", "held_on": DAY.isoformat(), "attendance": 9,
        "items": [{"kind": "self_criticism", "text": "调查研究不深入", "cadre": cadres["secretary"].pk}]})
    assert meeting.status_code == 201 and meeting.json()["items"][0]["cadre_id"] == cadres["secretary"].pk
    assert LifeMeeting.objects.get().items.count() == 1
    assert api.get("/measures/life-meetings", org="A").json()["items"][0]["kind_label"] == "专题民主生活会"
    assert api.get("/measures/lectures").json()["count"] == 1


def test_public_services_with_computed_progress(api_as, tree, campaign):
    ps = services.public_service_create(actor=SETUP, organization=tree.village_a, campaign=campaign, title="修缮村道",
                                        target="年底完成", owner="村委会", deadline=END)
    services.milestone_create(actor=SETUP, public_service=ps, title="开工", due_on=DAY, done_on=DAY)
    for title in ("施工", "验收", "交付"):
        services.milestone_create(actor=SETUP, public_service=ps, title=title, due_on=END)
    item = api_as("unit").get("/measures/public-services").json()["items"][0]
    assert (item["milestone_count"], item["done_count"], item["progress"]) == (4, 1, 25)
    assert [m["title"] for m in item["milestones"]] == ["开工", "施工", "验收", "交付"]


def test_records_are_created_in_the_current_campaign_only(api_as, tree, campaign, past_campaign):
    api = api_as("office")
    for campaign_id in (past_campaign.pk, 10**22, -1):
        response = _post(api, "/measures/study-sessions", _study("A1a", campaign=campaign_id, held_on="2021-06-01"))
        assert response.status_code == 422, response.content
        assert response.json()["errors"]["campaign"] == [
            "只能为当前开展的主题教育新增记录：请不填主题教育编号，或填写当前的编号"]
    lecture = {"org": "A", "campaign": past_campaign.pk, "title": "党史党课", "held_on": "2021-06-01",
               "audience_count": 3, "speaker_cadre": None}
    assert _post(api, "/measures/lectures", lecture).status_code == 422
    meeting = {"org": "A", "campaign": past_campaign.pk, "kind": "democratic", "held_on": "2021-06-01",
               "attendance": 5}
    assert _post(api, "/measures/life-meetings", meeting).status_code == 422
    assert not (StudySession.objects.exists() or PartyLecture.objects.exists() or LifeMeeting.objects.exists())
    # Left out, or the current campaign's own id: recorded in the current campaign.
    assert _post(api, "/measures/study-sessions", _study("A1a", campaign=campaign.pk)).status_code == 201
    assert _post(api, "/measures/study-sessions", _study("A1a", topic="再次集中学习")).status_code == 201
    assert set(StudySession.objects.values_list("campaign", flat=True)) == {campaign.pk}


def test_a_record_may_not_name_a_cadre_of_another_unit(api_as, tree, campaign, cadres):
    api = api_as("office")
    secretary = cadres["secretary"]  # of county A
    response = _post(api, "/measures/study-sessions", _study("B1a", leaders=[secretary.pk]))
    assert response.status_code == 422
    assert response.json()["errors"]["leaders"] == [
        "参加的班子成员应为“西河社区党支部”的班子成员，或其上级党组织县处级以上的联系点领导"]
    lecture = {"org": "B1a", "title": "党课", "held_on": DAY.isoformat(), "audience_count": 3,
               "speaker_cadre": secretary.pk}
    assert _post(api, "/measures/lectures", lecture).json()["errors"]["speaker"] == [
        "主讲领导干部应为“西河社区党支部”的班子成员，或其上级党组织县处级以上的联系点领导"]
    meeting = {"org": "B1a", "kind": "organisational", "held_on": DAY.isoformat(), "attendance": 5,
               "items": [{"kind": "self_criticism", "text": "检视", "cadre": secretary.pk}]}
    response = _post(api, "/measures/life-meetings", meeting)
    assert response.status_code == 422 and "涉及的领导干部应为" in response.json()["errors"]["items"][0]
    assert not (StudySession.objects.exists() or PartyLecture.objects.exists() or LifeMeeting.objects.exists())
    rows = api.get("/measures/lead-actions", org="A").json()
    assert all(a["done"] in (False, None) for r in rows for a in r["actions"])
