"""Template helpers of the measures' forms."""

from typing import Any

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def choice_groups(field: BoundField) -> list[tuple[str, list[Any]]]:
    """The boxes of a checkbox group under their headings: [(heading or "", [subwidget, …]), …], in the order of
    the field's choices (Django's subwidgets come flat, without the group they belong to)."""
    boxes = list(field.subwidgets)
    groups: list[tuple[str, list[Any]]] = []
    at = 0
    for value, label in getattr(field.field, "choices", []):
        if isinstance(label, list | tuple):
            groups.append((str(value), boxes[at:at + len(label)]))
            at += len(label)
        else:
            if not groups or groups[-1][0]:
                groups.append(("", []))
            groups[-1][1].append(boxes[at])
            at += 1
    return groups
