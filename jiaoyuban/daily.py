"""The daily job: every app's daily job (core.daily's registry: the ledger's reminders, then supervision's reminders
and proposals), run once a day at DAILY_AT Beijing time as SystemActor("remind"), and by `manage.py remind`.

django-tasks has no scheduler: the background task runs the jobs, then queues itself again for the next DAILY_AT
(`run_after`). `manage.py remind --schedule` (run by scripts/serve at start, and by a deployment at start) queues
it now when none is waiting, so a broken chain (a worker killed mid-run) is mended at the next start and a missed
day is caught up (each job sends each reminder once, whichever day it runs).
"""

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from accounts.actors import SystemActor
from core.daily import DailyJob, run_daily_jobs

logger = logging.getLogger(__name__)

# The daily job runs at this local time (Asia/Shanghai).
DAILY_AT = dt.time(7, 0)
REMIND = SystemActor("remind")


def remind(*, today: dt.date) -> list[tuple[DailyJob, dict[str, int]]]:
    """Run every app's daily job for `today` as the remind system actor; what each answered."""
    return run_daily_jobs(actor=REMIND, today=today)


def next_run(now: dt.datetime) -> dt.datetime:
    """The next DAILY_AT, local time, strictly after `now` (aware)."""
    local = timezone.localtime(now)
    at = local.replace(hour=DAILY_AT.hour, minute=DAILY_AT.minute, second=0, microsecond=0)
    return at if at > local else at + dt.timedelta(days=1)


def _waiting() -> bool:
    """Whether a daily job is already queued (database backend only; other backends cannot tell)."""
    backend = daily_job.get_backend()
    if not backend.supports_defer:
        return False
    try:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend
        return False
    # A running job queues the next one itself: counting it too keeps a restart during a run from starting a
    # second daily chain.
    return DBTaskResult.objects.filter(task_path=daily_job.module_path,
                                       status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists()


def schedule(*, now: bool = False) -> dt.datetime | None:
    """Queue the daily job — at once (`now`) or at the next DAILY_AT — unless one is waiting already. Returns
    when it will run (None: nothing queued)."""
    if _waiting():
        return None
    backend = daily_job.get_backend()
    if now:
        daily_job.enqueue()
        return timezone.now()
    if not backend.supports_defer:  # e.g. the immediate backend of the tests: it cannot wait for tomorrow
        return None
    at = next_run(timezone.now())
    daily_job.using(run_after=at).enqueue()
    return at


@task()
def daily_job() -> dict[str, dict[str, int]]:
    """Run today's daily jobs, then queue tomorrow's run (even when this one failed). Returns what each job
    answered, by its name (each is logged too)."""
    try:
        done = remind(today=timezone.localdate())
        for job, sent in done:
            logger.info("daily job %s: %s", job.name, job.report(sent))
        return {job.name: sent for job, sent in done}
    finally:
        schedule()
