"""Request types for views, and the one way downloads are named."""

from typing import TYPE_CHECKING
from urllib.parse import quote

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


class AuthedRequest(HttpRequest):
    """The request of a view behind `@login_required` (or another guard that refuses anonymous users): its
    `user` is a `User`, never `AnonymousUser`. Only an annotation — requests stay plain `HttpRequest`s."""

    user: "User"


def attachment_disposition(filename: str, fallback: str) -> str:
    """Content-Disposition of a download named `filename` (Chinese): RFC 5987 `filename*` for today's browsers,
    and an ASCII `fallback` for the old ones intranets still have."""
    ascii_name = filename if filename.isascii() else fallback
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
