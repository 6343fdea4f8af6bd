"""Log in, search the tree by pinyin initials, open the statistics page; at desktop and phone widths."""

import re
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE

pytestmark = pytest.mark.browser


def _page(browser: Any, live_server: Any, viewport: dict[str, int]) -> tuple[Any, list[str]]:
    """A page that records every request leaving the server (there must be none)."""
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith((live_server.url, "data:", "blob:")) else None)
    return page, outside


# The office lands on the campaign's progress (措施覆盖), or on the campaigns while none is running.
OFFICE_LANDING = re.compile(r"/(measures/coverage|campaigns)/$")


def _login(page: Any, live_server: Any, password: str, username: str = "office",
           landing: str | re.Pattern[str] = OFFICE_LANDING) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.title().startswith("登录")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(landing)


def _chart_drawn(page: Any, selector: str) -> bool:
    page.wait_for_selector(f"{selector} canvas", timeout=10_000)
    page.wait_for_timeout(1200)  # ECharts' opening animation
    return page.eval_on_selector(f"{selector} canvas", """c => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) n++; } return n > 500; }""")


def _no_horizontal_overflow(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_login_search_and_statistics_desktop(browser, live_server, city):
    page, outside = _page(browser, live_server, DESKTOP)
    _login(page, live_server, city["password"])
    # The CSS loaded: the top bar is dark red, the body uses the Chinese font stack.
    bar = page.eval_on_selector(".app-header", "e => getComputedStyle(e).backgroundImage")
    assert "164, 22, 26" in bar
    assert "PingFang SC" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "王主任" in page.inner_text(".app-user")

    page.click("text=组织体系")
    page.wait_for_url("**/orgs/")
    # Expand a county (htmx loads its children).
    page.click("button[data-url$='/orgs/A/children/']")
    page.wait_for_selector(".org-tree >> text=城关镇党委")
    page.fill("input[name=q]", "cgz")
    page.click("button:has-text('查找')")
    page.wait_for_selector(".search-results")
    results = page.inner_text(".search-results")
    assert "城关镇党委" in results and "城关区委" in results  # the match and its trail
    page.screenshot(path=str(ARTIFACTS / "tree-search-desktop.png"), full_page=True)

    page.click(".search-results >> text=城关镇党委")
    page.wait_for_url("**/orgs/A1/")
    assert page.inner_text("#stats-sentence") == "共有党组织3个，党员5人，县处级以上领导干部0人"
    assert _chart_drawn(page, "#chart-sector") and _chart_drawn(page, "#chart-tier")
    page.screenshot(path=str(ARTIFACTS / "statistics-desktop.png"), full_page=True)

    page.goto(f"{live_server.url}/orgs/C/")
    assert page.inner_text("#stats-sentence") == "共有党组织8个，党员8人，县处级以上领导干部1人"
    assert _chart_drawn(page, "#chart-sector")
    page.screenshot(path=str(ARTIFACTS / "statistics-root-desktop.png"), full_page=True)

    page.goto(f"{live_server.url}/orgs/C/members/?gender=F")
    assert "李秀英" in page.inner_text("table") and "王建国" not in page.inner_text("table")
    page.screenshot(path=str(ARTIFACTS / "members-desktop.png"), full_page=True)
    assert outside == []


def test_phone_width_has_no_horizontal_overflow(browser, live_server, city):
    page, outside = _page(browser, live_server, PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "login-375.png"), full_page=True)
    _login(page, live_server, city["password"])

    # The navbar collapses behind its toggler.
    assert not page.is_visible("text=组织体系")
    page.click(".navbar-toggler")
    page.click("text=组织体系")
    page.wait_for_url("**/orgs/")
    page.fill("input[name=q]", "cgz")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector(".search-results")
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "tree-search-375.png"), full_page=True)

    page.click(".search-results >> text=城关镇党委")
    page.wait_for_url("**/orgs/A1/")
    assert "共有党组织3个，党员5人" in page.inner_text("#stats-sentence")
    assert _chart_drawn(page, "#chart-sector") and _chart_drawn(page, "#chart-tier")
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "statistics-375.png"), full_page=True)

    for path, name in [("/orgs/C/", "statistics-root-375"), ("/orgs/C/members/", "members-375"),
                       ("/orgs/C/cadres/", "cadres-375")]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        if page.query_selector("#chart-sector"):
            assert _chart_drawn(page, "#chart-sector")
        assert _no_horizontal_overflow(page), path
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert outside == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375"])
def test_auditor_and_secadmin_pages(browser, live_server, city, viewport):
    page, outside = _page(browser, live_server, viewport)
    _login(page, live_server, city["password"], "auditor", "**/audit/")
    assert "审计日志" in page.inner_text("h1")
    page.click("details.audit-json summary >> nth=0")
    if viewport == PHONE:
        assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / f"audit-{viewport['width']}.png"), full_page=True)
    page.context.clear_cookies()
    _login(page, live_server, city["password"], "secadmin", "**/accounts/users/")
    assert "三员分立" in page.inner_text("main") and "auditor" in page.inner_text("main")
    if viewport == PHONE:
        assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / f"secadmin-{viewport['width']}.png"), full_page=True)
    assert outside == []
