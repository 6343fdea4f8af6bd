from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.choices import DATA_ROLES, Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands where its work is."""
    user = request.user
    if user.role in DATA_ROLES:
        return redirect("orgs:detail", code=user.organization.code)
    if user.role == Role.AUDITOR:
        return redirect("audit:list")
    return render(request, "core/admin_home.html")
