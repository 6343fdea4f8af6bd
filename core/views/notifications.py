"""The user's own notifications (站内提醒): the list, newest first, unread marked; mark one or all read.

Thin: every read and write is one call to `core.notify`, which only ever touches the user's own rows (another
user's notification answers 404)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core import notify
from core.models import Notification
from core.paging import paginate


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, notify.notifications_for(request.user))
    return render(request, "core/notifications.html", {"page": page, "unread": notify.unread_count(request.user)})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read; with `open`, go where it leads (a local address only), else back to the list."""
    try:
        notification = notify.notification_read(user=request.user, pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    if "open" in request.POST and notification.url and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(notification.url)
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notify.notifications_read_all(user=request.user)
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    """The list page the form was on (its page number kept)."""
    page = request.POST.get("page", "")
    url = reverse("notifications:list")
    return f"{url}?page={int(page)}" if page.isdigit() and int(page) > 1 else url
