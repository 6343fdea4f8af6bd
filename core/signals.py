"""Logins, failed logins and logouts go to the audit log."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core import audit
from core.middleware import client_ip
from core.models import AuditEntry


def _ip(request: Any) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with audit.audit_context(user=user, ip=_ip(request)):
        audit.record(AuditEntry.Action.LOGIN, object_type="accounts.user", object_id=str(user.pk),
                     object_repr=user.get_username())


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    # A logout the application made (accounts.middleware: the session's idle or absolute limit) says why.
    reason = getattr(request, "jyb_logout_reason", None)
    with audit.audit_context(user=user, ip=_ip(request)):
        audit.record(AuditEntry.Action.LOGOUT, object_type="accounts.user", object_id=str(user.pk),
                     object_repr=user.get_username(), after={"reason": reason} if reason else None)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    name = str(credentials.get("username", ""))[:150]
    with audit.audit_context(name=name, ip=_ip(request)):
        audit.record(AuditEntry.Action.LOGIN_FAILED, object_type="accounts.user", object_repr=name)
