"""Writing public-service commitments (with milestones and their completion) and research topics and reports
through the API: the same services as the entry pages, scoped, 404 for roles that may not record, audited."""

import json
from typing import Any

import pytest

from accounts.actors import SETUP
from api.tests.helpers import ApiClient
from core.models import AuditEntry
from measures import services
from measures.models import Milestone, PublicService, ResearchReport, ResearchTopic
from measures.tests.conftest import DAY, END
from orgs.services import cadre_create


@pytest.fixture
def api_as(client: Any, users: dict) -> Any:
    return lambda role: ApiClient(client, users[role])


def _post(api: ApiClient, path: str, body: dict) -> Any:
    return api.post(path, json.dumps(body, default=str), content_type="application/json")


def _service(org: str = "A1a", **extra: Any) -> dict:
    body = {"org": org, "title": "修缮村道", "target": "年底前完工", "owner": "村委会", "deadline": END.isoformat()}
    body.update(extra)
    return body


def _audited(model: Any, pk: int, action: str, user: Any) -> bool:
    return AuditEntry.objects.filter(object_type=model._meta.label_lower, object_id=str(pk), action=action,
                                     actor_id=user.pk).exists()


def test_public_service_milestones_and_progress(api_as, users, tree, campaign):
    api = api_as("unit")
    response = _post(api, "/measures/public-services", _service())
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["organization_code"], data["progress"], data["milestone_count"]) == ("A1a", 0, 0)
    pk = data["id"]
    assert _audited(PublicService, pk, "create", users["unit"])

    ids = []
    for title in ("立项", "施工", "验收"):
        response = _post(api, f"/measures/public-services/{pk}/milestones", {"title": title, "due_on": "2023-12-01"})
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    assert Milestone.objects.filter(public_service_id=pk).count() == 3

    response = _post(api, f"/measures/milestones/{ids[0]}/done", {"done_on": DAY.isoformat()})
    assert response.status_code == 200
    assert (response.json()["done_count"], response.json()["progress"]) == (1, 33)
    assert _audited(Milestone, ids[0], "update", users["unit"])
    response = _post(api, f"/measures/milestones/{ids[0]}/done", {"done_on": None})
    assert response.json()["progress"] == 0

    response = _post(api, f"/measures/milestones/{ids[1]}/done", {"done_on": "2030-01-01"})
    assert response.status_code == 422 and "实际完成日期" in response.json()["errors"]["done_on"][0]


def test_public_service_errors_are_chinese_and_write_nothing(api_as, tree, campaign):
    response = _post(api_as("office"), "/measures/public-services", _service(target="", deadline="2030-01-01"))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["target"] == ["请填写目标"] and "完成时限应在主题教育期间" in errors["deadline"][0]
    assert not PublicService.objects.exists()


def test_research_topic_and_report(api_as, users, tree, campaign, cadres):
    api = api_as("office")
    response = _post(api, "/measures/research-topics", {"org": "A", "title": "营商环境",
                                                       "lead_cadre": cadres["secretary"].pk})
    assert response.status_code == 201, response.content
    topic = response.json()
    assert topic["lead_cadre_id"] == cadres["secretary"].pk and topic["reports"] == []
    assert _audited(ResearchTopic, topic["id"], "create", users["office"])

    response = _post(api, "/measures/research-topics", {"org": "A", "title": "乡村振兴",
                                                       "lead_cadre": cadres["township"].pk})
    assert response.status_code == 422
    assert "应为“城关区委”的班子成员，或其上级党组织县处级以上的联系点领导" in (
        response.json()["errors"]["lead_cadre"][0])
    clerk = cadre_create(actor=SETUP,
                         organization=tree.county_a, name="赵科长", id_number="110101199003070038", position="科长",
                         rank=20)
    response = _post(api, "/measures/research-topics", {"org": "A", "title": "乡村振兴", "lead_cadre": clerk.pk})
    assert response.status_code == 422 and "县处级以上" in response.json()["errors"]["lead_cadre"][0]
    assert ResearchTopic.objects.count() == 1

    response = _post(api, f"/measures/research-topics/{topic['id']}/reports",
                     {"title": "关于优化营商环境的调研报告", "submitted_on": DAY.isoformat(),
                      "author_cadre": cadres["deputy"].pk})
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["has_attachment"] is False and report["author_cadre_id"] == cadres["deputy"].pk
    assert _audited(ResearchReport, report["id"], "create", users["office"])

    response = _post(api, f"/measures/research-topics/{topic['id']}/reports",
                     {"title": "", "submitted_on": "2022-01-01"})
    assert response.status_code == 422
    assert response.json()["errors"]["title"] == ["请填写报告标题"]
    assert ResearchReport.objects.count() == 1


@pytest.mark.parametrize("role", ["leader", "liaison", "sysadmin", "secadmin", "auditor"])
def test_roles_that_do_not_record_get_404(api_as, tree, campaign, role):
    service = services.public_service_create(actor=SETUP, organization=tree.village_a, campaign=campaign, title="修路",
                                             target="完工", owner="村委会", deadline=END)
    milestone = services.milestone_create(actor=SETUP, public_service=service, title="立项", due_on=DAY)
    topic = services.research_topic_create(actor=SETUP, organization=tree.village_a, campaign=campaign, title="课题")
    api = api_as(role)
    assert _post(api, "/measures/public-services", _service()).status_code == 404
    assert _post(api, f"/measures/public-services/{service.pk}/milestones",
                 {"title": "x", "due_on": DAY.isoformat()}).status_code == 404
    assert _post(api, f"/measures/milestones/{milestone.pk}/done", {"done_on": DAY.isoformat()}).status_code == 404
    assert _post(api, "/measures/research-topics", {"org": "A1a", "title": "x"}).status_code == 404
    assert _post(api, f"/measures/research-topics/{topic.pk}/reports",
                 {"title": "x", "submitted_on": DAY.isoformat()}).status_code == 404
    assert (PublicService.objects.count(), Milestone.objects.count(), ResearchTopic.objects.count()) == (1, 1, 1)
    milestone.refresh_from_db()
    assert milestone.done_on is None and not ResearchReport.objects.exists()


def test_outside_the_jurisdiction_is_404(api_as, tree, campaign):
    service = services.public_service_create(actor=SETUP, organization=tree.village_b, campaign=campaign, title="修路",
                                             target="完工", owner="社区", deadline=END)
    milestone = services.milestone_create(actor=SETUP, public_service=service, title="立项", due_on=DAY)
    topic = services.research_topic_create(actor=SETUP, organization=tree.village_b, campaign=campaign, title="课题")
    api = api_as("unit")  # village A1a
    assert _post(api, "/measures/public-services", _service(org="B1a")).status_code == 404
    assert _post(api, f"/measures/public-services/{service.pk}/milestones",
                 {"title": "x", "due_on": DAY.isoformat()}).status_code == 404
    assert _post(api, f"/measures/milestones/{milestone.pk}/done", {"done_on": DAY.isoformat()}).status_code == 404
    assert _post(api, "/measures/research-topics", {"org": "B1a", "title": "x"}).status_code == 404
    assert _post(api, f"/measures/research-topics/{topic.pk}/reports",
                 {"title": "x", "submitted_on": DAY.isoformat()}).status_code == 404
    assert Milestone.objects.get().done_on is None


def test_a_past_campaigns_commitment_is_read_only(api_as, tree, campaign, past_campaign):
    import datetime as dt

    service = services.public_service_create(actor=SETUP,
                                             organization=tree.county_a, campaign=past_campaign, title="办实事",
                                             target="完成", owner="区委办", deadline=dt.date(2021, 6, 1),
                                             allow_past=True)
    response = _post(api_as("office"), f"/measures/public-services/{service.pk}/milestones",
                     {"title": "补记", "due_on": "2021-05-01"})
    assert response.status_code == 422 and "不是当前开展的主题教育" in response.json()["errors"]["campaign"][0]
    assert not Milestone.objects.exists()


def test_openapi_says_attachments_go_through_the_page(client, users):
    client.force_login(users["unit"])  # the API's documentation is for signed-in users
    schema = client.get("/api/v1/openapi.json").json()
    summaries = [op.get("summary", "") for path in schema["paths"].values() for op in path.values()]
    assert any("附件只能在调研课题页面上传" in s for s in summaries)
