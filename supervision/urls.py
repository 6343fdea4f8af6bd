"""Routes of supervision. The views live in the `supervision.views` package, one module by entity: visits (the
liaison group's workspace and calendar, visits, visit methods), findings, actions (the escalation ladder: actions
and proposals), letters (feedback letters and their .docx)."""

from django.urls import URLPattern, URLResolver, path

from supervision import views

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
    path("actions/", views.action_list, name="actions"),
    path("actions/new/", views.action_new, name="action_new"),
    path("actions/<int:pk>/", views.action_page, name="action"),
    path("actions/<int:pk>/decide/", views.action_decide, name="action_decide"),
    path("actions/<int:pk>/dismiss/", views.action_dismiss, name="action_dismiss"),
    path("actions/<int:pk>/result/", views.action_result, name="action_result"),
    path("letters/", views.letter_list, name="letters"),
    path("letters/new/", views.letter_new, name="letter_new"),
    path("letters/<int:pk>/", views.letter_page, name="letter"),
    path("letters/<int:pk>/edit/", views.letter_edit, name="letter_edit"),
    path("letters/<int:pk>/issue/", views.letter_issue, name="letter_issue"),
    path("letters/<int:pk>/docx/", views.letter_docx, name="letter_docx"),
]
