"""Session limits and the forced password change, for the pages.

- `SessionTimeoutMiddleware`: a session ends after JYB_IDLE_MINUTES without a request (sliding), and
  SESSION_COOKIE_AGE after the login whatever the activity (the login time is kept in the session, so activity never
  extends it). The person is logged out with Django's `logout()` (the audit log's logout entry says why:
  core.signals) and the request goes on as anonymous: a page sends them to the login page with a message, the API
  answers 401.
- `PasswordChangeRequiredMiddleware`: a person who must change their password (accounts.passwords) reaches only the
  change page and the logout; every other page redirects there. The API refuses them itself (accounts.api_auth).
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.models import User
from accounts.passwords import password_change_required

LOGIN_AT = "jyb_login_at"  # epoch seconds of the login (accounts.apps stamps it on user_logged_in)
SEEN_AT = "jyb_seen_at"  # epoch seconds of the last request, written at most once a minute
TOUCH_SECONDS = 60


def stamp_login(request: HttpRequest | None) -> None:
    """At login: the session's start, from which the absolute limit runs."""
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[LOGIN_AT] = now
        session[SEEN_AT] = now


def timeout_reason(session: Any, now: float) -> str | None:
    """'idle' or 'absolute' when the session is over, else None."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is not None and now - login_at > settings.SESSION_COOKIE_AGE:
        return "absolute"
    if seen_at is not None and now - seen_at > settings.JYB_IDLE_MINUTES * 60:
        return "idle"
    return None


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session, now = request.session, time.time()
        reason = timeout_reason(session, now)
        if reason is not None:
            request.jyb_logout_reason = reason  # type: ignore[attr-defined]  # read by core.signals' logout entry
            logout(request)
            if reason == "idle":
                text = f"超过{settings.JYB_IDLE_MINUTES}分钟未操作，已自动退出，请重新登录。"
            else:
                text = f"登录已超过{settings.SESSION_COOKIE_AGE // 3600}小时，已自动退出，请重新登录。"
            messages.info(request, text)
            return
        if session.get(LOGIN_AT) is None:  # a session opened before these limits existed: they start now
            stamp_login(request)
        elif now - session.get(SEEN_AT, 0) >= TOUCH_SECONDS:
            session[SEEN_AT] = int(now)


# Where a person who must change their password may still go (view names).
OPEN_WHILE_CHANGING = frozenset({"accounts:password_change", "accounts:logout", "accounts:login"})


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any,
                     view_kwargs: Any) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not password_change_required(user):
            return None
        match = request.resolver_match
        if match is None or match.view_name in OPEN_WHILE_CHANGING or "api" in match.namespaces:
            return None  # the API answers for itself (accounts.api_auth)
        return redirect("accounts:password_change")
