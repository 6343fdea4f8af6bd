"""Logging in and out, and the user's own API tokens. The three administrators' pages (accounts, system status,
audit log) are in administration.views."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.choices import TokenRevocation
from accounts.forms import LoginForm
from accounts.models import User
from core.forms import refusals


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
