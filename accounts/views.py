"""Logging in and out, and the user's own API tokens. The three administrators' pages (accounts, system status,
audit log) are in administration.views."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.choices import TokenRevocation
from accounts.forms import LoginForm, PasswordChangeForm
from accounts.http import AuthedRequest
from accounts.models import User
from accounts.passwords import password_change_reason
from core.forms import refusals, service_errors


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
    if isinstance(request.user, User):
        services.api_tokens_revoke(user=request.user, reason=TokenRevocation.LOGOUT)
    logout(request)
    return redirect("accounts:login")


@login_required
def api_tokens_view(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens: when each was issued, last used and expires (never the token itself)."""
    assert isinstance(request.user, User)
    return render(request, "accounts/api_tokens.html", {"tokens": selectors.api_tokens_of(request.user),
                                                        "hours": f"{settings.JYB_API_TOKEN_HOURS:g}"})


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    assert isinstance(request.user, User)
    with refusals(request):
        services.api_token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, "令牌已撤销，用它调用接口将被拒绝")
    return redirect("accounts:api_tokens")


@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request: AuthedRequest) -> HttpResponse:
    """Every signed-in person changes their own password here; one who must (a reset, an expired password) is
    sent here by accounts.middleware until they have, then lands on their home page."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.password_change(actor=request.user, current_password=form.cleaned_data["current_password"],
                                     new_password=form.cleaned_data["new_password"])
        if not form.errors:
            update_session_auth_hash(request, request.user)  # the session stays signed in
            messages.success(request, "密码已修改")
            return redirect("home")
    return render(request, "accounts/password_change.html", {
        "form": form, "reason": password_change_reason(request.user),
        "max_age_days": settings.JYB_PASSWORD_MAX_AGE_DAYS,
    })
