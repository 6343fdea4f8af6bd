"""Routes of the three administrators' pages. The project mounts them at the paths and names they have always had:
`account_urlpatterns` under /accounts/ in the `accounts` namespace (beside accounts' own login and logout),
`audit_urlpatterns` at /audit/ in the `audit` namespace, and the system status page at /system/ (`system_status`)."""

from django.urls import URLPattern, path

from administration import views

account_urlpatterns: list[URLPattern] = [
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:user_id>/", views.user_edit, name="user_edit"),
    path("users/<int:user_id>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/<int:user_id>/password/", views.user_password, name="user_password"),
]

audit_urlpatterns: list[URLPattern] = [
    path("", views.audit_list, name="list"),
]

system_urlpatterns: list[URLPattern] = [
    path("system/", views.system_status, name="system_status"),
]
