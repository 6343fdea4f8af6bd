import datetime as dt
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, User
from api.tests.helpers import API


def test_openapi_schema_is_served_to_a_signed_in_user(client, users):
    client.force_login(users["unit"])
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert (schema["info"]["title"], schema["info"]["version"]) == ("主题教育工作平台 API", "1")
    paths = schema["paths"]
    assert {"/api/v1/auth/token", "/api/v1/orgs/", "/api/v1/orgs/{code}", "/api/v1/orgs/{code}/stats",
            "/api/v1/orgs/{code}/members", "/api/v1/orgs/{code}/cadres", "/api/v1/members/{id_number}",
            "/api/v1/imports/{kind}"} <= set(paths)
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["TokenAuth"].items()
    assert "security" not in paths["/api/v1/auth/token"]["post"]
    assert paths["/api/v1/orgs/"]["get"]["security"]
    params = {p["name"] for p in paths["/api/v1/orgs/"]["get"]["parameters"]}
    assert {"q", "sector", "tier", "kind", "parent", "depth", "limit", "offset"} <= params
    upload = paths["/api/v1/imports/{kind}"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


def test_openapi_schema_is_served_with_a_bearer_token(client, users):
    token = ApiToken.issue(users["office"])
    response = client.get(f"{API}/openapi.json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and "/api/v1/auth/tokens" in response.json()["paths"]


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Bearer expired"])
def test_openapi_schema_is_refused_to_strangers_with_the_apis_401(client, users, authorization):
    headers = {}
    if authorization == "Bearer expired":
        token = ApiToken.issue(users["office"])
        ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        authorization = f"Bearer {token}"
    if authorization:
        headers["HTTP_AUTHORIZATION"] = authorization
    response = client.get(f"{API}/openapi.json", **headers)
    assert response.status_code == 401
    assert response.json()["detail"].startswith("未登录或令牌无效")
    assert response["WWW-Authenticate"] == "Bearer"
    assert "paths" not in response.json()


def test_docs_page_sends_a_stranger_to_the_login_page(client, db):
    response = client.get(f"{API}/docs")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/api/v1/docs"
    assert "swagger" not in response.content.decode().lower()


def test_docs_page_is_refused_to_a_locked_or_inactive_session(client, users):
    client.force_login(users["unit"])
    User.objects.filter(pk=users["unit"].pk).update(locked_until=timezone.now() + dt.timedelta(minutes=5))
    assert client.get(f"{API}/docs").status_code == 302
    assert client.get(f"{API}/openapi.json").status_code == 401


def test_docs_page_uses_bundled_assets_not_a_cdn(client, users):
    client.force_login(users["unit"])
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "主题教育工作平台 API" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
        assert client.get(asset).status_code == 200, asset
    assert "/api/v1/openapi.json" in html
