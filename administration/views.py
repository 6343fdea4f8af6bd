"""The pages of the three separated administrators (三员分立), none of whom sees campaign data: the security
administrator's accounts, the system administrator's status page and the auditor's audit log. Each page asks its
administrator's predicate (administration.permissions); anyone else gets 404, as for a page that does not exist."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from accounts.models import User
from accounts.permissions import role_choices
from administration import selectors, services
from administration.forms import PasswordResetForm, UserForm
from administration.permissions import can_administer_system, can_manage_accounts, can_read_audit_log
from core import selectors as core_selectors
from core.forms import AuditFilterForm, service_errors
from core.paging import paginate

# ---------------------------------------------------------------------------------------------------------
# Account management: the security administrator's pages.


def _require_secadmin(request: AuthedRequest) -> None:
    if not can_manage_accounts(request.user):
        raise Http404


@login_required
@require_GET
def user_list(request: AuthedRequest) -> HttpResponse:
    _require_secadmin(request)
    q = (request.GET.get("q") or "").strip()
    users = selectors.user_list(q=q, role=request.GET.get("role", ""))
    return render(request, "administration/user_list.html", {
        "page": paginate(request, users), "q": q, "roles": role_choices(), "role": request.GET.get("role", ""),
    })


@login_required
@require_http_methods(["GET", "POST"])
def user_new(request: AuthedRequest) -> HttpResponse:
    _require_secadmin(request)
    form = UserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form):
            user = services.user_create(actor=request.user, username=data["username"], role=data["role"],
                                        organization=data["org_code"], password=data["password"] or None,
                                        full_name=data["full_name"], must_change_password=True)
        if not form.errors:
            messages.success(request, f"已创建账号 {user.username}")
            return redirect("accounts:user_edit", user_id=user.pk)
    return render(request, "administration/user_form.html", {"form": form, "editing": False})


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthedRequest, user_id: int) -> HttpResponse:
    _require_secadmin(request)
    target = get_object_or_404(User.objects.select_related("organization"), pk=user_id)
    initial = {"username": target.username, "full_name": target.first_name, "role": target.role,
               "org_code": target.organization.code, "is_active": target.is_active}
    form = UserForm(request.POST or None, actor=request.user, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form):
            services.user_update(actor=request.user, user=target, role=data["role"], organization=data["org_code"],
                                 full_name=data["full_name"], is_active=data["is_active"])
        if not form.errors:
            messages.success(request, f"已保存账号 {target.username}")
            return redirect("accounts:user_edit", user_id=target.pk)
    return render(request, "administration/user_form.html", {
        "form": form, "editing": True, "target": target, "password_form": PasswordResetForm(),
    })


@login_required
@require_POST
def user_unlock(request: AuthedRequest, user_id: int) -> HttpResponse:
    _require_secadmin(request)
    target = get_object_or_404(User, pk=user_id)
    services.user_unlock(actor=request.user, user=target)
    messages.success(request, f"已解除账号 {target.username} 的锁定")
    return redirect("accounts:user_edit", user_id=target.pk)


@login_required
@require_POST
def user_password(request: AuthedRequest, user_id: int) -> HttpResponse:
    _require_secadmin(request)
    target = get_object_or_404(User.objects.select_related("organization"), pk=user_id)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        with service_errors(form):
            services.user_set_password(actor=request.user, user=target, password=form.cleaned_data["password"])
        if not form.errors:
            messages.success(request, f"已重置账号 {target.username} 的密码")
            return redirect("accounts:user_edit", user_id=target.pk)
    initial = {"username": target.username, "full_name": target.first_name, "role": target.role,
               "org_code": target.organization.code, "is_active": target.is_active}
    return render(request, "administration/user_form.html", {
        "form": UserForm(actor=request.user, initial=initial, editing=True), "editing": True, "target": target,
        "password_form": form,
    }, status=400)


# ---------------------------------------------------------------------------------------------------------
# The system administrator's status page.


@login_required
@require_GET
def system_status(request: AuthedRequest) -> HttpResponse:
    """What the system administrator looks after: versions, database and migrations, background jobs, storage and
    the settings in force, each with a warning where it needs action."""
    if not can_administer_system(request.user):
        raise Http404
    return render(request, "administration/system_status.html", {"status": core_selectors.system_status()})


# ---------------------------------------------------------------------------------------------------------
# The auditor's audit log.


def _compact(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


@login_required
@require_GET
def audit_list(request: AuthedRequest) -> HttpResponse:
    """The audit log, read-only, for the auditor."""
    if not can_read_audit_log(request.user):
        raise Http404
    form = AuditFilterForm(request.GET or None, object_types=core_selectors.audit_object_types())
    page = paginate(request, core_selectors.audit_entries(request.GET))
    rows = [{"entry": e, "before": _compact(e.before), "after": _compact(e.after)} for e in page.object_list]
    return render(request, "administration/audit_list.html", {"form": form, "page": page, "rows": rows})
