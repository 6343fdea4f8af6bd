"""Routes of the audit log (mounted at /audit/; the auditor's page)."""

from django.urls import URLPattern, path

from core import views

app_name = "audit"
urlpatterns: list[URLPattern] = [
    path("", views.audit_list, name="list"),
]
