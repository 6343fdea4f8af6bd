"""Account rules: logging in with lockout, API tokens (issued, expiring, revoked). Creating and changing accounts
is user administration (administration.services), above the organisation tree."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from accounts.actors import Actor
from accounts.choices import TokenRevocation
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
    ApiToken.objects.filter(user=user).expired().delete()  # of no use any more: the list shows live ones
    raw = ApiToken.issue(user)
    with audit.audit_context(user=user, ip=client_ip(request) if request is not None else None):
        audit.record(AuditEntry.Action.LOGIN, object_type="accounts.user", object_id=str(user.pk),
                     object_repr=user.get_username(), after={"via": "api_token"})
    return raw


def api_tokens_revoke(*, user: User, reason: TokenRevocation) -> int:
    """Revoke every API token of `user` (deleted, so a stolen copy stops working at once), with one audit entry
    naming the reason: logging out of the pages, a password change or reset, deactivation. Whoever acts is the
    audit context's actor. Returns how many were revoked."""
    tokens = ApiToken.objects.filter(user=user)
    count = tokens.count()
    if count:
        tokens.delete()
        _record_revocation(user, count=count, reason=reason)
    return count


def api_token_revoke(*, actor: Actor, token_id: int) -> None:
    """A user revokes one of their own tokens; anyone else's, or an unknown one, is not found."""
    token = ApiToken.objects.filter(pk=token_id, user_id=getattr(actor, "pk", None) or 0).first()
    if token is None or not isinstance(actor, User):
        raise PermissionDenied("令牌不存在")
    token.delete()
    _record_revocation(actor, count=1, reason=TokenRevocation.OWNER, token_id=token_id)


def _record_revocation(user: User, *, count: int, reason: TokenRevocation, token_id: int | None = None) -> None:
    after: dict[str, object] = {"revoked": count, "reason": TokenRevocation(reason).label}
    if token_id is not None:
        after["token"] = token_id
    audit.record(AuditEntry.Action.DELETE, object_type="accounts.apitoken", object_id=str(user.pk),
                 object_repr=f"{user.get_username()} 的接口令牌", after=after)
