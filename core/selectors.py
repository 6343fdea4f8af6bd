"""Queries over core's own tables that pages share."""

import datetime as dt
from collections.abc import Mapping

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date

from core.models import AuditEntry


def _day_start(value: str | None) -> dt.datetime | None:
    try:
        day = parse_date(value or "")
    except ValueError:
        return None
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_entries(params: Mapping[str, str]) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, filtered by the audit page's GET parameters: action, actor (account
    name contains), object_type, date_from and date_to (inclusive days, local time)."""
    qs = AuditEntry.objects.all()
    if (action := params.get("action")) and action in AuditEntry.Action.values:
        qs = qs.filter(action=action)
    if actor := (params.get("actor") or "").strip():
        qs = qs.filter(actor_name__icontains=actor)
    if object_type := (params.get("object_type") or "").strip():
        qs = qs.filter(object_type=object_type)
    if (start := _day_start(params.get("date_from"))) is not None:
        qs = qs.filter(at__gte=start)
    if (end := _day_start(params.get("date_to"))) is not None:
        qs = qs.filter(at__lt=end + dt.timedelta(days=1))
    return qs.order_by("-id")


def audit_object_types() -> list[tuple[str, str]]:
    """(object_type, Chinese name) of every audited model — from the code, not a scan of the log."""
    from django.apps import apps

    from core.models import AuditedModel

    return sorted((m._meta.label_lower, f"{m._meta.verbose_name}（{m._meta.label_lower}）")
                  for m in apps.get_models() if issubclass(m, AuditedModel))
