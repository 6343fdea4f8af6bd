"""Plan → record → finding → problem, in the browser. A member of 第一联络组 (assigned 城关区委) opens the group's
workspace, plans a visit to the county from its row, marks it done with a summary and what the group saw of the
study requirement, registers what it found at 东关村党支部, and puts that into the village's ledger: the new
problem's page shows the source 督导发现. Screenshots of the workspace and the visit page, desktop and 375 px."""

import datetime as dt
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.browser.test_pages import _login, _no_horizontal_overflow, _page

pytestmark = pytest.mark.browser

METHODS = ["个别访谈", "列席领导班子学习研讨", "列席调研成果交流会", "列席专题党课", "列席民主生活会", "调阅调研报告"]


@pytest.fixture
def supervision_city(city: dict[str, Any]) -> dict[str, Any]:
    """The browser city in a current campaign, 第一联络组 with its member assigned 城关区委, a unit contact at
    东关村党支部, and the visit methods (a transactional test may have flushed the migration's rows)."""
    from accounts.actors import SETUP
    from administration.services import user_create
    from campaigns.models import Campaign, LiaisonAssignment, LiaisonGroup, LiaisonMembership, Participation
    from conftest import PASSWORD
    from orgs.models import Organization
    from supervision.models import VisitMethod

    for order, name in enumerate(METHODS, start=1):
        VisitMethod.objects.get_or_create(name=name, defaults={"order": order})
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


def _shots(page: Any, name: str) -> None:
    """The page at desktop width and at 375 px (no sideways scrolling on the phone)."""
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(ARTIFACTS / f"supervision-{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(100)
    assert _no_horizontal_overflow(page), name
    page.screenshot(path=str(ARTIFACTS / f"supervision-{name}-375.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_liaison_plans_records_finds_and_files_a_problem(supervision_city, browser, live_server):
    from django.utils import timezone

    today = timezone.localdate()
    page, outside = _page(browser, live_server, DESKTOP)
    _login(page, live_server, supervision_city["password"], "liaison", "**/supervision/")

    # The group's workspace: its unit at a glance.
    page.click("#main-nav >> text=督促指导")
    page.wait_for_url("**/supervision/")
    assert "第一联络组" in page.inner_text("h1")
    row = page.inner_text("#unit-A")
    assert "城关区委" in row and "尚未指导" in row

    # Plan a visit from the unit's row.
    page.click("#unit-A >> text=计划指导活动")
    page.wait_for_url("**/supervision/visits/new/**")
    assert page.input_value("#id_organization") == "城关区委"  # the picker shows the unit's name and place
    assert page.input_value("#visit-form input[name=organization]") == "A"
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector(".invalid-feedback")
    assert "请选择指导方式" in page.inner_text("#visit-form")
    page.select_option("#id_method", label="列席领导班子学习研讨")
    page.fill("#id_subject", "列席城关区委理论学习中心组专题研讨")
    page.fill("#id_planned_on", today.isoformat())
    page.check("#participants input[type=checkbox]")
    page.fill("#id_others", "市委教育办王主任")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#visit-status >> text=计划中")
    assert "已计划指导活动" in page.inner_text(".app-messages")

    # Mark it done: a summary and what the group saw of the study requirement.
    page.click("#record-link")
    page.wait_for_url("**/record/")
    assert page.input_value("#id_visited_on") == today.isoformat()
    page.fill("#id_summary", "研讨准备充分，个别发言联系实际不够")
    page.select_option("#id_judgement_study", label="较好")
    page.fill("#id_note_study", "个别同志发言照本宣科")
    page.click("#record-form button[type=submit]")
    page.wait_for_selector("#visit-status >> text=已开展")
    assert "个别同志发言照本宣科" in page.inner_text("#observations")
    assert "研讨准备充分" in page.inner_text("#visit-summary")
    visit_url = page.url.split("#")[0]

    # What it found, at the village below the county.
    page.click("#finding-link")
    page.wait_for_url("**/findings/new/")
    page.fill("#id_description", "东关村党支部专题学习流于形式，学习笔记雷同")
    page.select_option("#id_requirement", label="理论学习")
    page.fill("#id_organization", "dgc")  # pinyin initials of 东关村党支部, then the suggestion
    page.click("#id_organization-list >> text=东关村党支部")
    assert page.input_value("#finding-form input[name=organization]") == "A1a"
    page.click("#finding-form button[type=submit]")
    page.wait_for_selector("#raise-form")
    assert "待列入问题清单" in page.inner_text("#finding-state")
    _shots(page, "finding")

    # Into the village's ledger: the problem's page, source 督导发现.
    page.click("#raise-form button[type=submit]")
    page.wait_for_selector("#raise-form .invalid-feedback")
    assert "请选择问题类别" in page.inner_text("#raise-form")
    page.select_option("#id_category", label="作风不实")
    page.click("#raise-form button[type=submit]")
    page.wait_for_selector("#problem-status")
    assert "/problems/" in page.url and "已列入问题清单" in page.inner_text(".app-messages")
    assert "督导发现" in page.inner_text("main")
    assert "东关村党支部专题学习流于形式" in page.inner_text("#problem-description")
    assert page.locator("#edit-link").count() == 0  # the group does not edit the unit's record

    # The visit page now lists the finding, filed.
    page.goto(visit_url)
    findings = page.inner_text("#findings")
    assert "学习笔记雷同" in findings and "问题" in findings
    _shots(page, "visit")
    page.goto(f"{live_server.url}/supervision/")
    row = page.inner_text("#unit-A")
    assert "0天" in row and "发现问题1条" in row
    _shots(page, "workspace")
    page.goto(f"{live_server.url}/supervision/calendar/")
    assert "城关区委" in page.inner_text("main")
    _shots(page, "calendar")
    assert outside == []
