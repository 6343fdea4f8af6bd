from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_stamp_login, dispatch_uid="accounts.stamp_login")


def _stamp_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """The session's start, from which its absolute limit runs (accounts.middleware)."""
    from accounts.middleware import stamp_login

    stamp_login(request)
