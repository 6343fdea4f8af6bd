"""The escalation ladder (二.5): 指出促改 → 纠正 → 严肃批评 → 组织处理. Each step has its reason, findings, who
decided, a follow-up date and a result; skipping a rung needs a written reason; the system proposes the next step
when findings repeat or problems stay overdue, and the office decides."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.actors import SETUP, SystemActor
from core.models import Notification
from supervision import services
from supervision.choices import LADDER
from supervision.models import Action

REMIND = SystemActor("remind")  # the daily job, which refreshes the ladder's proposals


def _record(user, org, level, **kw):
    return services.action_record(actor=user, organization=org, level=level, reason=kw.pop("reason", "落实要求不到位"),
                                  **kw)


def test_the_ladder_is_in_the_speechs_order():
    assert LADDER == ("point_out", "correct", "criticise", "discipline")


def test_the_first_step_is_pointing_out(people, tree, campaign):
    assert services.next_level(campaign=campaign, organization=tree.county_a) == "point_out"
    action = _record(people["liaison"], tree.county_a, "point_out", follow_up_on=dt.date(2023, 10, 20))
    action.refresh_from_db()
    assert action.status == "decided" and action.decided_by == people["liaison"]
    assert action.decided_on == dt.date(2023, 10, 10) and action.group == people["group_a"]
    assert services.next_level(campaign=campaign, organization=tree.county_a) == "correct"


def test_skipping_a_rung_needs_a_written_reason(people, tree):
    with pytest.raises(ValidationError) as err:
        _record(people["liaison"], tree.county_a, "correct")
    assert "按程序下一步应为“指出促改”" in err.value.message_dict["skip_reason"][0]
    assert not Action.objects.exists()
    action = _record(people["liaison"], tree.county_a, "correct", skip_reason="问题较多且经多次提醒仍未改进")
    assert action.skip_reason == "问题较多且经多次提醒仍未改进"


def test_going_up_one_rung_at_a_time_needs_no_reason(people, tree):
    _record(people["liaison"], tree.county_a, "point_out")
    _record(people["liaison"], tree.county_a, "correct")
    _record(people["office"], tree.county_a, "criticise")
    action = _record(people["office"], tree.county_a, "discipline")
    assert action.is_recommendation and action.skip_reason == ""


def test_the_ladder_of_a_leader_is_his_own(people, tree, campaign):
    from orgs.services import cadre_create

    cadre = cadre_create(actor=SETUP,
                         organization=tree.county_a, name="吴刚", id_number="11010519491231002X", position="区委书记",
                         rank=50)
    _record(people["liaison"], tree.county_a, "point_out")
    _record(people["liaison"], tree.county_a, "correct")
    assert services.next_level(campaign=campaign, organization=tree.county_a, cadre=cadre) == "point_out"
    with pytest.raises(ValidationError):
        _record(people["liaison"], tree.county_a, "correct", cadre=cadre)


def test_liaison_cannot_take_serious_criticism_itself_but_can_propose_it(people, tree):
    _record(people["liaison"], tree.county_a, "point_out")
    _record(people["liaison"], tree.county_a, "correct")
    with pytest.raises(ValidationError) as err:
        _record(people["liaison"], tree.county_a, "criticise")
    assert "由市委教育办决定" in err.value.message_dict["level"][0]
    proposal = services.action_propose(actor=people["liaison"], organization=tree.county_a, level="criticise",
                                       reason="调研报告敷衍应付，多次指出仍未改进")
    assert proposal.status == "proposed" and proposal.decided_by is None
    assert Notification.objects.filter(user=people["office"], key=f"supervision-proposal-{proposal.pk}").exists()


def test_the_office_decides_a_proposal(people, tree):
    _record(people["liaison"], tree.county_a, "point_out")
    _record(people["liaison"], tree.county_a, "correct")
    proposal = services.action_propose(actor=people["liaison"], organization=tree.county_a, level="criticise",
                                       reason="敷衍应付")
    with pytest.raises(PermissionDenied):
        services.action_decide(actor=people["liaison"], action=proposal)
    action = services.action_decide(actor=people["office"], action=proposal, follow_up_on=dt.date(2023, 10, 31),
                                    note="同意")
    action.refresh_from_db()
    assert (action.status, action.decided_by, action.proposed_by) == ("decided", people["office"], people["liaison"])
    with pytest.raises(ValidationError):
        services.action_decide(actor=people["office"], action=action)


def test_the_office_may_dismiss_a_proposal_with_a_reason(people, tree):
    proposal = services.action_propose(actor=people["liaison"], organization=tree.county_a, level="point_out",
                                       reason="学习不深入")
    with pytest.raises(ValidationError):
        services.action_dismiss(actor=people["office"], action=proposal, note="")
    services.action_dismiss(actor=people["office"], action=proposal, note="已当面指出，单位已整改")
    proposal.refresh_from_db()
    assert proposal.status == "dismissed" and proposal.decision_note == "已当面指出，单位已整改"
    # A dismissed proposal is not a rung taken.
    assert services.next_level(campaign=proposal.campaign, organization=tree.county_a) == "point_out"


def test_a_decided_action_is_followed_up_with_its_result(people, tree):
    action = _record(people["liaison"], tree.county_a, "point_out", follow_up_on=dt.date(2023, 10, 20))
    with pytest.raises(PermissionDenied):
        services.action_follow_up(actor=people["liaison_b"], action=action, result="已整改")
    services.action_follow_up(actor=people["liaison"], action=action, result="已召开专题会议研究整改，问题已纠正")
    action.refresh_from_db()
    assert action.status == "done" and action.result_by == people["liaison"] and action.result_on
    with pytest.raises(ValidationError):
        services.action_follow_up(actor=people["liaison"], action=action, result="再登记一次")


def test_the_unit_is_told_of_an_action_decided_on_it(people, tree):
    action = _record(people["office"], tree.village_a, "point_out")
    assert Notification.objects.filter(user=people["unit"], key=f"supervision-action-{action.pk}").exists()


def test_an_action_rests_only_on_findings_of_that_unit(people, tree, make_finding):
    finding = make_finding(organization=tree.township_a)
    with pytest.raises(ValidationError) as err:
        _record(people["liaison"], tree.village_a, "point_out", findings=[finding])
    assert "findings" in err.value.message_dict
    action = _record(people["liaison"], tree.county_a, "point_out", findings=[finding])
    assert list(action.findings.all()) == [finding]


def test_follow_up_date_cannot_be_in_the_past(people, tree):
    with pytest.raises(ValidationError) as err:
        _record(people["liaison"], tree.county_a, "point_out", follow_up_on=dt.date(2023, 10, 1))
    assert "follow_up_on" in err.value.message_dict


def test_nobody_outside_acts_on_a_unit(people, tree):
    with pytest.raises(PermissionDenied):
        _record(people["liaison_b"], tree.county_a, "point_out")
    for role in ("unit", "leader"):
        with pytest.raises(PermissionDenied):
            _record(people[role], tree.village_a, "point_out")
    assert not Action.objects.exists()


# ---- proposals --------------------------------------------------------------------------------------------

def test_repeated_findings_lead_to_a_proposal_of_the_next_rung(people, tree, make_visit, make_finding, campaign):
    first, second = make_visit(on=dt.date(2023, 9, 20)), make_visit(on=dt.date(2023, 10, 9))
    make_finding(visit=first, requirement="research", description="调研报告问题导向不突出")
    assert services.action_proposals_refresh(actor=REMIND, campaign=campaign) == 0
    make_finding(visit=second, requirement="research", description="调研成果转化运用不够")
    assert services.action_proposals_refresh(actor=REMIND, campaign=campaign) == 1
    proposal = Action.objects.get(status="proposed")
    assert proposal.organization == tree.county_a and proposal.level == "point_out"
    assert proposal.findings.count() == 2 and proposal.basis["repeated"] == {"research": 2}
    assert "调查研究方面的问题" in proposal.reason and proposal.proposed_by is None
    # Idempotent: a second run changes nothing.
    assert services.action_proposals_refresh(actor=REMIND, campaign=campaign) == 0
    assert Action.objects.filter(status="proposed").count() == 1


def test_overdue_problems_lead_to_a_proposal_after_the_rung_in_force(people, tree, make_problem, campaign,
                                                                     frozen_clock):
    _record(people["liaison"], tree.county_a, "point_out")
    for _ in range(3):
        make_problem(org=tree.village_a, by=people["unit"], deadline=dt.date(2023, 10, 20))
    assert services.action_proposals_refresh(actor=REMIND, campaign=campaign, today=dt.date(2023, 11, 10)) == 0
    assert services.action_proposals_refresh(actor=REMIND, campaign=campaign, today=dt.date(2023, 11, 20)) == 1
    proposal = Action.objects.get(status="proposed")
    assert proposal.level == "correct" and proposal.basis["overdue"] == 3
    assert "3个问题逾期30天以上" in proposal.reason


def test_findings_an_action_already_rests_on_do_not_count_again(people, tree, make_visit, make_finding, campaign):
    a = make_finding(visit=make_visit(on=dt.date(2023, 9, 20)), requirement="study")
    b = make_finding(visit=make_visit(on=dt.date(2023, 10, 9)), requirement="study")
    _record(people["liaison"], tree.county_a, "point_out", findings=[a, b])
    assert services.action_proposals_refresh(actor=REMIND, campaign=campaign) == 0
