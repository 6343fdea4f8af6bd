"""Guidance, not substitution (不越位、不包办): liaison users comment, find and verify; they never edit a unit's
own records. And a liaison user sees exactly the units assigned to their group."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import PASSWORD
from measures.permissions import can_record_measures
from problems.models import Problem
from problems.services import problem_act, problem_update, step_add
from problems.tests.conftest import upload
from supervision import permissions, selectors
from supervision.models import Action, FeedbackLetter, Finding, Visit


def test_liaison_cannot_edit_a_units_problem_or_its_steps(make_problem, people):
    problem = make_problem(by=people["unit"])
    with pytest.raises(PermissionDenied):
        problem_update(actor=people["liaison"], problem=problem, version=problem.version, description="联络组改写")
    with pytest.raises(PermissionDenied):
        step_add(actor=people["liaison"], problem=problem, measure="联络组代拟措施")
    problem.refresh_from_db()
    assert problem.description != "联络组改写" and problem.step_count == 0


def test_liaison_cannot_record_a_units_measures(people, tree):
    assert not can_record_measures(people["liaison"], tree.village_a)
    assert can_record_measures(people["unit"], tree.village_a)


def test_liaison_edit_pages_of_unit_records_are_refused(client, make_problem, people, tree):
    problem = make_problem(by=people["unit"])
    client.login(username="liaison", password=PASSWORD)
    response = client.post(reverse("problems:edit", args=[problem.pk]),
                           {"description": "联络组改写", "version": problem.version})
    assert response.status_code in (403, 404)
    assert Problem.objects.get(pk=problem.pk).description != "联络组改写"
    response = client.post(reverse("measures:study_new", args=[tree.village_a.code]),
                           {"topic": "联络组代录", "kind": "group_study", "held_on": "2023-10-09"})
    assert response.status_code in (403, 404)
    from measures.models import StudySession
    assert not StudySession.objects.exists()


def test_liaison_verifies_a_units_rectification(make_problem, people):
    problem = make_problem(by=people["unit"])
    problem = problem_act(actor=people["unit"], problem=problem, action="start")
    problem = problem_act(actor=people["unit"], problem=problem, action="claim", files=[upload()])
    problem = problem_act(actor=people["liaison"], problem=problem, action="close", note="现场核验属实")
    assert problem.status == "closed" and problem.closed_by == people["liaison"]


def test_a_liaison_user_sees_exactly_the_units_of_their_group(make_visit, make_finding, people, tree, method):
    from supervision.services import action_record, visit_plan

    mine = make_finding()
    theirs_visit = visit_plan(actor=people["liaison_b"], group=people["group_b"], organization=tree.county_b,
                              method=method, subject="个别访谈", planned_on=dt.date(2023, 10, 12))
    action_record(actor=people["liaison_b"], organization=tree.county_b, level="point_out", reason="学习不深入")
    assert list(Visit.objects.visible_to(people["liaison"])) == [mine.visit]
    assert list(Finding.objects.visible_to(people["liaison"])) == [mine]
    assert not Action.objects.visible_to(people["liaison"]).exists()
    assert list(Visit.objects.visible_to(people["liaison_b"])) == [theirs_visit]
    assert not Finding.objects.visible_to(people["liaison_b"]).exists()
    assert Action.objects.visible_to(people["liaison_b"]).count() == 1
    assert [g.name for g in selectors.groups_for(people["liaison"])] == ["第一联络组"]
    assert {r.organization for r in selectors.unit_rows(people["group_a"], actor=people["liaison"])} == {tree.county_a}


def test_a_unit_sees_what_was_done_and_decided_about_it_not_the_groups_plans(make_visit, make_finding, people, tree):
    from supervision.services import action_propose, action_record, letter_create

    planned = make_visit(done=False, org=tree.village_a, on=dt.date(2023, 10, 20))
    finding = make_finding(organization=tree.village_a)
    done = finding.visit
    decided = action_record(actor=people["liaison"], organization=tree.village_a, level="point_out",
                            reason="公开不及时")
    proposal = action_propose(actor=people["liaison"], organization=tree.county_a, level="point_out", reason="x")
    draft = letter_create(actor=people["liaison"], group=people["group_a"], organization=tree.county_a,
                          findings=[finding])
    unit = people["unit"]
    visits = set(Visit.objects.visible_to(unit))
    assert planned not in visits
    # The visit to county A is above the village: the unit sees only what is at its own subtree.
    assert done not in visits and list(Finding.objects.visible_to(unit)) == [finding]
    assert list(Action.objects.visible_to(unit)) == [decided] and proposal not in Action.objects.visible_to(unit)
    assert draft not in FeedbackLetter.objects.visible_to(unit)


def test_the_three_administrators_read_no_supervision(people, users):
    for role in ("sysadmin", "secadmin", "auditor"):
        assert not permissions.can_read_supervision(users[role])
        assert not selectors.groups_for(users[role]).exists()
