"""Deadline reminders (到期提醒) as in-app notifications: the ledger's daily job (core.daily), which the project's
daily job (jiaoyuban.daily) and `manage.py remind` run.

For the open problems of the current campaign, the owner side — the unit's contacts (who answer for the unit,
Capability.ANSWER_FOR_UNIT) bound to the problem's organisation, or, if it has none, to its nearest ancestor that
has — is reminded SOON_DAYS before the due date, on the due date, and once overdue, then again every
OVERDUE_REPEAT_DAYS while the problem stays open. Overdue problems are also surfaced, as one digest per user and day
with the count and a link to the ledger filtered on overdue, to the members of the unit's liaison group and to the
office's staff whose jurisdiction contains the problem.

Each notification has a key (`core.notify`), so running `remind` twice on a day, or on every day of a period,
sends each reminder once; a day the job did not run is caught up the next day (the "soon" and "overdue" reminders
are keyed by period, not by the exact day). The key carries the due date: an approved extension starts afresh.

Fast at city scale (50,000 problems): two queries for the problems, one each for unit users, office users,
liaison assignments and memberships, everything grouped in Python, notifications inserted in bulk.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models.functions import Substr
from django.urls import reverse

from accounts.actors import Actor
from accounts.models import User
from accounts.permissions import Capability, roles_with, roles_with_at_root
from campaigns.models import Campaign, LiaisonAssignment, LiaisonMembership
from campaigns.selectors import current_campaign
from core.cn import cn_date
from core.notify import Message, notify_many
from orgs.models import Organization
from problems.choices import ProblemStatus
from problems.models import Problem, number_of

SOON_DAYS = 3
OVERDUE_REPEAT_DAYS = 7
EXCERPT = 30

KINDS = ("due_soon", "due_today", "overdue", "liaison_digest", "office_digest")
LABELS = {
    "due_soon": "到期前提醒",
    "due_today": "到期当日提醒",
    "overdue": "逾期提醒",
    "liaison_digest": "联络组逾期汇总",
    "office_digest": "办公室逾期汇总",
}


@dataclass(frozen=True)
class _Row:
    pk: int
    org_path: str
    due_on: dt.date
    excerpt: str


def _rows(qs: Any) -> list[_Row]:
    values = (qs.annotate(excerpt=Substr("description", 1, EXCERPT + 1)).order_by()
              .values_list("pk", "org_path", "due_on", "excerpt"))
    return [_Row(*row) for row in values]


def _ancestors(path: str) -> list[str]:
    """`path` and every ancestor's path, deepest first."""
    step = Organization.steplen
    return [path[:i] for i in range(len(path), 0, -step)]


def _users_by_path(roles: frozenset[str]) -> dict[str, list[int]]:
    by_path: dict[str, list[int]] = defaultdict(list)
    for pk, path in User.objects.filter(role__in=roles, is_active=True).values_list("pk", "organization__path"):
        by_path[path].append(pk)
    return by_path


class _Owners:
    """The unit contacts of a problem's organisation, or of its nearest ancestor that has some."""

    def __init__(self) -> None:
        self.by_path = _users_by_path(roles_with(Capability.ANSWER_FOR_UNIT))
        self.cache: dict[str, list[int]] = {}

    def __call__(self, org_path: str) -> list[int]:
        if org_path not in self.cache:
            self.cache[org_path] = next((self.by_path[p] for p in _ancestors(org_path) if p in self.by_path), [])
        return self.cache[org_path]


def _title(row: _Row) -> str:
    excerpt = row.excerpt if len(row.excerpt) <= EXCERPT else row.excerpt[:EXCERPT] + "…"
    return f"问题{number_of(row.pk)}“{excerpt}”"


def _problem_url(pk: int) -> str:
    return reverse("problems:problem", args=[pk])


def overdue_ledger_url() -> str:
    """The ledger filtered on overdue problems (the digests link there)."""
    return reverse("problems:ledger") + "?overdue=1"


def _owner_messages(rows: Iterable[_Row], owners: _Owners, today: dt.date) -> dict[str, list[Message]]:
    out: dict[str, list[Message]] = {"due_soon": [], "due_today": [], "overdue": []}
    for row in rows:
        recipients = owners(row.org_path)
        if not recipients:
            continue
        left = (row.due_on - today).days
        base = f"problem-due:{row.pk}:{row.due_on.isoformat()}"
        if 0 < left <= SOON_DAYS:
            kind, key = "due_soon", f"{base}:soon"
            text = f"{_title(row)}将于{cn_date(row.due_on)}到期（还有{left}天），请抓紧整改。"
        elif left == 0:
            kind, key = "due_today", f"{base}:today"
            text = f"{_title(row)}今天（{cn_date(row.due_on)}）到期，请按期完成整改并申请销号。"
        elif left < 0:
            # Day 1 overdue, then day 8, 15, …: one reminder per period, sent on its first day the job runs.
            period = (-left - 1) // OVERDUE_REPEAT_DAYS
            kind, key = "overdue", f"{base}:overdue:{period}"
            text = (f"{_title(row)}已逾期{-left}天（到期日{cn_date(row.due_on)}），请尽快整改；"
                    "确需延期的，请提出延期申请。")
        else:
            continue
        url = _problem_url(row.pk)
        out[kind].extend(Message(user_id=user_id, key=key, text=text, url=url) for user_id in recipients)
    return out


def _office_counts(paths: Counter[str]) -> Counter[int]:
    """Overdue problems per member of the office's staff whose jurisdiction contains them: the role that is the
    city's office at the root of the tree, at every level (a county's office account too)."""
    offices = _users_by_path(roles_with_at_root(Capability.CITY_OFFICE))
    counts: Counter[int] = Counter()
    for path, n in paths.items():
        for ancestor in _ancestors(path):
            for user_id in offices.get(ancestor, ()):
                counts[user_id] += n
    return counts


def _liaison_counts(paths: Counter[str], campaign: Campaign) -> Counter[int]:
    """Overdue problems per liaison member: those of the units assigned to their groups (the nearest assignment
    above a problem names its group, as `campaigns.selectors.liaison_group_of` does) and inside the member's
    jurisdiction — what the member's ledger shows."""
    group_of_path = dict(LiaisonAssignment.objects.filter(campaign=campaign)
                         .values_list("organization__path", "group_id"))
    by_group: dict[int, Counter[str]] = defaultdict(Counter)
    for path, n in paths.items():
        group_id = next((group_of_path[p] for p in _ancestors(path) if p in group_of_path), None)
        if group_id is not None:
            by_group[group_id][path] += n
    counts: Counter[int] = Counter()
    members = (LiaisonMembership.objects.filter(group__campaign=campaign, group_id__in=list(by_group),
                                                user__role__in=roles_with(Capability.JOIN_LIAISON_GROUP),
                                                user__is_active=True)
               .values_list("group_id", "user_id", "user__organization__path"))
    for group_id, user_id, root in members:
        counts[user_id] += sum(n for path, n in by_group[group_id].items() if path.startswith(root))
    return counts


def _digests(counts: Counter[int], *, kind: str, today: dt.date, text: str) -> list[Message]:
    url = overdue_ledger_url()
    return [Message(user_id=user_id, key=f"overdue-digest:{kind}:{today.isoformat()}", text=text.format(n=n),
                    url=url) for user_id, n in counts.items() if n > 0]


def remind(*, today: dt.date) -> dict[str, int]:
    """Send the reminders due on `today`; return how many notifications of each kind were sent (not sent
    before)."""
    sent = dict.fromkeys(KINDS, 0)
    campaign = current_campaign()
    if campaign is None:
        return sent
    problems = Problem.objects.filter(campaign=campaign)
    overdue = _rows(problems.overdue(today))
    # The owner is reminded while the rectification is in its hands; a claimed problem waits for its verifier
    # (the digests below still count it: an overdue claim nobody verifies is the liaison group's and office's).
    in_hand = problems.filter(status__in=[ProblemStatus.REGISTERED, ProblemStatus.IN_PROGRESS])
    owner_rows = _rows(in_hand.filter(due_on__lte=today + dt.timedelta(days=SOON_DAYS)))

    for kind, messages in _owner_messages(owner_rows, _Owners(), today).items():
        sent[kind] = notify_many(messages)

    paths = Counter(row.org_path for row in overdue)
    if paths:
        sent["liaison_digest"] = notify_many(_digests(
            _liaison_counts(paths, campaign), kind="liaison", today=today,
            text="您所在联络组联系的单位有{n}个问题已逾期未销号，请督促整改。"))
        sent["office_digest"] = notify_many(_digests(
            _office_counts(paths), kind="office", today=today,
            text="您管辖范围内有{n}个问题已逾期未销号。"))
    return sent


def report(sent: dict[str, int]) -> str:
    """One line for people: what `remind` sent."""
    return "；".join(f"{LABELS[k]}{sent.get(k, 0)}条" for k in KINDS)


def daily(*, actor: Actor, today: dt.date) -> dict[str, int]:
    """The ledger's daily job (core.daily, registered by ProblemsConfig.ready): today's reminders. The job's
    system actor `actor` signs nothing here: a reminder has no author."""
    return remind(today=today)
