"""Rules tightened after review: who may act and decide, proposals that stay put, what units see in counts,
dates within the campaign, and the letter's words."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.actors import SystemActor
from campaigns.models import LiaisonMembership
from core.models import Notification
from supervision import selectors, services
from supervision.models import Action

REMIND = SystemActor("remind")  # the daily job, which refreshes the ladder's proposals


def test_a_liaison_in_no_group_reads_but_does_not_act(people, tree):
    LiaisonMembership.objects.filter(user=people["liaison_b"]).delete()  # now in no group: the whole county B
    with pytest.raises(PermissionDenied):
        services.action_record(actor=people["liaison_b"], organization=tree.county_b, level="point_out", reason="x")
    with pytest.raises(PermissionDenied):
        services.action_propose(actor=people["liaison_b"], organization=tree.county_b, level="point_out", reason="x")
    assert not Action.objects.exists()


def test_a_county_office_does_not_decide_for_the_city(people, tree):
    proposal = services.action_propose(actor=people["liaison"], organization=tree.county_a, level="point_out",
                                       reason="学习不深入")
    with pytest.raises(PermissionDenied):
        services.action_decide(actor=people["county_office"], action=proposal)
    with pytest.raises(PermissionDenied):
        services.action_dismiss(actor=people["county_office"], action=proposal, note="不同意")
    with pytest.raises(PermissionDenied):
        services.action_record(actor=people["county_office"], organization=tree.village_a, level="discipline",
                               reason="x", skip_reason="严重")
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_every_decided_action_has_a_follow_up_date(people, tree):
    action = services.action_record(actor=people["liaison"], organization=tree.county_a, level="point_out",
                                    reason="落实不到位")
    assert action.follow_up_on == dt.date(2023, 10, 24)


def test_someone_elses_proposal_is_not_replaced(people, tree):
    first = services.action_propose(actor=people["office"], organization=tree.county_a, level="point_out",
                                    reason="教育办提出")
    with pytest.raises(ValidationError) as err:
        services.action_propose(actor=people["liaison"], organization=tree.county_a, level="correct", reason="再提")
    assert "已提出处置建议" in err.value.message_dict["organization"][0]
    assert Action.objects.get(status="proposed") == first


def test_a_proposal_stays_put_from_day_to_day(people, tree, make_visit, make_finding, campaign, frozen_clock):
    make_finding(visit=make_visit(on=dt.date(2023, 9, 20)), requirement="research")
    make_finding(visit=make_visit(on=dt.date(2023, 10, 9)), requirement="research")
    assert services.action_proposals_refresh(actor=REMIND, campaign=campaign) == 1
    proposal = Action.objects.get(status="proposed")
    snapshot = (proposal.reason, sorted(proposal.findings.values_list("pk", flat=True)))
    for day in (11, 12, 13):
        frozen_clock.move_to(dt.datetime(2023, 10, day, 8, 0))
        assert services.action_proposals_refresh(actor=REMIND, campaign=campaign) == 0
        proposal.refresh_from_db()
        assert (proposal.reason, sorted(proposal.findings.values_list("pk", flat=True))) == snapshot


def test_a_dismissed_proposal_is_not_proposed_again_on_the_same_grounds(people, tree, make_visit, make_finding,
                                                                        make_problem, campaign, frozen_clock):
    make_finding(visit=make_visit(on=dt.date(2023, 9, 20)), requirement="research")
    make_finding(visit=make_visit(on=dt.date(2023, 10, 9)), requirement="research")
    for _ in range(3):
        make_problem(org=tree.village_a, by=people["unit"], deadline=dt.date(2023, 10, 20))
    frozen_clock.move_to(dt.datetime(2023, 11, 20, 9, 0))
    assert services.action_proposals_refresh(actor=REMIND, campaign=campaign) == 1
    services.action_dismiss(actor=people["office"], action=Action.objects.get(status="proposed"), note="已当面指出")
    assert services.action_proposals_refresh(actor=REMIND, campaign=campaign, today=dt.date(2023, 11, 21)) == 0
    # A month on, problems still overdue: proposed again.
    assert services.action_proposals_refresh(actor=REMIND, campaign=campaign, today=dt.date(2023, 12, 21)) == 1


def test_proposals_reach_only_the_units_citys_office(people, tree, users):
    from accounts.actors import SETUP
    from administration.services import user_create
    from conftest import PASSWORD
    from orgs.services import org_create

    d = org_create(actor=SETUP, parent=None, code="D", name="邻市市委", kind="committee", sector="organ", tier="city")
    other_office = user_create(actor=SETUP, username="office_d", role="office", organization=d, password=PASSWORD)
    proposal = services.action_propose(actor=people["liaison"], organization=tree.county_a, level="point_out",
                                       reason="学习不深入")
    keys = f"supervision-proposal-{proposal.pk}"
    assert Notification.objects.filter(user=people["office"], key=keys).exists()
    assert not Notification.objects.filter(user=other_office, key=keys).exists()


def test_a_unit_sees_no_plans_or_proposals_in_the_groups_counts(people, tree, make_visit):
    make_visit(done=False, org=tree.village_a, on=dt.date(2023, 10, 20))
    services.action_propose(actor=people["liaison"], organization=tree.village_a, level="point_out", reason="x")
    liaison_row = selectors.unit_rows(people["group_a"], actor=people["liaison"])[0]
    assert (liaison_row.planned_visits, liaison_row.proposals) == (1, 1)
    # The unit's own jurisdiction is below the group's unit: it gets no row at all, and no counts of plans.
    assert selectors.unit_rows(people["group_a"], actor=people["unit"]) == []


def test_the_workspace_counts_take_the_same_queries_for_one_unit_or_many(people, tree, make_finding, campaign,
                                                                         django_assert_max_num_queries):
    from campaigns.models import LiaisonAssignment

    make_finding()
    with django_assert_max_num_queries(20) as one:
        selectors.unit_rows(people["group_a"], actor=people["office"])
    LiaisonAssignment.objects.filter(group=people["group_b"]).update(group=people["group_a"])
    with django_assert_max_num_queries(len(one.captured_queries)):
        rows = selectors.unit_rows(people["group_a"], actor=people["office"])
    assert [r.organization for r in rows] == [tree.county_a, tree.county_b]
    assert rows[0].findings == 1 and rows[1].findings == 0


def test_visits_lie_within_the_campaign(people, tree, method, campaign):
    with pytest.raises(ValidationError) as err:
        services.visit_plan(actor=people["liaison"], group=people["group_a"], organization=tree.county_a,
                            method=method, subject="个别访谈", planned_on=dt.date(2024, 3, 1))
    assert "不能晚于主题教育结束日期" in err.value.message_dict["planned_on"][0]


def test_a_logged_visit_reports_every_error_under_its_own_fields(people, tree, method):
    with pytest.raises(ValidationError) as err:
        services.visit_log(actor=people["liaison"], group=people["group_a"], organization=tree.county_a,
                           method=method, subject="", visited_on=None, summary="")
    errors = err.value.message_dict
    assert errors["visited_on"] == ["请填写开展日期"] and "summary" in errors
    assert "subject" not in errors  # left blank, it is the method and the unit
    assert "planned_on" not in errors


def test_no_attachments_on_a_cancelled_visit(people, make_visit):
    from problems.tests.conftest import upload

    visit = services.visit_cancel(actor=people["liaison"], visit=make_visit(done=False, on=dt.date(2023, 10, 20)),
                                  reason="改期")
    with pytest.raises(ValidationError):
        services.attachment_add(actor=people["liaison"], visit=visit, file=upload())


def test_guidance_findings_and_other_campaigns_problems_are_not_reopened(people, tree, make_finding, make_problem):
    from problems.models import Problem

    problem = make_problem(by=people["unit"])
    Problem.objects.filter(pk=problem.pk).update(status="closed")
    problem.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        services.finding_reopen_problem(actor=people["liaison"], finding=make_finding(needs_fix=False),
                                        problem=problem)
    assert "指导意见" in err.value.message_dict["finding"][0]


def test_the_letter_recommends_organizational_handling_and_says_先后_only_for_several_visits(
        people, tree, make_visit, make_finding):
    finding = make_finding(visit=make_visit(on=dt.date(2023, 10, 9)))
    services.action_record(actor=people["liaison"], organization=tree.county_a, level="point_out", reason="a")
    services.action_record(actor=people["liaison"], organization=tree.county_a, level="correct", reason="b")
    services.action_record(actor=people["office"], organization=tree.county_a, level="criticise", reason="c")
    discipline = services.action_record(actor=people["office"], organization=tree.county_a, level="discipline",
                                        reason="走形变样")
    letter = services.letter_create(actor=people["liaison"], group=people["group_a"], organization=tree.county_a,
                                    findings=[finding], actions=[discipline])
    assert "对城关区委建议领导小组给予组织处理：走形变样" in letter.body
    assert "先后" not in letter.body and "根据示范市委主题教育领导小组部署" in letter.body


def test_a_proposal_of_organizational_handling_reads_as_a_recommendation(people, tree, make_problem, campaign):
    for level in ("point_out", "correct", "criticise"):
        services.action_record(actor=people["office"], organization=tree.county_a, level=level, reason="屡次未改")
    for _ in range(3):
        make_problem(org=tree.village_a, by=people["unit"], deadline=dt.date(2023, 10, 20))
    assert services.action_proposals_refresh(actor=REMIND, campaign=campaign, today=dt.date(2023, 12, 31)) == 1
    proposal = Action.objects.get(status="proposed")
    assert proposal.level == "discipline"
    assert proposal.reason.endswith("，建议领导小组给予组织处理。") and "建议建议" not in proposal.reason


def test_a_system_proposal_is_withdrawn_once_its_step_is_taken(people, tree, make_visit, make_finding, campaign):
    a = make_finding(visit=make_visit(on=dt.date(2023, 9, 20)), requirement="research")
    b = make_finding(visit=make_visit(on=dt.date(2023, 10, 9)), requirement="research")
    assert services.action_proposals_refresh(actor=REMIND, campaign=campaign) == 1
    services.action_record(actor=people["liaison"], organization=tree.county_a, level="point_out", reason="已当面指出",
                           findings=[a, b])
    assert not Action.objects.filter(status="proposed").exists()
    assert services.action_proposals_refresh(actor=REMIND, campaign=campaign) == 0


def test_a_system_proposal_whose_grounds_are_gone_is_withdrawn(people, tree, make_problem, campaign):
    problems = [make_problem(org=tree.village_a, by=people["unit"], deadline=dt.date(2023, 10, 20))
                for _ in range(3)]
    assert services.action_proposals_refresh(actor=REMIND, campaign=campaign, today=dt.date(2023, 11, 20)) == 1
    from problems.models import Problem

    Problem.objects.filter(pk=problems[0].pk).update(due_on=dt.date(2023, 12, 31))  # e.g. an approved extension
    assert services.action_proposals_refresh(actor=REMIND, campaign=campaign, today=dt.date(2023, 11, 21)) == 0
    assert not Action.objects.filter(status="proposed").exists()


def test_a_person_without_a_group_gets_no_action_form(client, people, tree):
    from django.urls import reverse

    client.force_login(people["county_office"])
    assert client.get(reverse("supervision:action_new") + "?org=A1a").status_code == 404
    client.force_login(people["liaison"])
    assert client.get(reverse("supervision:action_new") + "?org=A1a").status_code == 200


def test_a_unit_is_not_told_of_proposals_resting_on_its_findings(client, people, tree, make_finding):
    finding = make_finding(organization=tree.village_a)
    services.action_record(actor=people["liaison"], organization=tree.village_a, level="point_out", reason="a",
                           findings=[finding])
    proposal = services.action_propose(actor=people["liaison"], organization=tree.village_a, level="correct",
                                       reason="b", findings=[finding])
    client.force_login(people["unit"])
    ids = client.get(f"/api/v1/supervision/findings/{finding.pk}").json()["action_ids"]
    assert proposal.pk not in ids and len(ids) == 1
