"""Keys that must not live in the database. `audit_key()` is the HMAC-SM3 key of the audit chain (core.audit).

The key is a file outside the database (`JYB_AUDIT_KEY_FILE`): 32 random bytes, hex-encoded. Production must set
the variable and provide the file (never created there: a missing key stops the audit, and so every write, rather
than starting a second chain). Demo and tests use `var/audit.key`, created 0600 on first use. Whoever holds the key
can rewrite the chain, so it belongs to the deployment, readable by the application's user only, and backed up
apart from the database.
"""

import functools
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32


def audit_key_path() -> Path:
    configured = getattr(settings, "JYB_AUDIT_KEY_FILE", "")
    if configured:
        return Path(configured)
    if settings.DEMO or settings.TESTING:
        return Path(settings.VAR_DIR) / "audit.key"
    raise ImproperlyConfigured("JYB_AUDIT_KEY_FILE 未设置：生产环境必须提供审计日志的密钥文件（见 README 配置）。")


def audit_key() -> bytes:
    path = audit_key_path()
    may_create = not getattr(settings, "JYB_AUDIT_KEY_FILE", "") and (settings.DEMO or settings.TESTING)
    return _read_key(str(path), may_create)


@functools.cache
def _read_key(path_text: str, may_create: bool) -> bytes:
    path = Path(path_text)
    if may_create and not path.exists():
        _create(path)
    try:
        text = path.read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"审计日志密钥文件 {path} 无法读取：{exc.strerror}") from exc
    try:
        key = bytes.fromhex(text)
    except ValueError as exc:
        raise ImproperlyConfigured(f"审计日志密钥文件 {path} 应为十六进制文本") from exc
    if len(key) < KEY_BYTES:
        raise ImproperlyConfigured(
            f"审计日志密钥文件 {path} 太短：至少 {KEY_BYTES} 字节（{KEY_BYTES * 2} 个十六进制字符）")
    return key


def _create(path: Path) -> None:
    """Write the key to a private temporary file, then link it into place: a concurrent reader sees no file or the
    whole key, and of two processes creating it at once the second keeps the first one's key."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(KEY_BYTES) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
