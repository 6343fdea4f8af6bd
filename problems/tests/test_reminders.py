"""Deadline reminders at each point in time (the clock frozen on each day): the owner side 3 days before, on the
day, on the first overdue day and every 7 days after; the liaison group and the office get one digest a day;
closed problems get nothing; a second run sends nothing new. And `manage.py remind`, which prints them."""

import datetime as dt
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.actors import SETUP
from administration.services import user_create
from conftest import PASSWORD
from core.models import Notification
from problems import reminders
from problems.choices import ProblemAction
from problems.models import Problem
from problems.services import problem_act
from problems.tests.conftest import NOW, TODAY, upload

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
DUE = TODAY + dt.timedelta(days=3)  # 2023-10-13


def _on(clock: Any, day: dt.date) -> dict[str, int]:
    """Run the reminders on `day` at 07:00, the clock moved there."""
    clock.move_to(dt.datetime.combine(day, dt.time(7, 0), tzinfo=BEIJING))
    return reminders.remind(today=day)


def _texts(user: Any) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("text", flat=True))


def _sent(**counts: int) -> dict[str, int]:
    return {**dict.fromkeys(reminders.KINDS, 0), **counts}


@pytest.fixture
def due_problem(make_problem: Any) -> Problem:
    return make_problem(deadline=DUE)


def test_owner_is_reminded_three_days_before(due_problem: Problem, people: dict[str, Any],
                                             frozen_clock: Any) -> None:
    assert _on(frozen_clock, DUE - dt.timedelta(days=4)) == _sent()
    assert _on(frozen_clock, DUE - dt.timedelta(days=3)) == _sent(due_soon=2)  # unit and unit2
    text = _texts(people["unit"])[0]
    assert f"问题{due_problem.number}" in text and "还有3天" in text and "2023年10月13日" in text
    assert Notification.objects.get(user=people["unit"]).url == reverse("problems:problem", args=[due_problem.pk])
    # Two days before: the same reminder was sent already.
    assert _on(frozen_clock, DUE - dt.timedelta(days=2)) == _sent()


def test_owner_is_reminded_on_the_day(due_problem: Problem, people: dict[str, Any], frozen_clock: Any) -> None:
    _on(frozen_clock, DUE - dt.timedelta(days=3))
    assert _on(frozen_clock, DUE) == _sent(due_today=2)
    assert "今天（2023年10月13日）到期" in _texts(people["unit2"])[-1]


def test_overdue_on_day_one_then_every_seven_days(due_problem: Problem, people: dict[str, Any],
                                                  frozen_clock: Any) -> None:
    sent = _on(frozen_clock, DUE + dt.timedelta(days=1))
    assert sent["overdue"] == 2
    assert "已逾期1天" in _texts(people["unit"])[-1]
    for day in range(2, 8):
        assert _on(frozen_clock, DUE + dt.timedelta(days=day))["overdue"] == 0
    assert _on(frozen_clock, DUE + dt.timedelta(days=8))["overdue"] == 2
    assert "已逾期8天" in _texts(people["unit"])[-1]
    assert _on(frozen_clock, DUE + dt.timedelta(days=15))["overdue"] == 2


def test_a_missed_day_is_caught_up(due_problem: Problem, people: dict[str, Any], frozen_clock: Any) -> None:
    """The job did not run on the first overdue day: the overdue reminder goes out on the third."""
    assert _on(frozen_clock, DUE + dt.timedelta(days=3))["overdue"] == 2
    assert "已逾期3天" in _texts(people["unit"])[-1]


def test_a_second_run_sends_nothing_new(due_problem: Problem, frozen_clock: Any) -> None:
    day = DUE + dt.timedelta(days=1)
    first = _on(frozen_clock, day)
    assert first == _sent(overdue=2, liaison_digest=1, office_digest=3)
    count = Notification.objects.count()
    assert _on(frozen_clock, day) == _sent()
    assert Notification.objects.count() == count


def test_a_claimed_problem_waits_for_its_verifier_not_for_its_owner(due_problem: Problem, people: dict[str, Any],
                                                                    frozen_clock: Any) -> None:
    problem = problem_act(actor=people["unit"], problem=due_problem, action=ProblemAction.START)
    problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM, files=[upload()])
    sent = _on(frozen_clock, DUE + dt.timedelta(days=1))
    assert sent["overdue"] == 0 and sent["due_today"] == 0  # nothing to nag the unit about
    assert sent["liaison_digest"] == 1  # an overdue claim nobody verified is the liaison group's to see
    assert _texts(people["unit"]) == []


def test_closed_problems_get_nothing(due_problem: Problem, people: dict[str, Any], frozen_clock: Any) -> None:
    problem = problem_act(actor=people["unit"], problem=due_problem, action=ProblemAction.START)
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM, files=[upload()])
    problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.CLOSE, note="现场核实")
    for day in (DUE - dt.timedelta(days=3), DUE, DUE + dt.timedelta(days=1), DUE + dt.timedelta(days=8)):
        assert _on(frozen_clock, day) == _sent()
    assert not Notification.objects.exists()


def test_an_approved_extension_starts_the_reminders_afresh(due_problem: Problem, people: dict[str, Any],
                                                           frozen_clock: Any) -> None:
    _on(frozen_clock, DUE - dt.timedelta(days=3))
    new_due = DUE + dt.timedelta(days=10)
    problem = problem_act(actor=people["unit"], problem=due_problem, action=ProblemAction.REQUEST_EXTENSION,
                          note="雨季施工困难", new_due_on=new_due)
    problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.APPROVE_EXTENSION)
    assert _on(frozen_clock, DUE) == _sent()  # no longer due today
    assert _on(frozen_clock, new_due - dt.timedelta(days=3)) == _sent(due_soon=2)


def test_owners_fall_back_to_the_nearest_ancestor_with_unit_users(make_problem: Any, tree: Any,
                                                                  people: dict[str, Any], frozen_clock: Any) -> None:
    county_unit = user_create(actor=SETUP, username="county_unit", role="unit", organization=tree.county_a,
                              password=PASSWORD)
    retired = user_create(actor=SETUP, username="retired", role="unit", organization=tree.county_a, password=PASSWORD)
    retired.is_active = False
    retired.save()
    make_problem(org=tree.township_a, by=people["office"], deadline=DUE)
    assert _on(frozen_clock, DUE)["due_today"] == 1
    assert Notification.objects.get().user == county_unit  # not the village's contacts below, not the inactive


def test_overdue_digests_for_liaison_groups_and_office(make_problem: Any, tree: Any, people: dict[str, Any],
                                                       frozen_clock: Any) -> None:
    make_problem(deadline=DUE)
    make_problem(deadline=DUE + dt.timedelta(days=1), description="道路破损长期无人修")
    make_problem(org=tree.village_b, by=people["office"], deadline=DUE)
    make_problem(deadline=DUE + dt.timedelta(days=30), description="还没到期的问题")
    sent = _on(frozen_clock, DUE + dt.timedelta(days=2))
    assert sent["liaison_digest"] == 2 and sent["office_digest"] == 3

    def digest(user: Any) -> Notification | None:
        return Notification.objects.filter(user=user, key__startswith="overdue-digest").first()

    expected = {"liaison": 2, "liaison_b": 1, "office": 3, "county_office": 2, "village_office": 2}
    for who, count in expected.items():
        notification = digest(people[who])
        assert notification is not None, who
        assert f"{count}个问题已逾期" in notification.text, who
        assert notification.url == reverse("problems:ledger") + "?overdue=1"
    for who in ("unit", "leader"):
        assert digest(people[who]) is None
    # One digest per user and day: the next day brings a new one, the same day nothing.
    assert _on(frozen_clock, DUE + dt.timedelta(days=2))["office_digest"] == 0
    assert _on(frozen_clock, DUE + dt.timedelta(days=3))["office_digest"] == 3


def test_digests_need_overdue_problems(due_problem: Problem, frozen_clock: Any) -> None:
    sent = _on(frozen_clock, DUE)
    assert sent["liaison_digest"] == sent["office_digest"] == 0


def test_queries_do_not_grow_with_the_number_of_problems(make_problem: Any, frozen_clock: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    day = DUE + dt.timedelta(days=2)

    def queries() -> tuple[int, dict[str, int]]:
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            sent = _on(frozen_clock, day)
        return len(ctx), sent

    for i in range(5):
        make_problem(deadline=DUE + dt.timedelta(days=i % 5), description=f"问题{i}")
    few, _ = queries()
    frozen_clock.move_to(NOW)
    for i in range(5, 60):
        make_problem(deadline=DUE + dt.timedelta(days=i % 5), description=f"问题{i}")
    many, sent = queries()
    assert many == few <= 40
    assert sent["overdue"] == 2 * 24 and sent["due_today"] == 2 * 12 and sent["due_soon"] == 2 * 24


def test_command_prints_what_it_sent(due_problem: Problem, frozen_clock: Any) -> None:
    out = StringIO()
    call_command("remind", "--date", DUE.isoformat(), stdout=out)
    assert "2023年10月13日" in out.getvalue() and "到期当日提醒2条" in out.getvalue()
    out = StringIO()
    call_command("remind", "--date", DUE.isoformat(), stdout=out)
    assert "到期当日提醒0条" in out.getvalue()


def test_command_defaults_to_today(due_problem: Problem, frozen_clock: Any) -> None:
    out = StringIO()
    call_command("remind", stdout=out)
    assert "2023年10月10日" in out.getvalue() and "到期前提醒2条" in out.getvalue()
