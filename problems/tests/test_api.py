"""The problem ledger's API: the ledger's filters, a problem with its steps, evidence and timeline, registration
and edits through the same services as the pages, steps and evidence (multipart), what the masses say, and the
roles: data roles only, outside the jurisdiction 404, read-only roles 404 on writes."""

import datetime as dt
import hashlib
import json
from typing import Any

import pytest

from accounts.actors import SETUP
from api.tests.helpers import API, ApiClient
from problems.choices import ProblemAction, ProblemStatus
from problems.models import Evidence, Problem, RectificationStep, Satisfaction, TransitionRecord
from problems.services import (
    problem_act,
    satisfaction_submit,
    special_campaign_create,
    step_add,
)
from problems.tests.conftest import END, NOW, TODAY, upload

pytestmark = pytest.mark.django_db


class Api(ApiClient):
    """ApiClient with JSON writes and PATCH."""

    def post_json(self, path: str, body: dict[str, Any]) -> Any:
        return self.post(path, json.dumps(body, default=str), content_type="application/json")

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.patch(API + path, json.dumps(body, default=str), content_type="application/json",
                                 **self.headers)


@pytest.fixture
def api_as(client: Any, people: dict[str, Any]) -> Any:
    return lambda who: Api(client, people[who])


def _body(**extra: Any) -> dict[str, Any]:
    body = {"org": "A1a", "description": "村务公开不及时，群众反映强烈", "source": "masses", "category": "service"}
    body.update(extra)
    return body


# ---- registration, the ledger, one problem ---------------------------------------------------------------


def test_unit_registers_a_problem_with_steps_and_sees_it_in_the_ledger(api_as, people):
    api = api_as("unit")
    response = api.post_json("/problems/", _body(severity="serious", steps=[
        {"measure": "建立村务公开栏", "owner": "村委会", "deadline": "2023-11-30"}]))
    assert response.status_code == 201, response.content
    data = response.json()
    problem = Problem.objects.get()
    assert data["id"] == problem.pk and data["number"] == problem.number
    assert (data["status"], data["status_label"], data["source_label"]) == ("registered", "已登记", "群众提")
    assert data["due_on"] == (TODAY + dt.timedelta(days=60)).isoformat()
    assert data["steps"][0]["measure"] == "建立村务公开栏" and data["step_count"] == 1 and data["progress"] == 0
    assert [t["action"] for t in data["timeline"]] == ["register"]
    assert problem.created_by == people["unit"]
    assert set(data["allowed_actions"]) == {"start", "request_extension"}
    listed = api.get("/problems/").json()
    assert listed["count"] == 1
    row = listed["items"][0]
    assert (row["number"], row["organization_code"], row["organization_name"]) == (
        problem.number, "A1a", "东关村党支部")
    assert (row["overdue"], row["progress"], row["version"]) == (False, 0, problem.version)


def test_registration_errors_are_chinese_and_write_nothing(api_as, people):
    response = api_as("unit").post_json("/problems/", _body(description="", source="gossip",
                                                            deadline="2023-10-01"))
    assert response.status_code == 422
    data = response.json()
    assert data["detail"] == "数据有误，未保存"
    assert data["errors"]["description"] == ["请填写问题表现"]
    assert data["errors"]["source"][0].startswith("问题来源应为")
    assert data["errors"]["deadline"] == ["完成时限不能早于今天（2023年10月10日）"]
    assert not Problem.objects.exists()


def test_liaison_registers_only_its_findings(api_as, people):
    api = api_as("liaison")
    response = api.post_json("/problems/", _body())
    assert response.status_code == 422
    assert response.json()["errors"]["source"] == ["联络组登记的问题来源应为“督导发现”"]
    assert api.post_json("/problems/", _body(source="visit")).status_code == 201


@pytest.mark.parametrize("who", ["leader", "liaison_b"])
def test_who_may_not_register_gets_404(api_as, people, who):
    # the leader reads only; liaison B does not see village A1a
    assert api_as(who).post_json("/problems/", _body(source="visit")).status_code == 404
    assert not Problem.objects.exists()


def test_ledger_filters(api_as, people, tree, campaign, make_problem, frozen_clock):
    special = special_campaign_create(actor=people["office"], campaign=campaign, name="群众身边不正之风")
    a = make_problem(description="村务公开不及时", deadline=dt.date(2023, 10, 12))
    b = make_problem(description="办事推诿", source="self", category="style", severity="grave", fix_now=True,
                     special_campaign=special)
    c = make_problem(org=tree.village_b, by=people["office"], description="河西社区服务窗口缺人",
                     category="ability")
    problem_act(actor=people["unit"], problem=b, action=ProblemAction.START)
    api = api_as("office")

    def ids(**params: Any) -> set[int]:
        response = api.get("/problems/", **params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["items"]}

    assert ids() == {a.pk, b.pk, c.pk}
    assert ids(status="in_progress") == {b.pk}
    assert ids(status=["registered", "in_progress"]) == {a.pk, b.pk, c.pk}
    assert ids(source="self") == {b.pk}
    assert ids(category=["style", "ability"]) == {b.pk, c.pk}
    assert ids(severity="grave") == {b.pk}
    assert ids(special_campaign=special.pk) == {b.pk}
    assert ids(fix_now="true") == {b.pk} and ids(fix_now="false") == {a.pk, c.pk}
    assert ids(org="B") == {c.pk} and ids(org="A1a") == {a.pk, b.pk}
    assert ids(liaison_group=people["group_b"].pk) == {c.pk}
    assert ids(q="推诿") == {b.pk} and ids(q="河西") == {c.pk}
    assert ids(overdue="true") == set()
    assert ids(relapsed="true") == set()
    frozen_clock.move_to(dt.datetime(2023, 10, 13, 9, 0, tzinfo=NOW.tzinfo))
    api = api_as("office")  # three days on: the first token has expired (JYB_API_TOKEN_HOURS)
    assert ids(overdue="true") == {a.pk}
    row = next(r for r in api.get("/problems/").json()["items"] if r["id"] == a.pk)
    assert row["overdue"] is True
    # ordered by due date
    assert api.get("/problems/").json()["items"][0]["id"] == a.pk
    # an unknown value is an error, not "any"
    assert api.get("/problems/", status="nonsense").status_code == 422
    # an organisation or special campaign the caller cannot name: 404
    assert api_as("unit").get("/problems/", org="B").status_code == 404
    assert api.get("/problems/", special_campaign=10**6).status_code == 404


def test_ledger_is_scoped_and_paginated(api_as, people, tree, make_problem):
    for i in range(3):
        make_problem(description=f"问题{i}")
    make_problem(org=tree.village_b, by=people["office"])
    assert api_as("unit").get("/problems/").json()["count"] == 3
    assert api_as("liaison").get("/problems/").json()["count"] == 3
    assert api_as("liaison_b").get("/problems/").json()["count"] == 1
    assert api_as("leader").get("/problems/").json()["count"] == 4
    page = api_as("office").get("/problems/", limit=2, offset=2).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    assert api_as("office").get("/problems/", limit=10**6).status_code == 200  # clamped to MAX_LIMIT


def test_detail_carries_steps_evidence_timeline_closures_and_extensions(api_as, people, make_problem):
    problem = make_problem(severity="grave")
    step = step_add(actor=people["unit"], problem=problem, measure="建立公开栏")
    problem_act(actor=people["unit"], problem=problem, action=ProblemAction.REQUEST_EXTENSION, note="资金未到位",
                new_due_on=dt.date(2023, 12, 1))
    problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.APPROVE_EXTENSION)
    problem_act(actor=people["unit"], problem=problem, action=ProblemAction.START)
    from problems.services import step_done

    step_done(actor=people["unit"], step=step, done_note="已建成", files=[upload()])
    problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM)
    problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.CLOSE, note="现场核实")
    data = api_as("unit").get(f"/problems/{problem.pk}").json()
    assert data["status"] == "closed" and data["closed_by_name"] == "liaison" and data["closed_on_time"] is True
    assert data["steps"][0]["done_on"] == TODAY.isoformat() and data["progress"] == 100
    evidence = data["evidence"][0]
    assert evidence["sha256"] == hashlib.sha256(b"\xff\xd8\xff evidence").hexdigest()
    assert (evidence["filename"], evidence["size"], evidence["frozen"], evidence["step_id"]) == (
        "整改照片.jpg", len(b"\xff\xd8\xff evidence"), True, step.pk)
    assert [t["action"] for t in data["timeline"]] == [
        "register", "request_extension", "approve_extension", "start", "claim", "close"]
    assert data["timeline"][-1]["actor_name"] == "liaison" and data["timeline"][-1]["note"] == "现场核实"
    assert data["closures"][0]["evidence"][0]["sha256"] == evidence["sha256"]
    assert data["extensions"][0]["status"] == "approved" and data["extensions"][0]["decided_by_name"] == "liaison"
    assert data["extension_count"] == 1 and data["due_on"] == "2023-12-01"
    assert data["allowed_actions"] == []
    assert api_as("office").get(f"/problems/{problem.pk}").json()["allowed_actions"] == ["reopen"]


def test_outside_unknown_and_administrators_get_404(api_as, people, users, client, make_problem):
    problem = make_problem()
    for who in ("liaison_b",):
        api = api_as(who)
        assert api.get(f"/problems/{problem.pk}").status_code == 404
        assert api.get(f"/problems/{problem.pk}/feedback").status_code == 404
        response = api.post(f"/problems/{problem.pk}/actions/start", {"version": problem.version})
        assert response.status_code == 404
    for role in ("sysadmin", "secadmin", "auditor"):
        api = Api(client, users[role])
        assert api.get("/problems/").status_code == 404
        assert api.get(f"/problems/{problem.pk}").status_code == 404
        assert api.get("/problems/special-campaigns").status_code == 404
    assert api_as("office").get("/problems/999999").status_code == 404
    assert Api(client).get("/problems/").status_code == 401
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.REGISTERED


def test_unknown_action_is_404(api_as, make_problem):
    problem = make_problem()
    api = api_as("unit")
    for action in ("explode", "register", "CLOSE"):
        assert api.post(f"/problems/{problem.pk}/actions/{action}", {"version": problem.version}).status_code == 404
    assert TransitionRecord.objects.filter(problem=problem).count() == 1


# ---- edits -------------------------------------------------------------------------------------------------


def test_update_changes_only_the_fields_given(api_as, people, make_problem):
    problem = make_problem(cause="制度缺失")
    api = api_as("unit2")
    response = api.patch(f"/problems/{problem.pk}", {"version": problem.version, "description": "公开栏长期未更新",
                                                      "deadline": "2023-12-15"})
    assert response.status_code == 200, response.content
    data = response.json()
    problem.refresh_from_db()
    assert (problem.description, problem.cause, problem.deadline, problem.due_on) == (
        "公开栏长期未更新", "制度缺失", dt.date(2023, 12, 15), dt.date(2023, 12, 15))
    assert data["version"] == problem.version == 2
    # the stale version: 409, nothing overwritten
    response = api.patch(f"/problems/{problem.pk}", {"version": 1, "cause": "别的原因"})
    assert response.status_code == 409
    assert "已被他人修改" in response.json()["detail"]
    assert Problem.objects.get(pk=problem.pk).cause == "制度缺失"
    # status is not a field: it is ignored
    response = api.patch(f"/problems/{problem.pk}", {"version": 2, "status": "closed", "cause": ""})
    assert response.status_code == 200 and response.json()["status"] == "registered"


def test_update_refusals(api_as, people, make_problem):
    problem = make_problem()
    assert api_as("unit").patch(f"/problems/{problem.pk}", {"description": "无版本"}).status_code == 422
    response = api_as("unit").patch(f"/problems/{problem.pk}", {"version": 1, "deadline": "2023-10-09"})
    assert response.status_code == 422
    assert response.json()["errors"]["deadline"] == ["完成时限不能早于今天（2023年10月10日）"]
    for who in ("leader", "liaison", "liaison_b"):
        assert api_as(who).patch(f"/problems/{problem.pk}", {"version": 1, "cause": "x"}).status_code == 404
    problem_act(actor=people["unit"], problem=problem, action=ProblemAction.START)
    response = api_as("unit").patch(f"/problems/{problem.pk}", {"version": 2, "deadline": "2023-12-01"})
    assert response.status_code == 422 and "请申请延期" in response.json()["errors"]["deadline"][0]
    assert Problem.objects.get(pk=problem.pk).version == 2


# ---- steps and evidence ------------------------------------------------------------------------------------


def test_steps_are_added_changed_and_done_with_evidence(api_as, people, make_problem):
    problem = make_problem()
    api = api_as("unit")
    response = api.post_json(f"/problems/{problem.pk}/steps", {"measure": "修订村务公开制度", "owner": "支书"})
    assert response.status_code == 201, response.content
    step_id, version = response.json()["id"], response.json()["problem_version"]
    response = api.patch(f"/problems/{problem.pk}/steps/{step_id}", {"version": version, "deadline": "2023-11-01"})
    assert response.status_code == 200, response.content
    step = RectificationStep.objects.get(pk=step_id)
    assert (step.measure, step.owner, step.deadline) == ("修订村务公开制度", "支书", dt.date(2023, 11, 1))
    version = response.json()["problem_version"]
    no_evidence = api.post(f"/problems/{problem.pk}/steps/{step_id}/done", {"done_note": "已修订"})
    assert no_evidence.status_code == 422
    assert no_evidence.json()["errors"]["files"] == ["请上传完成该项措施的佐证材料，或引用已上传的材料"]
    response = api.post(f"/problems/{problem.pk}/steps/{step_id}/done",
                        {"done_note": "已修订", "done_on": "2023-09-01", "version": version,
                         "files": [upload("制度.pdf", b"%PDF-1.4 rules")]})
    assert response.status_code == 200, response.content
    step.refresh_from_db()
    assert step.done_on == TODAY  # the server's date, never the one sent
    assert Evidence.objects.get(step=step).sha256 == hashlib.sha256(b"%PDF-1.4 rules").hexdigest()
    assert api.get(f"/problems/{problem.pk}").json()["progress"] == 100
    # the step of another problem is not found under this one
    other = make_problem()
    assert api.patch(f"/problems/{other.pk}/steps/{step_id}", {"version": other.version}).status_code == 404


def test_step_refusals(api_as, make_problem):
    problem = make_problem()
    api = api_as("unit")
    response = api.post_json(f"/problems/{problem.pk}/steps", {"measure": "", "deadline": "2023-10-01"})
    assert response.status_code == 422 and "errors" in response.json()
    assert api_as("liaison").post_json(f"/problems/{problem.pk}/steps", {"measure": "越位"}).status_code == 404
    assert api.post_json(f"/problems/{problem.pk}/steps", {"measure": "x", "version": 99}).status_code == 409
    assert not RectificationStep.objects.exists()


def test_evidence_is_stored_with_its_hash_and_downloaded_inside_the_jurisdiction(api_as, make_problem):
    problem = make_problem()
    content = b"%PDF-1.4 proof of rectification"
    response = api_as("unit").post(f"/problems/{problem.pk}/evidence",
                                   {"file": upload("公开栏照片.pdf", content), "note": "公开栏"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["filename"], data["size"], data["sha256"], data["frozen"]) == (
        "公开栏照片.pdf", len(content), hashlib.sha256(content).hexdigest(), False)
    assert data["problem_version"] == Problem.objects.get(pk=problem.pk).version
    path = f"/problems/{problem.pk}/evidence/{data['id']}"
    download = api_as("liaison").get(path)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["X-Evidence-SHA256"] == data["sha256"]
    assert api_as("liaison_b").get(path).status_code == 404
    assert api_as("unit").get(f"/problems/{make_problem().pk}/evidence/{data['id']}").status_code == 404
    refused = api_as("unit").post(f"/problems/{problem.pk}/evidence", {"file": upload("病毒.exe", b"MZ")})
    assert refused.status_code == 422 and "佐证材料只能是" in refused.json()["errors"]["file"][0]
    renamed = api_as("unit").post(f"/problems/{problem.pk}/evidence",
                                  {"file": upload("整改报告.pdf", b"MZ\x90\x00 program")})
    assert renamed.status_code == 422
    assert renamed.json()["errors"]["file"] == [
        "佐证材料“整改报告.pdf”的内容不是PDF文件，与扩展名不符（可能是改了扩展名的其他文件），不能上传"]
    assert Evidence.objects.count() == 1


# ---- what the masses say, special campaigns ----------------------------------------------------------------


def test_feedback_is_listed_and_answered_by_the_owner_side(api_as, people, make_problem):
    problem = make_problem()
    said = satisfaction_submit(token=problem.feedback_token, rating="unsatisfied", comment="公开栏还是空的",
                               ip="10.1.1.1")
    listed = api_as("liaison").get(f"/problems/{problem.pk}/feedback").json()
    assert listed["count"] == 1 and listed["items"][0]["rating_label"] == "不满意"
    assert "source_hash" not in listed["items"][0]
    path = f"/problems/{problem.pk}/feedback/{said.pk}/answer"
    assert api_as("liaison").post_json(path, {"answer": "已督促"}).status_code == 404
    assert api_as("unit").post_json(path, {"answer": ""}).status_code == 422
    response = api_as("unit").post_json(path, {"answer": "本周内更新公开栏"})
    assert response.status_code == 200 and response.json()["answered_by_name"] == "unit"
    assert Satisfaction.objects.get().answer == "本周内更新公开栏"


def test_special_campaigns_of_the_current_campaign(api_as, people, campaign):
    special_campaign_create(actor=people["office"], campaign=campaign, name="群众身边不正之风", description="专项")
    data = api_as("unit").get("/problems/special-campaigns").json()
    assert [(s["name"], s["campaign_id"], s["is_active"]) for s in data] == [("群众身边不正之风", campaign.pk, True)]


def test_openapi_schema_still_builds(client, people):
    client.force_login(people["unit"])  # the API's documentation is for signed-in users
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/problems/", "/api/v1/problems/{problem_id}", "/api/v1/problems/{problem_id}/actions/{action}",
            "/api/v1/problems/{problem_id}/steps", "/api/v1/problems/{problem_id}/steps/{step_id}/done",
            "/api/v1/problems/{problem_id}/evidence/{evidence_id}", "/api/v1/problems/special-campaigns",
            "/api/v1/problems/{problem_id}/feedback/{satisfaction_id}/answer"} <= set(paths)
    action = paths["/api/v1/problems/{problem_id}/actions/{action}"]["post"]
    assert "multipart/form-data" in action["requestBody"]["content"]
    assert action["tags"] == ["问题清单"]


def test_campaign_end_bounds_an_extension(api_as, make_problem):
    problem = make_problem()
    response = api_as("unit").post(f"/problems/{problem.pk}/actions/request_extension", {
        "version": problem.version, "note": "需要时间", "new_due_on": (END + dt.timedelta(days=1)).isoformat()})
    assert response.status_code == 422
    assert "不能晚于主题教育结束日期" in response.json()["errors"]["new_due_on"][0]


def test_ledger_queries_do_not_grow_with_rows(api_as, people, make_problem, campaign):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    special = special_campaign_create(actor=people["office"], campaign=campaign, name="专项")
    api = api_as("office")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/problems/").status_code == 200
        return len(captured)

    make_problem(special_campaign=special)
    queries()  # the first call also notes the token's use
    few = queries()
    for i in range(5):
        make_problem(description=f"问题{i}", special_campaign=special)
    assert queries() == few


def test_the_responsible_leader_may_be_a_cadre_above_the_callers_jurisdiction(api_as, tree, make_problem):
    """The service's rule (a cadre of the problem's organisation or of one above it) holds in the API too: the
    township secretary leads a village's rectification though the village contact does not see the township."""
    from orgs.services import cadre_create

    secretary = cadre_create(actor=SETUP, organization=tree.township_a, name="郑洁", id_number="110101199003070011",
                             position="镇党委书记", rank=30)
    problem = make_problem()
    response = api_as("unit").patch(f"/problems/{problem.pk}",
                                    {"version": problem.version, "responsible_cadre": secretary.pk})
    assert response.status_code == 200, response.content
    assert Problem.objects.get(pk=problem.pk).responsible_cadre == secretary
    response = api_as("unit").post_json("/problems/", _body(responsible_cadre=secretary.pk))
    assert response.status_code == 201, response.content


def test_a_problem_raised_from_a_life_meeting_item_is_linked_to_it_and_an_unseen_item_is_404(api_as, tree, campaign):
    from measures.services import life_meeting_create

    meeting = life_meeting_create(actor=SETUP, organization=tree.village_a, campaign=campaign, kind="organisational",
                                  held_on=TODAY, attendance=12,
                                  items=[{"kind": "criticism", "text": "联系群众不够，入户走访少", "cadre": None}])
    item = meeting.items.get()
    # County B's liaison member registers for a unit of theirs, but does not see village A1a's meeting.
    assert api_as("liaison_b").post_json("/problems/", _body(org="B1a", source="visit", life_meeting_item=item.pk)
                                         ).status_code == 404
    assert not Problem.objects.exists()
    assert api_as("liaison_b").post_json("/problems/", _body(org="B1a", source="visit")).status_code == 201
    response = api_as("unit").post_json("/problems/", _body(source="collective", life_meeting_item=item.pk))
    assert response.status_code == 201, response.content
    assert Problem.objects.get(pk=response.json()["id"]).life_meeting_item == item
    assert api_as("unit").post_json("/problems/", _body(life_meeting_item=item.pk + 1000)).status_code == 404
