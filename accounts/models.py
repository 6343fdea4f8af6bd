import datetime as dt
import hashlib
import secrets
from typing import Any, ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from accounts.choices import Role
from accounts.permissions import Capability, grants, has
from core.models import AuditedModel
from core.scoping import narrowed_paths


class User(AbstractUser, AuditedModel):
    """A person. Each is bound to one node of the organisation tree, their jurisdiction."""

    role = models.CharField("角色", max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="管辖范围", on_delete=models.PROTECT, related_name="users",
    )
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    # Set by every set_password; the password expires JYB_PASSWORD_MAX_AGE_DAYS after it (accounts.passwords).
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    # A password someone else chose (the security administrator's reset): changed by its owner before anything else.
    must_change_password = models.BooleanField("须修改密码", default=False)

    objects: ClassVar[UserManager[Self]] = UserManager()
    audit_exclude = ("created_at", "updated_at", "password", "last_login")
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def data_scope_path(self) -> str | None:
        """The path of this user's jurisdiction, or None for roles that see no domain data."""
        if not has(self, Capability.READ_DATA):
            return None
        return self.organization.path

    def data_scope_paths(self) -> list[str] | None:
        """The roots of the subtrees this user may see (used by `visible_to`): the jurisdiction, unless an app
        narrows it (a liaison member sees only the units assigned to their groups)."""
        root = self.data_scope_path()
        if root is None:
            return None
        return narrowed_paths(self, root)

    def sees_own_organization(self) -> bool:
        paths = self.data_scope_paths()
        return bool(paths) and self.organization.path in (paths or [])

    @property
    def role_label(self) -> str:
        """The role's name, for the built-in roles and those a deployment adds (accounts.permissions)."""
        grant = grants().get(self.role)
        return grant.label if grant else self.role

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords (the current one included), so that a new one repeats none of them
    (accounts.validators.PasswordHistoryValidator writes and reads them; only the latest few are kept)."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField("密码摘要", max_length=128)
    created_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class LoginFailure(models.Model):
    """One failed login, by address and account name as typed, for the lockout and the per-address throttle
    (accounts.services.user_login). Rows older than a day are pruned; the audit log keeps the history."""

    at = models.DateTimeField("时间", default=timezone.now)
    ip = models.CharField("来源地址", max_length=45, blank=True)
    username = models.CharField("账号", max_length=150)

    class Meta:
        verbose_name = "登录失败"
        verbose_name_plural = "登录失败"
        indexes = [models.Index(fields=["ip", "at"]), models.Index(fields=["username", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.ip} {self.username}"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_expiry() -> dt.datetime:
    """When a token issued now expires: JYB_API_TOKEN_HOURS from now."""
    return timezone.now() + dt.timedelta(hours=settings.JYB_API_TOKEN_HOURS)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def find(self, raw: str) -> "ApiToken | None":
        return self.select_related("user", "user__organization").filter(key_hash=_hash_token(raw)).first()

    def expired(self) -> "ApiTokenQuerySet":
        return self.filter(expires_at__lte=timezone.now())


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the raw token is shown once. It expires
    (`expires_at`), and is deleted when revoked (accounts.services.api_tokens_revoke)."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField("令牌摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    expires_at = models.DateTimeField("有效期至", default=token_expiry)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.user} 的令牌"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @classmethod
    def issue(cls, user: User, **kwargs: Any) -> str:
        raw = secrets.token_urlsafe(32)
        cls.objects.create(user=user, key_hash=_hash_token(raw))
        return raw
