"""Supervision's API: visits planned, recorded and cancelled, findings and the problems they become, the escalation
ladder, feedback letters, the groups and their units — through the same services as the pages, and scoped: a
liaison member sees exactly its group's units, a unit sees no plans, drafts or proposals, administrators get 404,
anonymous callers 401."""

import datetime as dt
import json
from typing import Any

import pytest

from api.tests.helpers import API, ApiClient
from problems.models import Problem
from problems.services import problem_act
from problems.tests.conftest import TODAY, upload
from supervision import services
from supervision.models import Action, FeedbackLetter, Finding, Visit

pytestmark = pytest.mark.django_db


class Api(ApiClient):
    """ApiClient with JSON writes."""

    def post_json(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.post(path, json.dumps(body or {}, default=str), content_type="application/json")


@pytest.fixture
def api_as(client: Any, people: dict[str, Any]) -> Any:
    return lambda who: Api(client, people[who])


def _visit(people: dict[str, Any], method: Any, org: Any, *, side: str = "a", done: bool = True,
           on: dt.date = dt.date(2023, 10, 9)) -> Visit:
    """A visit of group A (liaison) or group B (liaison_b), made through the services."""
    by = people["liaison" if side == "a" else "liaison_b"]
    visit = services.visit_plan(actor=by, group=people[f"group_{side}"], organization=org, method=method,
                                subject="个别访谈班子成员", planned_on=on, participants=[by])
    if done:
        visit = services.visit_record(actor=by, visit=visit, visited_on=on, summary="准备充分",
                                      observations={"study": {"judgement": "good", "note": "学习扎实"}})
    return visit


@pytest.fixture
def both_sides(people: dict[str, Any], tree: Any, method: Any) -> dict[str, dict[str, Any]]:
    """On each side (group A at county A, group B at county B): a visit held and one planned, a finding, an action
    decided and a proposal, a letter issued and a draft."""
    rows: dict[str, dict[str, Any]] = {}
    for side, org in (("a", tree.county_a), ("b", tree.county_b)):
        by = people["liaison" if side == "a" else "liaison_b"]
        visit = _visit(people, method, org, side=side)
        planned = _visit(people, method, org, side=side, done=False, on=dt.date(2023, 10, 20))
        finding = services.finding_add(actor=by, visit=visit, description="学习研讨联系实际不够", requirement="study")
        action = services.action_record(actor=by, organization=org, level="point_out", reason="学习不深入",
                                        findings=[finding])
        proposal = services.action_propose(actor=by, organization=org, level="criticise", reason="敷衍应付",
                                           cadre=None)
        issued = services.letter_issue(actor=by, letter=services.letter_create(
            actor=by, group=people[f"group_{side}"], organization=org, findings=[finding], actions=[action]))
        draft = services.letter_create(actor=by, group=people[f"group_{side}"], organization=org)
        rows[side] = {"visit": visit, "planned": planned, "finding": finding, "action": action,
                      "proposal": proposal, "letter": issued, "draft": draft}
    return rows


LISTS = {"visits": ("visit", "planned"), "findings": ("finding",), "actions": ("action", "proposal"),
         "letters": ("letter", "draft")}


def _ids(api: Api, path: str, **params: Any) -> set[int]:
    response = api.get(path, limit=500, **params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


# ---- visits ------------------------------------------------------------------------------------------------


def test_liaison_plans_a_visit_records_it_and_adds_a_finding(api_as, people, method):
    api = api_as("liaison")
    response = api.post_json("/supervision/visits", {
        "org": "A1a", "method": method.pk, "subject": "列席村党支部专题学习", "planned_on": "2023-10-12",
        "participants": [people["liaison"].pk], "others": "县委组织部一人"})
    assert response.status_code == 201, response.content
    data = response.json()
    visit = Visit.objects.get(pk=data["id"])
    assert (visit.status, visit.group, visit.organization.code, visit.created_by) == (
        "planned", people["group_a"], "A1a", people["liaison"])
    assert (data["group_name"], data["organization_code"], data["organization_name"], data["status_label"]) == (
        "第一联络组", "A1a", "东关村党支部", "计划中")
    assert [p["username"] for p in data["participants"]] == ["liaison"]

    too_early = api.post_json(f"/supervision/visits/{visit.pk}/findings",
                              {"description": "发言照本宣科", "requirement": "study"})
    assert too_early.status_code == 422
    assert too_early.json()["errors"]["visit"] == ["活动开展后才能登记发现的问题（请先记录活动情况）"]

    response = api.post_json(f"/supervision/visits/{visit.pk}/record", {
        "visited_on": "2023-10-10", "summary": "学习准备充分，联系实际不够",
        "observations": [{"requirement": "study", "judgement": "fair", "note": "个别发言照本宣科"},
                         {"requirement": "rectification", "note": "问题清单已建立"}]})
    assert response.status_code == 200, response.content
    visit.refresh_from_db()
    assert (visit.status, visit.visited_on, visit.summary) == ("done", TODAY, "学习准备充分，联系实际不够")
    assert {(o.requirement, o.judgement) for o in visit.observations.all()} == {
        ("study", "fair"), ("rectification", "")}
    assert visit.participants.get() == people["liaison"]  # not given: unchanged

    response = api.post_json(f"/supervision/visits/{visit.pk}/findings",
                             {"description": "专题学习发言照本宣科", "requirement": "study"})
    assert response.status_code == 201, response.content
    finding = Finding.objects.get()
    assert (finding.visit, finding.organization.code, finding.needs_fix) == (visit, "A1a", True)
    assert response.json()["group_name"] == "第一联络组" and response.json()["problem_id"] is None

    data = api.get(f"/supervision/visits/{visit.pk}").json()
    assert data["finding_ids"] == [finding.pk]
    assert data["observations"][0]["requirement_label"] in ("理论学习", "检视整改")
    assert {(o["requirement"], o["judgement_label"]) for o in data["observations"]} == {
        ("study", "较好"), ("rectification", "")}


def test_a_visit_already_held_is_logged_in_one_call(api_as, people, method):
    response = api_as("liaison").post_json("/supervision/visits", {
        "org": "A", "method": method.pk, "subject": "列席区委理论学习中心组研讨", "visited_on": "2023-10-09",
        "summary": "研讨深入", "observations": [{"requirement": "research", "judgement": "good", "note": "调研扎实"}]})
    assert response.status_code == 201, response.content
    visit = Visit.objects.get()
    assert (visit.status, visit.planned_on, visit.visited_on) == ("done", dt.date(2023, 10, 9), dt.date(2023, 10, 9))
    assert visit.observations.get().judgement == "good"
    assert response.json()["day"] == "2023-10-09"


def test_visit_refusals_are_chinese_and_write_nothing(api_as, people, method):
    api = api_as("liaison")
    response = api.post_json("/supervision/visits", {"org": "A1a", "method": method.pk, "subject": ""})
    assert response.status_code == 422
    data = response.json()
    assert data["detail"] == "数据有误，未保存"
    assert data["errors"] == {"planned_on": ["请填写计划日期"]}  # a blank subject is the method and the unit
    response = api.post_json("/supervision/visits", {"org": "A", "method": method.pk, "subject": "访谈",
                                                     "visited_on": "2023-10-11", "summary": "x"})
    assert response.status_code == 422 and "不能晚于今天" in response.json()["errors"]["visited_on"][0]
    response = api.post_json("/supervision/visits", {"org": "A", "method": method.pk, "subject": "访谈",
                                                     "planned_on": "2023-10-12",
                                                     "participants": [people["liaison_b"].pk]})
    assert response.status_code == 422
    assert response.json()["errors"]["participants"][0].startswith(f"用户编号{people['liaison_b'].pk}不是第一联络组")
    # the office names the group; a group not guiding the unit is refused
    response = api_as("office").post_json("/supervision/visits", {
        "org": "A", "group": people["group_b"].pk, "method": method.pk, "subject": "访谈",
        "planned_on": "2023-10-12"})
    assert response.status_code == 422
    assert response.json()["errors"]["organization"] == ["“城关区委”不是第二联络组联系的单位"]
    assert not Visit.objects.exists()


def test_a_planned_visit_is_cancelled_with_its_reason(api_as, people, method, tree):
    visit = _visit(people, method, tree.county_a, done=False, on=dt.date(2023, 10, 20))
    api = api_as("liaison")
    assert api.post_json(f"/supervision/visits/{visit.pk}/cancel", {"reason": ""}).status_code == 422
    response = api.post_json(f"/supervision/visits/{visit.pk}/cancel", {"reason": "区委会议冲突，另行安排"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    visit.refresh_from_db()
    assert (visit.status, visit.cancel_reason) == ("cancelled", "区委会议冲突，另行安排")
    again = api.post_json(f"/supervision/visits/{visit.pk}/cancel", {"reason": "再次取消"})
    assert again.status_code == 422 and again.json()["errors"]["status"] == ["只有计划中的活动可以取消"]


def test_visit_filters(api_as, people, method, tree):
    held = _visit(people, method, tree.county_a, on=dt.date(2023, 10, 9))
    village = _visit(people, method, tree.village_a, on=dt.date(2023, 9, 20))
    planned = _visit(people, method, tree.county_a, done=False, on=dt.date(2023, 10, 25))
    other = services.visit_method_create(actor=people["office"], name="调阅民主生活会材料")
    reading = services.visit_log(actor=people["liaison"], group=people["group_a"], organization=tree.county_a,
                                 method=other, subject="调阅材料", visited_on=dt.date(2023, 10, 1), summary="齐全")
    api = api_as("liaison")
    assert _ids(api, "/supervision/visits") == {held.pk, village.pk, planned.pk, reading.pk}
    assert _ids(api, "/supervision/visits", status="planned") == {planned.pk}
    assert _ids(api, "/supervision/visits", status=["planned", "cancelled"]) == {planned.pk}
    assert _ids(api, "/supervision/visits", org="A1a") == {village.pk}
    assert _ids(api, "/supervision/visits", method=other.pk) == {reading.pk}
    assert _ids(api, "/supervision/visits", group=people["group_a"].pk) == {held.pk, village.pk, planned.pk,
                                                                           reading.pk}
    assert _ids(api, "/supervision/visits", group=people["group_b"].pk) == set()
    assert _ids(api, "/supervision/visits", date_from="2023-10-01", date_to="2023-10-09") == {held.pk, reading.pk}
    assert _ids(api, "/supervision/visits", date_from="2023-10-10") == {planned.pk}
    assert api.get("/supervision/visits", status="nonsense").status_code == 422
    assert api.get("/supervision/visits", org="B").status_code == 404
    page = api.get("/supervision/visits", limit=2, offset=0).json()
    assert page["count"] == 4 and [row["id"] for row in page["items"]] == [planned.pk, held.pk]


def test_visit_detail_lists_attachments_by_their_information_only(api_as, people, method, tree):
    visit = _visit(people, method, tree.county_a)
    attachment = services.attachment_add(actor=people["liaison"], visit=visit, file=upload("访谈记录.pdf", b"%PDF x"))
    data = api_as("leader").get(f"/supervision/visits/{visit.pk}").json()
    assert data["attachments"] == [{
        "id": attachment.pk, "filename": "访谈记录.pdf", "size": 6, "sha256": attachment.sha256,
        "uploaded_by_name": "liaison", "uploaded_at": data["attachments"][0]["uploaded_at"]}]
    assert data["participants"][0]["name"] == "liaison" and data["created_by_name"] == "liaison"


def test_methods_are_the_active_ones(api_as, people):
    services.visit_method_set_active(actor=people["office"], method=services.visit_method_create(
        actor=people["office"], name="停用的方式"), is_active=False)
    names = [m["name"] for m in api_as("unit").get("/supervision/methods").json()]
    assert "列席领导班子学习研讨" in names and "停用的方式" not in names


# ---- scoping -----------------------------------------------------------------------------------------------


def test_each_liaison_sees_exactly_its_groups_units(api_as, both_sides):
    for who, mine, theirs in (("liaison", "a", "b"), ("liaison_b", "b", "a")):
        api = api_as(who)
        for path, keys in LISTS.items():
            assert _ids(api, f"/supervision/{path}") == {both_sides[mine][k].pk for k in keys}, (who, path)
        for key, path in (("visit", "visits"), ("finding", "findings"), ("action", "actions"),
                          ("letter", "letters")):
            assert api.get(f"/supervision/{path}/{both_sides[mine][key].pk}").status_code == 200
            assert api.get(f"/supervision/{path}/{both_sides[theirs][key].pk}").status_code == 404, (who, path)
    office = api_as("office")
    for path, keys in LISTS.items():
        assert _ids(office, f"/supervision/{path}") == {both_sides[s][k].pk for s in "ab" for k in keys}


def test_writes_on_the_other_groups_unit_are_404_and_change_nothing(api_as, both_sides, people, method):
    api = api_as("liaison_b")
    a = both_sides["a"]
    visit, planned, finding = a["visit"], a["planned"], a["finding"]
    assert api.post_json("/supervision/visits", {"org": "A", "method": method.pk, "subject": "越界",
                                                 "planned_on": "2023-10-12"}).status_code == 404
    assert api.post_json("/supervision/visits", {"org": "B", "group": people["group_a"].pk, "method": method.pk,
                                                 "subject": "别组", "planned_on": "2023-10-12"}).status_code == 404
    assert api.post_json(f"/supervision/visits/{planned.pk}/record",
                         {"visited_on": "2023-10-10", "summary": "越界"}).status_code == 404
    assert api.post_json(f"/supervision/visits/{planned.pk}/cancel", {"reason": "越界"}).status_code == 404
    assert api.post_json(f"/supervision/visits/{visit.pk}/findings",
                         {"description": "越界", "requirement": "study"}).status_code == 404
    assert api.post_json(f"/supervision/findings/{finding.pk}/problem", {"category": "style"}).status_code == 404
    assert api.post_json("/supervision/actions", {"org": "A", "level": "point_out",
                                                  "reason": "越界"}).status_code == 404
    assert api.post_json("/supervision/actions/proposals", {"org": "A", "level": "criticise",
                                                            "reason": "越界"}).status_code == 404
    # naming the other side's finding as grounds for an action on its own unit: not found either
    assert api.post_json("/supervision/actions", {"org": "B", "level": "correct", "reason": "依据别组发现",
                                                  "findings": [finding.pk]}).status_code == 404
    assert api.post_json(f"/supervision/actions/{a['action'].pk}/result", {"result": "越界"}).status_code == 404
    assert api.post_json("/supervision/letters", {"org": "A"}).status_code == 404
    assert api.post_json(f"/supervision/letters/{a['draft'].pk}/issue").status_code == 404
    planned.refresh_from_db()
    assert planned.status == "planned"
    assert Visit.objects.filter(group=people["group_b"]).count() == 2
    assert Finding.objects.count() == 2 and not Problem.objects.exists()
    assert Action.objects.count() == 4
    assert Action.objects.get(pk=a["action"].pk).status == "decided"
    assert FeedbackLetter.objects.count() == 4 and FeedbackLetter.objects.get(pk=a["draft"].pk).status == "draft"


def test_unit_sees_no_plans_drafts_or_proposals_and_writes_nothing(api_as, both_sides, people, method, tree):
    a = both_sides["a"]
    # records at the unit itself (village A1a), inside the unit's subtree
    visit = _visit(people, method, tree.village_a)
    planned = _visit(people, method, tree.village_a, done=False, on=dt.date(2023, 10, 20))
    finding = services.finding_add(actor=people["liaison"], visit=visit, description="三会一课记录不全",
                                   requirement="rectification")
    action = services.action_record(actor=people["liaison"], organization=tree.village_a, level="point_out",
                                    reason="记录不全")
    proposal = services.action_propose(actor=people["liaison"], organization=tree.village_a, level="correct",
                                       reason="屡教不改")
    draft = services.letter_create(actor=people["liaison"], group=people["group_a"], organization=tree.village_a)
    api = api_as("unit")
    assert _ids(api, "/supervision/visits") == {visit.pk}
    assert _ids(api, "/supervision/findings") == {finding.pk}
    assert _ids(api, "/supervision/actions") == {action.pk}
    assert _ids(api, "/supervision/letters") == set()
    assert api.get(f"/supervision/visits/{planned.pk}").status_code == 404
    assert api.get(f"/supervision/actions/{proposal.pk}").status_code == 404
    assert api.get(f"/supervision/letters/{draft.pk}").status_code == 404
    assert api.get(f"/supervision/visits/{a['visit'].pk}").status_code == 404  # county A is above the unit
    assert api.get(f"/supervision/visits/{visit.pk}").status_code == 200
    # guidance, not substitution: the unit writes nothing of supervision
    assert api.post_json(f"/supervision/visits/{visit.pk}/findings",
                         {"description": "自己登记", "requirement": "study"}).status_code == 404
    assert api.post_json(f"/supervision/findings/{finding.pk}/problem", {"category": "style"}).status_code == 404
    assert api.post_json(f"/supervision/actions/{action.pk}/result", {"result": "已整改"}).status_code == 404
    assert api.post_json("/supervision/visits", {"org": "A1a", "method": method.pk, "subject": "自查",
                                                 "planned_on": "2023-10-12"}).status_code == 404
    assert Finding.objects.filter(organization=tree.village_a).count() == 1 and not Problem.objects.exists()
    assert Action.objects.get(pk=action.pk).status == "decided"
    services.letter_issue(actor=people["liaison"], letter=draft)
    assert _ids(api, "/supervision/letters") == {draft.pk}


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_administrators_get_404(client, users, both_sides, role):
    api = Api(client, users[role])
    a = both_sides["a"]
    for path in ("visits", "findings", "actions", "letters", "methods", "groups"):
        assert api.get(f"/supervision/{path}").status_code == 404, path
    for path, key in (("visits", "visit"), ("findings", "finding"), ("actions", "action"), ("letters", "letter")):
        assert api.get(f"/supervision/{path}/{a[key].pk}").status_code == 404, path
    assert api.post_json("/supervision/actions", {"org": "A", "level": "point_out", "reason": "x"}).status_code == 404
    assert Action.objects.count() == 4


def test_anonymous_gets_401(client, both_sides, people):
    api = Api(client)
    a = both_sides["a"]
    paths = ["/supervision/visits", "/supervision/findings", "/supervision/actions", "/supervision/letters",
             "/supervision/methods", "/supervision/groups", f"/supervision/groups/{people['group_a'].pk}/units",
             f"/supervision/visits/{a['visit'].pk}", f"/supervision/findings/{a['finding'].pk}",
             f"/supervision/actions/{a['action'].pk}", f"/supervision/letters/{a['letter'].pk}"]
    for path in paths:
        assert api.get(path).status_code == 401, path
    assert api.post_json(f"/supervision/visits/{a['planned'].pk}/cancel", {"reason": "x"}).status_code == 401


# ---- findings and the problems they become -----------------------------------------------------------------


def test_a_finding_becomes_a_problem_of_the_ledger_linked_to_it(api_as, people, make_finding, tree):
    finding = make_finding(organization=tree.village_a, description="村务公开栏长期未更新", requirement="rectification")
    response = api_as("liaison").post_json(f"/supervision/findings/{finding.pk}/problem", {
        "category": "service", "severity": "serious", "cause": "制度不落实",
        "steps": [{"measure": "每月更新公开栏", "owner": "村委会", "deadline": "2023-11-30"}]})
    assert response.status_code == 201, response.content
    problem = Problem.objects.get()
    assert response.json() == {"finding_id": finding.pk, "problem_id": problem.pk, "problem_number": problem.number,
                               "problem_status": "registered", "is_relapse": False}
    assert (problem.source, problem.organization, problem.description, problem.category, problem.severity) == (
        "visit", tree.village_a, "村务公开栏长期未更新", "service", "serious")
    assert problem.created_by == people["liaison"] and problem.steps.get().measure == "每月更新公开栏"
    finding.refresh_from_db()
    assert finding.problem == problem
    data = api_as("unit").get(f"/supervision/findings/{finding.pk}").json()
    assert (data["problem_id"], data["problem_number"], data["problem_status_label"]) == (
        problem.pk, problem.number, "已登记")
    assert api_as("unit").get(f"/problems/{problem.pk}").json()["source_label"] == "督导发现"
    again = api_as("liaison").post_json(f"/supervision/findings/{finding.pk}/problem", {"category": "service"})
    assert again.status_code == 422
    assert again.json()["errors"]["finding"] == [f"该发现已列入问题清单（{problem.number}）"]
    assert Problem.objects.count() == 1


def test_a_finding_into_the_ledger_refused_keeps_nothing(api_as, make_finding):
    finding = make_finding()
    response = api_as("liaison").post_json(f"/supervision/findings/{finding.pk}/problem",
                                           {"category": "gossip", "deadline": "2023-10-01"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {"category", "deadline"}
    assert not Problem.objects.exists() and Finding.objects.get().problem is None
    guidance = make_finding(needs_fix=False)
    response = api_as("liaison").post_json(f"/supervision/findings/{guidance.pk}/problem", {"category": "style"})
    assert response.status_code == 422 and "指导意见" in response.json()["errors"]["finding"][0]


def test_a_closed_problem_found_again_is_reopened_as_a_relapse(api_as, people, make_problem, make_finding, tree):
    problem = make_problem(source="self")
    problem_act(actor=people["unit"], problem=problem, action="start")
    problem_act(actor=people["unit"], problem=problem, action="claim", files=[upload()])
    problem_act(actor=people["county_office"], problem=problem, action="close", note="核验属实")
    finding = make_finding(organization=tree.village_a, description="公开栏又不更新了")
    response = api_as("liaison").post_json(f"/supervision/findings/{finding.pk}/relapse",
                                           {"problem": problem.pk, "note": "公开栏再次两月未更新"})
    assert response.status_code == 200, response.content
    assert response.json()["is_relapse"] is True and response.json()["problem_number"] == problem.number
    problem.refresh_from_db()
    finding.refresh_from_db()
    assert problem.status == "in_progress" and problem.relapse_count == 1
    assert (finding.problem, finding.is_relapse) == (problem, True)
    assert "公开栏再次两月未更新" in problem.timeline.get(action="reopen").note
    open_one = make_problem()
    other = make_finding(organization=tree.village_a)
    refused = api_as("liaison").post_json(f"/supervision/findings/{other.pk}/relapse", {"problem": open_one.pk})
    assert refused.status_code == 422 and "尚未销号" in refused.json()["errors"]["problem"][0]
    outside = make_problem(org=tree.village_b, by=people["office"])
    assert api_as("liaison").post_json(f"/supervision/findings/{other.pk}/relapse",
                                       {"problem": outside.pk}).status_code == 404


def test_finding_filters(api_as, people, make_visit, make_finding, tree):
    first = make_finding(requirement="study")
    second_visit = make_visit(on=dt.date(2023, 10, 8))
    filed = make_finding(visit=second_visit, organization=tree.village_a, requirement="rectification")
    services.finding_raise_problem(actor=people["liaison"], finding=filed, category="style")
    guidance = make_finding(visit=second_visit, requirement="research", needs_fix=False)
    api = api_as("office")
    assert _ids(api, "/supervision/findings") == {first.pk, filed.pk, guidance.pk}
    assert _ids(api, "/supervision/findings", filed="true") == {filed.pk}
    assert _ids(api, "/supervision/findings", filed="false") == {first.pk}
    assert _ids(api, "/supervision/findings", requirement=["study", "research"]) == {first.pk, guidance.pk}
    assert _ids(api, "/supervision/findings", org="A1a") == {filed.pk}
    assert _ids(api, "/supervision/findings", visit=second_visit.pk) == {filed.pk, guidance.pk}
    assert _ids(api, "/supervision/findings", group=people["group_b"].pk) == set()
    assert _ids(api, "/supervision/findings", group=people["group_a"].pk) == {first.pk, filed.pk, guidance.pk}


# ---- the escalation ladder ---------------------------------------------------------------------------------


def test_liaison_cannot_take_serious_criticism_itself(api_as, people, make_finding):
    finding = make_finding()
    api = api_as("liaison")
    response = api.post_json("/supervision/actions", {"org": "A", "level": "criticise", "reason": "敷衍应付",
                                                      "skip_reason": "情节严重", "findings": [finding.pk]})
    assert response.status_code == 422
    assert response.json()["errors"]["level"] == ["严肃批评由市委教育办决定，联络组可以提出建议"]
    assert not Action.objects.exists()
    response = api.post_json("/supervision/actions/proposals", {"org": "A", "level": "criticise",
                                                                "reason": "敷衍应付", "findings": [finding.pk]})
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["level_label"], data["finding_ids"], data["proposed_by_name"]) == (
        "proposed", "严肃批评", [finding.pk], "liaison")
    assert Action.objects.get().status == "proposed"
    assert api.post_json(f"/supervision/actions/{data['id']}/decide", {}).status_code == 404  # the office decides


def test_skipping_a_rung_without_a_reason_is_refused_naming_skip_reason(api_as, people):
    api = api_as("liaison")
    response = api.post_json("/supervision/actions", {"org": "A", "level": "correct", "reason": "问题较多"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert list(errors) == ["skip_reason"]
    assert errors["skip_reason"] == ["按程序下一步应为“指出促改”；直接纠正须写明越级处置的理由"]
    assert not Action.objects.exists()
    response = api.post_json("/supervision/actions", {"org": "A", "level": "correct", "reason": "问题较多",
                                                      "skip_reason": "整改屡次敷衍", "follow_up_on": "2023-11-01"})
    assert response.status_code == 201, response.content
    action = Action.objects.get()
    assert (action.level, action.status, action.skip_reason, action.follow_up_on, action.decided_by) == (
        "correct", "decided", "整改屡次敷衍", dt.date(2023, 11, 1), people["liaison"])
    assert response.json()["rung"] == 2


def test_the_office_decides_or_dismisses_proposals_and_results_are_recorded(api_as, people, tree):
    proposal = services.action_propose(actor=people["liaison"], organization=tree.county_a, level="point_out",
                                       reason="学习不深入")
    office = api_as("office")
    response = office.post_json(f"/supervision/actions/{proposal.pk}/decide",
                                {"follow_up_on": "2023-10-30", "note": "同意"})
    assert response.status_code == 200, response.content
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.decision_note) == ("decided", people["office"], "同意")
    again = office.post_json(f"/supervision/actions/{proposal.pk}/decide", {})
    assert again.status_code == 422 and "不是待决定的建议" in again.json()["errors"]["status"][0]

    assert api_as("liaison").post_json(f"/supervision/actions/{proposal.pk}/result",
                                       {"result": ""}).status_code == 422
    response = api_as("liaison").post_json(f"/supervision/actions/{proposal.pk}/result",
                                           {"result": "已召开专题会整改"})
    assert response.status_code == 200 and response.json()["result_by_name"] == "liaison"
    proposal.refresh_from_db()
    assert (proposal.status, proposal.result, proposal.result_on) == ("done", "已召开专题会整改", TODAY)

    second = services.action_propose(actor=people["liaison"], organization=tree.county_a, level="discipline",
                                     reason="走形变样")
    assert office.post_json(f"/supervision/actions/{second.pk}/dismiss", {"note": ""}).status_code == 422
    assert api_as("liaison").post_json(f"/supervision/actions/{second.pk}/dismiss",
                                       {"note": "不采纳"}).status_code == 404
    response = office.post_json(f"/supervision/actions/{second.pk}/dismiss", {"note": "证据不足"})
    assert response.status_code == 200
    second.refresh_from_db()
    assert (second.status, second.decision_note) == ("dismissed", "证据不足")


def test_the_office_decides_a_skip_only_with_its_reason(api_as, people, tree):
    proposal = services.action_propose(actor=people["liaison"], organization=tree.county_a, level="criticise",
                                       reason="敷衍应付")
    office = api_as("office")
    response = office.post_json(f"/supervision/actions/{proposal.pk}/decide", {})
    assert response.status_code == 422 and "skip_reason" in response.json()["errors"]
    assert Action.objects.get(pk=proposal.pk).status == "proposed"
    response = office.post_json(f"/supervision/actions/{proposal.pk}/decide",
                                {"skip_reason": "形式主义问题突出，群众反映强烈"})
    assert response.status_code == 200, response.content
    assert Action.objects.get(pk=proposal.pk).status == "decided"


def test_action_filters(api_as, both_sides):
    office = api_as("office")
    a, b = both_sides["a"], both_sides["b"]
    assert _ids(office, "/supervision/actions", status="proposed") == {a["proposal"].pk, b["proposal"].pk}
    assert _ids(office, "/supervision/actions", level="point_out") == {a["action"].pk, b["action"].pk}
    assert _ids(office, "/supervision/actions", org="B") == {b["action"].pk, b["proposal"].pk}
    assert _ids(office, "/supervision/actions", org="B", level=["point_out", "correct"]) == {b["action"].pk}


# ---- feedback letters --------------------------------------------------------------------------------------


def test_a_letter_is_drafted_from_the_records_and_issued_with_a_number(api_as, people, make_finding):
    finding = make_finding()
    action = services.action_record(actor=people["liaison"], organization=finding.organization,
                                    level="point_out", reason="学习不深入", findings=[finding])
    api = api_as("liaison")
    response = api.post_json("/supervision/letters", {"org": "A", "findings": [finding.pk], "actions": [action.pk],
                                                      "reply_due_on": "2023-11-10"})
    assert response.status_code == 201, response.content
    data = response.json()
    letter = FeedbackLetter.objects.get()
    assert (data["status"], data["number"], data["title"]) == (
        "draft", "", "关于对城关区委主题教育督促指导情况的反馈意见")
    assert finding.description in letter.body and "2023年11月10日" in letter.body
    assert (data["finding_ids"], data["action_ids"], data["group_name"]) == ([finding.pk], [action.pk], "第一联络组")
    response = api.post_json(f"/supervision/letters/{letter.pk}/issue")
    assert response.status_code == 200, response.content
    letter.refresh_from_db()
    assert letter.status == "issued" and response.json()["number"] == letter.number == "教育办督〔2023〕1号"
    assert response.json()["issued_on"] == TODAY.isoformat()
    again = api.post_json(f"/supervision/letters/{letter.pk}/issue")
    assert again.status_code == 422 and again.json()["errors"]["status"] == ["该反馈意见已印发"]
    refused = api.post_json("/supervision/letters", {"org": "A", "reply_due_on": "2023-10-01"})
    assert refused.status_code == 422 and refused.json()["errors"]["reply_due_on"] == ["报送时限不能早于今天"]


def test_the_letter_comes_as_a_docx_to_whoever_sees_it(api_as, people, make_finding, tree):
    import io

    import docx

    finding = make_finding(organization=tree.village_a)
    draft = services.letter_create(actor=people["liaison"], group=people["group_a"], organization=tree.village_a,
                                   findings=[finding])
    response = api_as("liaison").get(f"/supervision/letters/{draft.pk}/docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    document = docx.Document(io.BytesIO(response.content))
    text = "".join(p.text for p in document.paragraphs).replace("\n", "")  # a long title wraps
    assert draft.title in text and finding.description in text
    assert api_as("unit").get(f"/supervision/letters/{draft.pk}/docx").status_code == 404  # a draft
    assert api_as("liaison_b").get(f"/supervision/letters/{draft.pk}/docx").status_code == 404
    services.letter_issue(actor=people["liaison"], letter=draft)
    draft.refresh_from_db()
    response = api_as("unit").get(f"/supervision/letters/{draft.pk}/docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert draft.number in text


# ---- groups and their units --------------------------------------------------------------------------------


def test_groups_and_their_units_at_a_glance(api_as, people, tree, both_sides, make_problem, frozen_clock):
    make_problem(deadline=dt.date(2023, 10, 12))
    frozen_clock.move_to(dt.datetime(2023, 10, 15, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    liaison = api_as("liaison")
    groups = liaison.get("/supervision/groups").json()
    assert [(g["name"], [u["code"] for u in g["units"]]) for g in groups] == [("第一联络组", ["A"])]
    assert [m["username"] for m in groups[0]["members"]] == ["liaison"]
    rows = liaison.get(f"/supervision/groups/{people['group_a'].pk}/units").json()
    assert len(rows) == 1
    row = rows[0]
    assert (row["organization_code"], row["organization_name"]) == ("A", "城关区委")
    assert (row["overdue_problems"], row["open_problems"]) == (1, 1)
    assert (row["last_visit"], row["days_since_visit"]) == ("2023-10-09", 6)
    assert (row["planned_visits"], row["open_actions"], row["proposals"]) == (1, 1, 1)
    assert (row["findings"], row["unfiled_findings"]) == (1, 1)
    assert liaison.get(f"/supervision/groups/{people['group_b'].pk}/units").status_code == 404
    office = api_as("office")
    assert [g["name"] for g in office.get("/supervision/groups").json()] == ["第一联络组", "第二联络组"]
    assert office.get(f"/supervision/groups/{people['group_b'].pk}/units").json()[0]["organization_code"] == "B"
    unit_groups = api_as("unit").get("/supervision/groups").json()
    assert [(g["name"], g["units"]) for g in unit_groups] == [("第一联络组", [])]  # county A lies above the unit


def test_openapi_schema_still_builds(client, people):
    client.force_login(people["unit"])  # the API's documentation is for signed-in users
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/supervision/visits", "/api/v1/supervision/visits/{visit_id}",
            "/api/v1/supervision/visits/{visit_id}/record", "/api/v1/supervision/visits/{visit_id}/findings",
            "/api/v1/supervision/findings/{finding_id}/problem", "/api/v1/supervision/findings/{finding_id}/relapse",
            "/api/v1/supervision/actions/proposals", "/api/v1/supervision/actions/{action_id}/decide",
            "/api/v1/supervision/letters/{letter_id}/issue", "/api/v1/supervision/groups/{group_id}/units",
            "/api/v1/supervision/methods", "/api/v1/supervision/letters/{letter_id}/docx"} <= set(paths)
    assert paths["/api/v1/supervision/actions"]["post"]["tags"] == ["督促指导"]
