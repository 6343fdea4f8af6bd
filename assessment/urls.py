"""Mounted under /measures/ (jiaoyuban/urls.py): the coverage view keeps the path it had when measures served it."""

from django.urls import URLPattern, URLResolver, path

from assessment import views

app_name = "assessment"
urlpatterns: list[URLPattern | URLResolver] = [
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/export/", views.coverage_export, name="coverage_export"),
]
