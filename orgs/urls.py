from django.urls import path

from orgs import io_views, views

app_name = "orgs"
urlpatterns = [
    # Imports and exports (io_views): upload → preview with every error → confirm → progress.
    path("import/", io_views.import_start, name="import_start"),
    path("import/template/<str:kind>/", io_views.import_template, name="import_template"),
    path("import/<int:job_id>/", io_views.import_detail, name="import_detail"),
    path("import/<int:job_id>/progress/", io_views.import_progress, name="import_progress"),
    path("import/<int:job_id>/confirm/", io_views.import_confirm, name="import_confirm"),
    path("<str:code>/orgs/export/", io_views.export_orgs, name="export_orgs"),
    path("<str:code>/members/export/", io_views.export_members, name="export_members"),
    path("<str:code>/cadres/export/", io_views.export_cadres, name="export_cadres"),
    # Registry pages (views).
    path("", views.tree, name="tree"),
    path("pick/", views.pick, name="pick"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/children/", views.tree_children, name="tree_children"),
    path("<str:code>/members/", views.member_list, name="members"),
    path("<str:code>/cadres/", views.cadre_list, name="cadres"),
]
