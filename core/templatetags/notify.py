"""The navbar's unread-notification count (`{% load notify %}{% unread_notifications as n %}`): one indexed
COUNT per page, only for signed-in users."""

from typing import Any

from django import template

from core.notify import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    user: Any = context.get("user")
    return unread_count(user) if user is not None else 0
