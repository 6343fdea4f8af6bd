"""In-app notifications (站内提醒): the one place that writes and reads them.

A notification is sent once: `key` names what it is about (a reminder of one problem at one point in time, a
daily digest) and is unique per user, so running a sender twice sends nothing new. Senders hand over many
messages at once (`notify_many`): a few queries in all, never one per message.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.models import Notification

# Rows per IN (...) lookup and per INSERT: well under SQLite's and PostgreSQL's parameter limits.
CHUNK = 900
TEXT_MAX = 500
URL_MAX = 500
KEY_MAX = 200


@dataclass(frozen=True)
class Message:
    """One notification to send: to `user_id`, about `key`."""

    user_id: int
    key: str
    text: str
    url: str = ""


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _user_id(user: Any) -> int:
    return int(user if isinstance(user, int) else user.pk)


def _active(user_ids: set[int]) -> set[int]:
    model = get_user_model()
    active: set[int] = set()
    for chunk in _chunks(sorted(user_ids)):
        active.update(model.objects.filter(pk__in=chunk, is_active=True).values_list("pk", flat=True))
    return active


def _existing(keys: set[str]) -> set[tuple[int, str]]:
    """The (user id, key) pairs already sent among `keys`."""
    pairs: set[tuple[int, str]] = set()
    for chunk in _chunks(sorted(keys)):
        pairs.update(Notification.objects.filter(key__in=chunk).values_list("user_id", "key"))
    return pairs


@transaction.atomic
def notify_many(messages: Iterable[Message]) -> int:
    """Send every message not sent before (same user and key) to active users; return how many were sent.
    Bulk: a query per CHUNK users, per CHUNK keys and per CHUNK inserts."""
    wanted: dict[tuple[int, str], Message] = {}
    for message in messages:
        key = message.key[:KEY_MAX]
        wanted.setdefault((message.user_id, key), message)
    if not wanted:
        return 0
    active = _active({user_id for user_id, _ in wanted})
    sent = _existing({key for _, key in wanted})
    now = timezone.now()
    rows = [Notification(user_id=user_id, key=key, text=message.text[:TEXT_MAX], url=message.url[:URL_MAX],
                         created_at=now)
            for (user_id, key), message in wanted.items() if user_id in active and (user_id, key) not in sent]
    # ignore_conflicts: a sender running at the same moment may have written some of them since; never twice.
    Notification.objects.bulk_create(rows, batch_size=CHUNK, ignore_conflicts=True)
    return len(rows)


def notify(*, users: Iterable[Any], key: str, text: str, url: str = "") -> int:
    """Send one notification (`text`, leading to `url`) to each of `users` (users or ids) who is active and has
    not had one with this `key` yet. Returns how many were sent."""
    return notify_many(Message(user_id=_user_id(user), key=key, text=text, url=url) for user in users)


def notifications_for(user: Any) -> QuerySet[Notification]:
    """The user's own notifications, newest first (nobody sees another's)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    """How many of the user's notifications are unread (one indexed COUNT)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def notification_read(*, user: Any, pk: int) -> Notification:
    """Mark one of the user's notifications read and return it. Another user's (or an unknown one) raises
    Notification.DoesNotExist."""
    notification = notifications_for(user).get(pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_read_all(*, user: Any) -> int:
    """Mark all the user's notifications read; return how many were unread."""
    return notifications_for(user).filter(read_at__isnull=True).update(read_at=timezone.now())
