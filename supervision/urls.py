"""Routes of supervision. Each group of views lives in its own module: views (the liaison group's workspace and
calendar, visits, findings, visit methods), action_views (the escalation ladder: actions and proposals),
letter_views (feedback letters and their .docx)."""

from django.urls import URLPattern, URLResolver, path

from supervision import action_views, letter_views, views

app_name = "supervision"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.workspace, name="workspace"),
    path("calendar/", views.visit_calendar, name="calendar"),
    path("units/<str:code>/requirements/", views.unit_requirements, name="unit_requirements"),
    path("methods/", views.method_list, name="methods"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit_page, name="visit"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/record/", views.visit_record, name="visit_record"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("visits/<int:pk>/attachments/new/", views.attachment_new, name="attachment_new"),
    path("visits/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("visits/<int:pk>/attachments/<int:attachment_pk>/remove/", views.attachment_remove,
         name="attachment_remove"),
    path("visits/<int:pk>/findings/new/", views.finding_new, name="finding_new"),
    path("findings/", views.finding_list, name="findings"),
    path("findings/<int:pk>/", views.finding_page, name="finding"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/delete/", views.finding_delete, name="finding_delete"),
    path("findings/<int:pk>/problem/", views.finding_problem, name="finding_problem"),
    path("findings/<int:pk>/relapse/", views.finding_relapse, name="finding_relapse"),
    path("actions/", action_views.action_list, name="actions"),
    path("actions/new/", action_views.action_new, name="action_new"),
    path("actions/<int:pk>/", action_views.action_page, name="action"),
    path("actions/<int:pk>/decide/", action_views.action_decide, name="action_decide"),
    path("actions/<int:pk>/dismiss/", action_views.action_dismiss, name="action_dismiss"),
    path("actions/<int:pk>/result/", action_views.action_result, name="action_result"),
    path("letters/", letter_views.letter_list, name="letters"),
    path("letters/new/", letter_views.letter_new, name="letter_new"),
    path("letters/<int:pk>/", letter_views.letter_page, name="letter"),
    path("letters/<int:pk>/edit/", letter_views.letter_edit, name="letter_edit"),
    path("letters/<int:pk>/issue/", letter_views.letter_issue, name="letter_issue"),
    path("letters/<int:pk>/docx/", letter_views.letter_docx, name="letter_docx"),
]
