"""Account rules: logging in with lockout, API tokens (issued, expiring, revoked). Creating and changing accounts
is user administration (administration.services), above the organisation tree."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.actors import Actor
from accounts.choices import TokenRevocation
from accounts.models import ApiToken, LoginFailure, User
from accounts.passwords import API_REFUSAL, password_change_required
from core import audit
from core.middleware import client_ip
from core.models import AuditEntry


class LoginError(Exception):
    """A login refused, with the message shown to the person (never saying which part was wrong)."""


class LoginThrottled(LoginError):
    """A login refused because its address failed too often lately (the password was not checked)."""


class PasswordChangeRequired(Exception):
    """Right credentials, but the password must first be changed on the pages (accounts.passwords)."""


def login_refusal() -> str:
    """The one answer to a wrong password, an unknown account and a locked account alike."""
    minutes = settings.JYB_LOGIN_LOCK_MINUTES
    return f"账号或密码错误，或账号因多次输错已暂时锁定（{minutes}分钟后自动解除，也可请安全管理员解锁）"


def _address_refused(ip: str, username: str, since: dt.datetime) -> bool:
    """An address is refused after JYB_LOGIN_ADDRESS_MAX_FAILURES failures in the window, and for one account name
    after one failure fewer than locks an account: so one address alone can never lock anyone's account."""
    recent = LoginFailure.objects.filter(ip=ip, at__gte=since)
    if recent.count() >= settings.JYB_LOGIN_ADDRESS_MAX_FAILURES:
        return True
    return recent.filter(username=username).count() >= max(settings.JYB_LOGIN_MAX_FAILURES - 1, 1)


def user_login(*, request: HttpRequest | None, username: str, password: str) -> User:
    """Check credentials. Failures are counted by address and by account name in the last JYB_LOGIN_LOCK_MINUTES:
    an address that failed too often is refused without checking the password (LoginThrottled), an account that
    failed JYB_LOGIN_MAX_FAILURES times in that window is locked for as long. A wrong password, an unknown account and
    a locked one get the same answer (`login_refusal`), each after one password hash."""
    username = username[:150]
    ip = (client_ip(request) if request is not None else None) or ""
    now = timezone.now()
    minutes = settings.JYB_LOGIN_LOCK_MINUTES
    if _address_refused(ip, username, now - dt.timedelta(minutes=minutes)):
        audit.record(AuditEntry.Action.LOGIN_FAILED, object_type="accounts.user", object_repr=username,
                     after={"reason": "throttled"})
        raise LoginThrottled(f"此地址登录失败次数过多，请{minutes}分钟后再试")
    candidate = User.objects.filter(username=username).first()
    if candidate is not None and candidate.is_locked:
        check_password(password, candidate.password)  # the same work as any other answer: its timing says nothing
        # authenticate() is not called, so Django sends no user_login_failed: record the attempt here.
        audit.record(AuditEntry.Action.LOGIN_FAILED, object_type="accounts.user", object_id=str(candidate.pk),
                     object_repr=username, after={"reason": "locked"})
        raise LoginError(login_refusal())
    user = authenticate(request, username=username, password=password)
    if user is None:
        _count_failure(ip=ip, username=username, account=candidate, now=now)
        raise LoginError(login_refusal())
    assert isinstance(user, User)
    login_failures_forget(user)
    return user


def login_failures_forget(user: User) -> None:
    """A success or the security administrator's unlock: the account's failures start again from zero."""
    LoginFailure.objects.filter(username=user.get_username()).delete()
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        user.failed_logins, user.locked_until = 0, None


def _count_failure(*, ip: str, username: str, account: User | None, now: dt.datetime) -> None:
    # One row per failure: counting rows cannot lose a parallel guess. Plain updates on the user: the failure itself
    # is already in the audit log (user_login_failed signal). Rows older than the window are of no more use.
    window = dt.timedelta(minutes=settings.JYB_LOGIN_LOCK_MINUTES)
    LoginFailure.objects.filter(at__lt=now - max(window, dt.timedelta(days=1))).delete()
    LoginFailure.objects.create(at=now, ip=ip, username=username)
    if account is None:
        return
    with transaction.atomic():
        failures = LoginFailure.objects.filter(username=username, at__gte=now - window).count()
        if failures >= settings.JYB_LOGIN_MAX_FAILURES:
            User.objects.filter(pk=account.pk).update(failed_logins=0, locked_until=now + window)
            LoginFailure.objects.filter(username=username).delete()
        else:
            User.objects.filter(pk=account.pk).update(failed_logins=failures)


def password_change(*, actor: User, current_password: str, new_password: str) -> User:
    """A signed-in person changes their own password: the current one first, then the new one against every rule
    (settings.AUTH_PASSWORD_VALIDATORS: length, classes, no account or name, none of the last 5). Clears a forced
    change, restarts the password's age and revokes the person's API tokens. Audited, never with the password."""
    if not check_password(current_password, actor.password):
        raise ValidationError({"current_password": "当前密码不正确"})
    try:
        validate_password(new_password, actor)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    with transaction.atomic():
        actor.set_password(new_password)
        actor.must_change_password = False
        actor.save()
        audit.record(AuditEntry.Action.UPDATE, object_type="accounts.user", object_id=str(actor.pk),
                     object_repr=actor.get_username(), after={"password": "本人修改"})
        api_tokens_revoke(user=actor, reason=TokenRevocation.PASSWORD_CHANGE)
    return actor


def token_issue(*, request: HttpRequest | None, username: str, password: str) -> str:
    """An API login: checks like the login page, and is audited like one (Django's login() is not called,
    so no user_logged_in signal fires)."""
    user = user_login(request=request, username=username, password=password)
    if password_change_required(user):
        audit.record(AuditEntry.Action.LOGIN_FAILED, object_type="accounts.user", object_id=str(user.pk),
                     object_repr=user.get_username(), after={"reason": "password_change_required"})
        raise PasswordChangeRequired(API_REFUSAL)
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
