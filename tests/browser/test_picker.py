"""The organisation picker as people use it. On a 375 px phone a liaison member types pinyin initials, taps the
suggested unit and plans a visit without writing its subject; at the desk the office finds an organisation with
the keyboard only (↓ Enter), its leaders reload, a failed submit still shows the name and place (not a code), and
the problem is registered; the security administrator picks a jurisdiction by name. Each step asserts the rows
written. Screenshots of the open picker, desktop and 375 px."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE, SIGNED_IN
from tests.browser.conftest import db_call as _db
from tests.browser.test_pages import _login, _no_horizontal_overflow, _page
from tests.browser.test_supervision import supervision_city  # noqa: F401

pytestmark = pytest.mark.browser



def _phone(browser: Any, live_server: Any) -> tuple[Any, list[str]]:
    """A 375 px page with a touch screen (taps, not clicks), recording every request leaving the server."""
    page = browser.new_page(viewport=PHONE, locale="zh-CN", has_touch=True, is_mobile=True)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith((live_server.url, "data:", "blob:")) else None)
    return page, outside


def _suggests(page: Any, box: str, names: list[str]) -> None:
    """The open list offers exactly `names`, in that order (waits for the answer to what was typed)."""
    expect(page.locator(f"{box}-list [role=option] .org-picker-name")).to_have_text(names)
    expect(page.locator(f"{box}-list")).to_be_visible()


def test_on_a_phone_initials_and_a_tap_choose_the_unit_of_a_visit_plan(supervision_city, browser,  # noqa: F811
                                                                        live_server):
    from django.utils import timezone

    from supervision.models import Visit

    today = timezone.localdate()
    page, outside = _phone(browser, live_server)
    _login(page, live_server, supervision_city["password"], "liaison", SIGNED_IN)
    page.goto(f"{live_server.url}/supervision/visits/new/")
    assert page.input_value("#id_organization") == "城关区委"  # the group's one unit, by name
    assert "示范市委 › 城关区委" in page.inner_text("#id_organization-trail")

    # Another county is not offered: the group's units only.
    page.fill("#id_organization", "hx")
    expect(page.locator("#id_organization-list")).to_contain_text("没有找到")
    # Pinyin initials of 城关镇党委; the suggestion shows where it sits.
    page.fill("#id_organization", "cgz")
    _suggests(page, "#id_organization", ["城关镇党委", "城关镇中心小学党支部"])
    assert "示范市委 › 城关区委" in page.inner_text("#id_organization-list [role=option] >> nth=0")
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "picker-visit-375.png"), full_page=True)
    page.tap("#id_organization-list >> text=城关镇党委")
    assert page.input_value("#id_organization") == "城关镇党委"
    assert page.input_value("#visit-form input[name=organization]") == "A1"
    assert page.inner_text("#id_organization-trail") == "示范市委 › 城关区委 › 城关镇党委"
    page.screenshot(path=str(ARTIFACTS / "picker-visit-chosen-375.png"), full_page=True)

    page.select_option("#id_method", label="个别访谈")
    page.fill("#id_planned_on", today.isoformat())
    page.click("#visit-form button[type=submit]")  # 活动内容 left blank
    page.wait_for_selector("#visit-status >> text=计划中")
    visit = _db(lambda: Visit.objects.select_related("organization").get())
    assert visit.organization.code == "A1" and visit.subject == "个别访谈·城关镇党委" and visit.planned_on == today
    assert "个别访谈·城关镇党委" in page.inner_text("main")
    assert outside == []


def test_at_the_desk_the_keyboard_alone_chooses_and_a_failed_submit_keeps_the_name(supervision_city,  # noqa: F811
                                                                                   browser, live_server):
    from problems.models import Problem

    page, outside = _page(browser, live_server, DESKTOP)
    _login(page, live_server, supervision_city["password"], "office", SIGNED_IN)
    page.goto(f"{live_server.url}/problems/new/")
    cadres = page.locator("#id_responsible_cadre option").all_inner_texts()
    assert not any("郑洁" in c for c in cadres)  # the city's own leaders, not the township's

    page.focus("#id_organization")
    page.keyboard.press("Control+A")
    page.keyboard.type("城关镇")
    _suggests(page, "#id_organization", ["城关镇党委", "城关镇中心小学党支部"])
    page.screenshot(path=str(ARTIFACTS / "picker-problem-desktop.png"), full_page=True)
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#id_organization", "aria-activedescendant") == "id_organization-opt-0"
    page.keyboard.press("Enter")  # chooses; does not submit the form
    assert page.input_value("#problem-form input[name=organization]") == "A1"
    assert page.is_hidden("#id_organization-list")
    # Its leaders come with it (htmx reloads the 责任领导 list).
    page.wait_for_selector("#id_responsible_cadre >> text=郑洁", state="attached")

    page.select_option("#id_source", label="自己找")
    page.click("#problem-form button[type=submit]")  # no 问题表现, no 问题类别
    page.wait_for_selector(".invalid-feedback")
    assert "请填写问题表现" in page.inner_text("#problem-form")
    assert page.input_value("#id_organization") == "城关镇党委"  # the name and place, not A1
    assert page.inner_text("#id_organization-trail") == "示范市委 › 城关区委 › 城关镇党委"
    assert not _db(lambda: Problem.objects.exists())
    page.screenshot(path=str(ARTIFACTS / "picker-problem-error-desktop.png"), full_page=True)

    page.fill("#id_description", "镇党委理论学习中心组学习流于形式")
    page.select_option("#id_category", label="作风不实")
    page.click("#problem-form button[type=submit]")
    page.wait_for_selector("#problem-status")
    problem = _db(lambda: Problem.objects.select_related("organization").get())
    assert problem.organization.code == "A1" and problem.description == "镇党委理论学习中心组学习流于形式"
    assert outside == []


def test_on_a_phone_the_problem_form_picks_an_organization_by_initials(supervision_city, browser,  # noqa: F811
                                                                       live_server):
    from problems.models import Problem

    page, outside = _page(browser, live_server, PHONE)
    _login(page, live_server, supervision_city["password"], "office", SIGNED_IN)
    page.goto(f"{live_server.url}/problems/new/")
    page.fill("#id_organization", "xhsq")  # 西河社区党支部
    _suggests(page, "#id_organization", ["西河社区党支部"])
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "picker-problem-375.png"), full_page=True)
    page.click("#id_organization-list >> text=西河社区党支部")
    page.fill("#id_description", "社区党员活动室长期闭门")
    page.select_option("#id_source", label="群众提")
    page.select_option("#id_category", label="服务群众")
    page.click("#problem-form button[type=submit]")
    page.wait_for_selector("#problem-status")
    assert _db(lambda: Problem.objects.get().organization.code) == "B1a"

    # The ledger filters by an organisation and its subtree with the same picker.
    page.goto(f"{live_server.url}/problems/")
    page.click("#ledger-filter summary")
    page.fill("#id_org", "hxx")
    _suggests(page, "#id_org", ["河西县委"])
    page.click("#id_org-list >> text=河西县委")
    page.click("#ledger-filter button[type=submit]")
    page.wait_for_url("**/problems/?*org=B*")
    assert "社区党员活动室长期闭门" in page.inner_text("#ledger-table")
    assert page.input_value("#id_org") == "河西县委"  # the filter shows the name, not B
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "picker-ledger-filter-375.png"), full_page=True)
    assert outside == []


def test_the_security_administrator_picks_a_jurisdiction_by_name(browser, live_server, city):
    from accounts.models import User

    page, outside = _page(browser, live_server, DESKTOP)
    _login(page, live_server, city["password"], "secadmin", SIGNED_IN)
    page.goto(f"{live_server.url}/accounts/users/new/")
    page.fill("#id_username", "hexi.town")
    page.fill("#id_full_name", "河西镇联络员")
    page.select_option("#id_role", label="参学单位联络员")
    page.fill("#id_org_code", "河西")
    _suggests(page, "#id_org_code", ["河西县委", "河西镇党委"])
    page.screenshot(path=str(ARTIFACTS / "picker-account-desktop.png"), full_page=True)
    page.click("#id_org_code-list >> text=河西镇党委")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/accounts/users/*/")
    user = _db(lambda: User.objects.select_related("organization").get(username="hexi.town"))
    assert user.organization.code == "B1" and user.role == "unit"
    assert page.input_value("#id_org_code") == "河西镇党委"
    assert outside == []


def test_the_office_quick_form_offers_the_chosen_organizations_people_and_keeps_what_was_typed(
        supervision_city, browser, live_server):  # noqa: F811
    from measures.models import PartyLecture

    page, outside = _phone(browser, live_server)
    _login(page, live_server, supervision_city["password"], "office", SIGNED_IN)
    page.goto(f"{live_server.url}/measures/quick/")
    page.click("label[for=id_what_1]")  # 党课
    page.fill("#id_title", "镇党委书记讲专题党课")
    page.fill("#id_count", "40")
    page.fill("#id_org", "cgzdw")
    _suggests(page, "#id_org", ["城关镇党委"])
    page.tap("#id_org-list >> text=城关镇党委")
    # The form comes back for 城关镇党委: its secretary offered as speaker, what was typed still there.
    page.wait_for_selector("#id_speaker >> text=郑洁（镇党委书记）", state="attached")
    assert page.input_value("#id_org") == "城关镇党委" and page.input_value("#id_title") == "镇党委书记讲专题党课"
    assert page.input_value("#id_count") == "40" and page.is_checked("#id_what_1")
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "picker-quick-375.png"), full_page=True)
    page.select_option("#id_speaker", label="郑洁（镇党委书记）")
    page.click(".quick-form button[type=submit]")
    page.wait_for_url("**/measures/unit/A1/**")
    lecture = _db(lambda: PartyLecture.objects.select_related("organization", "speaker_cadre").get())
    assert lecture.organization.code == "A1" and lecture.speaker_cadre is not None
    assert lecture.speaker_cadre.name == "郑洁"
    assert lecture.audience_count == 40 and lecture.title == "镇党委书记讲专题党课"
    assert outside == []


def test_the_office_chooses_a_liaison_groups_unit_with_the_picker_and_a_refusal_keeps_it(supervision_city, browser,  # noqa: F811
                                                                   live_server):
    from campaigns.models import Campaign, LiaisonAssignment, LiaisonGroup

    campaign_pk, group_pk = _db(lambda: (Campaign.objects.get().pk, LiaisonGroup.objects.get().pk))
    page, outside = _page(browser, live_server, PHONE)
    _login(page, live_server, supervision_city["password"], "office", SIGNED_IN)
    page.goto(f"{live_server.url}/campaigns/{campaign_pk}/")
    page.click(f"#group-{group_pk} summary")
    box = f"#id_unit-{group_pk}-code"
    page.fill(box, "hxx")  # 河西县委
    _suggests(page, box, ["河西县委"])
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "picker-campaign-375.png"), full_page=True)
    page.click(f"{box}-list >> text=河西县委")
    page.locator(box).locator("xpath=ancestor::form").locator("button[type=submit]").click()
    # Refused by the rule (the group's member works in 城关区委): said in Chinese, the choice kept by name and place.
    page.wait_for_selector("text=河西县委不在本组成员")
    assert page.input_value(box) == "河西县委" and page.inner_text(f"{box}-trail") == "示范市委 › 河西县委"
    assert page.input_value(f"input[name=unit-{group_pk}-code]") == "B"
    page.screenshot(path=str(ARTIFACTS / "picker-campaign-refused-375.png"), full_page=True)
    assert _db(lambda: list(LiaisonAssignment.objects.values_list("organization__code", flat=True))) == ["A"]
    assert outside == []
