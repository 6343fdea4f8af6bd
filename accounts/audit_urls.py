"""Routes of the audit log (mounted at /audit/; the auditor's page)."""

from django.urls import URLPattern, path

from accounts import admin_views

app_name = "audit"
urlpatterns: list[URLPattern] = [
    path("", admin_views.audit_list, name="list"),
]
