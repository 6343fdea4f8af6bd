"""When a signed-in person must change their password before anything else: after the security administrator set it
(a reset, or an account created with an initial password on the page or by `manage.py adduser`), and once it is
older than JYB_PASSWORD_MAX_AGE_DAYS (0: never). The pages send them to the change page
(accounts.middleware.PasswordChangeRequiredMiddleware); the API refuses them with a 403 (accounts.api_auth)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from accounts.models import User

# The API's answer to a person who must first change their password on the pages.
API_REFUSAL = "须先修改密码：密码已由安全管理员重置或已过期，请登录网页修改密码后再调用接口"


def password_expired(user: User) -> bool:
    days = settings.JYB_PASSWORD_MAX_AGE_DAYS
    if not days or not user.has_usable_password():
        return False
    return user.password_changed_at + dt.timedelta(days=days) <= timezone.now()


def password_change_required(user: User) -> bool:
    return user.must_change_password or password_expired(user)


def password_change_reason(user: User) -> str:
    """Why the change page was forced on the person, in Chinese ('' when it was not)."""
    if user.must_change_password:
        return "您的密码由安全管理员设置，请先修改为只有您自己知道的新密码。"
    if password_expired(user):
        return f"您的密码已使用超过{settings.JYB_PASSWORD_MAX_AGE_DAYS}天，请修改后继续使用。"
    return ""
