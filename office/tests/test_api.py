"""The communication log's API: the list and its filters, one item, logging, assign, answer, close and attachments
through the same services as the pages; data roles only, outside the jurisdiction 404, refusals 422 in Chinese."""

import datetime as dt
import hashlib
import json
from typing import Any

import pytest

from api.tests.helpers import ApiClient
from office.choices import SubmissionStatus
from office.models import Submission
from office.tests.conftest import ABOUT_COUNTY, ABOUT_COUNTY_READS
from problems.tests.conftest import TODAY, upload

pytestmark = pytest.mark.django_db


class Api(ApiClient):
    def post_json(self, path: str, body: dict[str, Any]) -> Any:
        return self.post(path, json.dumps(body, default=str), content_type="application/json")


@pytest.fixture
def api_as(client: Any, people: dict[str, Any], office_teams: dict[str, Any]) -> Any:
    everyone = {**people, "office2": office_teams["office2"]}
    return lambda who: Api(client, everyone[who])


def _ids(api: Any) -> set[int]:
    return {item["id"] for item in api.get("/office/submissions?limit=500").json()["items"]}


def test_unit_reports_and_sees_its_item(api_as, people):
    api = api_as("unit")
    response = api.post_json("/office/submissions", {
        "kind": "request", "title": "关于村级活动场所改造资金的请示", "body": "申请协调资金", "due_on": "2023-10-20"})
    assert response.status_code == 201, response.content
    data = response.json()
    submission = Submission.objects.get()
    assert data["id"] == submission.pk and submission.created_by == people["unit"]
    assert (data["kind_label"], data["origin"], data["direction_label"], data["status_label"]) == (
        "请示", "unit", "上报", "已登记")
    assert (data["organization_code"], data["counterpart"], data["sent_on"]) == (
        "A1a", "示范市委主题教育办", TODAY.isoformat())
    assert data["allowed_actions"] == ["attach"]
    listed = api.get("/office/submissions").json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "关于村级活动场所改造资金的请示"


def test_refusals_are_422_in_chinese_and_write_nothing(api_as):
    response = api_as("unit").post_json("/office/submissions", {
        "kind": "instruction", "title": "", "due_on": "2023-10-01"})
    assert response.status_code == 422
    data = response.json()
    assert data["detail"] == "数据有误，未保存"
    assert data["errors"]["title"] == ["请填写标题"] and "市委教育办登记" in data["errors"]["kind"][0]
    assert not Submission.objects.exists()


def test_unknown_or_outside_organization_is_404(api_as):
    api = api_as("unit")
    assert api.post_json("/office/submissions", {"kind": "report", "title": "报告", "body": "x",
                                                 "org": "B1a"}).status_code == 404
    assert not Submission.objects.exists()


def test_lifecycle_through_the_api(api_as, report, people, office_teams):
    submission = report()
    office = api_as("office")
    response = office.post_json(f"/office/submissions/{submission.pk}/assign",
                                {"team": office_teams["general"].pk, "assignee": people["office"].pk})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["team_name"], response.json()["assignee_name"]) == (
        "assigned", "综合组", "office")
    response = office.post_json(f"/office/submissions/{submission.pk}/close", {})
    assert response.status_code == 422 and response.json()["errors"]["status"] == ["请示须先答复，再办结"]
    response = office.post_json(f"/office/submissions/{submission.pk}/answer", {"answer": "同意"})
    assert response.status_code == 200 and response.json()["answer"] == "同意"
    assert response.json()["answered_by_name"] == "office"
    response = office.post_json(f"/office/submissions/{submission.pk}/close", {"note": "已落实"})
    assert response.status_code == 200 and response.json()["status"] == "closed"
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CLOSED and submission.closed_by == people["office"]


def test_assignee_outside_the_teams_is_404_and_outside_the_team_422(api_as, report, people, office_teams):
    submission = report()
    office = api_as("office")
    assert office.post_json(f"/office/submissions/{submission.pk}/assign",
                            {"team": office_teams["general"].pk, "assignee": people["unit"].pk}).status_code == 404
    response = office.post_json(f"/office/submissions/{submission.pk}/assign",
                                {"team": office_teams["general"].pk, "assignee": office_teams["office2"].pk})
    assert response.status_code == 422 and response.json()["errors"]["assignee"] == ["office2不是综合组的成员"]


def test_submitter_answering_own_request_is_refused(api_as, report):
    submission = report()
    response = api_as("unit").post_json(f"/office/submissions/{submission.pk}/answer", {"answer": "自答"})
    assert response.status_code == 422 and response.json()["errors"]["answer"] == ["不能答复本人报送的事项"]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.LOGGED


def test_roles_that_may_not_act_get_404(api_as, report, office_teams):
    submission = report()
    for who in ("leader", "county_office"):
        api = api_as(who)
        assert api.post_json(f"/office/submissions/{submission.pk}/assign",
                             {"team": office_teams["general"].pk}).status_code == 404, who
        assert api.post_json(f"/office/submissions/{submission.pk}/close", {}).status_code == 404, who
    assert api_as("leader").post_json(f"/office/submissions/{submission.pk}/answer",
                                      {"answer": "x"}).status_code == 404
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.LOGGED


def test_outside_the_jurisdiction_everything_is_404(api_as, report, people):
    submission = report(files=[upload("请示.pdf", b"%PDF req")])
    attachment = submission.attachments.get()
    api = api_as("liaison_b")
    for path in (f"/office/submissions/{submission.pk}",
                 f"/office/submissions/{submission.pk}/attachments/{attachment.pk}"):
        assert api.get(path).status_code == 404, path
    assert api.post_json(f"/office/submissions/{submission.pk}/answer", {"answer": "x"}).status_code == 404
    assert api.post_json("/office/submissions", {"kind": "report", "title": "答复", "body": "x",
                                                 "parent": submission.pk}).status_code == 404
    assert api.get("/office/submissions").json()["count"] == 0
    for who in ("sysadmin", "auditor"):
        assert api_as(who).get("/office/submissions").status_code == 404
        assert api_as(who).get(f"/office/submissions/{submission.pk}").status_code == 404
    assert ApiClient(api.client).get("/office/submissions").status_code == 401


def test_filters(api_as, report, people, frozen_clock):
    report(title="逾期的请示", due_on=dt.date(2023, 10, 12))
    report(kind="experience", title="“板凳会”听民意", due_on=None)
    frozen_clock.move_to(dt.datetime(2023, 10, 15, 9, 0))
    api = api_as("office")

    def titles(**params: Any) -> list[str]:
        response = api.get("/office/submissions", **params)
        assert response.status_code == 200, response.content
        return [row["title"] for row in response.json()["items"]]

    assert titles(overdue="true") == ["逾期的请示"]
    assert titles(kind="experience") == ["“板凳会”听民意"]
    assert titles(q="板凳") == ["“板凳会”听民意"]
    assert titles(status="logged", direction="up") == ["“板凳会”听民意", "逾期的请示"]
    assert titles(direction="down") == []
    assert api.get("/office/submissions", kind="gossip").status_code == 422


def test_attachments_upload_and_download(api_as, report):
    submission = report()
    api = api_as("unit")
    response = api.post(f"/office/submissions/{submission.pk}/attachments",
                        {"file": upload("补充.pdf", b"%PDF more")})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["sha256"] == hashlib.sha256(b"%PDF more").hexdigest() and data["filename"] == "补充.pdf"
    response = api.get(f"/office/submissions/{submission.pk}/attachments/{data['id']}")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF more"
    assert response["X-File-SHA256"] == data["sha256"]
    response = api.post(f"/office/submissions/{submission.pk}/attachments", {"file": upload("x.exe", b"MZ")})
    assert response.status_code == 422 and "附件只能是" in response.json()["errors"]["file"][0]
    detail = api.get(f"/office/submissions/{submission.pk}").json()
    assert [a["filename"] for a in detail["attachments"]] == ["补充.pdf"]


def test_a_reply_from_the_province_answers_the_offices_request(api_as, people):
    office = api_as("office")
    request = office.post_json("/office/submissions", {
        "kind": "request", "title": "关于延长时间的请示", "body": "拟延长两周", "counterpart": "省委主题教育办"}).json()
    response = office.post_json(f"/office/submissions/{request['id']}/answer", {"answer": "同意"})
    assert response.status_code == 422
    response = office.post_json("/office/submissions", {
        "kind": "reply", "origin": "outside", "title": "关于同意延长时间的批复", "body": "同意",
        "counterpart": "省委主题教育办", "parent": request["id"]})
    assert response.status_code == 201 and response.json()["parent_id"] == request["id"]
    detail = office.get(f"/office/submissions/{request['id']}").json()
    assert detail["status"] == "answered" and detail["reply_ids"] == [response.json()["id"]]
    assert api_as("unit").get(f"/office/submissions/{request['id']}").status_code == 404  # the root's dealings


# ---- what is reported or logged about a unit is not the unit's to read --------------------------------------


def test_a_unit_gets_404_for_what_is_reported_about_it(client, people, about_county):
    api = Api(client, about_county["county_unit"])
    readable = ABOUT_COUNTY_READS["county_unit"]
    assert _ids(api) == {about_county[name].pk for name in readable}
    for name in ABOUT_COUNTY:
        assert api.get(f"/office/submissions/{about_county[name].pk}").status_code == (
            200 if name in readable else 404), name
    letter = about_county["letter"]
    assert api.get(f"/office/submissions/{letter.pk}/attachments/{letter.attachments.get().pk}").status_code == 404
    assert api.post_json(f"/office/submissions/{letter.pk}/answer", {"answer": "x"}).status_code == 404
    assert api.post_json("/office/submissions", {"kind": "report", "title": "说明", "body": "x",
                                                 "parent": letter.pk}).status_code == 404
    # Its own request shows the office's reply among its replies; the liaison group's request shows none of it.
    own = api.get(f"/office/submissions/{about_county['own'].pk}").json()
    assert own["reply_ids"] == [about_county["reply"].pk]


def test_a_liaison_member_reads_its_groups_items_and_what_was_sent_down(client, people, about_county):
    api = Api(client, people["liaison"])
    assert _ids(api) == {about_county[name].pk for name in ABOUT_COUNTY_READS["liaison"]}
    letter = about_county["letter"]
    assert api.get(f"/office/submissions/{letter.pk}/attachments/{letter.attachments.get().pk}").status_code == 404
    assert _ids(Api(client, people["leader"])) == {about_county[name].pk for name in ABOUT_COUNTY}


def test_the_api_and_the_page_look_organizations_up_the_same_way(api_as, people, tree):
    api = api_as("unit")
    assert api.post_json("/office/submissions", {"kind": "report", "title": "报告", "body": "x",
                                                 "org": tree.village_a.name}).status_code == 404  # codes only
    response = api.post_json("/office/submissions", {"kind": "report", "title": "报告", "body": "x",
                                                     "org": f" {tree.village_a.code} "})
    assert response.status_code == 201 and response.json()["organization_code"] == tree.village_a.code
