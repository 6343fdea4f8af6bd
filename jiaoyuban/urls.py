from django.urls import include, path

from accounts import urls as accounts_urls
from administration import urls as administration_urls
from jiaoyuban import views
from problems.urls import public_urlpatterns as feedback_urls

urlpatterns = [
    path("", views.home, name="home"),
    *administration_urls.system_urlpatterns,
    # Login and logout (accounts) and the security administrator's account pages (administration) share the
    # /accounts/ paths and the `accounts` namespace they always had: accounts:login, accounts:users …
    path("accounts/", include(([*accounts_urls.urlpatterns, *administration_urls.account_urlpatterns], "accounts"))),
    path("orgs/", include("orgs.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("measures/", include("measures.urls")),
    path("measures/", include("assessment.urls")),  # the coverage view, at the path it had in measures
    path("problems/", include("problems.urls")),
    path("supervision/", include("supervision.urls")),
    path("office/", include("office.urls")),
    path("f/", include((feedback_urls, "feedback"))),
    path("audit/", include((administration_urls.audit_urlpatterns, "audit"))),
    path("notifications/", include("core.urls")),
    path("api/v1/", include("api.urls")),
]

# Chinese error pages (and the API's refusal body under /api/): core.views.
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
