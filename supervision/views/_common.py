"""What the pages of supervision share: parsing small values, the visit a page writes to, and a service's refusal
shown without a form."""

import contextlib
from collections.abc import Iterator

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse

from accounts.guards import require_data_role
from core.http import AuthedRequest
from supervision import permissions, selectors
from supervision.models import Visit


def int_or_none(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and 0 < len(text) < 12 else None


def ids(text: str | None) -> list[int]:
    """"1,2,3" → [1, 2, 3] (anything else is dropped)."""
    return [int(x) for x in (text or "").replace("，", ",").split(",") if x.strip().isdigit() and len(x.strip()) < 12]


def visit_url(visit: Visit, anchor: str = "") -> str:
    return reverse("supervision:visit", args=[visit.pk]) + (f"#{anchor}" if anchor else "")


def guiding_visit(request: AuthedRequest, pk: int) -> Visit:
    """A visit the user sees and may change: its group is theirs to guide (else 404)."""
    user = require_data_role(request.user)
    visit = selectors.visit_detail(user, pk)
    if not permissions.can_change_visit(user, visit):
        raise Http404
    return visit


@contextlib.contextmanager
def refusals(request: HttpRequest | None = None, *, prefix: str = "") -> Iterator[list[str]]:
    """Call a service from a button (no form to put errors back on): the reasons of its ValidationError go into the
    yielded list — and, given `request`, into an error message starting with `prefix` —, a PermissionDenied answers
    404 like everything out of reach (core.forms.service_errors does the same for a form).

        with refusals(request, prefix="未能删除：") as refused:
            services.finding_delete(user=user, finding=finding)
        if refused:
            return redirect(...)
    """
    refused: list[str] = []
    try:
        yield refused
    except ValidationError as exc:
        refused.extend(exc.messages)
        if request is not None:
            messages.error(request, prefix + "；".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
