"""Routes of the user's notifications (mounted at /notifications/): core.views.notifications."""

from django.urls import URLPattern, path

from core.views import notifications

app_name = "notifications"
urlpatterns: list[URLPattern] = [
    path("", notifications.notification_list, name="list"),
    path("<int:pk>/read/", notifications.notification_read, name="read"),
    path("read-all/", notifications.notification_read_all, name="read_all"),
]
