"""The ledger's predicates (problems.permissions) ask capabilities, and give each role the answer the role sets
gave before: the owner side is the unit and the office, the verifiers the office and the liaison groups, the
raisers all three; a liaison member registers only 督导发现, a unit any other source, the office any."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.actors import SystemActor
from accounts.permissions import Capability, roles_with
from problems import permissions
from problems.choices import TRANSITIONS, ProblemAction, Source
from problems.services import problem_act
from problems.tests.conftest import upload

pytestmark = pytest.mark.django_db

ALL_SOURCES = ["self", "masses", "collective", "superior", "visit"]


def test_who_takes_each_row_of_the_transition_table() -> None:
    rectifiers = {ProblemAction.START, ProblemAction.CLAIM, ProblemAction.REQUEST_EXTENSION}
    for row in TRANSITIONS:
        expected = {"unit", "office"} if row.action in rectifiers else {"office", "liaison"}
        assert roles_with(row.capability) == expected, row.action
        assert row.verifier == (row.capability == Capability.VERIFY_PROBLEMS), row.action


@pytest.mark.parametrize(("role", "raises", "edits", "sources"), [
    ("office", True, True, ALL_SOURCES),
    ("liaison", True, False, ["visit"]),
    ("unit", True, True, ["self", "masses", "collective", "superior"]),
    ("leader", False, False, []),
    ("sysadmin", False, False, []),
])
def test_raising_editing_and_sources_by_role(role: str, raises: bool, edits: bool, sources: list[str],
                                             people: dict[str, Any], tree: Any) -> None:
    user = people[role]
    assert permissions.can_raise_problem(user) is raises
    assert permissions.can_raise_problem(user, tree.village_a) is (raises and role != "sysadmin")
    assert permissions.can_edit_problem(user) is edits
    assert permissions.can_import_problems(user) is edits
    assert permissions.raisable_sources(user) == sources


def test_a_liaison_member_is_told_to_register_what_supervision_found(people: dict[str, Any]) -> None:
    assert permissions.source_refusal(people["liaison"], Source.SELF) == "联络组登记的问题来源应为“督导发现”"
    assert permissions.source_refusal(people["liaison"], Source.VISIT) is None
    refusal = permissions.source_refusal(people["unit"], Source.VISIT)
    assert refusal is not None and "自己找、群众提、集体议、上级点" in refusal
    assert permissions.source_refusal(people["office"], Source.VISIT) is None


def test_the_owner_side_never_verifies(people: dict[str, Any], make_problem: Any) -> None:
    problem = problem_act(actor=people["unit"], problem=make_problem(), action=ProblemAction.START)
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM, files=[upload()])
    assert permissions.can_verify_problem(people["liaison"], problem)
    assert permissions.can_verify_problem(people["office"], problem)
    for who in ("unit", "unit2", "village_office", "leader", "liaison_b"):
        assert not permissions.can_verify_problem(people[who], problem), who
    assert permissions.owner_refusal(people["unit2"], problem) == "整改责任单位的人员不能核验本单位的问题"


def test_strangers_and_system_actors(people: dict[str, Any], make_problem: Any) -> None:
    problem = make_problem()
    stranger = AnonymousUser()
    assert not permissions.can_view_problem(stranger, problem)
    assert not permissions.can_raise_problem(stranger)
    assert permissions.raisable_sources(stranger) == []
    demo = SystemActor("demo")
    assert permissions.can_view_problem(demo, problem)
    assert permissions.raisable_sources(demo) == ALL_SOURCES
    assert permissions.owner_refusal(demo, problem) is None


def test_special_campaigns_and_the_liaison_group_filter(people: dict[str, Any]) -> None:
    assert permissions.can_manage_special_campaign(people["office"])
    assert not permissions.can_manage_special_campaign(people["county_office"])
    assert permissions.can_filter_by_liaison_group(people["county_office"])
    assert not permissions.can_filter_by_liaison_group(people["liaison"])
    assert permissions.sees_group_units_only(people["liaison"])
    assert not permissions.sees_group_units_only(people["unit"])
