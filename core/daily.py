"""The daily jobs: what the application does once a day on its own — the ledger's deadline reminders,
supervision's follow-up reminders and the ladder's proposals — as one registry each app adds its own job to, in its
AppConfig.ready (`register_daily_job`). No app runs another's job.

The project's daily job (jiaoyuban.daily: the background task and `manage.py remind`) runs the registered jobs in
the order they were registered (INSTALLED_APPS' order), each as `job.run(actor=…, today=…)` with the job's system
actor (SystemActor("remind")) inside `core.audit.audit_context`, and prints or logs `job.report(sent)`.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.audit import audit_context


@dataclass(frozen=True)
class DailyJob:
    name: str
    # run(*, actor, today) → how many of each kind it sent or changed (kinds of the app's own choosing); the same
    # day run again sends nothing new.
    run: Callable[..., dict[str, int]]
    report: Callable[[dict[str, int]], str]  # one line for people: what `run` answered
    title: str = ""  # the line's heading after the date, e.g. "督促指导" (the ledger's has none)


_JOBS: dict[str, DailyJob] = {}


def register_daily_job(name: str, run: Callable[..., dict[str, int]], *, report: Callable[[dict[str, int]], str],
                       title: str = "") -> None:
    """Add an app's daily job (from its AppConfig.ready; registering the same name again replaces it)."""
    _JOBS[name] = DailyJob(name=name, run=run, report=report, title=title)


def daily_jobs() -> tuple[DailyJob, ...]:
    """The registered jobs, in the order they run."""
    return tuple(_JOBS.values())


def run_daily_jobs(*, actor: Any, today: dt.date) -> list[tuple[DailyJob, dict[str, int]]]:
    """Run every registered job for `today` as `actor` (the daily job's system actor; the audit log records what
    they write as its), in order; what each answered. A job that fails stops the run: the next day catches up."""
    done: list[tuple[DailyJob, dict[str, int]]] = []
    with audit_context(user=actor):
        for job in daily_jobs():
            done.append((job, job.run(actor=actor, today=today)))
    return done
