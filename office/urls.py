"""Routes of the office's work: the communication log (请示报告)."""

from django.urls import URLPattern, URLResolver, path

from office import views

app_name = "office"
urlpatterns: list[URLPattern | URLResolver] = [
    path("submissions/", views.submission_list, name="submissions"),
    path("submissions/new/", views.submission_new, name="submission_new"),
    path("submissions/<int:pk>/", views.submission_page, name="submission"),
    path("submissions/<int:pk>/assign/", views.submission_assign, name="submission_assign"),
    path("submissions/<int:pk>/answer/", views.submission_answer, name="submission_answer"),
    path("submissions/<int:pk>/close/", views.submission_close, name="submission_close"),
    path("submissions/<int:pk>/attachments/new/", views.attachment_new, name="attachment_new"),
    path("submissions/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
]
