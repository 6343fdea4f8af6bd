"""The product's shell in a real browser, at 1366 px and at 375 px:

- every choice of a radio or checkbox group can be clicked as a person does (the 收发 group of 登记收发文, the
  participants of a supervision visit, the masses' rating of a problem) and what was clicked is what is saved;
  a group never lies over the fields below it;
- the error pages are Chinese, fit a phone and offer a way back;
- the administrators land on their own pages (the sysadmin on the system status)."""

import datetime as dt
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.browser.test_pages import _login, _no_horizontal_overflow, _page

pytestmark = pytest.mark.browser
VIEWPORTS = [DESKTOP, PHONE]


@pytest.fixture(autouse=True)
def _orm_beside_the_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests read what was saved while Playwright's event loop runs in this thread."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def shell_city(city: dict[str, Any]) -> dict[str, Any]:
    """The browser city in a current campaign: 第一联络组 (two members) assigned 城关区委, a problem 东关村 heard
    from the masses (its feedback token in the result), the visit methods and a sysadmin."""
    from accounts.actors import SETUP
    from accounts.models import User
    from administration.services import user_create
    from campaigns.models import Campaign, LiaisonAssignment, LiaisonGroup, LiaisonMembership, Participation
    from conftest import PASSWORD
    from orgs.models import Organization
    from problems.services import problem_create
    from supervision.models import VisitMethod

    VisitMethod.objects.get_or_create(name="个别访谈", defaults={"order": 1})
    campaign = Campaign.objects.create(name="学习贯彻习近平新时代中国特色社会主义思想主题教育", batch=2,
                                       starts_on=dt.date(2023, 9, 1), is_current=True)
    Participation.objects.create(campaign=campaign, organization=Organization.objects.get(code="C"))
    county = Organization.objects.get(code="A")
    unit = user_create(actor=SETUP, username="unit", role="unit", organization=Organization.objects.get(code="A1a"),
                       password=PASSWORD, full_name="东关村联络员")
    group = LiaisonGroup.objects.create(campaign=campaign, name="第一联络组")
    LiaisonAssignment.objects.create(group=group, campaign=campaign, organization=county)
    for username, name, leader in [("liaison", "李组长", True), ("liaison2", "赵组员", False)]:
        member = user_create(actor=SETUP, username=username, role="liaison", organization=county, password=PASSWORD,
                             full_name=name)
        LiaisonMembership.objects.create(group=group, user=member, is_leader=leader)
    user_create(actor=SETUP, username="sysadmin", role="sysadmin", organization=Organization.objects.get(code="C"),
                password=PASSWORD)
    problem = problem_create(actor=unit, organization=Organization.objects.get(code="A1a"),
                             description="村务公开栏长期未更新", source="masses", category="style")
    assert User.objects.filter(role="liaison").count() == 2
    return {**city, "token": problem.feedback_token, "problem_id": problem.pk}


def _below(page: Any, upper: str, lower: str) -> bool:
    """`upper` ends above where `lower` begins: nothing of the group lies over the next field."""
    top = page.locator(upper).bounding_box()
    bottom = page.locator(lower).bounding_box()
    return top is not None and bottom is not None and top["y"] + top["height"] <= bottom["y"] + 0.5


def _pick_organization(page: Any, label: str, code: str) -> None:
    if page.eval_on_selector("#id_organization", "e => e.tagName") == "SELECT":
        page.select_option("#id_organization", label=label)
    else:
        page.fill("#id_organization", code)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1366", "375"])
def test_office_registers_incoming_and_outgoing_mail_by_clicking_each_choice(shell_city, browser, live_server,
                                                                            viewport):
    from office.models import Submission

    page, outside = _page(browser, live_server, viewport)
    _login(page, live_server, shell_city["password"])
    width = viewport["width"]
    for choice, origin, kind, title in [
            ("收文登记", "outside", "来函", f"省委教育办关于开展专项整治的函（{width}）"),
            ("本办发文", "office", "指示（通知）", f"关于做好专项整治工作的通知（{width}）")]:
        page.goto(f"{live_server.url}/office/submissions/new/")
        assert _below(page, "#id_origin", "#id_kind")  # the 收发 group lies over none of the fields
        page.click(f"#submission-form label:has-text('{choice}')")
        assert page.is_checked(f"#submission-form input[name=origin][value={origin}]")
        page.select_option("#id_kind", label=kind)
        _pick_organization(page, "城关区委", "A")
        page.fill("#id_counterpart", "省委主题教育办")
        page.fill("#id_title", title)
        page.fill("#id_body", "部署开展专项整治，请按要求落实。")
        if width == PHONE["width"]:
            assert _no_horizontal_overflow(page)
        page.screenshot(path=str(ARTIFACTS / f"shell-submission-{origin}-{width}.png"), full_page=True)
        page.click("#submission-form button[type=submit]")
        page.wait_for_load_state()
        assert page.query_selector("#submission-form .invalid-feedback, #submission-form .alert") is None, \
            page.inner_text("#submission-form")
        page.wait_for_selector("#submission-status")
        assert Submission.objects.get(title=title).origin == origin
    assert outside == []


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1366", "375"])
def test_liaison_ticks_each_participant_of_a_visit(shell_city, browser, live_server, viewport):
    from supervision.models import Visit

    page, outside = _page(browser, live_server, viewport)
    _login(page, live_server, shell_city["password"], "liaison", "**/supervision/")
    subject = f"个别访谈城关区委书记（{viewport['width']}）"
    page.goto(f"{live_server.url}/supervision/")
    page.click("#unit-A >> text=计划指导活动")
    page.wait_for_url("**/supervision/visits/new/**")
    page.select_option("#id_method", label="个别访谈")
    page.fill("#id_subject", subject)
    page.fill("#id_planned_on", dt.date.today().isoformat())
    for name in ("李组长", "赵组员"):  # each box: a click changes it, as a person sees; both end ticked
        box = page.locator("#participants .form-check", has_text=name).locator("input")
        before = box.is_checked()
        page.click(f"#participants label:has-text('{name}')")
        assert box.is_checked() != before
        if not box.is_checked():
            page.click(f"#participants label:has-text('{name}')")
        assert box.is_checked()
    assert _below(page, "#participants", "#id_others")
    if viewport == PHONE:
        assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / f"shell-visit-participants-{viewport['width']}.png"), full_page=True)
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#visit-status >> text=计划中")
    visit = Visit.objects.get(subject=subject)
    assert sorted(u.username for u in visit.participants.all()) == ["liaison", "liaison2"]
    assert outside == []


@pytest.mark.parametrize(("viewport", "last"), [(DESKTOP, "基本满意"), (PHONE, "满意")], ids=["1366", "375"])
def test_the_masses_click_each_rating_and_the_last_one_is_saved(shell_city, browser, live_server, viewport, last):
    from problems.models import Satisfaction

    page, outside = _page(browser, live_server, viewport)
    page.goto(f"{live_server.url}/f/{shell_city['token']}/")
    for label in ("不满意", "基本满意", "满意"):
        page.click(f".feedback-rating label:text-is('{label}')")
    page.click(f".feedback-rating label:text-is('{last}')")
    if viewport == PHONE:
        assert _no_horizontal_overflow(page)
    page.click("form button[type=submit]")
    page.wait_for_url("**?sent=1")
    saved = Satisfaction.objects.filter(problem_id=shell_city["problem_id"]).order_by("-id").first()
    assert saved is not None and saved.get_rating_display() == last
    assert outside == []


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1366", "375"])
def test_error_pages_are_chinese_fit_a_phone_and_lead_back(shell_city, browser, live_server, viewport):
    page, outside = _page(browser, live_server, viewport)
    width = viewport["width"]
    # The masses on a mistyped link.
    response = page.goto(f"{live_server.url}/f/{shell_city['token'][:-2]}/")
    assert response.status == 404
    assert "这个评价链接打不开" in page.inner_text("h1") and "重新扫描" in page.inner_text("main")
    if viewport == PHONE:
        assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / f"shell-404-feedback-{width}.png"), full_page=True)

    # A unit on a page outside its jurisdiction: back to where it was, or home.
    _login(page, live_server, shell_city["password"], "unit", "**/measures/unit/A1a/")
    page.goto(f"{live_server.url}/problems/")
    page.goto(f"{live_server.url}/orgs/B/")
    assert "页面不存在" in page.inner_text("h1") and "不在您的管辖范围内" in page.inner_text("main")
    assert page.is_visible(".app-header")
    if viewport == PHONE:
        assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / f"shell-404-{width}.png"), full_page=True)
    page.click(".error-ways a:has-text('返回上一页')")
    page.wait_for_url("**/problems/")
    page.goto(f"{live_server.url}/orgs/B/")
    page.click(".error-ways a:has-text('回到首页')")
    page.wait_for_url("**/measures/unit/A1a/")  # the unit's landing: 本单位主题教育
    assert outside == []


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1366", "375"])
def test_a_stale_form_gets_a_chinese_403_and_going_back_keeps_what_was_typed(shell_city, browser, live_server,
                                                                              viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    outside: list[str] = []
    context.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    _login(page, live_server, shell_city["password"])
    page.goto(f"{live_server.url}/office/submissions/new/")
    page.fill("#id_title", "未提交的标题")
    other = context.new_page()  # meanwhile the user logs out and in again in another tab: the form is stale
    other.goto(f"{live_server.url}/office/submissions/")
    if other.is_visible(".navbar-toggler"):
        other.click(".navbar-toggler")
    other.click(".app-user button:has-text('退出')")
    other.wait_for_url("**/accounts/login/**")
    _login(other, live_server, shell_city["password"])
    other.close()
    page.click("#submission-form button[type=submit]")
    page.wait_for_selector(".error-page")
    assert "安全校验未通过" in page.inner_text("h1")
    if viewport == PHONE:
        assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / f"shell-403-csrf-{viewport['width']}.png"), full_page=True)
    page.click(".error-ways a:has-text('返回上一页')")
    page.wait_for_selector("#submission-form")
    page.screenshot(path=str(ARTIFACTS / f"shell-403-csrf-back-{viewport['width']}.png"), full_page=True)
    assert page.input_value("#id_title") == "未提交的标题"  # what was typed is still there
    assert outside == []


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1366", "375"])
def test_sysadmin_lands_on_the_system_status(shell_city, browser, live_server, viewport):
    page, outside = _page(browser, live_server, viewport)
    _login(page, live_server, shell_city["password"], "sysadmin", "**/system/")
    assert page.inner_text("h1") == "系统状态"
    text = page.inner_text("main")
    assert "未执行的数据库迁移" in text and "JYB_PUBLIC_URL" in text
    if viewport == PHONE:
        assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / f"shell-system-status-{viewport['width']}.png"), full_page=True)
    assert outside == []
