"""The API answers every error in Chinese with the one refusal body ({"detail": …, "errors": {field: [reasons]}}),
including what django-ninja refuses itself before an endpoint runs."""

import datetime as dt
import json
from typing import Any

import pytest

from api.tests.helpers import API, ApiClient


@pytest.fixture
def campaign(tree: Any) -> Any:
    from campaigns.models import Campaign, Participation

    current = Campaign.objects.create(name="主题教育", batch=2, starts_on=dt.date(2023, 9, 1), is_current=True)
    Participation.objects.create(campaign=current, organization=tree.city)
    return current


@pytest.fixture
def problem(campaign: Any, users: dict[str, Any], tree: Any) -> Any:
    from problems.services import problem_create

    return problem_create(actor=users["unit"], organization=tree.village_a, description="村务公开栏长期未更新",
                          source="self", category="style")


def _post(api: ApiClient, path: str, body: Any) -> Any:
    return api.post(path, json.dumps(body), content_type="application/json")


def _refusal(response: Any, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"} and isinstance(body["detail"], str)
    assert all(isinstance(reasons, list) and reasons for reasons in body["errors"].values())
    return body


def test_missing_fields_are_named_by_their_chinese_label(api_as: Any, campaign: Any) -> None:
    body = _refusal(_post(api_as("unit"), "/problems/", {"org": "A1a"}))
    assert body["errors"]["description"] == ["请填写问题表现"]
    assert body["errors"]["source"] == ["请填写问题来源"]
    assert "请填写问题表现" in body["detail"] and "Field required" not in json.dumps(body)


def test_an_impossible_date_and_a_wrong_type_are_refused_in_chinese(api_as: Any, problem: Any) -> None:
    body = _refusal(_post(api_as("unit"), f"/problems/{problem.pk}/steps",
                          {"measure": "更新公开栏", "deadline": "2023-02-30", "version": "最新"}))
    assert body["errors"]["deadline"] == ["完成时限不是有效的日期，格式如2023-10-31"]
    assert body["errors"]["version"] == ["问题的版本号应为整数"]
    assert problem.steps.count() == 0


def test_an_unknown_choice_lists_the_allowed_values(api_as: Any, campaign: Any) -> None:
    body = _refusal(api_as("office").get("/problems/", status="finished"))
    [reason] = body["errors"]["status"]
    assert reason.startswith("状态只能是：") and "registered" in reason and "' or '" not in reason


def test_a_wrong_path_parameter_is_refused_in_chinese(api_as: Any, campaign: Any) -> None:
    body = _refusal(api_as("office").get("/problems/abc"))
    assert body["errors"] == {"problem_id": ["问题编号应为整数"]}


def test_a_body_that_is_not_json_is_400_in_chinese(api_as: Any, campaign: Any) -> None:
    response = api_as("unit").post("/problems/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("请求内容无法解析")


def test_unknown_address_is_404_in_chinese_json(api_as: Any, db: Any) -> None:
    response = api_as("office").get("/no-such-thing")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith("未找到")


def test_a_method_the_address_does_not_take_is_405_in_chinese(api_as: Any, db: Any) -> None:
    response = api_as("office").client.delete(f"{API}/auth/token")
    assert response.status_code == 405 and "POST" in response["Allow"]
    assert response.json() == {"detail": "本接口不支持 DELETE 请求，可用：POST"}


def test_without_a_token_the_answer_is_401_in_chinese(anonymous: ApiClient) -> None:
    response = anonymous.get("/orgs/")
    assert response.status_code == 401 and response.json()["detail"].startswith("未登录或令牌无效")


def test_outside_the_jurisdiction_is_404_in_chinese(api_as: Any, tree: Any) -> None:
    response = api_as("unit").get("/orgs/B")
    assert response.status_code == 404 and response.json() == {"detail": "未找到"}


def test_a_crash_inside_the_api_is_500_in_chinese_json(api_as: Any, tree: Any, monkeypatch: Any) -> None:
    import orgs.api

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(orgs.api.selectors, "org_stats", boom)
    api = api_as("office")
    api.client.raise_request_exception = False
    response = api.get("/orgs/C/stats")
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith("服务器内部错误")


def test_a_session_write_without_the_csrf_token_is_403_in_chinese(users: dict[str, Any], campaign: Any) -> None:
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["unit"])
    response = browser.post(f"{API}/problems/", json.dumps({"org": "A1a"}), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("安全校验未通过（CSRF）")


_CJK = __import__("re").compile(r"[\u4e00-\u9fff]")


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    from api.api import api

    schema = api.get_openapi_schema()
    return [(method.upper(), path, op) for path, ops in schema["paths"].items() for method, op in ops.items()
            if method in ("get", "post", "put", "patch", "delete")]


def _fill(path: str) -> str:
    import re

    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.parametrize(("method", "path", "op"), _operations(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_endpoint_refuses_bad_input_in_chinese(api_as: Any, campaign: Any, method: str, path: str,
                                                     op: dict[str, Any]) -> None:
    """Every endpoint, sent wrong types (an object where a value belongs, text where a number belongs) and
    nothing at all, answers with Chinese JSON: never pydantic's English list."""
    from api.api import api

    api_client = api_as("office")
    url = _fill(path)
    params = {p["name"]: {"wrong": 1} for p in op.get("parameters", []) if p["in"] == "query"}
    bodies: list[Any] = [{}]
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        ref = content["application/json"]["schema"].get("$ref", "")
        props = api.get_openapi_schema()["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}).get(
            "properties", {})
        bodies.append({name: {"wrong": 1} for name in props})
    for body in bodies:
        if method == "GET":
            response = api_client.client.get(f"{API}{url}", {k: "壹" for k in params}, **api_client.headers)
        else:
            response = api_client.client.generic(method, f"{API}{url}", json.dumps(body),
                                                  content_type="application/json", **api_client.headers)
        if response.status_code in (200, 201, 204) or response.get("Content-Type") != "application/json":
            assert response.status_code < 400, (method, url, response.status_code)
            continue
        answer = response.json()
        assert isinstance(answer["detail"], str) and _CJK.search(answer["detail"]), (method, url, answer)
        if response.status_code == 422:
            assert all(_CJK.search(m) for reasons in answer["errors"].values() for m in reasons), answer
