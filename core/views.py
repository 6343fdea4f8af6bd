import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.choices import DATA_ROLES, Role
from core import selectors
from core.forms import AuditFilterForm
from core.http import AuthedRequest
from core.paging import paginate


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Each role lands where its work is."""
    user = request.user
    if user.role in DATA_ROLES:
        if user.sees_own_organization():
            return redirect("orgs:detail", code=user.organization.code)
        return redirect("orgs:tree")  # a liaison member: the units assigned to their groups
    if user.role == Role.AUDITOR:
        return redirect("audit:list")
    if user.role == Role.SECADMIN:
        return redirect("accounts:users")
    return render(request, "core/admin_home.html")


def _compact(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


@login_required
@require_GET
def audit_list(request: AuthedRequest) -> HttpResponse:
    """The audit log, read-only, for the auditor only (anyone else: 404)."""
    if request.user.role != Role.AUDITOR:
        raise Http404
    form = AuditFilterForm(request.GET or None, object_types=selectors.audit_object_types())
    page = paginate(request, selectors.audit_entries(request.GET))
    rows = [{"entry": e, "before": _compact(e.before), "after": _compact(e.after)} for e in page.object_list]
    return render(request, "core/audit_list.html", {"form": form, "page": page, "rows": rows})
