from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.audit import audit_context


def client_ip(request: HttpRequest) -> str | None:
    # Behind nginx the real address is in X-Real-IP (set by our nginx config, never trusted from clients
    # when no proxy is configured: REMOTE_ADDR is then the client).
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Every audit entry written while serving a request names the request's user and address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_context(user=getattr(request, "user", None), ip=client_ip(request)):
            return self.get_response(request)
