"""The masses' side, in the browser. On a 375 px phone a villager opens the problem's /f/ link (no login), taps
a rating as a person does, says why and sends it; the unit's contact answers it on the problem's page; the
villager opens the link again and reads the answer. The office, while no public address is set
(JYB_PUBLIC_URL), is shown why there is no QR code to print and what to set."""

import datetime as dt
import re
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.browser.test_pages import _login, _no_horizontal_overflow, _page

pytestmark = pytest.mark.browser

ANY_PAGE_BUT_LOGIN = re.compile(r"^(?!.*/accounts/login/).*$")


@pytest.fixture
def masses_problem(city: dict[str, Any], settings: Any) -> dict[str, Any]:
    """A current campaign, the unit contact of 东关村党支部, and a problem the masses raised there (written
    before the browser starts). No public address is set."""
    from accounts.actors import SETUP
    from administration.services import user_create
    from campaigns.models import Campaign, Participation
    from conftest import PASSWORD
    from orgs.models import Organization
    from problems.services import problem_create

    settings.JYB_PUBLIC_URL = ""
    campaign = Campaign.objects.create(name="学习贯彻习近平新时代中国特色社会主义思想主题教育", batch=2,
                                       starts_on=dt.date(2023, 9, 1), is_current=True)
    Participation.objects.create(campaign=campaign, organization=Organization.objects.get(code="C"))
    village = Organization.objects.get(code="A1a")
    unit = user_create(actor=SETUP, username="unit", role="unit", organization=village, password=PASSWORD,
                       full_name="东关村联络员")
    problem = problem_create(actor=unit, organization=village, description="村务公开栏长期未更新，群众看不到账目",
                             source="masses", category="service")
    return {**city, "pk": problem.pk, "token": problem.feedback_token}


def test_villager_rates_on_a_phone_and_reads_the_units_answer(masses_problem, browser, live_server):
    link = f"{live_server.url}/f/{masses_problem['token']}/"
    villager, outside = _page(browser, live_server, PHONE)
    villager.goto(link)
    assert "请您评价这个问题的整改" in villager.inner_text("h1")
    assert "还没有评价" in villager.inner_text("#answers")
    # A rating is needed: sending without one says so in Chinese, on the page.
    villager.click("form button[type=submit]")
    villager.wait_for_selector("text=请选择满意、基本满意或不满意")
    # Tap 不满意 (the label, as a finger does), say why, send.
    villager.click("label[for=rating-unsatisfied]")
    assert villager.is_checked("#rating-unsatisfied")
    assert not villager.is_checked("#rating-satisfied") and not villager.is_checked("#rating-basic")
    villager.fill("#id_comment", "公开栏上还是8月的账目")
    assert _no_horizontal_overflow(villager)
    villager.screenshot(path=str(ARTIFACTS / "feedback-rate-375.png"), full_page=True)
    villager.click("form button[type=submit]")
    villager.wait_for_selector("text=感谢您的评价")
    villager.screenshot(path=str(ARTIFACTS / "feedback-thanks-375.png"), full_page=True)

    # The unit's contact answers it, on a phone too.
    unit, unit_outside = _page(browser, live_server, PHONE)
    _login(unit, live_server, masses_problem["password"], "unit", ANY_PAGE_BUT_LOGIN)
    unit.goto(f"{live_server.url}/problems/{masses_problem['pk']}/#feedback")
    assert "公开栏上还是8月的账目" in unit.inner_text("#feedback")
    assert "未答复，影响销号" in unit.inner_text("#feedback")
    unit.fill("#feedback textarea[name=answer]", "已于今天张贴9月账目，今后每月5日前更新，欢迎监督")
    unit.click("#feedback form button[type=submit]")
    unit.wait_for_selector(".app-messages >> text=答复已保存")
    assert "已于今天张贴9月账目" in unit.inner_text("#feedback")
    unit.close()

    # The villager opens the link again and reads the answer.
    villager.goto(link)
    answers = villager.inner_text("#answers")
    assert "已于今天张贴9月账目，今后每月5日前更新，欢迎监督" in answers
    assert "不满意" in answers and "东关村党支部答复" in answers
    assert "公开栏上还是8月的账目" not in answers  # the villager's own words are not published
    assert _no_horizontal_overflow(villager)
    villager.screenshot(path=str(ARTIFACTS / "feedback-answer-375.png"), full_page=True)
    desk, desk_outside = _page(browser, live_server, DESKTOP)
    desk.goto(link)
    assert "已于今天张贴9月账目" in desk.inner_text("#answers")
    desk.screenshot(path=str(ARTIFACTS / "feedback-answer-desktop.png"), full_page=True)
    assert outside == [] and unit_outside == [] and desk_outside == []


def test_office_is_told_why_there_is_no_qr_code(masses_problem, browser, live_server):
    for size, name in ((DESKTOP, "desktop"), (PHONE, "375")):
        page, outside = _page(browser, live_server, size)
        _login(page, live_server, masses_problem["password"], "office", ANY_PAGE_BUT_LOGIN)
        page.goto(f"{live_server.url}/problems/{masses_problem['pk']}/#feedback")
        warning = page.inner_text("#feedback-qr-refused")
        assert "二维码未显示" in warning and "JYB_PUBLIC_URL" in warning
        assert page.locator("#feedback img").count() == 0
        assert page.locator("text=下载二维码").count() == 0
        page.screenshot(path=str(ARTIFACTS / f"feedback-no-qr-{name}.png"), full_page=True)
        if size is PHONE:
            assert _no_horizontal_overflow(page)
        # The address of the QR code itself says the same, in Chinese.
        page.goto(f"{live_server.url}/problems/{masses_problem['pk']}/feedback/qr/?download=1")
        assert "JYB_PUBLIC_URL" in page.inner_text("#feedback-qr-refused")
        assert outside == []
        page.close()
