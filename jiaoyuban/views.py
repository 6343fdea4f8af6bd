"""The project's own pages: where each role lands. It sits above every app (DESIGN §3: imports run one way), so it
may ask the campaigns whether one is running — core may not."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.http import AuthedRequest
from accounts.models import User
from accounts.permissions import home_of
from campaigns.selectors import current_campaign


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Each role lands where its daily work is (`landing_url`)."""
    return redirect(landing_url(request.user))


def landing_url(user: User) -> str:
    """Where a role's daily work is, as its row of accounts.permissions says (`home`): a unit's 本单位主题教育; a
    liaison member's 督促指导 workspace; the office and leaders the campaign's progress across units (措施覆盖), or
    the campaigns page while none is running; the three administrators their own pages (系统状态, 用户管理,
    审计日志)."""
    home = home_of(user)
    if home == "measures:unit":
        return reverse(home, kwargs={"code": user.organization.code})
    if home == "assessment:coverage" and current_campaign() is None:
        return reverse("campaigns:list")
    return reverse(home)
