import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.audit import audit_context


def _ip_or_none(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for the audit log. X-Real-IP is believed only when the request comes from one of
    the proxies in settings.JYB_TRUSTED_PROXIES (our nginx sets it); anyone else could write anything there."""
    remote = _ip_or_none(request.META.get("REMOTE_ADDR"))
    if remote is not None and remote in settings.JYB_TRUSTED_PROXIES:
        return _ip_or_none(request.META.get("HTTP_X_REAL_IP")) or remote
    return remote


class AuditContextMiddleware:
    """Every audit entry written while serving a request names the request's user and address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_context(user=getattr(request, "user", None), ip=client_ip(request)):
            return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """A page answering 405 with nothing (Django's require_POST and friends) shows the Chinese error page instead of
    a blank one: an action's address opened from the history or a bookmark (core.views.method_not_allowed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not getattr(response, "streaming", False) and not response.content:
            from core.views import method_not_allowed

            return method_not_allowed(request, response)
        return response
