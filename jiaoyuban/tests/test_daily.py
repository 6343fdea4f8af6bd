"""The daily job (jiaoyuban.daily): every app's job from core.daily's registry, in order, as SystemActor("remind");
queued once a day at 07:00 Beijing time and re-queued by itself; `manage.py remind` runs the same jobs."""

# ruff: noqa: F811  (the fixtures imported from the ledger's conftest are the tests' arguments)

import datetime as dt
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from core import daily as registry
from core.audit import current_actor
from core.models import Notification
from jiaoyuban import daily
from problems import reminders
from problems.tests.conftest import campaign, frozen_clock, make_problem, media_root, people  # noqa: F401

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
DUE = dt.date(2023, 10, 13)  # three days after the ledger's frozen day


@pytest.fixture
def due_problem(make_problem: Any) -> Any:
    return make_problem(deadline=DUE)


def test_each_app_registers_its_own_job_and_they_run_in_the_apps_order() -> None:
    assert [job.name for job in registry.daily_jobs()] == ["problems", "supervision"]
    assert [job.title for job in registry.daily_jobs()] == ["", "督促指导"]


def test_the_jobs_run_as_the_remind_system_actor(monkeypatch: Any) -> None:
    seen: list[tuple[str, str, dt.date]] = []

    def spy(*, actor: Any, today: dt.date) -> dict[str, int]:
        seen.append((actor.get_username(), current_actor().name, today))
        return {"n": 1}

    monkeypatch.setattr(registry, "_JOBS", {})
    registry.register_daily_job("spy", spy, report=lambda sent: f"{sent['n']}条", title="测试")
    out = StringIO()
    call_command("remind", "--date", "2023-10-11", stdout=out)
    assert seen == [("system:remind", "system:remind", dt.date(2023, 10, 11))]
    assert out.getvalue() == "2023年10月11日测试：1条\n"


def test_next_run_is_the_next_seven_oclock_beijing_time() -> None:
    before = dt.datetime(2023, 10, 10, 6, 59, tzinfo=BEIJING)
    at = dt.datetime(2023, 10, 10, 7, 0, tzinfo=BEIJING)
    assert daily.next_run(before) == at
    assert daily.next_run(at) == at + dt.timedelta(days=1)
    assert daily.next_run(dt.datetime(2023, 10, 10, 22, 30, tzinfo=dt.UTC)) == dt.datetime(
        2023, 10, 11, 7, 0, tzinfo=BEIJING)


def test_daily_job_sends_todays_reminders(due_problem: Any, people: dict[str, Any]) -> None:
    """The tests' immediate backend runs the job at once; it cannot wait, so it queues no next run."""
    result = daily.daily_job.enqueue()
    counts = result.return_value
    assert counts is not None
    assert counts["problems"] == {**dict.fromkeys(reminders.KINDS, 0), "due_soon": 2}
    assert set(counts) == {"problems", "supervision"}
    assert Notification.objects.filter(user=people["unit"], key__startswith="problem-due:").exists()


def test_schedule_queues_one_daily_job_on_the_database_backend(settings: Any, frozen_clock: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    at = daily.schedule()
    assert at == dt.datetime(2023, 10, 11, 7, 0, tzinfo=BEIJING)
    assert daily.schedule() is None
    out = StringIO()
    call_command("remind", "--schedule", stdout=out)
    assert "已在队列中" in out.getvalue()
    job = DBTaskResult.objects.get()
    assert job.task_path == "jiaoyuban.daily.daily_job" and job.run_after == at
