"""Template filters available in every template (registered as builtins in settings)."""

import datetime as dt

from django import template
from django.utils import timezone

from core import cn

register = template.Library()


@register.filter
def cn_date(value: dt.date | dt.datetime | None) -> str:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return cn.cn_date(value)


@register.filter
def cn_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{cn.cn_date(local)} {local:%H:%M}"


@register.filter
def person(value: object, with_org: str | None = None) -> str:
    """`{{ cadre|person }}` → 郭德亮（区长）; `{{ cadre|person:"org" }}` adds the organisation apart."""
    if value is None:
        return ""
    org = getattr(value, "organization", None) if with_org else None
    return cn.person_text(getattr(value, "name", str(value)), getattr(value, "position", None),
                          getattr(org, "name", None))
