"""Routes of the problem ledger. Each group of views lives in its own module:
views (ledger list, a problem's page, registration, edits, steps, evidence, lifecycle actions),
io_views (export and import of ledgers), feedback_views (the public no-login feedback page and its QR code)."""

from django.urls import URLPattern, URLResolver, path

from problems import feedback_views, io_views, views

app_name = "problems"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ledger, name="ledger"),
    path("new/", views.problem_new, name="new"),
    path("filters/save/", views.filter_save, name="filter_save"),
    path("filters/<int:pk>/delete/", views.filter_delete, name="filter_delete"),
    path("special/", views.special_list, name="special_list"),
    path("special/<int:pk>/", views.special_edit, name="special_edit"),
    path("<int:pk>/", views.problem_page, name="problem"),
    path("<int:pk>/edit/", views.problem_edit, name="edit"),
    path("<int:pk>/act/<str:action>/", views.problem_action, name="act"),
    path("<int:pk>/steps/new/", views.step_new, name="step_new"),
    path("<int:pk>/steps/<int:step_pk>/", views.step_edit, name="step_edit"),
    path("<int:pk>/steps/<int:step_pk>/done/", views.step_done, name="step_done"),
    path("<int:pk>/evidence/new/", views.evidence_new, name="evidence_new"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence"),
    path("<int:pk>/evidence/<int:evidence_pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("<int:pk>/feedback/<int:satisfaction_pk>/answer/", feedback_views.answer, name="feedback_answer"),
    path("<int:pk>/feedback/qr/", feedback_views.qr, name="feedback_qr"),
    path("export/", io_views.export, name="export"),
    path("import/", io_views.import_upload, name="import"),
    path("import/<int:pk>/", io_views.import_job, name="import_job"),
    path("import/template/", io_views.import_template, name="import_template"),
]

# The public feedback page has no login and its own prefix (jiaoyuban/urls.py mounts it at /f/).
public_urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:token>/", feedback_views.public_feedback, name="public_feedback"),
]
