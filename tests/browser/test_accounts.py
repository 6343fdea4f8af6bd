"""The forced password change in a real browser: the security administrator resets office's password; office logs in
with it, is sent to the change page whatever address they open, changes it and lands on their home page."""

import re
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, db_call
from tests.browser.test_pages import OFFICE_LANDING, _login, _page

pytestmark = pytest.mark.browser
CHANGE = re.compile(r"/accounts/password/$")


def test_a_reset_password_is_changed_at_the_next_login(browser: Any, live_server: Any, city: dict[str, Any]) -> None:
    from accounts.models import User

    office_pk = db_call(lambda: User.objects.get(username="office").pk)
    page, outside = _page(browser, live_server, DESKTOP)
    _login(page, live_server, city["password"], username="secadmin", landing=re.compile(r"/accounts/users/"))
    page.goto(f"{live_server.url}/accounts/users/{office_pk}/")
    page.fill("#new-password", "Reset@2024x")
    page.click("form[action$='/password/'] button[type=submit]")
    page.wait_for_selector("text=已重置账号 office 的密码")
    page.click("text=退出")
    page.wait_for_url(re.compile(r"/accounts/login/"))

    _login(page, live_server, "Reset@2024x", username="office", landing=CHANGE)
    assert page.locator(".alert-warning").inner_text().startswith("您的密码由安全管理员设置")
    page.goto(f"{live_server.url}/problems/")
    page.wait_for_url(CHANGE)  # nowhere else until it is changed
    page.fill("#id_current_password", "Reset@2024x")
    page.fill("#id_new_password", "Office@2024x")  # contains the account name: refused
    page.fill("#id_new_password2", "Office@2024x")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=密码不能包含账号或本人姓名")
    page.fill("#id_current_password", "Reset@2024x")
    page.fill("#id_new_password", "Mine@2024xy")
    page.fill("#id_new_password2", "Mine@2024xy")
    page.click("main button[type=submit]")
    page.wait_for_url(OFFICE_LANDING)
    assert "密码已修改" in page.content()
    page.goto(f"{live_server.url}/problems/")
    page.wait_for_url(re.compile(r"/problems/$"))
    office = db_call(lambda: User.objects.get(username="office"))
    assert office.check_password("Mine@2024xy") and not office.must_change_password
    assert outside == []
