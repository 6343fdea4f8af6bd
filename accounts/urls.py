"""Logging in and out. The project mounts these under /accounts/ in the `accounts` namespace together with the
security administrator's account pages (administration.urls.account_urlpatterns), whose names stay
accounts:users, accounts:user_new …"""

from django.urls import URLPattern, path

from accounts import views

app_name = "accounts"
urlpatterns: list[URLPattern] = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("tokens/", views.api_tokens_view, name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
]
