"""Supervision's daily reminders (`supervision.reminders`): follow-ups due, visits tomorrow, visits past their day
still only planned — each sent once per key — and the ladder's proposals refreshed, by the daily job
(jiaoyuban.daily, which runs supervision's as registered in core.daily) and by `manage.py remind`."""

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from accounts.actors import SystemActor
from core.models import Notification
from jiaoyuban import daily
from problems.tests.conftest import NOW
from supervision import reminders, services
from supervision.choices import ActionStatus, Level
from supervision.models import Action

pytestmark = pytest.mark.django_db
TODAY = NOW.date()
REMIND = SystemActor("remind")  # the daily job's actor (jiaoyuban.daily)


def day(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def keys(user: Any, prefix: str) -> list[str]:
    return sorted(Notification.objects.filter(user=user, key__startswith=prefix).values_list("key", flat=True))


@pytest.fixture
def action(people: dict[str, Any], tree: Any, make_finding: Any) -> Action:
    """指出促改 of county A by the office, to be followed up in three days."""
    return services.action_record(actor=people["office"], organization=tree.county_a, level=Level.POINT_OUT,
                                  reason="研讨发言照本宣科，明确指出，要求整改", findings=[make_finding()],
                                  follow_up_on=day(3))


def test_a_follow_up_due_reminds_the_group_and_the_decider_once_a_week(people: dict[str, Any],
                                                                        action: Action) -> None:
    assert reminders.remind(actor=REMIND, today=day(2))["follow_up"] == 0
    # The group's member and the office who decided:
    assert reminders.remind(actor=REMIND, today=day(3))["follow_up"] == 2
    note = Notification.objects.get(user=people["liaison"], key__startswith="supervision-follow-up:")
    assert note.text.startswith("处置跟踪到期：对城关区委指出促改") and note.url == f"/supervision/actions/{action.pk}/"
    assert keys(people["office"], "supervision-follow-up:") == [note.key]
    assert not keys(people["liaison_b"], "supervision-follow-up:")
    assert reminders.remind(actor=REMIND, today=day(3))["follow_up"] == 0
    assert reminders.remind(actor=REMIND, today=day(9))["follow_up"] == 0  # same week
    assert reminders.remind(actor=REMIND, today=day(10))["follow_up"] == 2  # a week later, still no result
    assert len(keys(people["liaison"], "supervision-follow-up:")) == 2


def test_no_follow_up_reminder_once_the_result_is_recorded(people: dict[str, Any], action: Action) -> None:
    services.action_follow_up(actor=people["liaison"], action=action, result="已整改到位")
    assert reminders.remind(actor=REMIND, today=day(3))["follow_up"] == 0
    assert reminders.remind(actor=REMIND, today=day(30))["follow_up"] == 0


def test_a_visit_tomorrow_reminds_the_people_going(people: dict[str, Any], make_visit: Any) -> None:
    visit = make_visit(done=False, on=day(1))
    later = make_visit(done=False, on=day(2))
    cancelled = make_visit(done=False, on=day(1))
    services.visit_cancel(actor=people["liaison"], visit=cancelled, reason="改期")
    assert reminders.remind(actor=REMIND, today=TODAY)["visit_tomorrow"] == 1
    note = Notification.objects.get(user=people["liaison"], key__startswith="supervision-visit-tomorrow:")
    assert note.key.startswith(f"supervision-visit-tomorrow:{visit.pk}:")
    assert note.text.startswith("明天（2023年10月11日）第一联络组到城关区委列席领导班子学习研讨")
    assert note.url == f"/supervision/visits/{visit.pk}/"
    assert reminders.remind(actor=REMIND, today=TODAY)["visit_tomorrow"] == 0
    assert reminders.remind(actor=REMIND, today=day(1))["visit_tomorrow"] == 1  # the next one
    assert keys(people["liaison"], f"supervision-visit-tomorrow:{later.pk}:")


def test_a_visit_past_its_day_and_not_recorded_reminds_the_group_weekly(people: dict[str, Any],
                                                                         make_visit: Any) -> None:
    visit = make_visit(done=False, on=day(-1))
    make_visit(done=True, on=day(-1))
    assert reminders.remind(actor=REMIND, today=TODAY)["visit_unrecorded"] == 1
    note = Notification.objects.get(user=people["liaison"], key__startswith="supervision-visit-unrecorded:")
    assert note.text.startswith("指导活动待记录：计划于2023年10月9日第一联络组到城关区委") and "取消" in note.text
    assert reminders.remind(actor=REMIND, today=day(6))["visit_unrecorded"] == 0  # within the week
    assert reminders.remind(actor=REMIND, today=day(7))["visit_unrecorded"] == 1  # eight days after the planned day
    services.visit_record(actor=people["liaison"], visit=visit, visited_on=day(-1), summary="已开展")
    assert reminders.remind(actor=REMIND, today=day(30))["visit_unrecorded"] == 0


def test_repeated_findings_give_the_office_a_proposal_once(people: dict[str, Any], make_visit: Any,
                                                           make_finding: Any) -> None:
    make_finding(visit=make_visit(on=day(-8)))
    make_finding(visit=make_visit(on=day(-1)), description="学习研讨仍然照本宣科")
    assert reminders.remind(actor=REMIND, today=TODAY)["proposals"] == 1
    proposal = Action.objects.get(status=ActionStatus.PROPOSED)
    assert proposal.level == Level.POINT_OUT and proposal.basis["repeated"] == {"study": 2}
    assert keys(people["office"], "supervision-proposal-") == [f"supervision-proposal-{proposal.pk}"]
    assert reminders.remind(actor=REMIND, today=TODAY)["proposals"] == 0
    assert Action.objects.filter(status=ActionStatus.PROPOSED).count() == 1


def test_problems_long_overdue_give_a_proposal(tree: Any, make_problem: Any, frozen_clock: Any) -> None:
    for n in range(3):
        make_problem(description=f"问题{n}", deadline=day(10))
    assert reminders.remind(actor=REMIND, today=day(40))["proposals"] == 0  # overdue 30 days, not more
    frozen_clock.move_to(NOW + dt.timedelta(days=41))
    assert reminders.remind(actor=REMIND, today=day(41))["proposals"] == 1
    proposal = Action.objects.get(status=ActionStatus.PROPOSED)
    assert proposal.organization == tree.county_a and proposal.basis["overdue"] == 3


def test_nothing_without_a_current_campaign(campaign: Any, make_visit: Any) -> None:
    make_visit(done=False, on=day(1))
    campaign.is_current = False
    campaign.save()
    assert reminders.remind(actor=REMIND, today=TODAY) == dict.fromkeys(reminders.KINDS, 0)


def test_the_command_prints_what_supervision_sent(make_visit: Any) -> None:
    make_visit(done=False, on=day(1))
    out = StringIO()
    call_command("remind", stdout=out)
    assert "2023年10月10日督促指导：处置跟踪到期提醒0条；指导活动前一日提醒1条" in out.getvalue()
    out = StringIO()
    call_command("remind", stdout=out)
    assert "指导活动前一日提醒0条" in out.getvalue()


def test_the_daily_job_sends_supervision_reminders_too(people: dict[str, Any], make_visit: Any) -> None:
    make_visit(done=False, on=day(1))
    daily.daily_job.enqueue()
    assert keys(people["liaison"], "supervision-visit-tomorrow:")
