"""Routes of supervision. views: the liaison group's workspace and calendar, visits, findings; action_views: the
escalation ladder; letter_views: feedback letters and their .docx."""

from django.urls import URLPattern, URLResolver, path

from supervision import views

app_name = "supervision"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.workspace, name="workspace"),
]
