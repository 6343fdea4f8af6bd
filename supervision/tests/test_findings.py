"""Findings: what a visit found. One the unit must fix becomes a problem of its ledger through the problems
service (source 督导发现) and stays linked; a closed problem found again is reopened as a relapse (反弹)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from problems.models import Problem, TransitionRecord
from problems.services import problem_act
from problems.tests.conftest import upload
from supervision import services
from supervision.models import Finding


def test_a_finding_needs_the_visit_to_have_taken_place(make_visit, people):
    planned = make_visit(done=False, on=dt.date(2023, 10, 20))
    with pytest.raises(ValidationError) as err:
        services.finding_add(actor=people["liaison"], visit=planned, description="学习走过场", requirement="study")
    assert "活动开展后" in err.value.message_dict["visit"][0]
    assert not Finding.objects.exists()


def test_a_finding_may_be_at_a_unit_below_the_visited_one_but_not_elsewhere(make_visit, people, tree):
    visit = make_visit()
    finding = services.finding_add(actor=people["liaison"], visit=visit, description="支部学习流于形式",
                                   requirement="study", organization=tree.village_a)
    assert finding.org_path == tree.village_a.path
    with pytest.raises((ValidationError, PermissionDenied)):
        services.finding_add(actor=people["office"], visit=visit, description="x", requirement="study",
                             organization=tree.village_b)


def test_a_finding_becomes_a_problem_through_the_problems_service(make_finding, people, tree):
    finding = make_finding()
    problem = services.finding_raise_problem(actor=people["liaison"], finding=finding, category="style",
                                             severity="serious", steps=[{"measure": "重新组织专题研讨"}])
    finding.refresh_from_db()
    assert finding.problem == problem
    problem = Problem.objects.get(pk=problem.pk)
    assert problem.source == "visit" and problem.status == "registered"
    assert problem.organization == tree.county_a and problem.description == finding.description
    assert problem.created_by == people["liaison"] and problem.step_count == 1
    # Registered like every problem: on its timeline, with the due date the service computes.
    assert TransitionRecord.objects.filter(problem=problem, action="register").exists()
    assert problem.due_on == dt.date(2023, 12, 9)  # 60 days for 较重
    assert list(problem.findings.all()) == [finding]


def test_a_finding_goes_into_the_ledger_only_once(make_finding, people):
    finding = make_finding()
    services.finding_raise_problem(actor=people["liaison"], finding=finding, category="style")
    with pytest.raises(ValidationError) as err:
        services.finding_raise_problem(actor=people["liaison"], finding=finding, category="style")
    assert "已列入问题清单" in err.value.message_dict["finding"][0]
    assert Problem.objects.count() == 1


def test_guidance_only_findings_do_not_become_problems(make_finding, people):
    finding = make_finding(needs_fix=False)
    with pytest.raises(ValidationError):
        services.finding_raise_problem(actor=people["liaison"], finding=finding, category="style")
    assert not Problem.objects.exists()


def test_a_bad_problem_field_leaves_no_problem_and_no_link(make_finding, people):
    finding = make_finding()
    with pytest.raises(ValidationError) as err:
        services.finding_raise_problem(actor=people["liaison"], finding=finding, category="nonsense")
    assert "category" in err.value.message_dict
    finding.refresh_from_db()
    assert finding.problem is None and not Problem.objects.exists()


def test_another_group_cannot_file_or_see_the_finding(make_finding, people):
    finding = make_finding()
    with pytest.raises(PermissionDenied):
        services.finding_raise_problem(actor=people["liaison_b"], finding=finding, category="style")
    with pytest.raises(PermissionDenied):
        services.finding_update(actor=people["liaison_b"], finding=finding, description="改", requirement="study")
    assert not Problem.objects.exists()


def test_units_cannot_file_findings(make_finding, people):
    finding = make_finding()
    with pytest.raises(PermissionDenied):
        services.finding_raise_problem(actor=people["unit"], finding=finding, category="style")


def _closed_problem(make_problem, people, tree):
    problem = make_problem(org=tree.village_a, by=people["unit"], source="self", category="service")
    problem = problem_act(actor=people["unit"], problem=problem, action="start")
    problem = problem_act(actor=people["unit"], problem=problem, action="claim", files=[upload()])
    return problem_act(actor=people["county_office"], problem=problem, action="close", note="核验属实")


def test_a_closed_problem_found_again_is_reopened_as_a_relapse(make_finding, make_problem, people, tree):
    problem = _closed_problem(make_problem, people, tree)
    finding = make_finding(organization=tree.village_a, description="村务公开栏又长期未更新")
    services.finding_reopen_problem(actor=people["liaison"], finding=finding, problem=problem)
    problem.refresh_from_db()
    finding.refresh_from_db()
    assert problem.status == "in_progress" and problem.relapsed and problem.relapse_count == 1
    assert finding.problem == problem and finding.is_relapse
    record = problem.timeline.get(action="reopen")
    assert record.actor == people["liaison"] and "村务公开栏又长期未更新" in record.note


def test_only_a_closed_problem_of_that_unit_can_be_reopened(make_finding, make_problem, people, tree):
    open_problem = make_problem(org=tree.village_a, by=people["unit"])
    finding = make_finding(organization=tree.village_a)
    with pytest.raises(ValidationError) as err:
        services.finding_reopen_problem(actor=people["liaison"], finding=finding, problem=open_problem)
    assert "尚未销号" in err.value.message_dict["problem"][0]
    elsewhere = make_finding(organization=tree.township_a)
    closed = _closed_problem(make_problem, people, tree)
    other = make_finding(organization=tree.county_a)
    services.finding_reopen_problem(actor=people["liaison"], finding=other, problem=closed)  # county A covers A1a
    closed.refresh_from_db()
    assert closed.status == "in_progress"
    with pytest.raises(ValidationError):
        services.finding_reopen_problem(actor=people["liaison"], finding=elsewhere, problem=make_problem(
            org=tree.village_a, by=people["unit"]))


def test_a_filed_finding_can_no_longer_be_edited_or_deleted(make_finding, people):
    finding = make_finding()
    services.finding_raise_problem(actor=people["liaison"], finding=finding, category="style")
    with pytest.raises(ValidationError):
        services.finding_update(actor=people["liaison"], finding=finding, description="改写", requirement="study")
    with pytest.raises(ValidationError):
        services.finding_delete(actor=people["liaison"], finding=finding)
    assert Finding.objects.get(pk=finding.pk).description != "改写"


def test_an_unfiled_finding_can_be_corrected_and_deleted(make_finding, people):
    finding = make_finding()
    services.finding_update(actor=people["liaison"], finding=finding, description="研讨发言空泛",
                            requirement="research", needs_fix=False)
    finding.refresh_from_db()
    assert (finding.description, finding.requirement, finding.needs_fix) == ("研讨发言空泛", "research", False)
    services.finding_delete(actor=people["liaison"], finding=finding)
    assert not Finding.objects.exists()
