"""Every row of the transition table, from each of its states, for each role, through the problem's page.

A problem of village A1a, registered by the unit contact `unit`, is brought into the row's from-state through the
services; then one role posts the row's action to `problems:act` with everything the action needs (a note, a new
due date, evidence files). Allowed: the status (or the extension) changes and one TransitionRecord is added, by
that user, at the server's time. Refused: the page answers with a visible Chinese reason and nothing changes.
Roles: the city's office, liaison group A's member, the unit contact, the leader, and an office account bound to
the owner's own unit (owner side: may rectify, may never verify).
"""

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from accounts.permissions import Capability, roles_with
from problems.choices import TRANSITIONS, ExtensionStatus, ProblemAction, ProblemStatus, Transition
from problems.models import Closure, Evidence, Extension, Problem, TransitionRecord
from problems.services import problem_act
from problems.tests.conftest import NOW, upload

pytestmark = pytest.mark.django_db

ROLES = ("office", "liaison", "unit", "leader", "village_office")
# Of the owner's unit (so never its verifier): the unit contact and the office account bound to the unit.
OWNERS_UNIT = frozenset({"unit", "village_office"})
NEW_DUE = dt.date(2024, 1, 25)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _cases() -> list[tuple[int, str]]:
    """(row index, from-state) for every row and each of its states."""
    return [(i, state) for i, row in enumerate(TRANSITIONS) for state in sorted(row.sources)]


def _id(case: tuple[int, str]) -> str:
    row = TRANSITIONS[case[0]]
    return f"{row.action}-from-{case[1]}" + ("-fix_now" if row.fix_now_only else "")


def _problem(row: Transition, state: str, make_problem: Any, people: dict[str, Any]) -> Problem:
    unit = people["unit"]
    problem = make_problem(fix_now=row.fix_now_only)
    if state != ProblemStatus.REGISTERED:
        problem = problem_act(actor=unit, problem=problem, action=ProblemAction.START)
    if state in (ProblemStatus.CLAIMED, ProblemStatus.CLOSED):
        problem = problem_act(actor=unit, problem=problem, action=ProblemAction.CLAIM, files=[upload()])
    if state == ProblemStatus.CLOSED:
        problem = problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.CLOSE, note="现场核实")
    if row.action in (ProblemAction.APPROVE_EXTENSION, ProblemAction.REJECT_EXTENSION):
        problem = problem_act(actor=unit, problem=problem, action=ProblemAction.REQUEST_EXTENSION, note="资金未到位",
                              new_due_on=dt.date(2024, 1, 20))
    assert problem.status == state
    return problem


def _post(row: Transition, problem: Problem) -> dict[str, Any]:
    data: dict[str, Any] = {"version": problem.version, "note": "情况属实，写明理由"}
    if row.action == ProblemAction.REQUEST_EXTENSION:
        data["new_due_on"] = NEW_DUE.isoformat()
    if row.action == ProblemAction.CLAIM:
        data["files"] = [upload("整改完成照片.jpg")]
    return data


def _expected(row: Transition, role: str) -> bool:
    user_role = "office" if role == "village_office" else role
    if user_role not in roles_with(row.capability):
        return False
    return not (row.verifier and role in OWNERS_UNIT)


def _state(problem: Problem) -> tuple[Any, ...]:
    row = Problem.objects.get(pk=problem.pk)
    return (row.status, row.version, row.due_on, row.closed_by_id, row.claimed_by_id, row.relapse_count,
            TransitionRecord.objects.filter(problem=row).count(), Closure.objects.filter(problem=row).count(),
            tuple(Extension.objects.filter(problem=row).order_by("id").values_list("status", flat=True)),
            Evidence.objects.filter(problem=row).count())


@pytest.mark.parametrize("case", _cases(), ids=_id)
@pytest.mark.parametrize("role", ROLES)
def test_every_transition_through_the_page(role: str, case: tuple[int, str], client: Any, people: dict[str, Any],
                                           make_problem: Any) -> None:
    row, state = TRANSITIONS[case[0]], case[1]
    problem = _problem(row, state, make_problem, people)
    user = people[role]
    client.force_login(user)
    page = client.get(reverse("problems:problem", args=[problem.pk])).content.decode()
    url = reverse("problems:act", args=[problem.pk, row.action])
    allowed = _expected(row, role)
    assert (f'action="{url}"' in page) is allowed, "the page offers exactly the allowed actions"
    before = _state(problem)

    response = client.post(url, _post(row, problem))

    after = Problem.objects.get(pk=problem.pk)
    if allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert after.status == (row.target or state)
        last = TransitionRecord.objects.filter(problem=after).order_by("id").last()
        assert last is not None and (last.action, last.actor_id, last.at) == (row.action, user.pk, NOW)
        assert _state(problem)[6] == before[6] + 1
        if row.action == ProblemAction.REQUEST_EXTENSION:
            assert Extension.objects.get(problem=after, status=ExtensionStatus.PENDING).new_due_on == NEW_DUE
        if row.action in (ProblemAction.APPROVE_EXTENSION, ProblemAction.REJECT_EXTENSION):
            decided = Extension.objects.get(problem=after)
            assert decided.decided_by_id == user.pk and decided.status == (
                ExtensionStatus.APPROVED if row.action == ProblemAction.APPROVE_EXTENSION else ExtensionStatus.REJECTED)
        if row.action == ProblemAction.CLOSE:
            assert (after.closed_by_id, after.closed_at) == (user.pk, NOW)
            assert Closure.objects.get(problem=after).closed_by_id == user.pk
        if row.action == ProblemAction.CLAIM:
            assert after.claimed_by_id == user.pk
    else:
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="act-errors"' in html
        message = html.split('id="act-errors"')[1].split("</div>")[0].split("</strong>")[1]
        assert CJK.search(message), message
        assert _state(problem) == before, "a refused action changes nothing"


def test_the_matrix_covers_every_row_and_the_roles_it_names() -> None:
    assert len(_cases()) == sum(len(row.sources) for row in TRANSITIONS) >= len(ProblemAction.values) - 1
    assert {r for row in TRANSITIONS for r in roles_with(row.capability)} <= set(ROLES)
    assert roles_with(Capability.RECTIFY_PROBLEMS) <= set(ROLES)


@pytest.mark.parametrize("who", ["unit", "unit2", "village_office"])
def test_owner_cannot_close_own_problem_through_the_page(who: str, client: Any, people: dict[str, Any],
                                                         make_problem: Any) -> None:
    problem = problem_act(actor=people["unit"], problem=make_problem(), action=ProblemAction.START)
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM, files=[upload()])
    client.force_login(people[who])
    url = reverse("problems:act", args=[problem.pk, ProblemAction.CLOSE])
    assert url not in client.get(reverse("problems:problem", args=[problem.pk])).content.decode()
    response = client.post(url, {"version": problem.version, "note": "自己核验"})
    html = response.content.decode()
    assert response.status_code == 200 and "未能核验销号" in html
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.CLAIMED
    assert not Closure.objects.exists()


def test_the_office_that_claimed_cannot_close_it_either(client: Any, people: dict[str, Any],
                                                        make_problem: Any) -> None:
    problem = problem_act(actor=people["office"], problem=make_problem(), action=ProblemAction.START)
    problem = problem_act(actor=people["office"], problem=problem, action=ProblemAction.CLAIM, files=[upload()])
    client.force_login(people["office"])
    response = client.post(reverse("problems:act", args=[problem.pk, ProblemAction.CLOSE]),
                           {"version": problem.version})
    assert "申请销号的人不能核验自己申请的问题" in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.CLAIMED


def test_posted_data_cannot_set_the_closer_or_the_time(client: Any, people: dict[str, Any],
                                                       make_problem: Any) -> None:
    problem = problem_act(actor=people["unit"], problem=make_problem(), action=ProblemAction.START)
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM, files=[upload()])
    client.force_login(people["liaison"])
    response = client.post(reverse("problems:act", args=[problem.pk, ProblemAction.CLOSE]), {
        "version": problem.version, "note": "核实", "closed_by": people["office"].pk,
        "closed_by_id": people["office"].pk, "closed_at": "2023-09-01 08:00", "at": "2023-09-01 08:00",
        "actor": people["office"].pk,
        "actor_name": "别人", "on_time": "true", "user": people["office"].pk})
    assert response.status_code == 302
    problem.refresh_from_db()
    closure = Closure.objects.get(problem=problem)
    assert (problem.closed_by_id, problem.closed_at) == (people["liaison"].pk, NOW)
    assert (closure.closed_by_id, closure.closed_at, closure.closed_by_name) == (
        people["liaison"].pk, NOW, str(people["liaison"]))
    record = TransitionRecord.objects.filter(problem=problem).order_by("id").last()
    assert record is not None and (record.actor_id, record.at) == (people["liaison"].pk, NOW)


def test_a_stale_version_is_refused_through_the_page(client: Any, people: dict[str, Any], make_problem: Any) -> None:
    problem = make_problem()
    seen = problem.version
    problem_act(actor=people["unit2"], problem=problem, action=ProblemAction.START)
    client.force_login(people["unit"])
    response = client.post(reverse("problems:act", args=[problem.pk, ProblemAction.REQUEST_EXTENSION]), {
        "version": seen, "note": "资金未到位", "new_due_on": NEW_DUE.isoformat()})
    html = response.content.decode()
    assert "已被他人修改" in html and "资金未到位" in html
    assert not Extension.objects.exists()
