"""Leaders from above at a village, on a phone (375 px): the unit of 东关村党支部 records a lecture whose speaker is
its county's secretary (chosen from the offered list, under 联系点领导) and a study session ticking each offered
班子成员 checkbox by clicking it; both are saved. The same study again is asked about before it is saved twice. Then
the office reads who has not done each lead action (counts, a filter, dates with the year) at desktop and phone
widths."""

import datetime as dt
import re
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.browser.test_pages import _login, _no_horizontal_overflow, _page
from tests.browser.test_supervision import supervision_city  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser

ANY_LANDING = re.compile(r"^(?!.*/accounts/login/).*$")


@pytest.fixture
def leaders_city(city: dict[str, Any]) -> dict[str, Any]:
    """The browser city in a current campaign (open-ended: today is a valid date), the unit user of 东关村党支部,
    the village's own secretary (a cadre below county level), and the city's mayor. Above the village: 吴刚
    (城关区委, 县处级) and 郑洁 (城关镇党委, 乡科级 — not a contact-point leader, not offered)."""
    from accounts.actors import SETUP
    from administration.services import user_create
    from campaigns.models import Campaign, Participation
    from conftest import PASSWORD
    from orgs.models import Organization
    from orgs.services import cadre_create

    campaign = Campaign.objects.create(name="学习贯彻习近平新时代中国特色社会主义思想主题教育", batch=2,
                                       starts_on=dt.date(2023, 9, 1), is_current=True)
    Participation.objects.create(campaign=campaign, organization=Organization.objects.get(code="C"))
    user_create(actor=SETUP, username="unit", role="unit", organization=Organization.objects.get(code="A1a"),
                password=PASSWORD,
                full_name="东关村联络员")
    cadre_create(actor=SETUP,
                 organization=Organization.objects.get(code="A1a"), name="钱进", id_number="110101199003070054",
                 position="村党支部书记", rank=10)
    cadre_create(actor=SETUP,
                 organization=Organization.objects.get(code="C"), name="孙立平", id_number="110101199003070070",
                 position="市长", rank=70)
    return city


def _optgroups(page: Any, select: str) -> dict[str, list[str]]:
    return page.eval_on_selector(select, """s => Object.fromEntries([...s.querySelectorAll('optgroup')].map(
        g => [g.label, [...g.querySelectorAll('option')].map(o => o.textContent.trim())]))""")


def test_a_village_names_leaders_from_above_on_a_phone(leaders_city, browser, live_server):
    page, outside = _page(browser, live_server, PHONE)
    _login(page, live_server, leaders_city["password"], "unit", ANY_LANDING)

    # A lecture by the county's secretary, chosen from the offered list.
    page.goto(f"{live_server.url}/measures/quick/")
    page.click("label[for=id_what_1]")  # 党课
    assert page.is_visible("#id_speaker") and not page.is_visible("#id_study_kind")
    groups = _optgroups(page, "#id_speaker")
    assert groups["本单位班子成员"] == ["钱进（村党支部书记）"]  # the city's leaders are not the village's team
    assert groups["联系点领导（城关区委）"] == ["吴刚（区委书记）· 城关区委"]
    assert groups["联系点领导（示范市委）"] == ["孙立平（市长）· 示范市委"]
    assert "郑洁（镇党委书记）" not in str(groups)
    page.fill("#id_title", "联系点专题党课：以学铸魂")
    page.fill("#id_count", "36")
    page.click("#id_speaker")  # open the list, then pick him from it
    page.select_option("#id_speaker", label="吴刚（区委书记）· 城关区委")
    heading = page.eval_on_selector("#id_speaker", "s => s.selectedOptions[0].parentElement.label")
    assert heading == "联系点领导（城关区委）"
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "measures-leaders-lecture-375.png"), full_page=True)
    page.click(".quick-form button[type=submit]")
    page.wait_for_url("**/measures/unit/A1a/**")
    lectures = page.inner_text("#section-lecture")
    assert "联系点专题党课：以学铸魂" in lectures and "主讲：吴刚" in lectures

    # A study session: every offered leader ticked by clicking his row.
    page.goto(f"{live_server.url}/measures/quick/")
    page.click("label[for=id_what_0]")  # 学习
    headings = page.locator(".entry-checks .check-heading").all_inner_texts()
    assert headings == ["本单位班子成员", "联系点领导（城关区委）", "联系点领导（示范市委）"]
    page.fill("#id_title", "集中学习党章")
    page.fill("#id_count", "15")
    page.select_option("#id_study_kind", label="集中学习")
    rows = page.locator(".entry-checks label.check-row")
    assert rows.count() == 3
    for i in range(3):
        rows.nth(i).click()
        assert rows.nth(i).locator("input").is_checked()
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "measures-leaders-study-375.png"), full_page=True)
    page.click(".quick-form button[type=submit]")
    page.wait_for_url("**/measures/unit/A1a/**")
    study = page.inner_text("#section-study")
    assert "集中学习党章" in study
    assert all(name in study for name in ("钱进", "吴刚", "孙立平"))

    # The same study again: asked before saving it twice; what was typed is kept; 仍然保存 saves it.
    page.goto(f"{live_server.url}/measures/quick/")
    page.fill("#id_title", "集中学习党章")
    page.fill("#id_count", "15")
    page.select_option("#id_study_kind", label="集中学习")
    page.click(".quick-form button[type=submit]:has-text('保存')")
    page.wait_for_selector("button[name=confirm_duplicate]")
    assert "已记录过学习研讨“集中学习党章”" in page.inner_text(".quick-form")
    assert page.input_value("#id_title") == "集中学习党章" and page.input_value("#id_count") == "15"
    page.screenshot(path=str(ARTIFACTS / "measures-duplicate-375.png"), full_page=True)
    page.click("button[name=confirm_duplicate]")
    page.wait_for_url("**/measures/unit/A1a/**")
    assert page.inner_text("#section-study").count("集中学习党章") == 2
    assert outside == []


def test_the_office_reads_who_has_not_at_a_glance(leaders_city, browser, live_server):
    """After the village's lecture and study (recorded through the pages): counts of who has not, a filter, dates
    with the year; readable at 375 px."""
    page, outside = _page(browser, live_server, PHONE)
    _login(page, live_server, leaders_city["password"], "unit", ANY_LANDING)
    page.goto(f"{live_server.url}/measures/unit/A1a/lecture/new/")
    page.fill("#id_title", "联系点专题党课")
    page.fill("#id_audience_count", "30")
    page.select_option("#id_speaker", label="吴刚（区委书记）· 城关区委")
    page.click(".entry-form button[type=submit]")
    page.wait_for_url("**/measures/unit/A1a/**")
    page.goto(f"{live_server.url}/measures/unit/A1a/study/new/")
    page.select_option("#id_kind", label="专题研讨")
    page.fill("#id_topic", "专题研讨：坚持人民至上")
    page.fill("#id_participant_count", "12")
    page.click(".entry-checks label.check-row:has-text('孙立平')")
    page.click(".entry-form button[type=submit]")
    page.wait_for_url("**/measures/unit/A1a/**")
    assert "孙立平" in page.inner_text("#section-study")

    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "375")):
        office, office_outside = _page(browser, live_server, viewport)
        _login(office, live_server, leaders_city["password"])
        office.goto(f"{live_server.url}/measures/coverage/?tier=village")
        village = office.inner_text("tr:has-text('东关村党支部')")
        assert "检视整改" in office.inner_text("thead") and village.count("有（1）") == 2  # the study, the lecture
        if viewport is PHONE:
            assert _no_horizontal_overflow(office)
        office.screenshot(path=str(ARTIFACTS / f"measures-coverage-units-{name}.png"), full_page=True)
        office.goto(f"{live_server.url}/measures/coverage/?tab=leaders")
        chips = office.inner_text("#lead-missing")
        assert "全部2人" in chips.replace(" ", "").replace("\n", "")
        assert "讲专题党课1人" in chips.replace(" ", "").replace("\n", "")
        today = dt.date.today()
        assert f"{today.year}年{today.month}月{today.day}日" in office.inner_text(".lead-table")
        # No position squeezed to a character per line: a name and its position keep their width.
        lines = office.eval_on_selector_all(".lead-table .lead-name, .lead-table .lead-position", """cells => cells.map(
            e => { const r = document.createRange(); r.selectNodeContents(e);
                   return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })""")
        assert lines == [1] * 4, lines  # each name and each position on one line
        if viewport is PHONE:
            assert _no_horizontal_overflow(office)
        office.screenshot(path=str(ARTIFACTS / f"measures-lead-table-{name}.png"), full_page=True)
        office.click("#missing-lectured")
        office.wait_for_url("**missing=lectured**")
        names = office.locator(".lead-table .lead-name").all_inner_texts()
        assert names == ["孙立平"]  # the one count the filter showed
        office.screenshot(path=str(ARTIFACTS / f"measures-lead-table-missing-{name}.png"), full_page=True)
        assert office_outside == []
    assert outside == []


@pytest.fixture
def judged_city(supervision_city: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """第一联络组 visited 城关区委 and judged two requirements; the county recorded a study session itself."""
    from accounts.actors import SETUP
    from accounts.models import User
    from campaigns.models import LiaisonGroup
    from campaigns.selectors import current_campaign
    from measures import services as measures
    from orgs.models import Organization
    from supervision.models import VisitMethod
    from supervision.services import visit_plan, visit_record

    liaison = User.objects.get(username="liaison")
    county = Organization.objects.get(code="A")
    day = dt.date.today()
    visit = visit_plan(actor=liaison, group=LiaisonGroup.objects.get(name="第一联络组"), organization=county,
                       method=VisitMethod.objects.get(name="列席领导班子学习研讨"), subject="列席区委中心组专题研讨",
                       planned_on=day, participants=[liaison])
    visit_record(actor=liaison, visit=visit, visited_on=day, summary="研讨准备充分",
                 observations={"study": {"judgement": "fair", "note": "个别发言照本宣科，联系实际不够"},
                               "rectification": {"judgement": "ordinary", "note": "问题清单偏笼统"}})
    measures.study_session_create(actor=SETUP,
                                  organization=county, campaign=current_campaign(), kind="seminar",
                                  topic="区委中心组专题研讨", held_on=day, participant_count=15)
    return supervision_city


def test_a_liaison_member_reads_a_units_four_requirements_on_a_phone(judged_city, browser, live_server):
    page, outside = _page(browser, live_server, PHONE)
    _login(page, live_server, judged_city["password"], "liaison", ANY_LANDING)
    page.goto(f"{live_server.url}/supervision/")
    page.click("#unit-A a.req-link")
    page.wait_for_url("**/supervision/units/A/requirements/")
    study = page.inner_text("#req-study")
    assert "较好" in study and "个别发言照本宣科" in study and "学习研讨" in study and "1项" in study
    assert "一般" in page.inner_text("#req-rectification")
    assert "联络组还没有对这项要求作现场评价" in page.inner_text("#req-research")
    assert _no_horizontal_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "supervision-unit-requirements-375.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(ARTIFACTS / "supervision-unit-requirements-desktop.png"), full_page=True)
    assert outside == []
