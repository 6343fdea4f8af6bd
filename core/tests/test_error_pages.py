"""Error pages in Chinese, in the product's style, readable on a phone, with a way back; the 500 page renders with
nothing but itself."""

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from conftest import PASSWORD

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def _page(response: Any, status: int) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert VIEWPORT in html and 'lang="zh-CN"' in html and "返回上一页" in html
    assert "Not Found" not in html and "Forbidden" not in html and "Server Error" not in html
    return html


def test_an_unknown_page_is_404_in_chinese_with_the_way_home(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["unit"])
    html = _page(client.get("/no-such-page/", HTTP_REFERER="http://testserver/problems/"), 404)
    assert "页面不存在" in html and "不在您的管辖范围内" in html and "回到首页" in html
    assert 'href="http://testserver/problems/" data-history-back' in html  # back to where the user was
    assert "css/app.css" in html and "app-header" in html  # the product's frame, with the user's menu
    assert "退出" in html


def test_outside_the_jurisdiction_answers_the_same_chinese_404(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["unit"])
    html = _page(client.get(reverse("orgs:detail", args=["B"])), 404)
    assert "页面不存在" in html


def test_a_mistyped_feedback_link_speaks_to_the_masses(client: Client, db: Any) -> None:
    html = _page(client.get("/f/NOT-A-TOKEN/"), 404)
    assert "评价链接" in html and "重新扫描" in html and "回到首页" not in html


def test_a_foreign_referer_is_not_offered_as_the_way_back(client: Client, db: Any) -> None:
    html = _page(client.get("/no-such-page/", HTTP_REFERER="https://evil.example/"), 404)
    assert "evil.example" not in html


def test_csrf_failure_is_a_chinese_403_that_says_nothing_was_sent(users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["office"])
    client.get(reverse("notifications:list"))  # a page with a form: the CSRF cookie is set
    html = _page(client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": "x" * 64}), 403)
    assert "安全校验未通过" in html and "刷新页面后重新提交" in html and "禁用了 Cookie" not in html


def test_csrf_failure_without_cookies_says_to_allow_them(users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["office"])
    html = _page(client.post(reverse("accounts:logout")), 403)
    assert "允许本平台使用 Cookie" in html and "刷新页面后重新提交" in html


def test_permission_denied_is_a_chinese_403(rf: RequestFactory, users: dict[str, Any]) -> None:
    from core.views import permission_denied

    request = rf.get("/x/")
    request.user = users["office"]
    html = _page(permission_denied(request), 403)
    assert "没有进行此操作的权限" in html


def test_bad_request_is_a_chinese_400_without_the_request_context(rf: RequestFactory, db: Any) -> None:
    from core.views import bad_request

    html = _page(bad_request(rf.get("/x/")), 400)
    assert "请求有误" in html and "回到首页" in html


def test_500_renders_without_database_user_or_static_files(rf: RequestFactory) -> None:
    """No `db` fixture: a query would fail the test. The page carries its own style."""
    from core.views import server_error

    html = _page(server_error(rf.get("/problems/5/", HTTP_REFERER="http://testserver/problems/?page=2")), 500)
    assert "系统出错了" in html and "回到首页" in html and "<style>" in html and "/static/" not in html
    assert 'href="http://testserver/problems/?page=2"' in html


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v2/"])
def test_api_addresses_get_json_not_a_page(client: Client, db: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and response.json()["detail"].startswith("未找到")


def test_the_real_handlers_are_installed(client: Client, users: dict[str, Any], settings: Any) -> None:
    from jiaoyuban import urls

    assert urls.handler404 == "core.views.page_not_found" and urls.handler500 == "core.views.server_error"
    assert settings.CSRF_FAILURE_VIEW == "core.views.csrf_failure"
    assert client.login(username="office", password=PASSWORD)


def test_an_action_address_opened_directly_is_a_chinese_405_page(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["office"])
    response = client.get(reverse("accounts:logout"))
    html = _page(response, 405)
    assert "这个地址不能直接打开" in html and response["Allow"] == "POST"
    assert client.get(reverse("notifications:list")).status_code == 200  # still logged in: nothing was done
