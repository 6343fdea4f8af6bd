"""What the pages of supervision share: parsing small values and the visit a page writes to."""


from django.http import Http404
from django.urls import reverse

from accounts.guards import require_data_role
from accounts.http import AuthedRequest
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


