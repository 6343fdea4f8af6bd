"""The measures' pages under /measures/. The views live in the `measures.views` package: units (the quick record
and a unit's campaign page), entries (the entry pages of each kind of record). The coverage view
(/measures/coverage/) is assessment's: assessment/urls.py, mounted at the same prefix."""

from django.urls import URLPattern, URLResolver, path

from measures import views

app_name = "measures"
urlpatterns: list[URLPattern | URLResolver] = [
    path("quick/", views.quick, name="quick"),
    path("unit/<str:code>/", views.unit, name="unit"),
    # Entry pages (a unit for its own organisations, the office for any it sees).
    path("unit/<str:code>/study/new/", views.study_edit, name="study_new"),
    path("unit/<str:code>/study/<int:pk>/", views.study_edit, name="study"),
    path("unit/<str:code>/lecture/new/", views.lecture_edit, name="lecture_new"),
    path("unit/<str:code>/lecture/<int:pk>/", views.lecture_edit, name="lecture"),
    path("unit/<str:code>/topic/new/", views.topic_new, name="topic_new"),
    path("unit/<str:code>/topic/<int:pk>/", views.topic, name="topic"),
    path("unit/<str:code>/topic/<int:pk>/report/", views.report_new, name="report_new"),
    path("unit/<str:code>/report/<int:pk>/use/", views.use_new, name="use_new"),
    path("unit/<str:code>/exchange/new/", views.exchange_new, name="exchange_new"),
    path("unit/<str:code>/service/new/", views.service_new, name="service_new"),
    path("unit/<str:code>/service/<int:pk>/", views.service, name="service"),
    path("unit/<str:code>/service/<int:pk>/milestone/", views.milestone_new, name="milestone_new"),
    path("unit/<str:code>/milestone/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("unit/<str:code>/meeting/new/", views.meeting_new, name="meeting_new"),
    path("unit/<str:code>/meeting/<int:pk>/", views.meeting, name="meeting"),
    path("unit/<str:code>/meeting/<int:pk>/item/", views.item_new, name="item_new"),
    path("report/<int:pk>/download/", views.report_download, name="report_download"),
    path("attachment/<str:kind>/<int:pk>/", views.attachment_download, name="attachment"),
]
