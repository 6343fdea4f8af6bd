"""The pages of the two administrators who see no campaign data (三员分立): the system administrator's status page
and the auditor's audit log. The security administrator's account pages are in accounts.views. Each page is
guarded by a capability of accounts.permissions; anyone else gets 404, as for a page that does not exist."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import AuthedRequest
from accounts.permissions import Capability, has
from core import selectors
from core.forms import AuditFilterForm
from core.paging import paginate


@login_required
@require_GET
def system_status(request: AuthedRequest) -> HttpResponse:
    """What the system administrator looks after: versions, database and migrations, background jobs, storage and
    the settings in force, each with a warning where it needs action."""
    if not has(request.user, Capability.ADMINISTER_SYSTEM):
        raise Http404
    return render(request, "core/system_status.html", {"status": selectors.system_status()})


def _compact(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


@login_required
@require_GET
def audit_list(request: AuthedRequest) -> HttpResponse:
    """The audit log, read-only, for the auditor."""
    if not has(request.user, Capability.READ_AUDIT_LOG):
        raise Http404
    form = AuditFilterForm(request.GET or None, object_types=selectors.audit_object_types())
    page = paginate(request, selectors.audit_entries(request.GET))
    rows = [{"entry": e, "before": _compact(e.before), "after": _compact(e.after)} for e in page.object_list]
    return render(request, "core/audit_list.html", {"form": form, "page": page, "rows": rows})
