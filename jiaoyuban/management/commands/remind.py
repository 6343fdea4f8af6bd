"""manage.py remind [--date YYYY-MM-DD] [--schedule]: run every app's daily job (jiaoyuban.daily: the deadline
reminders, supervision's reminders and proposals) for a day (today by default) and print what each sent; or
(--schedule) queue the daily background job unless one is waiting already (what scripts/serve runs at start; the
job re-queues itself for the next 07:00 Beijing time)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.cn import cn_date
from jiaoyuban import daily


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为YYYY-MM-DD：{text}") from None


class Command(BaseCommand):
    help = "发送问题到期、逾期提醒和督促指导提醒（站内提醒）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_date, default=None, help="按这一天发送（默认今天），格式YYYY-MM-DD")
        parser.add_argument("--schedule", action="store_true",
                            help="把每日提醒任务加入后台队列（已有等待中的任务则不重复加入）")

    def handle(self, *args: Any, date: dt.date | None, schedule: bool, **options: Any) -> None:
        if schedule:
            at = daily.schedule(now=True)
            if at is None:
                self.stdout.write("每日提醒任务已在队列中，未重复加入")
            else:
                self.stdout.write(f"每日提醒任务已加入队列，之后每天{daily.DAILY_AT:%H:%M}运行")
            return
        today = date or timezone.localdate()
        for job, sent in daily.remind(today=today):
            self.stdout.write(f"{cn_date(today)}{job.title}：{job.report(sent)}")
