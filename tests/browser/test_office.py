"""Report → assign → answer, in the browser. The unit contact of 东关村党支部 reports a request for instructions on
a phone (375 px), first forgetting the title (the error shows next to it, what was typed stays); the city's office
(desktop) assigns it to 综合组 and answers; the unit then reads the answer on its phone."""

import datetime as dt
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE, browser, city  # noqa: F401
from tests.browser.test_pages import _login, _no_horizontal_overflow, _page

pytestmark = pytest.mark.browser


@pytest.fixture
def office_city(city: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """The browser city in a current campaign, a unit contact at 东关村党支部 and the office's 综合组 (with the
    office user), written before the browser starts."""
    from accounts.actors import SETUP
    from accounts.models import User
    from administration.services import user_create
    from campaigns.models import Campaign, Participation, Team, TeamMembership
    from conftest import PASSWORD
    from orgs.models import Organization

    campaign = Campaign.objects.create(name="学习贯彻习近平新时代中国特色社会主义思想主题教育", batch=2,
                                       starts_on=dt.date(2023, 9, 1), is_current=True)
    Participation.objects.create(campaign=campaign, organization=Organization.objects.get(code="C"))
    user_create(actor=SETUP, username="unit", role="unit", organization=Organization.objects.get(code="A1a"),
                password=PASSWORD,
                full_name="东关村联络员")
    team = Team.objects.create(campaign=campaign, name="综合组")
    TeamMembership.objects.create(team=team, user=User.objects.get(username="office"), is_leader=True)
    return city


def test_unit_reports_and_office_assigns_and_answers(office_city, browser, live_server):  # noqa: F811
    password = office_city["password"]
    page, outside = _page(browser, live_server, PHONE)
    _login(page, live_server, password, "unit", "**/measures/unit/A1a/")

    page.goto(f"{live_server.url}/office/submissions/")
    page.click("#submission-links >> text=报送")
    page.wait_for_url("**/office/submissions/new/")
    page.select_option("#id_kind", "request")
    assert page.is_visible("#id_due_on")
    page.fill("#id_body", "东关村活动场所年久失修，恳请协调改造资金。")
    page.click("#submission-form button[type=submit]")
    page.wait_for_selector(".invalid-feedback")
    assert "请填写标题" in page.inner_text("#submission-form")
    assert page.input_value("#id_body") == "东关村活动场所年久失修，恳请协调改造资金。"
    page.fill("#id_title", "关于村级活动场所改造资金的请示")
    page.set_input_files("#id_uploads", files=[
        {"name": "请示.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 request"}])
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "office-submission-new-375.png"), full_page=True)
    page.click("#submission-form button[type=submit]")
    page.wait_for_selector("#submission-status")
    assert "已登记" in page.inner_text("#submission-status") and "请示.pdf" in page.inner_text("#attachments")
    url = page.url
    assert _no_horizontal_overflow(page)

    office, _ = _page(browser, live_server, DESKTOP)
    _login(office, live_server, password)
    office.goto(f"{live_server.url}/office/submissions/")
    office.click("#submission-table >> text=关于村级活动场所改造资金的请示")
    office.select_option("#id_assign-team", label="综合组")
    office.click("#assign-form button[type=submit]")
    office.wait_for_selector("#submission-status >> text=已分办")
    office.fill("#id_answer-answer", "同意。请县委组织部统筹党建经费予以保障。")
    office.click("#answer-form button[type=submit]")
    office.wait_for_selector("#submission-status >> text=已答复")
    office.screenshot(path=str(ARTIFACTS / "office-submission-answered.png"), full_page=True)

    page.goto(url)
    assert "同意。请县委组织部统筹党建经费予以保障。" in page.inner_text("#answer")
    page.goto(f"{live_server.url}/office/submissions/")
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "office-submissions-375.png"), full_page=True)
    assert not outside
