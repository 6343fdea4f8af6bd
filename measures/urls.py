from django.urls import URLPattern, URLResolver, path

from measures import views

app_name = "measures"
urlpatterns: list[URLPattern | URLResolver] = [
    path("quick/", views.quick, name="quick"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/export/", views.coverage_export, name="coverage_export"),
    path("unit/<str:code>/", views.unit, name="unit"),
]
