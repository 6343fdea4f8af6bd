"""The lifecycle through `problems.services` — the rules every path (page, API, import) inherits."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.actors import SETUP
from problems.choices import ProblemAction, ProblemStatus
from problems.models import Closure, Evidence, Problem, TransitionRecord
from problems.services import evidence_add, problem_act, problem_update, step_add, step_done
from problems.tests.conftest import TODAY, upload

pytestmark = pytest.mark.django_db


def _claimed(make_problem: Any, people: dict[str, Any]) -> Problem:
    problem = make_problem()
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.START)
    return problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM, files=[upload()])


def test_registration_sets_due_date_and_timeline(make_problem: Any) -> None:
    problem = make_problem(severity="grave")
    assert problem.status == ProblemStatus.REGISTERED
    assert problem.registered_on == TODAY
    assert (problem.due_on - TODAY).days == 30
    assert problem.number == f"WT{problem.pk:07d}"
    assert list(problem.timeline.values_list("action", flat=True)) == [ProblemAction.REGISTER]


def test_claim_then_liaison_closes(make_problem: Any, people: dict[str, Any]) -> None:
    problem = _claimed(make_problem, people)
    problem = problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.CLOSE, note="现场核实已整改")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
    assert problem.closed_by == people["liaison"]
    assert problem.closed_on_time is True
    closure = Closure.objects.get(problem=problem)
    assert closure.evidence[0]["sha256"] == Evidence.objects.get(problem=problem).sha256
    assert Evidence.objects.get(problem=problem).frozen
    assert [t.action for t in TransitionRecord.objects.filter(problem=problem)] == [
        ProblemAction.REGISTER, ProblemAction.START, ProblemAction.CLAIM, ProblemAction.CLOSE]


@pytest.mark.parametrize("who", ["unit", "unit2", "village_office"])
def test_owner_cannot_close_own_problem(make_problem: Any, people: dict[str, Any], who: str) -> None:
    problem = _claimed(make_problem, people)
    with pytest.raises(ValidationError):
        problem_act(actor=people[who], problem=problem, action=ProblemAction.CLOSE, note="现场核实")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLAIMED
    assert not Closure.objects.exists()


def test_claim_needs_evidence(make_problem: Any, people: dict[str, Any]) -> None:
    problem = problem_act(actor=people["unit"], problem=make_problem(), action=ProblemAction.START)
    with pytest.raises(ValidationError) as exc:
        problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM)
    assert "佐证材料" in str(exc.value)
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.IN_PROGRESS


def test_fix_now_claims_straight_from_registration_but_is_still_verified(make_problem: Any,
                                                                         people: dict[str, Any]) -> None:
    problem = make_problem(fix_now=True)
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM, files=[upload()])
    assert problem.status == ProblemStatus.CLAIMED
    with pytest.raises(ValidationError):
        problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLOSE, note="现场核实")
    problem = problem_act(actor=people["office"], problem=problem, action=ProblemAction.CLOSE, note="现场核实")
    assert problem.status == ProblemStatus.CLOSED


def test_claim_waits_for_every_step(make_problem: Any, people: dict[str, Any]) -> None:
    problem = problem_act(actor=people["unit"], problem=make_problem(), action=ProblemAction.START)
    step = step_add(actor=people["unit"], problem=problem, measure="建立村务公开栏")
    with pytest.raises(ValidationError) as exc:
        problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM, files=[upload()])
    assert "1项整改措施未完成" in str(exc.value)
    step_done(actor=people["unit"], step=step, done_note="公开栏已建成", files=[upload()])
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM)
    assert problem.status == ProblemStatus.CLAIMED
    assert problem.progress == 100


def test_return_needs_a_reason_and_goes_back_to_rectification(make_problem: Any, people: dict[str, Any]) -> None:
    problem = _claimed(make_problem, people)
    with pytest.raises(ValidationError):
        problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.RETURN)
    problem = problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.RETURN, note="材料不足")
    assert problem.status == ProblemStatus.IN_PROGRESS
    assert problem.claimed_by is None


def test_closed_problem_is_read_only_and_reopens_as_relapse(make_problem: Any, people: dict[str, Any]) -> None:
    problem = problem_act(actor=people["liaison"], problem=_claimed(make_problem, people), action=ProblemAction.CLOSE,
                          note="现场核实")
    with pytest.raises(ValidationError):
        problem_update(actor=people["unit"], problem=problem, version=problem.version, description="改写")
    with pytest.raises(ValidationError):
        evidence_add(actor=people["unit"], problem=problem, file=upload())
    problem = problem_act(actor=people["office"], problem=problem, action=ProblemAction.REOPEN, note="回访发现问题反弹")
    assert problem.status == ProblemStatus.IN_PROGRESS
    assert problem.relapsed and problem.relapse_count == 1
    assert Closure.objects.filter(problem=problem).count() == 1  # the old closure stays


def test_stale_version_is_refused(make_problem: Any, people: dict[str, Any]) -> None:
    problem = make_problem()
    seen = problem.version
    problem_update(actor=people["unit"], problem=problem, version=seen, cause="制度不健全")
    with pytest.raises(ValidationError) as exc:
        problem_update(actor=people["unit2"], problem=problem, version=seen, cause="另一个人的改动")
    assert "已被他人修改" in str(exc.value)
    assert Problem.objects.get(pk=problem.pk).cause == "制度不健全"


def test_extension_is_approved_by_someone_else_and_counted(make_problem: Any, people: dict[str, Any]) -> None:
    import datetime as dt

    problem = make_problem(severity="grave")
    new_due = problem.due_on + dt.timedelta(days=30)
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.REQUEST_EXTENSION,
                          note="需协调资金", new_due_on=new_due)
    with pytest.raises(ValidationError):
        problem_act(actor=people["unit2"], problem=problem, action=ProblemAction.APPROVE_EXTENSION)
    problem = problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.APPROVE_EXTENSION)
    assert problem.due_on == new_due and problem.extension_count == 1


def test_leader_and_outside_liaison_cannot_act(make_problem: Any, people: dict[str, Any]) -> None:
    problem = _claimed(make_problem, people)
    with pytest.raises(ValidationError):
        problem_act(actor=people["leader"], problem=problem, action=ProblemAction.CLOSE, note="现场核实")
    with pytest.raises(PermissionDenied):
        problem_act(actor=people["liaison_b"], problem=problem, action=ProblemAction.CLOSE, note="现场核实")
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.CLAIMED


def test_tampered_evidence_blocks_closure(make_problem: Any, people: dict[str, Any]) -> None:
    problem = _claimed(make_problem, people)
    evidence = Evidence.objects.get(problem=problem)
    with open(evidence.file.path, "ab") as fh:
        fh.write(b"changed")
    with pytest.raises(ValidationError) as exc:
        problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.CLOSE, note="现场核实")
    assert "校验值不符" in str(exc.value)


def test_subtree_move_carries_problem_paths(make_problem: Any, tree: Any) -> None:
    from orgs.services import org_move

    problem = make_problem()
    org_move(actor=SETUP, org=tree.township_a, new_parent=tree.county_b)
    problem.refresh_from_db()
    tree.village_a.refresh_from_db()
    assert problem.org_path == tree.village_a.path


def test_a_verifier_cannot_bring_evidence_and_then_close_on_it(make_problem: Any, people: dict[str, Any],
                                                               frozen_clock: Any) -> None:
    import datetime as dt

    problem = problem_act(actor=people["unit"], problem=make_problem(severity="grave"), action=ProblemAction.START)
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.REQUEST_EXTENSION,
                          note="资金未到位", new_due_on=problem.due_on + dt.timedelta(days=5))
    with pytest.raises(ValidationError) as exc:
        problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.APPROVE_EXTENSION, files=[upload()])
    assert "佐证材料只能由整改单位" in str(exc.value)
    assert not Evidence.objects.exists()
    # An office account that uploaded the evidence is no verifier of it either.
    evidence_add(actor=people["office"], problem=problem, file=upload())
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM)
    with pytest.raises(ValidationError) as exc:
        problem_act(actor=people["office"], problem=problem, action=ProblemAction.CLOSE, note="现场核实")
    assert "上传佐证材料的人不能核验" in str(exc.value)


def test_a_stale_extension_cannot_be_approved_and_a_claim_withdraws_a_pending_one(
        make_problem: Any, people: dict[str, Any], frozen_clock: Any) -> None:
    import datetime as dt

    from problems.models import Extension

    problem = make_problem(deadline=TODAY + dt.timedelta(days=2))
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.REQUEST_EXTENSION, note="需协调",
                          new_due_on=TODAY + dt.timedelta(days=5))
    frozen_clock.shift(dt.timedelta(days=10))  # the requested date has passed meanwhile
    with pytest.raises(ValidationError) as exc:
        problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.APPROVE_EXTENSION)
    assert "不能批准" in str(exc.value)
    assert Problem.objects.get(pk=problem.pk).due_on == TODAY + dt.timedelta(days=2)
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.START)
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM, files=[upload()])
    assert Extension.objects.get(problem=problem).status == "rejected"  # lapsed with the claim


def test_source_is_fixed_and_an_overdue_due_date_moves_only_by_extension(make_problem: Any, people: dict[str, Any],
                                                                         frozen_clock: Any) -> None:
    import datetime as dt

    problem = make_problem(source="masses", deadline=TODAY + dt.timedelta(days=3))
    with pytest.raises(ValidationError) as exc:
        problem_update(actor=people["unit"], problem=problem, version=problem.version, source="self")
    assert "问题来源登记后不能修改" in str(exc.value)
    # While registered and not overdue, a corrected deadline is allowed — and shows on the timeline.
    problem = problem_update(actor=people["unit"], problem=problem, version=problem.version,
                             deadline=TODAY + dt.timedelta(days=6))
    last = problem.timeline.last()
    assert last is not None and "修改完成时限" in last.note
    frozen_clock.shift(dt.timedelta(days=8))
    with pytest.raises(ValidationError) as exc:
        problem_update(actor=people["unit"], problem=problem, version=problem.version,
                       deadline=TODAY + dt.timedelta(days=60))
    assert "请申请延期" in str(exc.value)
    with pytest.raises(ValidationError):
        problem_update(actor=people["unit"], problem=problem, version=problem.version, fix_now=True)
    assert Problem.objects.get(pk=problem.pk).due_on == TODAY + dt.timedelta(days=6)


def test_control_characters_are_not_stored(make_problem: Any) -> None:
    with pytest.raises(ValidationError):
        make_problem(description="\x01\x02")
    problem = make_problem(description="村务\x07公开\n不及时")
    assert problem.description == "村务公开\n不及时"


def test_on_time_is_judged_by_the_claim_not_the_verification(make_problem: Any, people: dict[str, Any],
                                                             frozen_clock: Any) -> None:
    import datetime as dt

    problem = make_problem(fix_now=True)  # due in 7 days
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM, files=[upload()])
    frozen_clock.shift(dt.timedelta(days=20))  # the verifier comes late
    problem = problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.CLOSE, note="现场核实")
    assert problem.closed_on_time is True
