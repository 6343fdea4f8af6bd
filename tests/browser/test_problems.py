"""Claim → verify → close by two users, in the browser. The unit contact of 东关村党支部 registers a problem on a
phone (375 px), starts its rectification, uploads evidence and claims closure; the liaison group's member (at
desktop width) opens it, verifies and closes it; the page then shows 已销号, locked, with the whole timeline."""

import datetime as dt
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.browser.test_pages import _login, _no_horizontal_overflow, _page

pytestmark = pytest.mark.browser


@pytest.fixture
def ledger_city(city: dict[str, Any]) -> dict[str, Any]:
    """The browser city in a current campaign (open-ended), a unit contact at 东关村党支部, and liaison group 1's
    member assigned to 城关区委 (written before the browser starts)."""
    from accounts.actors import SETUP
    from administration.services import user_create
    from campaigns.models import Campaign, LiaisonAssignment, LiaisonGroup, LiaisonMembership, Participation
    from conftest import PASSWORD
    from orgs.models import Organization

    campaign = Campaign.objects.create(name="学习贯彻习近平新时代中国特色社会主义思想主题教育", batch=2,
                                       starts_on=dt.date(2023, 9, 1), is_current=True)
    Participation.objects.create(campaign=campaign, organization=Organization.objects.get(code="C"))
    county = Organization.objects.get(code="A")
    user_create(actor=SETUP, username="unit", role="unit", organization=Organization.objects.get(code="A1a"),
                password=PASSWORD,
                full_name="东关村联络员")
    liaison = user_create(actor=SETUP, username="liaison", role="liaison", organization=county, password=PASSWORD,
                          full_name="联络组李组长")
    group = LiaisonGroup.objects.create(campaign=campaign, name="第一联络组")
    LiaisonAssignment.objects.create(group=group, campaign=campaign, organization=county)
    LiaisonMembership.objects.create(group=group, user=liaison, is_leader=True)
    return city


def _status(page: Any) -> str:
    return page.inner_text("#problem-status")


def test_unit_claims_and_liaison_verifies_and_closes(ledger_city, browser, live_server):
    password = ledger_city["password"]
    page, outside = _page(browser, live_server, PHONE)
    _login(page, live_server, password, "unit", "**/measures/unit/A1a/")

    # Register from the ledger, on a phone.
    page.goto(f"{live_server.url}/problems/")
    assert page.title().startswith("问题清单")
    page.click("#ledger-links >> text=登记问题")
    page.wait_for_url("**/problems/new/")
    assert page.input_value("#id_organization") == "东关村党支部"  # the unit's own organisation by default
    assert page.input_value("#problem-form input[name=organization]") == "A1a"
    page.click("#problem-form button[type=submit]")
    page.wait_for_selector(".invalid-feedback")
    assert "请填写问题表现" in page.inner_text("#problem-form")
    page.fill("#id_description", "村务公开栏长期未更新，群众反映看不到账目")
    page.select_option("#id_source", label="群众提")
    page.select_option("#id_category", label="服务群众")
    page.fill("#id_step_1_measure", "每月5日前更新村务公开栏")
    page.fill("#id_step_1_owner", "村委会")
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "problems-new-375.png"), full_page=True)
    page.click("#problem-form button[type=submit]")
    page.wait_for_selector("#problem-status")
    assert "已登记" in _status(page) and "已登记问题" in page.inner_text(".app-messages")

    # Start the rectification.
    page.click("#act-start-toggle")
    page.wait_for_selector("#act-start.collapse.show")
    page.click("#act-start button[type=submit]")
    page.wait_for_selector("#problem-status >> text=整改中")

    # Mark the step done with a photo, then upload one more piece of evidence.
    page.click("#steps details.action-box > summary")
    page.fill("#steps textarea", "公开栏已更新，9月账目已公开")
    page.set_input_files("#steps input[type=file]", files=[
        {"name": "公开栏照片.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff\xe0 photo of the board"}])
    page.click("#steps details.action-box button[type=submit]")
    page.wait_for_selector("#steps >> text=已完成")
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "problems-in-progress-375.png"), full_page=True)
    page.set_input_files("#id_ev-file", files=[
        {"name": "村务公开台账.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 ledger of the village"}])
    page.fill("#id_ev-note", "9月公开台账")
    page.click("#evidence-new button[type=submit]")
    page.wait_for_selector("#evidence >> text=村务公开台账.pdf")
    assert "2份" in page.inner_text("#evidence-heading")

    # Claim closure.
    page.click("#act-claim-toggle")
    page.wait_for_selector("#act-claim.collapse.show")
    page.fill("#act-claim-note", "整改措施已全部完成")
    page.click("#act-claim button[type=submit]")
    page.wait_for_selector("#problem-status >> text=申请销号")
    assert "等待联络组或办公室核验" in page.inner_text("#claimed-note")
    assert page.locator("#act-close-toggle").count() == 0  # the owner cannot close it
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "problems-claimed-375.png"), full_page=True)
    problem_url = page.url.split("#")[0]
    page.close()

    # The liaison group's member verifies and closes, at desktop width.
    page, outside2 = _page(browser, live_server, DESKTOP)
    _login(page, live_server, password, "liaison", "**/supervision/")
    page.goto(f"{live_server.url}/problems/?status=claimed")
    assert "村务公开栏长期未更新" in page.inner_text("#ledger-table")
    page.screenshot(path=str(ARTIFACTS / "problems-ledger-desktop.png"), full_page=True)
    page.click("#ledger-table a:has-text('村务公开栏长期未更新')")
    page.wait_for_url(problem_url)
    assert page.locator("#evidence .badge:has-text('文件完好')").count() == 2
    page.click("#act-close-toggle")
    page.wait_for_selector("#act-close.collapse.show")
    page.fill("#act-close-note", "现场查看公开栏，账目已公开，群众认可")
    page.screenshot(path=str(ARTIFACTS / "problems-verify-desktop.png"), full_page=True)
    page.click("#act-close button[type=submit]")
    page.wait_for_selector("#problem-status >> text=已销号")

    assert "已销号，记录已锁定" in page.inner_text("#locked-note")
    timeline = page.inner_text("#timeline")
    for step in ("登记", "开始整改", "申请销号", "核验销号", "联络组李组长", "东关村联络员", "现场查看公开栏"):
        assert step in timeline, step
    assert "联络组李组长" in page.inner_text("#closures")
    assert page.locator("#act-reopen-toggle").count() == 1  # how to reopen: the verifier's action
    page.screenshot(path=str(ARTIFACTS / "problems-closed-desktop.png"), full_page=True)

    # The same closed page on a phone.
    page.set_viewport_size(PHONE)
    page.reload()
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "problems-closed-375.png"), full_page=True)
    page.goto(f"{live_server.url}/problems/")
    assert "已销号" in page.inner_text("#ledger-table")
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "problems-ledger-375.png"), full_page=True)
    assert outside == [] and outside2 == []
