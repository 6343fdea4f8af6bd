"""Routes of the registry. The views live in the `orgs.views` package: registry (the tree, an organisation's
page, its member and cadre lists, the picker), io (imports and exports)."""

from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    # Imports and exports (views.io): upload → preview with every error → confirm → progress.
    path("import/", views.import_start, name="import_start"),
    path("import/template/<str:kind>/", views.import_template, name="import_template"),
    path("import/<int:job_id>/", views.import_detail, name="import_detail"),
    path("import/<int:job_id>/progress/", views.import_progress, name="import_progress"),
    path("import/<int:job_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("<str:code>/orgs/export/", views.export_orgs, name="export_orgs"),
    path("<str:code>/members/export/", views.export_members, name="export_members"),
    path("<str:code>/cadres/export/", views.export_cadres, name="export_cadres"),
    # Registry pages (views.registry).
    path("", views.tree, name="tree"),
    path("pick/", views.pick, name="pick"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/children/", views.tree_children, name="tree_children"),
    path("<str:code>/members/", views.member_list, name="members"),
    path("<str:code>/cadres/", views.cadre_list, name="cadres"),
]
