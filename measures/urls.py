"""The measures' pages under /measures/. The coverage view (/measures/coverage/) is assessment's: assessment/urls.py,
mounted at the same prefix."""

from django.urls import URLPattern, URLResolver, path

from measures import entry_views, views

app_name = "measures"
urlpatterns: list[URLPattern | URLResolver] = [
    path("quick/", views.quick, name="quick"),
    path("unit/<str:code>/", views.unit, name="unit"),
    # Entry pages (a unit for its own organisations, the office for any it sees).
    path("unit/<str:code>/study/new/", entry_views.study_edit, name="study_new"),
    path("unit/<str:code>/study/<int:pk>/", entry_views.study_edit, name="study"),
    path("unit/<str:code>/lecture/new/", entry_views.lecture_edit, name="lecture_new"),
    path("unit/<str:code>/lecture/<int:pk>/", entry_views.lecture_edit, name="lecture"),
    path("unit/<str:code>/topic/new/", entry_views.topic_new, name="topic_new"),
    path("unit/<str:code>/topic/<int:pk>/", entry_views.topic, name="topic"),
    path("unit/<str:code>/topic/<int:pk>/report/", entry_views.report_new, name="report_new"),
    path("unit/<str:code>/report/<int:pk>/use/", entry_views.use_new, name="use_new"),
    path("unit/<str:code>/exchange/new/", entry_views.exchange_new, name="exchange_new"),
    path("unit/<str:code>/service/new/", entry_views.service_new, name="service_new"),
    path("unit/<str:code>/service/<int:pk>/", entry_views.service, name="service"),
    path("unit/<str:code>/service/<int:pk>/milestone/", entry_views.milestone_new, name="milestone_new"),
    path("unit/<str:code>/milestone/<int:pk>/done/", entry_views.milestone_done, name="milestone_done"),
    path("unit/<str:code>/meeting/new/", entry_views.meeting_new, name="meeting_new"),
    path("unit/<str:code>/meeting/<int:pk>/", entry_views.meeting, name="meeting"),
    path("unit/<str:code>/meeting/<int:pk>/item/", entry_views.item_new, name="item_new"),
    path("report/<int:pk>/download/", entry_views.report_download, name="report_download"),
    path("attachment/<str:kind>/<int:pk>/", entry_views.attachment_download, name="attachment"),
]
