"""A grassroots branch secretary on a phone (375 px): logs in, records a study session with the quick form in one
go, and sees it on the unit's campaign page."""

import datetime as dt
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.browser.test_pages import _login, _no_horizontal_overflow, _page

pytestmark = pytest.mark.browser


@pytest.fixture
def campaign_city(city: dict[str, Any]) -> dict[str, Any]:
    """The browser city taking part in a current campaign (open-ended, so today is a valid date), and the unit
    user of 东关村党支部. Written before the browser starts (no ORM calls inside Playwright's loop)."""
    from importlib import import_module

    from django.apps import apps

    from accounts.actors import SETUP
    from administration.services import user_create
    from campaigns.models import Campaign, Participation
    from conftest import PASSWORD
    from orgs.models import Organization

    # The default guidance profiles come from a data migration, which an earlier transactional test may have
    # flushed: write them again (only the missing ones).
    import_module("campaigns.migrations.0002_guidance_profile_defaults").load(apps, None)
    campaign = Campaign.objects.create(name="学习贯彻习近平新时代中国特色社会主义思想主题教育", batch=2,
                                       starts_on=dt.date(2023, 9, 1), is_current=True)
    Participation.objects.create(campaign=campaign, organization=Organization.objects.get(code="C"))
    user_create(actor=SETUP, username="unit", role="unit", organization=Organization.objects.get(code="A1a"),
                password=PASSWORD,
                full_name="东关村联络员")
    return city


def test_unit_records_a_study_session_on_a_phone(campaign_city, browser, live_server):
    page, outside = _page(browser, live_server, PHONE)
    _login(page, live_server, campaign_city["password"], "unit", "**/measures/unit/A1a/")

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


def test_unit_keeps_a_commitment_with_milestones_and_a_research_topic(campaign_city, browser, live_server):
    """From the unit page (375 px): a public-service commitment, two milestones, one marked done (progress follows);
    a research topic with a report and its attachment. Then both pages at desktop width."""
    today = dt.date.today().isoformat()
    page, outside = _page(browser, live_server, PHONE)
    _login(page, live_server, campaign_city["password"], "unit", "**/measures/unit/A1a/")
    page.goto(f"{live_server.url}/measures/unit/A1a/")
    page.click("#section-public_service a:has-text('新增')")
    page.wait_for_url("**/service/new/")
    page.fill("#id_title", "修缮东关村村道")
    page.fill("#id_owner", "村委会")
    page.fill("#id_deadline", "2099-12-31")
    page.click(".entry-form button[type=submit]")
    assert "请填写目标" in page.inner_text(".entry-form")  # a Chinese error; what was typed is kept
    assert page.input_value("#id_title") == "修缮东关村村道"
    page.fill("#id_target", "年底前硬化村道两公里")
    page.click(".entry-form button[type=submit]")
    page.wait_for_url("**/service/*/")
    for title in ("立项和设计", "施工和验收"):
        page.fill("#id_milestone-title", title)
        page.fill("#id_milestone-due_on", today)
        page.click("#milestone-new button[type=submit]")
        page.wait_for_selector(f".milestone:has-text('{title}')")
    assert page.get_attribute("#progress [role=progressbar]", "aria-valuenow") == "0"
    page.click(".milestone:has-text('立项和设计') button:has-text('标记完成')")
    page.wait_for_selector(".milestone:has-text('立项和设计') :text('改为未完成')")
    assert page.get_attribute("#progress [role=progressbar]", "aria-valuenow") == "50"
    assert "1/2个节点完成" in page.inner_text("#progress")
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "measures-service-375.png"), full_page=True)
    service_url = page.url.split("#")[0]

    page.goto(f"{live_server.url}/measures/unit/A1a/")
    assert "修缮东关村村道" in page.inner_text("#section-public_service")
    page.click("#section-research a:has-text('新增')")
    page.fill("#id_title", "村级集体经济发展调研")
    page.fill("#id_description", "走访农户、合作社，摸清集体经济底数")
    page.click(".entry-form button[type=submit]")
    page.wait_for_url("**/topic/*/")
    page.fill("#id_report-title", "关于东关村集体经济发展的调研报告")
    page.fill("#id_report-submitted_on", today)
    page.fill("#id_report-summary", "提出发展特色种植、盘活闲置资产等三条建议")
    page.set_input_files("#id_report-attachment", files=[
        {"name": "run.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}])
    page.click("#report-new button[type=submit]")
    assert "附件只能是PDF" in page.inner_text("#report-new")
    assert page.input_value("#id_report-title") == "关于东关村集体经济发展的调研报告"
    page.set_input_files("#id_report-attachment", files=[
        {"name": "调研报告.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 report"}])
    page.click("#report-new button[type=submit]")
    page.wait_for_selector("#reports a:has-text('下载附件')")
    assert "关于东关村集体经济发展的调研报告" in page.inner_text("#reports")
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "measures-research-375.png"), full_page=True)
    research_url = page.url.split("#")[0]
    assert outside == []

    desk, desk_outside = _page(browser, live_server, DESKTOP)
    _login(desk, live_server, campaign_city["password"], "unit", "**/measures/unit/A1a/")
    desk.goto(service_url)
    desk.screenshot(path=str(ARTIFACTS / "measures-service-desktop.png"), full_page=True)
    desk.goto(research_url)
    desk.screenshot(path=str(ARTIFACTS / "measures-research-desktop.png"), full_page=True)
    assert desk_outside == []
