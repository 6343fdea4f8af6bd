"""Account rules: creating users, logging in with lockout, API tokens."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from accounts.actors import Actor
from accounts.models import ApiToken, User
from accounts.permissions import Capability, grants, has
from core import audit
from core.middleware import client_ip
from core.models import AuditEntry
from orgs.models import Organization


class LoginError(Exception):
    """A login refused, with the message shown to the person (never saying which part was wrong)."""


def _check_manages_accounts(actor: Actor) -> None:
    """Accounts are the security administrator's work (三员分立), or a command's (a system actor)."""
    if not has(actor, Capability.MANAGE_ACCOUNTS):
        raise PermissionDenied("只有安全管理员可以管理账号")


@transaction.atomic
def user_create(*, actor: Actor, username: str, role: str, organization: Organization, password: str | None = None,
                full_name: str = "", check_password: bool = True) -> User:
    _check_manages_accounts(actor)
    if role not in grants():
        raise ValidationError(f"未知角色：{role}（可选：{'、'.join(grants())}）")
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"账号 {username} 已存在")
    user = User(username=username, role=role, organization=organization, first_name=full_name)
    if password:
        if check_password:
            validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, role: str, organization: Organization, full_name: str,
                is_active: bool) -> User:
    """Change a user's role, jurisdiction, name or status (the security administrator's work)."""
    _check_manages_accounts(actor)
    if role not in grants():
        raise ValidationError({"role": f"未知角色：{role}"})
    if user.pk == actor.pk and (role != user.role or not is_active):
        # Otherwise the last security administrator could lock everyone out of account management.
        raise ValidationError("不能更改自己的角色或停用自己的账号，请由另一名安全管理员操作")
    user.role, user.organization, user.first_name, user.is_active = role, organization, full_name, is_active
    user.save()
    return user


@transaction.atomic
def user_unlock(*, actor: Actor, user: User) -> User:
    _check_manages_accounts(actor)
    user.failed_logins, user.locked_until = 0, None
    user.save()
    return user


@transaction.atomic
def user_set_password(*, actor: Actor, user: User, password: str) -> User:
    _check_manages_accounts(actor)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.failed_logins, user.locked_until = 0, None
    user.save()
    # Snapshots leave the password out, so say here that it changed (never what it is).
    audit.record(AuditEntry.Action.UPDATE, object_type="accounts.user", object_id=str(user.pk),
                 object_repr=user.get_username(), after={"password": "已重置"})
    return user


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
