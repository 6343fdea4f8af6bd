from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import LoginForm, PasswordResetForm, UserForm
from accounts.http import AuthedRequest
from accounts.models import User
from accounts.permissions import Capability, has, role_choices
from core.forms import service_errors
from core.paging import paginate


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_login(request=request, **form.cleaned_data)
        except services.LoginError as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user)
            next_url = request.POST.get("next") or request.GET.get("next")
            if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                return redirect(next_url)
            return redirect("home")
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


# ---------------------------------------------------------------------------------------------------------
# Account management: the security administrator's pages (三员分立: nobody else reaches them → 404).


def _require_secadmin(request: HttpRequest) -> None:
    if not has(request.user, Capability.MANAGE_ACCOUNTS):
        raise Http404


@login_required
@require_GET
def user_list(request: AuthedRequest) -> HttpResponse:
    _require_secadmin(request)
    q = (request.GET.get("q") or "").strip()
    users = selectors.user_list(q=q, role=request.GET.get("role", ""))
    return render(request, "accounts/user_list.html", {"page": paginate(request, users), "q": q,
                                                        "roles": role_choices(), "role": request.GET.get("role", "")})


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
                                        full_name=data["full_name"])
        if not form.errors:
            messages.success(request, f"已创建账号 {user.username}")
            return redirect("accounts:user_edit", user_id=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "editing": False})


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
    return render(request, "accounts/user_form.html", {
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
    return render(request, "accounts/user_form.html", {
        "form": UserForm(actor=request.user, initial=initial, editing=True), "editing": True, "target": target,
        "password_form": form,
    }, status=400)


