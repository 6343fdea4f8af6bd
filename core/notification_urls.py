"""Routes of the user's notifications (mounted at /notifications/)."""

from django.urls import URLPattern, path

from core import notification_views

app_name = "notifications"
urlpatterns: list[URLPattern] = [
    path("", notification_views.notification_list, name="list"),
    path("<int:pk>/read/", notification_views.notification_read, name="read"),
    path("read-all/", notification_views.notification_read_all, name="read_all"),
]
