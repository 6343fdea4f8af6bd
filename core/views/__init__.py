"""Core's pages, by entity: `errors` (the Chinese error pages: 400, 403, 404, 405, 500 and the CSRF refusal, or
the API's refusal body under /api/) and `notifications` (the user's own notifications). Every view is importable
from here, so the project's settings name them as `core.views.<view>` (handler404 = "core.views.page_not_found",
CSRF_FAILURE_VIEW = "core.views.csrf_failure")."""

from core.views.errors import (
    bad_request,
    csrf_failure,
    method_not_allowed,
    page_not_found,
    permission_denied,
    server_error,
)
from core.views.notifications import notification_list, notification_read, notification_read_all

__all__ = [
    "bad_request",
    "csrf_failure",
    "method_not_allowed",
    "notification_list",
    "notification_read",
    "notification_read_all",
    "page_not_found",
    "permission_denied",
    "server_error",
]
