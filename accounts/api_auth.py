"""Who is calling the API: a bearer token (`Authorization: Bearer …`) or a logged-in browser session.

Both refuse inactive and locked accounts (401); a token also once it has expired (`ApiToken.expires_at`) or been
revoked (deleted). Every operation then runs inside `audit_context` for the
authenticated user, so writes made through the API (imports) are attributed to them and their address.
"""

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from accounts.models import ApiToken, User
from accounts.passwords import API_REFUSAL, password_change_required
from core.audit import audit_context
from core.middleware import client_ip

# A token's last_used_at is written at most this often, so reads do not turn into writes.
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


def _usable(user: object) -> bool:
    """Active and unlocked; one who must first change their password on the pages is refused outright (403)."""
    if not (isinstance(user, User) and user.is_active and not user.is_locked):
        return False
    if password_change_required(user):
        raise HttpError(403, API_REFUSAL)
    return True


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` with a token from `POST /api/v1/auth/token`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token:
            return None
        api_token = ApiToken.objects.find(token)
        if api_token is None or api_token.is_expired or not _usable(api_token.user):
            return None
        request.api_token_id = api_token.pk  # type: ignore[attr-defined]  # the token list marks the caller's own
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_GRANULARITY:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return api_token.user


class ActiveSessionAuth(SessionAuth):
    """The browser's Django session (CSRF-checked for writes), for active, unlocked users only."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        return user if _usable(user) else None


token_auth = TokenAuth()
session_auth = ActiveSessionAuth()


def audited(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Run an operation with the audit log naming `request.auth` (set by the auth classes above)."""

    @functools.wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with audit_context(user=getattr(request, "auth", None), ip=client_ip(request)):
            return view_func(request, *args, **kwargs)

    return wrapper


def request_user(request: HttpRequest) -> User:
    """The authenticated user of an API request."""
    user = getattr(request, "auth", None)  # set by django-ninja's authentication
    assert isinstance(user, User)
    return user
