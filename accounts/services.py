"""Account rules: logging in with lockout, API tokens. Creating and changing accounts is user administration
(administration.services), above the organisation tree."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import ApiToken, User
from core import audit
from core.middleware import client_ip
from core.models import AuditEntry


class LoginError(Exception):
    """A login refused, with the message shown to the person (never saying which part was wrong)."""


def user_login(*, request: HttpRequest | None, username: str, password: str) -> User:
    """Check credentials, counting failures and locking the account after too many."""
    generic = "账号或密码错误"
    candidate = User.objects.filter(username=username).first()
    if candidate is not None and candidate.is_locked:
        # authenticate() is not called, so Django sends no user_login_failed: record the attempt here.
        audit.record(AuditEntry.Action.LOGIN_FAILED, object_type="accounts.user", object_id=str(candidate.pk),
                     object_repr=username[:150], after={"reason": "locked"})
        minutes = settings.JYB_LOGIN_LOCK_MINUTES
        raise LoginError(f"登录失败次数过多，账号已锁定，请于{minutes}分钟后再试或联系安全管理员")
    user = authenticate(request, username=username, password=password)
    if user is None:
        if candidate is not None:
            _count_failure(candidate)
        raise LoginError(generic)
    assert isinstance(user, User)
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        user.failed_logins, user.locked_until = 0, None
    return user


def _count_failure(user: User) -> None:
    # Counted in the database (F + 1), so parallel guesses cannot overwrite each other's count. Plain updates:
    # the failure itself is already in the audit log (user_login_failed signal).
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        failures = User.objects.filter(pk=user.pk).values_list("failed_logins", flat=True).get()
        if failures >= settings.JYB_LOGIN_MAX_FAILURES:
            locked_until = timezone.now() + dt.timedelta(minutes=settings.JYB_LOGIN_LOCK_MINUTES)
            User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=locked_until)


def token_issue(*, request: HttpRequest | None, username: str, password: str) -> str:
    """An API login: checks like the login page, and is audited like one (Django's login() is not called,
    so no user_logged_in signal fires)."""
    user = user_login(request=request, username=username, password=password)
    raw = ApiToken.issue(user)
    with audit.audit_context(user=user, ip=client_ip(request) if request is not None else None):
        audit.record(AuditEntry.Action.LOGIN, object_type="accounts.user", object_id=str(user.pk),
                     object_repr=user.get_username(), after={"via": "api_token"})
    return raw
