"""The predicates of `supervision.permissions` that templates ask of the signed-in user:
`{% load supervision_permissions %}…{% if user|can_answer_for_unit %}`."""

from django import template

from accounts.actors import MaybeActor
from supervision import permissions

register = template.Library()


@register.filter
def can_answer_for_unit(user: MaybeActor) -> bool:
    return permissions.can_answer_for_unit(user)
