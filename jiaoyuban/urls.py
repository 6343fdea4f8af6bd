from django.urls import include, path

from accounts import admin_views
from jiaoyuban import views
from problems.urls import public_urlpatterns as feedback_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("system/", admin_views.system_status, name="system_status"),
    path("accounts/", include("accounts.urls")),
    path("orgs/", include("orgs.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("measures/", include("measures.urls")),
    path("measures/", include("assessment.urls")),  # the coverage view, at the path it had in measures
    path("problems/", include("problems.urls")),
    path("supervision/", include("supervision.urls")),
    path("office/", include("office.urls")),
    path("f/", include((feedback_urls, "feedback"))),
    path("audit/", include("accounts.audit_urls")),
    path("notifications/", include("core.notification_urls")),
    path("api/v1/", include("api.urls")),
]

# Chinese error pages (and the API's refusal body under /api/): core.views.
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
