"""Account administration (the security administrator's work, 三员分立): creating accounts bound to a jurisdiction,
changing them, unlocking them and resetting passwords. Logging in, lockout and API tokens stay in accounts.services."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.actors import Actor
from accounts.choices import TokenRevocation
from accounts.models import User
from accounts.permissions import grants
from accounts.services import api_tokens_revoke, login_failures_forget
from administration.permissions import can_manage_accounts
from core import audit
from core.cn import cn_date
from core.models import AuditEntry
from core.notify import notify
from orgs.models import Organization


def _check_manages_accounts(actor: Actor) -> None:
    """Accounts are the security administrator's work (三员分立), or a command's (a system actor)."""
    if not can_manage_accounts(actor):
        raise PermissionDenied("只有安全管理员可以管理账号")


@transaction.atomic
def user_create(*, actor: Actor, username: str, role: str, organization: Organization, password: str | None = None,
                full_name: str = "", check_password: bool = True, must_change_password: bool = False) -> User:
    """A new account. `must_change_password`: the password was chosen by someone else (the security administrator's
    page, manage.py adduser), so its owner changes it at the first login; the demo accounts and fixtures, set up by a
    system actor with a fresh password, are not forced."""
    _check_manages_accounts(actor)
    if role not in grants():
        raise ValidationError(f"未知角色：{role}（可选：{'、'.join(grants())}）")
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"账号 {username} 已存在")
    user = User(username=username, role=role, organization=organization, first_name=full_name,
                must_change_password=must_change_password and bool(password))
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
    if not is_active:
        api_tokens_revoke(user=user, reason=TokenRevocation.DEACTIVATION)
    return user


@transaction.atomic
def user_unlock(*, actor: Actor, user: User) -> User:
    _check_manages_accounts(actor)
    user.failed_logins, user.locked_until = 0, None
    user.save()
    login_failures_forget(user)  # the failures that locked it no longer count
    _tell_owner(user, kind="unlock",
                text="安全管理员于{at}解除了您账号的锁定。如果不是您本人申请的，请立即联系安全管理员。")
    return user


def _tell_owner(user: User, *, kind: str, text: str, url: str = "") -> None:
    """The account's owner learns of what the security administrator did to it (站内提醒, core.notify)."""
    now = timezone.now()
    local = timezone.localtime(now)
    notify(users=[user], key=f"accounts:{kind}:{now.isoformat()}",
           text=text.format(at=f"{cn_date(local)} {local:%H:%M}"), url=url)


@transaction.atomic
def user_set_password(*, actor: Actor, user: User, password: str) -> User:
    _check_manages_accounts(actor)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.failed_logins, user.locked_until = 0, None
    user.must_change_password = True  # someone else knows it: its owner changes it at the next login
    user.save()
    login_failures_forget(user)
    _tell_owner(user, kind="password_reset", url=reverse("accounts:password_change"),
                text="安全管理员于{at}重置了您的密码，登录后须先修改密码。如果不是您本人申请的，请立即联系安全管理员。")
    # Snapshots leave the password out, so say here that it changed (never what it is).
    audit.record(AuditEntry.Action.UPDATE, object_type="accounts.user", object_id=str(user.pk),
                 object_repr=user.get_username(), after={"password": "已重置"})
    api_tokens_revoke(user=user, reason=TokenRevocation.PASSWORD_RESET)
    return user
