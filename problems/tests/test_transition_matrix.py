"""The transition matrix: every (role, from-state, action), through the service and through the API.

A problem of village A1a, registered by the unit contact `unit`, is walked into each from-state through the
services; then one role tries one action with everything the action needs (a note, evidence, a new due date).
Allowed: the action succeeds with the expected new status and one new TransitionRecord. Refused: a Chinese
reason (service: ValidationError, or PermissionDenied for a problem the role does not see; API: 422 or 404), and
the row — status, version, timeline, closures, extensions, evidence — is exactly as before.

The expected outcome is written out below from the ledger's rules, not computed by the service; the test also
checks that `allowed_actions` (what pages and the API offer) agrees with it.
"""

import datetime as dt
import hashlib
import json
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from api.tests.helpers import API, ApiClient
from problems.choices import ExtensionStatus
from problems.models import Closure, Evidence, Extension, Problem, RectificationStep, TransitionRecord
from problems.services import allowed_actions, problem_act
from problems.tests.conftest import NOW, TODAY, upload

pytestmark = pytest.mark.django_db

# office: the city's office; liaison: group A's member (county A, the problem's county); unit: the owner's contact
# who registers and claims; unit2: the same unit's other contact; village_office: an office account bound to the
# owner's own unit; leader: the leading group (reads only); liaison_b: group B's member (does not see county A).
ROLES = ("office", "liaison", "unit", "unit2", "village_office", "leader", "liaison_b")
ACTIONS = ("start", "claim", "close", "return", "reopen", "request_extension", "approve_extension",
           "reject_extension")
STATES = ("registered", "registered_fix_now", "registered_pending_extension", "in_progress",
          "in_progress_pending_extension", "claimed", "closed")

# The ledger's rules, written out:
# - rectification (start, claim, request an extension) is the owner side's: the unit's people and office accounts
#   that see the unit (the city's office, and the office account bound to the unit itself);
# - verification (close, return, reopen, decide an extension) is the office's and the liaison group's, never
#   anyone of the owner's unit nor whoever claimed or requested it: village_office is of the unit;
# - the leader reads only; liaison B does not see the problem at all.
OWNER_SIDE = frozenset({"office", "unit", "unit2", "village_office"})
VERIFIERS = frozenset({"office", "liaison"})
ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    # 已登记 → 整改中; an extension may be asked before work starts.
    ("registered", "start"): OWNER_SIDE,
    ("registered", "request_extension"): OWNER_SIDE,
    # 立查立改: also claimed straight from registration (still verified by someone else).
    ("registered_fix_now", "start"): OWNER_SIDE,
    ("registered_fix_now", "claim"): OWNER_SIDE,
    ("registered_fix_now", "request_extension"): OWNER_SIDE,
    # A pending extension: decided by a verifier; no second request; work may go on meanwhile.
    ("registered_pending_extension", "start"): OWNER_SIDE,
    ("registered_pending_extension", "approve_extension"): VERIFIERS,
    ("registered_pending_extension", "reject_extension"): VERIFIERS,
    # 整改中 → 申请销号 (with evidence).
    ("in_progress", "claim"): OWNER_SIDE,
    ("in_progress", "request_extension"): OWNER_SIDE,
    ("in_progress_pending_extension", "claim"): OWNER_SIDE,
    ("in_progress_pending_extension", "approve_extension"): VERIFIERS,
    ("in_progress_pending_extension", "reject_extension"): VERIFIERS,
    # 申请销号 → 已销号 (verified, by someone else) or 退回 (back to 整改中, with a reason).
    ("claimed", "close"): VERIFIERS,
    ("claimed", "return"): VERIFIERS,
    # 已销号 → 重新打开 (反弹, with a reason). Nothing else touches a closed problem.
    ("closed", "reopen"): VERIFIERS,
}
NEW_STATUS = {"start": "in_progress", "claim": "claimed", "close": "closed", "return": "in_progress",
              "reopen": "in_progress"}  # extension actions leave the status as it is
FROM_STATUS = {"registered": "registered", "registered_fix_now": "registered",
               "registered_pending_extension": "registered", "in_progress": "in_progress",
               "in_progress_pending_extension": "in_progress", "claimed": "claimed", "closed": "closed"}

REQUESTED_DUE = dt.date(2024, 1, 20)  # the pending request (the default due date is 2024-01-08)
NEW_DUE = dt.date(2024, 1, 25)
CJK = re.compile(r"[\u4e00-\u9fff]")


def expected_allowed(role: str, state: str) -> set[str]:
    return {action for action in ACTIONS if role in ALLOWED.get((state, action), frozenset())}


def walk(state: str, make_problem: Any, people: dict[str, Any]) -> Problem:
    """A problem of village A1a registered by `unit`, brought into `state` through the services."""
    unit = people["unit"]
    if state == "registered_fix_now":
        return make_problem(fix_now=True)
    problem = make_problem()
    if state in ("in_progress", "in_progress_pending_extension", "claimed", "closed"):
        problem = problem_act(actor=unit, problem=problem, action="start")
    if state.endswith("_pending_extension"):
        problem = problem_act(actor=unit, problem=problem, action="request_extension", note="需协调资金",
                              new_due_on=REQUESTED_DUE)
    if state in ("claimed", "closed"):
        problem = problem_act(actor=unit, problem=problem, action="claim", files=[upload()])
    if state == "closed":
        problem = problem_act(actor=people["liaison"], problem=problem, action="close", note="现场核实")
    assert problem.status == FROM_STATUS[state]
    return problem


def arguments(action: str) -> dict[str, Any]:
    """Everything `action` needs, so that only the role and the state decide."""
    needs: dict[str, dict[str, Any]] = {
        "start": {},
        "claim": {"files": [upload()]},
        "close": {"note": "现场核实，已整改到位"},
        "return": {"note": "佐证材料不足"},
        "reopen": {"note": "回访发现问题反弹"},
        "request_extension": {"note": "资金未到位", "new_due_on": NEW_DUE},
        "approve_extension": {"note": "同意"},
        "reject_extension": {"note": "理由不充分"},
    }
    return needs[action]


def snapshot(problem: Problem) -> tuple[Any, ...]:
    row = Problem.objects.get(pk=problem.pk)
    return (row.status, row.version, row.due_on, row.relapse_count, row.extension_count, row.claimed_by_id,
            row.closed_by_id, TransitionRecord.objects.filter(problem=row).count(),
            Closure.objects.filter(problem=row).count(),
            tuple(Extension.objects.filter(problem=row).order_by("id").values_list("status", flat=True)),
            Evidence.objects.filter(problem=row).count())


def check_allowed(problem: Problem, state: str, action: str, user: Any, before: tuple[Any, ...]) -> list[str]:
    """What an allowed action must have done; the problems found, as text."""
    row = Problem.objects.get(pk=problem.pk)
    wrong: list[str] = []
    status = NEW_STATUS.get(action, FROM_STATUS[state])
    if row.status != status:
        wrong.append(f"status {row.status} != {status}")
    if row.version <= before[1]:
        wrong.append("version not bumped")
    records = list(TransitionRecord.objects.filter(problem=row).order_by("id"))
    if len(records) != before[7] + 1:
        wrong.append(f"{len(records) - before[7]} new TransitionRecords")
    last = records[-1]
    if (last.action, last.from_status, last.to_status, last.actor_id, last.at) != (
            action, FROM_STATUS[state], status, user.pk, NOW):
        wrong.append(f"TransitionRecord {last.action} {last.from_status}→{last.to_status} by {last.actor_id}")
    closures = Closure.objects.filter(problem=row).count()
    if closures != before[8] + (1 if action == "close" else 0):
        wrong.append(f"{closures} closures")
    if action == "close" and (row.closed_by_id, row.closed_at) != (user.pk, NOW):
        wrong.append("closer or time not from the session")
    extension = Extension.objects.filter(problem=row).order_by("id").last()
    if action == "request_extension" and (extension is None or extension.status != ExtensionStatus.PENDING
                                          or extension.requested_by_id != user.pk):
        wrong.append("no pending extension by the requester")
    if action in ("approve_extension", "reject_extension"):
        decided = ExtensionStatus.APPROVED if action == "approve_extension" else ExtensionStatus.REJECTED
        if extension is None or extension.status != decided or extension.decided_by_id != user.pk:
            wrong.append("extension not decided by the caller")
        due = REQUESTED_DUE if action == "approve_extension" else before[2]
        if row.due_on != due:
            wrong.append(f"due_on {row.due_on} != {due}")
    if action == "reopen" and not (row.relapsed and row.relapse_count == before[3] + 1):
        wrong.append("not flagged as a relapse")
    return wrong


# ---- (a) through the service -------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_matrix_through_the_service(role: str, state: str, people: dict[str, Any], make_problem: Any) -> None:
    user = people[role]
    expected = expected_allowed(role, state)
    problem = walk(state, make_problem, people)
    if role != "liaison_b":  # what pages and the API offer agrees with the rules (liaison B: the problem is 404)
        assert set(allowed_actions(user, problem)) == expected
    wrong: list[str] = []
    spent = False  # a refusal leaves the problem as it was (checked), so the next action tries the same one
    for action in ACTIONS:
        if spent:
            problem, spent = walk(state, make_problem, people), False
        before = snapshot(problem)
        try:
            problem_act(actor=user, problem=problem, action=action, version=before[1], **arguments(action))
        except (ValidationError, PermissionDenied) as exc:
            if action in expected:
                wrong.append(f"{action}: refused ({exc})")
                spent = True
                continue
            if role == "liaison_b" and not isinstance(exc, PermissionDenied):
                wrong.append(f"{action}: a problem liaison B does not see must be PermissionDenied ({exc})")
            if not CJK.search(str(exc)):
                wrong.append(f"{action}: the reason is not in Chinese ({exc})")
            if snapshot(problem) != before:
                wrong.append(f"{action}: refused, but the row changed {before} → {snapshot(problem)}")
                spent = True
            continue
        spent = True
        if action not in expected:
            wrong.append(f"{action}: allowed, should be refused")
        else:
            wrong.extend(f"{action}: {w}" for w in check_allowed(problem, state, action, user, before))
    assert not wrong, f"{role} in {state}: " + "; ".join(wrong)


# ---- (b) through the API -----------------------------------------------------------------------------------


def _api_form(action: str, version: int) -> dict[str, Any]:
    data: dict[str, Any] = {"version": version}
    for name, value in arguments(action).items():
        data[name] = value.isoformat() if isinstance(value, dt.date) else value
    return data


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_matrix_through_the_api(role: str, state: str, client: Any, people: dict[str, Any],
                                make_problem: Any) -> None:
    user = people[role]
    api = ApiClient(client, user)
    expected = expected_allowed(role, state)
    problem = walk(state, make_problem, people)
    detail = api.get(f"/problems/{problem.pk}")
    if role == "liaison_b":
        assert detail.status_code == 404
    else:
        assert detail.status_code == 200
        assert set(detail.json()["allowed_actions"]) == expected
    wrong: list[str] = []
    spent = False  # a refusal leaves the problem as it was (checked), so the next action tries the same one
    for action in ACTIONS:
        if spent:
            problem, spent = walk(state, make_problem, people), False
        before = snapshot(problem)
        response = api.post(f"/problems/{problem.pk}/actions/{action}", _api_form(action, before[1]))
        if action in expected or response.status_code == 200:
            spent = True
        if action in expected:
            if response.status_code != 200:
                wrong.append(f"{action}: {response.status_code} {response.content.decode()}")
                continue
            if response.json()["status"] != NEW_STATUS.get(action, FROM_STATUS[state]):
                wrong.append(f"{action}: answered status {response.json()['status']}")
            wrong.extend(f"{action}: {w}" for w in check_allowed(problem, state, action, user, before))
            continue
        refusal = 404 if role == "liaison_b" else 422
        if response.status_code != refusal:
            wrong.append(f"{action}: {response.status_code} instead of {refusal}")
        elif not CJK.search(response.json()["detail"]):
            wrong.append(f"{action}: the reason is not in Chinese ({response.json()})")
        if snapshot(problem) != before:
            wrong.append(f"{action}: refused, but the row changed {before} → {snapshot(problem)}")
            spent = True
    assert not wrong, f"{role} in {state}: " + "; ".join(wrong)


def test_the_matrix_covers_every_action_of_the_table() -> None:
    from problems.choices import TRANSITIONS, ProblemAction

    assert set(ACTIONS) == {t.action for t in TRANSITIONS} - {ProblemAction.REGISTER}
    assert set(ACTIONS) == set(ProblemAction.values) - {ProblemAction.REGISTER}
    assert {action for (_, action) in ALLOWED} == set(ACTIONS)  # every action is allowed somewhere


# ---- explicit rules ----------------------------------------------------------------------------------------


class Api(ApiClient):
    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.patch(API + path, json.dumps(body, default=str), content_type="application/json",
                                 **self.headers)


def test_owner_cannot_close_own_problem_by_any_path(client: Any, people: dict[str, Any], make_problem: Any,
                                                    tree: Any) -> None:
    """Neither the unit's contacts, nor an office account of the unit, nor the office account that registered the
    problem: not through the service, not through the API (whatever the body says of who closes), not by
    editing the status."""
    registered_by_office = make_problem(by=people["county_office"])
    problem_act(actor=people["county_office"], problem=registered_by_office, action="start")
    problem_act(actor=people["unit"], problem=registered_by_office, action="claim", files=[upload()])
    claimed_by_office = make_problem()
    problem_act(actor=people["unit"], problem=claimed_by_office, action="start")
    problem_act(actor=people["county_office"], problem=claimed_by_office, action="claim", files=[upload()])
    claimed = walk("claimed", make_problem, people)
    attempts = [(claimed, who) for who in ("unit", "unit2", "village_office")]
    attempts += [(registered_by_office, "county_office"), (claimed_by_office, "county_office")]
    for problem, who in attempts:
        user = people[who]
        version = Problem.objects.get(pk=problem.pk).version
        with pytest.raises(ValidationError) as exc:
            problem_act(actor=user, problem=problem, action="close", note="现场核实", version=version)
        assert "不能核验" in str(exc.value)
        api = Api(client, user)
        response = api.post(f"/problems/{problem.pk}/actions/close", {
            "version": version, "note": "已整改", "closed_by": people["liaison"].pk, "user": people["liaison"].pk})
        assert response.status_code == 422, (who, response.content)
        assert "不能核验" in response.json()["detail"]
        # the status is not a field of the record; edits during verification are refused anyway
        response = api.patch(f"/problems/{problem.pk}", {"version": version, "status": "closed"})
        assert response.status_code in (404, 422), (who, response.content)
        assert Problem.objects.get(pk=problem.pk).status == "claimed", who
    assert not Closure.objects.exists()
    # someone else closes it
    response = Api(client, people["liaison"]).post(f"/problems/{claimed.pk}/actions/close",
                                                   {"version": Problem.objects.get(pk=claimed.pk).version,
                                                    "note": "现场核实"})
    assert response.status_code == 200 and Closure.objects.get().closed_by == people["liaison"]


def test_back_dating_is_impossible(client: Any, people: dict[str, Any], make_problem: Any) -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    unit, liaison = Api(client, people["unit"]), Api(client, people["liaison"])
    # a past deadline, when registering, editing, adding a step or asking for an extension
    response = unit.post("/problems/", json.dumps({"org": "A1a", "description": "x", "source": "self",
                                                   "category": "style", "deadline": yesterday.isoformat()}),
                         content_type="application/json")
    assert response.status_code == 422 and "不能早于今天" in response.json()["errors"]["deadline"][0]
    problem = make_problem()
    response = unit.patch(f"/problems/{problem.pk}", {"version": problem.version, "deadline": yesterday})
    assert response.status_code == 422
    response = unit.post(f"/problems/{problem.pk}/steps", json.dumps({"measure": "m", "deadline": str(yesterday)}),
                         content_type="application/json")
    assert response.status_code == 422
    with pytest.raises(ValidationError):
        problem_act(actor=people["unit"], problem=problem, action="request_extension", note="n", new_due_on=yesterday)
    response = unit.post(f"/problems/{problem.pk}/actions/request_extension", {
        "version": problem.version, "note": "资金未到位", "new_due_on": yesterday.isoformat()})
    assert response.status_code == 422 and "不能早于今天" in response.json()["errors"]["new_due_on"][0]
    assert snapshot(problem)[:2] == ("registered", 1) and not Extension.objects.exists()
    # a closed problem is reopened with a past deadline: refused
    closed = walk("closed", make_problem, people)
    response = liaison.post(f"/problems/{closed.pk}/actions/reopen", {
        "version": Problem.objects.get(pk=closed.pk).version, "note": "反弹", "new_due_on": yesterday.isoformat()})
    assert response.status_code == 422 and Problem.objects.get(pk=closed.pk).status == "closed"
    # who and when come from the session and the clock: a posted closed_at, closed_by or at is ignored
    claimed = walk("claimed", make_problem, people)
    response = liaison.post(f"/problems/{claimed.pk}/actions/close", {
        "version": Problem.objects.get(pk=claimed.pk).version, "note": "核实",
        "closed_at": "2023-09-01T08:00:00+08:00", "at": "2023-09-01T08:00:00+08:00",
        "closed_by": people["office"].pk, "closed_on_time": "true"})
    assert response.status_code == 200, response.content
    claimed.refresh_from_db()
    closure = Closure.objects.get(problem=claimed)
    assert (claimed.closed_at, claimed.closed_by, closure.closed_at, closure.closed_by) == (
        NOW, people["liaison"], NOW, people["liaison"])
    last = TransitionRecord.objects.filter(problem=claimed).last()
    assert last is not None and last.at == NOW
    assert response.json()["closed_at"].startswith("2023-10-10T")


def test_closed_records_cannot_be_edited_via_the_api(client: Any, people: dict[str, Any], make_problem: Any) -> None:
    problem = make_problem()
    problem_act(actor=people["unit"], problem=problem, action="start")
    from problems.services import step_add, step_done

    step = step_add(actor=people["unit"], problem=problem, measure="公开栏")
    step_done(actor=people["unit"], step=step, done_note="已建", files=[upload()])
    problem_act(actor=people["unit"], problem=problem, action="claim")
    problem_act(actor=people["liaison"], problem=problem, action="close", note="现场核实")
    before = snapshot(problem)
    version = before[1]
    description = Problem.objects.get(pk=problem.pk).description
    for who in ("unit", "office"):
        api = Api(client, people[who])
        writes = [
            api.patch(f"/problems/{problem.pk}", {"version": version, "description": "改写"}),
            api.post(f"/problems/{problem.pk}/steps", json.dumps({"measure": "补一条", "version": version}),
                     content_type="application/json"),
            api.patch(f"/problems/{problem.pk}/steps/{step.pk}", {"version": version, "measure": "改写"}),
            api.post(f"/problems/{problem.pk}/evidence", {"file": upload("补充.pdf", b"%PDF later")}),
            api.post(f"/problems/{problem.pk}/actions/start", {"version": version}),
        ]
        for response in writes:
            assert response.status_code == 422, response.content
            assert "已销号" in response.json()["detail"] or "已销号" in json.dumps(response.json(), ensure_ascii=False)
    assert snapshot(problem) == before
    assert Problem.objects.get(pk=problem.pk).description == description
    assert RectificationStep.objects.get(pk=step.pk).measure == "公开栏"
    assert Evidence.objects.filter(problem=problem, frozen=True).count() == 1


def test_evidence_hashes_are_checked(client: Any, people: dict[str, Any], make_problem: Any) -> None:
    content = b"%PDF-1.4 the notice board, rebuilt"
    problem = make_problem()
    unit = Api(client, people["unit"])
    response = unit.post(f"/problems/{problem.pk}/actions/start", {"version": problem.version})
    response = unit.post(f"/problems/{problem.pk}/actions/claim", {
        "version": response.json()["version"], "files": [upload("公开栏.pdf", content)]})
    assert response.status_code == 200, response.content
    evidence = Evidence.objects.get(problem=problem)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest() == response.json()["evidence"][0]["sha256"]
    with open(evidence.file.path, "ab") as fh:
        fh.write(b" and altered")
    before = snapshot(problem)
    response = Api(client, people["liaison"]).post(f"/problems/{problem.pk}/actions/close",
                                                   {"version": before[1], "note": "现场核实"})
    assert response.status_code == 422
    assert "校验值不符" in response.json()["errors"]["files"][0]
    assert snapshot(problem) == before and not Closure.objects.exists()
    # a file gone missing blocks closure too
    assert evidence.file.name is not None
    evidence.file.storage.delete(evidence.file.name)
    response = Api(client, people["office"]).post(f"/problems/{problem.pk}/actions/close",
                                                  {"version": before[1], "note": "现场核实"})
    assert response.status_code == 422 and snapshot(problem) == before


def test_two_clients_with_the_same_version_the_second_gets_409(client: Any, people: dict[str, Any],
                                                               make_problem: Any) -> None:
    problem = make_problem()
    first, second = Api(client, people["unit"]), Api(client, people["unit2"])
    seen = first.get(f"/problems/{problem.pk}").json()["version"]
    assert second.get(f"/problems/{problem.pk}").json()["version"] == seen
    assert first.patch(f"/problems/{problem.pk}", {"version": seen, "cause": "制度缺失"}).status_code == 200
    response = second.patch(f"/problems/{problem.pk}", {"version": seen, "cause": "另一人的分析"})
    assert response.status_code == 409
    assert "已被他人修改" in response.json()["detail"]
    assert Problem.objects.get(pk=problem.pk).cause == "制度缺失"
    # the same for actions: two verifiers on one claim
    claimed = walk("claimed", make_problem, people)
    seen = Problem.objects.get(pk=claimed.pk).version
    liaison, office = Api(client, people["liaison"]), Api(client, people["office"])
    closing = liaison.post(f"/problems/{claimed.pk}/actions/close", {"version": seen, "note": "现场核实"})
    assert closing.status_code == 200
    after = snapshot(claimed)
    response = office.post(f"/problems/{claimed.pk}/actions/return", {"version": seen, "note": "材料不足"})
    assert response.status_code == 409
    assert snapshot(claimed) == after and after[0] == "closed" and after[8] == 1
