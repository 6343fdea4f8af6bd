import re

import pytest
from django.contrib.staticfiles import finders

from api.tests.helpers import API


def test_openapi_schema_is_served_to_anyone(client, db):
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


@pytest.mark.parametrize("logged_in", [False, True])
def test_docs_page_uses_bundled_assets_not_a_cdn(client, users, logged_in):
    if logged_in:
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
