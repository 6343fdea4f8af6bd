"""Routes of the problem ledger. The views live in the `problems.views` package, one module by entity: listing (the
list and saved filters), problem (registration, edits, a problem's page, lifecycle actions), steps, evidence,
special_campaigns, io (export and import of ledgers), feedback (the public no-login feedback page and its QR code)."""

from django.urls import URLPattern, URLResolver, path

from problems import views

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
    path("<int:pk>/feedback/<int:satisfaction_pk>/answer/", views.answer, name="feedback_answer"),
    path("<int:pk>/feedback/qr/", views.qr, name="feedback_qr"),
    path("export/", views.export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/template/", views.import_template, name="import_template"),
]

# The public feedback page has no login and its own prefix (jiaoyuban/urls.py mounts it at /f/).
public_urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:token>/", views.public_feedback, name="public_feedback"),
]
