"""Queries over core's own tables that pages share."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date

from core.http import public_url_fault
from core.models import AuditEntry


def _day_start(value: str | None) -> dt.datetime | None:
    try:
        day = parse_date(value or "")
    except ValueError:
        return None
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_entries(params: Mapping[str, str]) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, filtered by the audit page's GET parameters: action, actor (account
    name contains), object_type, date_from and date_to (inclusive days, local time)."""
    qs = AuditEntry.objects.all()
    if (action := params.get("action")) and action in AuditEntry.Action.values:
        qs = qs.filter(action=action)
    if actor := (params.get("actor") or "").strip():
        qs = qs.filter(actor_name__icontains=actor)
    if object_type := (params.get("object_type") or "").strip():
        qs = qs.filter(object_type=object_type)
    if (start := _day_start(params.get("date_from"))) is not None:
        qs = qs.filter(at__gte=start)
    if (end := _day_start(params.get("date_to"))) is not None:
        qs = qs.filter(at__lt=end + dt.timedelta(days=1))
    return qs.order_by("-id")


def audit_object_types() -> list[tuple[str, str]]:
    """(object_type, Chinese name) of every audited model — from the code, not a scan of the log."""
    from django.apps import apps

    from core.models import AuditedModel

    return sorted((m._meta.label_lower, f"{m._meta.verbose_name}（{m._meta.label_lower}）")
                  for m in apps.get_models() if issubclass(m, AuditedModel))


# ---------------------------------------------------------------------------------------------------------
# The system administrator's status page: what the system runs on and the settings in force, never domain data.


@dataclass(frozen=True)
class StatusRow:
    label: str
    value: str
    warning: str = ""  # what needs doing, in Chinese; empty when all is well
    setting: str = ""  # the environment variable or setting that changes it


@dataclass(frozen=True)
class StatusSection:
    title: str
    rows: list[StatusRow]

    @property
    def warnings(self) -> int:
        return sum(1 for row in self.rows if row.warning)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024 / 1024:.1f} GB" if size >= 1024 ** 3 else f"{size / 1024 / 1024:.0f} MB"


def _database_version() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        connection.ensure_connection()
        number = int(getattr(connection, "pg_version", 0))
        return f"PostgreSQL {number // 10000}.{number % 10000}"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    return connection.vendor


def system_status() -> list[StatusSection]:
    """Versions, the database and its migrations, background jobs, storage and the settings in force, each row
    with what needs doing where it does."""
    import platform
    import shutil
    from importlib import metadata

    import django
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django_tasks_db.models import DBTaskResult

    try:
        version = metadata.version("jiaoyuban")
    except metadata.PackageNotFoundError:
        version = "未安装为包"
    software = StatusSection("软件版本", [
        StatusRow("本平台", version),
        StatusRow("Django", django.get_version()),
        StatusRow("Python", platform.python_version()),
    ])

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    database = StatusSection("数据库", [
        StatusRow("类型", _database_version()),
        StatusRow("未执行的数据库迁移", f"{len(pending)}个",
                  "请执行 manage.py migrate" if pending else ""),
    ])

    counts = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by())
    failed = DBTaskResult.objects.failed().order_by("-finished_at").first()
    waiting = counts.get("READY", 0)
    immediate = "Immediate" in settings.TASKS["default"]["BACKEND"]
    jobs = StatusSection("后台任务", [
        StatusRow("执行方式", "即时执行（测试或 JYB_TASKS_IMMEDIATE）" if immediate
                  else "数据库队列（需运行 manage.py db_worker）"),
        StatusRow("等待执行", f"{waiting}个", "任务积压：请检查 db_worker 是否在运行" if waiting > 50 else ""),
        StatusRow("正在执行", f"{counts.get('RUNNING', 0)}个"),
        StatusRow("已完成", f"{counts.get('SUCCESSFUL', 0)}个"),
        StatusRow("失败", f"{counts.get('FAILED', 0)}个",
                  f"最近一次失败：{failed.task_path}（{timezone.localtime(failed.finished_at):%Y-%m-%d %H:%M}），"
                  "请查看服务器日志" if failed is not None and failed.finished_at else ""),
    ])

    media = Path(settings.MEDIA_ROOT)
    probe = media if media.exists() else media.parent if media.parent.exists() else Path(settings.BASE_DIR)
    disk = shutil.disk_usage(probe)
    free_share = disk.free / disk.total if disk.total else 1.0
    storage = StatusSection("存储", [
        StatusRow("上传文件目录", str(media), "" if media.exists() else "目录尚不存在，首次上传时创建"),
        StatusRow("磁盘剩余空间", f"{_mb(disk.free)}（共{_mb(disk.total)}，剩余{free_share:.0%}）",
                  "剩余空间不足10%，请清理或扩容" if free_share < 0.1 else ""),
    ])

    public_url = settings.JYB_PUBLIC_URL
    config = StatusSection("运行配置（服务器环境变量）", [
        StatusRow("群众评价链接地址", public_url or "未设置",
                  f"{fault}：二维码和评价链接群众的手机打不开，请设为群众能访问的地址"
                  if (fault := public_url_fault(public_url)) else "", setting="JYB_PUBLIC_URL"),
        StatusRow("允许访问的主机名", "、".join(settings.ALLOWED_HOSTS) or "未设置", setting="ALLOWED_HOSTS"),
        StatusRow("调试模式", "开启" if settings.DEBUG else "关闭",
                  "生产环境必须关闭，否则出错时会显示内部信息" if settings.DEBUG else "", setting="DEBUG"),
        StatusRow("仅经HTTPS发送会话", "是" if settings.SESSION_COOKIE_SECURE else "否",
                  "" if settings.SESSION_COOKIE_SECURE or settings.DEBUG or settings.DEMO or settings.TESTING
                  else "生产环境应通过HTTPS访问并开启", setting="SESSION_COOKIE_SECURE"),
        StatusRow("登录失败锁定",
                  f"{settings.JYB_LOGIN_LOCK_MINUTES}分钟内失败{settings.JYB_LOGIN_MAX_FAILURES}次锁定"
                  f"{settings.JYB_LOGIN_LOCK_MINUTES}分钟；同一地址失败{settings.JYB_LOGIN_ADDRESS_MAX_FAILURES}次暂停登录",
                  setting="JYB_LOGIN_MAX_FAILURES、JYB_LOGIN_LOCK_MINUTES、JYB_LOGIN_ADDRESS_MAX_FAILURES"),
        StatusRow("会话有效期",
                  f"{settings.JYB_IDLE_MINUTES}分钟无操作退出，最长{settings.SESSION_COOKIE_AGE // 3600}小时",
                  setting="JYB_IDLE_MINUTES"),
        StatusRow("密码有效期", f"{settings.JYB_PASSWORD_MAX_AGE_DAYS}天" if settings.JYB_PASSWORD_MAX_AGE_DAYS
                  else "不过期", setting="JYB_PASSWORD_MAX_AGE_DAYS"),
        StatusRow("导入文件和附件大小上限", f"{settings.JYB_IMPORT_MAX_MB} MB", setting="JYB_IMPORT_MAX_MB"),
        StatusRow("反馈意见书代字", settings.JYB_LETTER_ABBR, setting="JYB_LETTER_ABBR"),
        StatusRow("可信代理", "、".join(sorted(settings.JYB_TRUSTED_PROXIES)) or "无",
                  setting="JYB_TRUSTED_PROXIES"),
        StatusRow("时区", settings.TIME_ZONE),
    ])
    return [software, database, jobs, storage, config]
