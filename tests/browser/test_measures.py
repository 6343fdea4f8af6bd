"""A grassroots branch secretary on a phone (375 px): logs in, records a study session with the quick form in one
go, and sees it on the unit's campaign page."""

import datetime as dt
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, PHONE
from tests.browser.test_pages import _login, _no_horizontal_overflow, _page

pytestmark = pytest.mark.browser


@pytest.fixture
def campaign_city(city: dict[str, Any]) -> dict[str, Any]:
    """The browser city taking part in a current campaign (open-ended, so today is a valid date), and the unit
    user of 东关村党支部. Written before the browser starts (no ORM calls inside Playwright's loop)."""
    from accounts.services import user_create
    from campaigns.models import Campaign, Participation
    from conftest import PASSWORD
    from orgs.models import Organization

    campaign = Campaign.objects.create(name="学习贯彻习近平新时代中国特色社会主义思想主题教育", batch=2,
                                       starts_on=dt.date(2023, 9, 1), is_current=True)
    Participation.objects.create(campaign=campaign, organization=Organization.objects.get(code="C"))
    user_create(username="unit", role="unit", organization=Organization.objects.get(code="A1a"), password=PASSWORD,
                full_name="东关村联络员")
    return city


def test_unit_records_a_study_session_on_a_phone(campaign_city, browser, live_server):
    page, outside = _page(browser, live_server, PHONE)
    _login(page, live_server, campaign_city["password"], "unit", "**/orgs/A1a/")

    page.goto(f"{live_server.url}/measures/quick/")
    assert page.title().startswith("快速记录")
    # 学习 is chosen; the lecture's speaker is hidden, the study form shown.
    assert page.is_visible("#id_study_kind") and not page.is_visible("#id_speaker")
    page.fill("#id_title", "学习《习近平著作选读》第一卷")
    page.fill("#id_count", "0")
    page.click(".quick-form button[type=submit]")
    # A Chinese error, and what was typed is kept.
    page.wait_for_selector(".invalid-feedback")
    assert "参加人数至少为1" in page.inner_text(".quick-form")
    assert "请选择学习形式" in page.inner_text(".quick-form")
    assert page.input_value("#id_title") == "学习《习近平著作选读》第一卷"
    page.screenshot(path=str(ARTIFACTS / "measures-quick-errors-375.png"), full_page=True)

    page.fill("#id_count", "14")
    page.select_option("#id_study_kind", label="集中学习")
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "measures-quick-375.png"), full_page=True)
    page.click(".quick-form button[type=submit]")
    page.wait_for_url("**/measures/unit/A1a/**")

    text = page.inner_text("main")
    assert "已记录" in text
    assert "学习《习近平著作选读》第一卷" in page.inner_text("#section-study")
    assert "14人参加" in page.inner_text("#section-study")
    assert "尚未记录学习研讨" not in text and "尚未记录专题组织生活会" in text
    assert "简化程序" in text  # the village's guidance profile
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "measures-unit-375.png"), full_page=True)
    assert outside == []
