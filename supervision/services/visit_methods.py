"""Visit methods (指导方式): the office keeps the list."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from accounts.actors import Actor
from core.validation import clean_text
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from supervision.models import VisitMethod
from supervision.permissions import can_manage_visit_methods


def _check_office(actor: Actor) -> None:
    if not can_manage_visit_methods(actor):
        raise PermissionDenied("只有市委教育办可以维护")


@transaction.atomic
def visit_method_create(*, actor: Actor, name: str) -> VisitMethod:
    _check_office(actor)
    name = clean_text(name)
    errors: dict[str, str] = {}
    _put(errors, "name", _text_error(name, "指导方式", 50))
    if name and VisitMethod.objects.filter(name=name).exists():
        errors.setdefault("name", f"已有指导方式“{name}”")
    _raise(errors)
    order = (VisitMethod.objects.aggregate(m=Max("order"))["m"] or 0) + 1
    return VisitMethod.objects.create(name=name, order=order)


@transaction.atomic
def visit_method_set_active(*, actor: Actor, method: VisitMethod, is_active: bool) -> VisitMethod:
    _check_office(actor)
    method.is_active = bool(is_active)
    method.save()
    return method
