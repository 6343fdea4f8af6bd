"""Base classes every domain model builds on, and the audit log. No domain models live here."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.scoping import ScopedQuerySet


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    """Bulk updates and deletes are refused as the model's own are."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("审计日志只能追加，不能修改。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计日志只能追加，不能删除。")


class AuditEntry(models.Model):
    """One append-only line of the audit log: who did what to which object, from where, before and after.

    Rows are written by `core.audit` only, each with its place in the chain (`seq`, gapless) and its chain value
    (`chain` = HMAC-SM3(key, previous chain value ‖ this entry's fields), `core.audit.chain`), so that
    `manage.py audit_verify` finds any entry edited, deleted or inserted out of order. The model and its queryset
    refuse updates and deletes, so no code path of the application rewrites history; on PostgreSQL a trigger refuses
    them to any SQL too (migration 0004), and only entries older than the retention and already archived
    (`AuditChain.anchor_seq`) may be deleted, by `manage.py audit_archive`.
    """

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出"
        IMPORT = "import", "导入"
        EXPORT = "export", "导出"
        ARCHIVE = "archive", "归档"

    # Set before the chain value is computed (not auto_now_add, which would reset it at insert).
    at = models.DateTimeField("时间", default=timezone.now, editable=False, db_index=True)
    # No constraint and nothing done on a user's deletion: the entry keeps the id and the account name.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
        on_delete=models.DO_NOTHING, related_name="+", db_constraint=False,
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True, db_index=True)
    object_id = models.CharField("对象标识", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    seq = models.BigIntegerField("链序号", unique=True)
    chain = models.CharField("链值", max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("审计日志只能追加，不能删除。")


class AuditChain(models.Model):
    """The one row (pk 1) holding the chain's head: the last entry's `seq` and chain value, and the anchor — the
    last archived entry's, from which verification starts. Appends lock this row (`core.audit`), so two writers
    never fork the chain; on PostgreSQL a trigger lets its numbers only grow."""

    GENESIS = "0" * 64

    seq = models.BigIntegerField("链尾序号", default=0)
    head = models.CharField("链尾值", max_length=64, default=GENESIS)
    anchor_seq = models.BigIntegerField("归档锚点序号", default=0)
    anchor_chain = models.CharField("归档锚点链值", max_length=64, default=GENESIS)

    class Meta:
        verbose_name = "审计日志链"
        verbose_name_plural = "审计日志链"

    def __str__(self) -> str:
        return f"审计日志链：第{self.seq}条"


class AuditedModel(models.Model):
    """A model whose every save and delete is written to the audit log.

    Bulk paths (imports, generators) bypass save(); they call `core.audit.record_many` themselves.
    """

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # Fields left out of audit snapshots (derived or noisy).
    audit_exclude: tuple[str, ...] = ("created_at", "updated_at")

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        from core import audit

        before = None
        if self.pk is not None and not self._state.adding:
            old = type(self)._base_manager.filter(pk=self.pk).first()
            before = audit.snapshot(old) if old is not None else None
        super().save(*args, **kwargs)
        audit.record_change(self, before=before)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        from core import audit

        before = audit.snapshot(self)
        pk = self.pk
        result = super().delete(*args, **kwargs)
        audit.record(
            AuditEntry.Action.DELETE, object_type=audit.type_label(self), object_id=str(pk),
            object_repr=str(self)[:200], before=before,
        )
        return result


class Notification(models.Model):
    """An in-app notification (站内提醒) to one user: a line of text and where it leads. Written by `core.notify`
    only. `key` names what it is about (e.g. a reminder of one problem at one point in time): unique per user, so
    the same reminder is never sent twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                             related_name="notifications", db_index=False)  # the indexes below lead with it
    key = models.CharField("去重标识", max_length=200)
    text = models.CharField("内容", max_length=500)
    url = models.CharField("链接", max_length=500, blank=True)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内提醒"
        verbose_name_plural = "站内提醒"
        ordering = ["-created_at", "-id"]
        constraints = [
            # Key first: the sender looks up which (key, user) pairs exist already by key.
            models.UniqueConstraint(fields=["key", "user"], name="notification_unique_key_per_user"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_latest"),
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
        ]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


__all__ = ["AuditEntry", "AuditedModel", "Notification", "ScopedQuerySet"]


class StoredFile(AuditedModel):
    """A file kept as a record (visit materials, submissions' documents): its name, size and SHA-256, and who
    uploaded it. Subclasses add the row it belongs to and their own `file` field (with their upload folder); rows
    are made with `core.files.stored_file_fields`."""

    file = models.FileField("文件", upload_to="files/%Y/%m/")
    filename = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.filename
