"""The ledger's pages: the list (scoped, filtered — subtree, state, overdue — with saved filters), registration
(also from a life meeting's item, and by a liaison group), edits with optimistic concurrency, steps, evidence
(download scoped), special campaigns. Every write goes through `problems.services`; errors are Chinese and keep
what was typed; outside the jurisdiction, or a role with no data scope, answers 404."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from accounts.actors import SETUP
from problems.choices import ProblemAction, ProblemStatus, Source
from problems.models import Evidence, Problem, RectificationStep, SavedFilter, SpecialCampaign, TransitionRecord
from problems.services import problem_act, problem_update, special_campaign_create, step_add
from problems.tests.conftest import TODAY, upload

pytestmark = pytest.mark.django_db


def _html(response: Any) -> str:
    return response.content.decode()


def _ledger(client: Any, user: Any, query: str = "") -> str:
    client.force_login(user)
    response = client.get(reverse("problems:ledger") + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return _html(response)


def _cadre(org: Any, name: str, seq: int) -> Any:
    from core.cn import make_id_number
    from orgs.services import cadre_create

    return cadre_create(actor=SETUP, organization=org, name=name, position="党支部书记", rank=10,
                        id_number=make_id_number("130102", dt.date(1975, 3, 1), seq, "M"))


@pytest.fixture
def two_counties(make_problem: Any, people: dict[str, Any], tree: Any) -> dict[str, Problem]:
    """One problem in village A1a (county A) and one in community B1a (county B), both by the office."""
    return {
        "a": make_problem(description="东关村村务公开不及时"),
        "b": make_problem(org=tree.village_b, by=people["office"], description="西河社区办事难", source="self",
                          category="style"),
    }


# ---------------------------------------------------------------------------------------------------------
# The list


def test_ledger_shows_each_role_only_its_jurisdiction(client: Any, people: dict[str, Any],
                                                       two_counties: dict[str, Problem]) -> None:
    for who, sees_a, sees_b in (("office", True, True), ("leader", True, True), ("liaison", True, False),
                                ("unit", True, False), ("liaison_b", False, True), ("county_office", True, False)):
        html = _ledger(client, people[who])
        assert ("东关村村务公开不及时" in html) is sees_a, who
        assert ("西河社区办事难" in html) is sees_b, who
    client.force_login(people["sysadmin"])
    assert client.get(reverse("problems:ledger")).status_code == 404


def test_ledger_filters_by_subtree_state_source_and_text(client: Any, people: dict[str, Any], tree: Any,
                                                          two_counties: dict[str, Problem]) -> None:
    office = people["office"]
    html = _ledger(client, office, "org=A")
    assert "东关村村务公开不及时" in html and "西河社区办事难" not in html
    html = _ledger(client, office, "org=B1")  # a township: its whole subtree
    assert "东关村村务公开不及时" not in html and "西河社区办事难" in html
    html = _ledger(client, office, f"org={tree.village_b.name}")  # by exact name too
    assert "西河社区办事难" in html and "东关村村务公开不及时" not in html
    problem_act(actor=people["unit"], problem=two_counties["a"], action=ProblemAction.START)
    html = _ledger(client, office, "status=in_progress")
    assert "东关村村务公开不及时" in html and "西河社区办事难" not in html
    html = _ledger(client, office, "status=registered&status=in_progress")
    assert "东关村村务公开不及时" in html and "西河社区办事难" in html
    html = _ledger(client, office, "source=self")
    assert "西河社区办事难" in html and "东关村村务公开不及时" not in html
    html = _ledger(client, office, "category=style&q=办事")
    assert "西河社区办事难" in html and "东关村村务公开不及时" not in html
    # What was chosen stays chosen.
    html = _ledger(client, office, "org=A&overdue=1")
    assert 'value="A"' in html and 'name="overdue" class="form-check-input" id="id_overdue" checked' in html


def test_an_organization_outside_the_jurisdiction_is_ignored_not_shown(client: Any, people: dict[str, Any],
                                                                       two_counties: dict[str, Problem]) -> None:
    html = _ledger(client, people["liaison"], "org=B")
    assert "东关村村务公开不及时" in html and "西河社区办事难" not in html


def test_ledger_filters_overdue_and_marks_it_red(client: Any, people: dict[str, Any], make_problem: Any,
                                                 frozen_clock: Any) -> None:
    late = make_problem(description="逾期的问题", deadline=TODAY + dt.timedelta(days=2))
    make_problem(description="未到期的问题", deadline=TODAY + dt.timedelta(days=60))
    frozen_clock.move_to(dt.datetime(2023, 10, 20, 9, 0))
    html = _ledger(client, people["office"], "overdue=1")
    assert "逾期的问题" in html and "未到期的问题" not in html
    assert 'class="nowrap due-overdue">2023年10月12日（已逾期）' in html
    counts = html.split('id="ledger-counts"')[1].split("</nav>")[0]
    assert "已逾期<strong>1</strong>" in counts and "全部<strong>2</strong>" in counts
    client.force_login(people["office"])
    page = _html(client.get(reverse("problems:problem", args=[late.pk])))
    assert "（已逾期）" in page


def test_ledger_filters_by_liaison_group_for_the_office_only(client: Any, people: dict[str, Any],
                                                             two_counties: dict[str, Problem]) -> None:
    group_b = people["group_b"].pk
    html = _ledger(client, people["office"], f"liaison_group={group_b}")
    assert "西河社区办事难" in html and "东关村村务公开不及时" not in html
    html = _ledger(client, people["leader"], f"liaison_group={group_b}")  # not the office: ignored
    assert "西河社区办事难" in html and "东关村村务公开不及时" in html


@pytest.mark.parametrize("query", [
    "status=nonsense", "status=closed&status=%00", "source=x&category=y&severity=z", "special_campaign=abc",
    "special_campaign=99999999999999999999999", "liaison_group=-1", "liaison_group=99999999999999999999999",
    "org=%27%3B--", "page=abc", "page=99999", "fix_now=maybe", "overdue=yes&relapsed=0", "q=" + "问" * 500,
])
def test_odd_filter_values_are_ignored_never_a_500(client: Any, people: dict[str, Any], query: str,
                                                   two_counties: dict[str, Problem]) -> None:
    client.force_login(people["office"])
    assert client.get(reverse("problems:ledger") + "?" + query).status_code == 200


def test_ledger_pages_and_links_export_with_the_filter(client: Any, people: dict[str, Any], make_problem: Any,
                                                       settings: Any) -> None:
    for i in range(3):
        make_problem(description=f"问题{i}号")
    client.force_login(people["unit"])
    response = client.get(reverse("problems:ledger") + "?source=masses&page=2")
    html = _html(response)
    assert f'href="{reverse("problems:export")}?source=masses"' in html  # the list as filtered, without its page
    assert f'href="{reverse("problems:import")}"' in html and f'href="{reverse("problems:new")}"' in html
    html = _ledger(client, people["leader"])
    # A leader reads and may export the ledger, but neither registers nor imports.
    assert reverse("problems:export") in html and reverse("problems:new") not in html
    assert reverse("problems:import") not in html


def test_saved_filters_are_saved_applied_and_deleted_per_user(client: Any, people: dict[str, Any],
                                                              two_counties: dict[str, Problem]) -> None:
    client.force_login(people["office"])
    response = client.post(reverse("problems:filter_save"), {"name": "看看河西", "query": "org=B&page=3"})
    assert response.status_code == 302 and response["Location"] == reverse("problems:ledger") + "?org=B"
    saved = SavedFilter.objects.get(user=people["office"])
    assert (saved.name, saved.query) == ("看看河西", "org=B")
    html = _ledger(client, people["office"])
    assert f'href="{reverse("problems:ledger")}?org=B"' in html and "看看河西" in html
    # Saving the same name again replaces it; an empty name is refused in Chinese.
    client.post(reverse("problems:filter_save"), {"name": "看看河西", "query": "org=B1"})
    assert SavedFilter.objects.get(user=people["office"]).query == "org=B1"
    response = client.post(reverse("problems:filter_save"), {"name": "", "query": "org=A"}, follow=True)
    assert "请填写名称" in _html(response) and SavedFilter.objects.count() == 1
    # Another user neither sees nor deletes it.
    assert "看看河西" not in _ledger(client, people["leader"])
    assert client.post(reverse("problems:filter_delete", args=[saved.pk])).status_code == 404
    client.force_login(people["office"])
    assert client.post(reverse("problems:filter_delete", args=[saved.pk])).status_code == 302
    assert not SavedFilter.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# Registration


def test_unit_registers_a_problem_of_its_own_with_steps(client: Any, people: dict[str, Any], tree: Any) -> None:
    client.force_login(people["unit"])
    html = _html(client.get(reverse("problems:new")))
    assert 'name="organization" value="A1a"' in html  # the unit's own organisation by default, by name and place
    assert 'value="东关村党支部"' in html and "示范市委 › 城关区委 › 城关镇党委 › 东关村党支部" in html
    assert 'hx-target="#cadre-field"' in html  # choosing another reloads its leaders
    response = client.post(reverse("problems:new"), {
        "organization": "A1a", "description": "村务公开栏长期未更新", "source": "masses", "category": "service",
        "severity": "serious", "step_1_measure": "每月更新公开栏", "step_1_owner": "村委会",
        "step_1_deadline": "2023-10-31", "step_2_measure": "", "step_3_measure": "建立公开台账"})
    problem = Problem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("problems:problem", args=[problem.pk])
    assert (problem.organization, problem.source, problem.severity, problem.created_by) == (
        tree.village_a, "masses", "serious", people["unit"])
    assert problem.due_on == TODAY + dt.timedelta(days=60)
    assert list(problem.steps.values_list("measure", "owner")) == [("每月更新公开栏", "村委会"), ("建立公开台账", "")]
    assert problem.step_count == 2
    assert TransitionRecord.objects.get(problem=problem).action == ProblemAction.REGISTER


def test_registration_errors_are_chinese_and_keep_what_was_typed(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["unit"])
    response = client.post(reverse("problems:new"), {
        "organization": "A1a", "description": "", "source": "masses", "category": "", "cause": "制度缺失",
        "deadline": "2023-10-01", "step_1_measure": "建立制度", "step_1_deadline": "2023-13-45"})
    html = _html(response)
    assert response.status_code == 200 and not Problem.objects.exists()
    assert "第1项整改措施的完成时限格式不正确" in html
    response = client.post(reverse("problems:new"), {
        "organization": "A1a", "description": "", "source": "masses", "category": "", "cause": "制度缺失",
        "deadline": "2023-10-01", "step_1_measure": "建立制度"})
    html = _html(response)
    assert "请填写问题表现" in html and "请选择问题类别" in html and "完成时限不能早于今天" in html
    assert "制度缺失" in html and 'value="建立制度"' in html and '<option value="masses" selected>' in html
    assert not Problem.objects.exists()


def test_unit_cannot_register_for_an_organization_outside(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["unit"])
    response = client.post(reverse("problems:new"), {
        "organization": "B1a", "description": "别处的问题", "source": "self", "category": "style"})
    assert response.status_code == 200 and "请选择本辖区内的党组织" in _html(response)
    assert not Problem.objects.exists()
    for who in ("leader", "sysadmin"):
        client.force_login(people[who])
        assert client.get(reverse("problems:new")).status_code == 404


def test_liaison_registers_with_the_source_fixed_to_visit(client: Any, people: dict[str, Any], tree: Any) -> None:
    client.force_login(people["liaison"])
    html = _html(client.get(reverse("problems:new")))
    assert "督导发现" in html and 'name="source"' in html and "disabled" in html
    response = client.post(reverse("problems:new"), {
        "organization": "A1", "description": "镇党委学习流于形式", "source": "self", "category": "style"})
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert (problem.organization, problem.source) == (tree.township_a, Source.VISIT)


def test_registration_from_a_life_meeting_item(client: Any, people: dict[str, Any], tree: Any,
                                               campaign: Any) -> None:
    from accounts.actors import SETUP
    from measures.services import life_meeting_create

    secretary = _cadre(tree.village_a, "王书记", 1)
    meeting = life_meeting_create(actor=SETUP,
                                  organization=tree.village_a, campaign=campaign, kind="organisational",
                                  held_on=TODAY, attendance=12, items=[
                                      {"kind": "criticism", "text": "联系群众不够，入户走访少", "cadre": secretary}])
    item = meeting.items.get()
    client.force_login(people["unit"])
    html = _html(client.get(reverse("problems:new") + f"?item={item.pk}"))
    assert "联系群众不够，入户走访少" in html
    assert '<option value="collective" selected>' in html
    assert f'<option value="{secretary.pk}" selected>' in html
    assert f'name="item" value="{item.pk}"' in html
    response = client.post(reverse("problems:new"), {
        "organization": "A1a", "item": item.pk, "description": "联系群众不够，入户走访少", "source": "collective",
        "category": "service", "responsible_cadre": secretary.pk})
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert (problem.life_meeting_item, problem.responsible_cadre, problem.source) == (item, secretary, "collective")
    # Raised already: the page says so; an item outside the user's sight is 404.
    assert problem.number in _html(client.get(reverse("problems:new") + f"?item={item.pk}"))
    client.force_login(people["liaison_b"])
    assert client.get(reverse("problems:new") + f"?item={item.pk}").status_code == 404


def test_the_cadre_list_follows_the_chosen_organization(client: Any, people: dict[str, Any], tree: Any) -> None:
    _cadre(tree.village_a, "王书记", 2)
    _cadre(tree.county_a, "李区长", 3)
    _cadre(tree.county_b, "赵县长", 4)
    client.force_login(people["office"])
    response = client.get(reverse("problems:new") + "?organization=A1a", HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="cadre-field")
    html = _html(response)
    assert 'id="cadre-field"' in html and "<form" not in html
    assert "王书记" in html and "李区长" in html and "赵县长" not in html


# ---------------------------------------------------------------------------------------------------------
# Edits


def test_edit_with_a_stale_version_shows_the_message_and_keeps_what_was_typed(client: Any, people: dict[str, Any],
                                                                              make_problem: Any) -> None:
    problem = make_problem()
    client.force_login(people["unit"])
    html = _html(client.get(reverse("problems:edit", args=[problem.pk])))
    assert f'name="version" value="{problem.version}"' in html
    seen = problem.version
    problem_update(actor=people["unit2"], problem=problem, version=seen, cause="另一人先改了")
    response = client.post(reverse("problems:edit", args=[problem.pk]), {
        "version": seen, "description": "我改写的问题表现", "source": "masses", "category": "service",
        "severity": "ordinary", "cause": "我的分析"})
    html = _html(response)
    assert response.status_code == 200 and "已被他人修改" in html
    assert "我改写的问题表现" in html and "我的分析" in html
    problem.refresh_from_db()
    assert problem.cause == "另一人先改了" and problem.description == "村务公开不及时，群众反映强烈"
    response = client.post(reverse("problems:edit", args=[problem.pk]), {
        "version": problem.version, "description": "我改写的问题表现", "source": "masses", "category": "service",
        "severity": "ordinary", "cause": "我的分析"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.description, problem.cause) == ("我改写的问题表现", "我的分析")


def test_edit_after_start_keeps_the_old_deadline_and_refuses_roles_that_do_not_edit(
        client: Any, people: dict[str, Any], make_problem: Any, frozen_clock: Any) -> None:
    problem = make_problem(deadline=TODAY + dt.timedelta(days=3))
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.START)
    frozen_clock.move_to(dt.datetime(2023, 10, 20, 9, 0))  # the deadline has passed: it must not block edits
    client.force_login(people["unit"])
    response = client.post(reverse("problems:edit", args=[problem.pk]), {
        "version": problem.version, "description": "改写", "source": "masses", "category": "service",
        "severity": "ordinary", "deadline": "2023-12-31"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.description == "改写" and problem.deadline == TODAY + dt.timedelta(days=3)
    for who in ("liaison", "leader", "liaison_b"):
        client.force_login(people[who])
        assert client.get(reverse("problems:edit", args=[problem.pk])).status_code == 404


def test_a_closed_problem_is_shown_locked_with_how_to_reopen(client: Any, people: dict[str, Any],
                                                             make_problem: Any) -> None:
    problem = problem_act(actor=people["unit"], problem=make_problem(), action=ProblemAction.START)
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM, files=[upload()])
    problem = problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.CLOSE, note="现场核实")
    client.force_login(people["unit"])
    html = _html(client.get(reverse("problems:problem", args=[problem.pk])))
    assert "已销号，记录已锁定" in html and "重新打开（反弹）" in html
    assert reverse("problems:edit", args=[problem.pk]) not in html
    assert reverse("problems:step_new", args=[problem.pk]) not in html
    assert reverse("problems:evidence_new", args=[problem.pk]) not in html
    response = client.get(reverse("problems:edit", args=[problem.pk]), follow=True)
    assert "记录已锁定" in _html(response)
    evidence = Evidence.objects.get(problem=problem)
    response = client.post(reverse("problems:evidence_remove", args=[problem.pk, evidence.pk]),
                           {"version": problem.version}, follow=True)
    assert "不能修改" in _html(response) and Evidence.objects.filter(pk=evidence.pk).exists()
    # The verifier sees the reopen action.
    client.force_login(people["office"])
    html = _html(client.get(reverse("problems:problem", args=[problem.pk])))
    assert reverse("problems:act", args=[problem.pk, ProblemAction.REOPEN]) in html


# ---------------------------------------------------------------------------------------------------------
# A problem's page: steps, evidence, actions


def test_problem_page_shows_record_steps_evidence_and_timeline(client: Any, people: dict[str, Any],
                                                               make_problem: Any) -> None:
    problem = make_problem()
    step_add(actor=people["unit"], problem=problem, measure="建立公开栏", owner="张三")
    client.force_login(people["unit"])
    response = client.post(reverse("problems:evidence_new", args=[problem.pk]), {
        "ev-version": Problem.objects.get(pk=problem.pk).version, "ev-note": "公开栏照片",
        "ev-file": upload("公开栏.jpg", b"\xff\xd8\xff photo")})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    html = _html(client.get(reverse("problems:problem", args=[problem.pk])))
    assert "建立公开栏" in html and "张三" in html and "公开栏.jpg" in html
    # The checksum is for those who verify, not the unit's contact.
    assert evidence.sha256[:12] not in html and "SHA-256" not in html
    client.force_login(people["liaison"])
    assert evidence.sha256[:12] in _html(client.get(reverse("problems:problem", args=[problem.pk])))
    client.force_login(people["unit"])
    html = _html(client.get(reverse("problems:problem", args=[problem.pk])))
    assert "登记" in html and str(people["unit"]) in html and "2023年10月10日 09:30" in html
    assert '{% include' not in html


def test_steps_are_added_marked_done_with_evidence_and_undone(client: Any, people: dict[str, Any],
                                                               make_problem: Any) -> None:
    problem = make_problem()
    client.force_login(people["unit"])
    response = client.post(reverse("problems:step_new", args=[problem.pk]), {
        "step-version": problem.version, "step-measure": "", "step-owner": "李四"})
    assert response.status_code == 200 and "请填写整改措施" in _html(response) and 'value="李四"' in _html(response)
    response = client.post(reverse("problems:step_new", args=[problem.pk]), {
        "step-version": problem.version, "step-measure": "更新公开栏", "step-owner": "李四",
        "step-deadline": "2023-10-20"})
    assert response.status_code == 302
    step = RectificationStep.objects.get()
    version = Problem.objects.get(pk=problem.pk).version
    response = client.post(reverse("problems:step_done", args=[problem.pk, step.pk]), {
        f"done{step.pk}-version": version, f"done{step.pk}-done_note": "已更新"})
    assert "请上传完成该项措施的佐证材料" in _html(response)
    response = client.post(reverse("problems:step_done", args=[problem.pk, step.pk]), {
        f"done{step.pk}-version": version, f"done{step.pk}-done_note": "已更新",
        f"done{step.pk}-files": [upload("照片.jpg")]})
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.done_on == TODAY and step.done_note == "已更新" and step.evidence.count() == 1
    assert Problem.objects.get(pk=problem.pk).progress == 100
    response = client.post(reverse("problems:step_done", args=[problem.pk, step.pk]), {
        "version": Problem.objects.get(pk=problem.pk).version, "undo": "1"})
    step.refresh_from_db()
    assert step.done_on is None and Problem.objects.get(pk=problem.pk).steps_done == 0
    # Edit and delete through the step's page.
    url = reverse("problems:step_edit", args=[problem.pk, step.pk])
    assert client.post(url, {"version": Problem.objects.get(pk=problem.pk).version, "measure": "每周更新",
                             "owner": "李四"}).status_code == 302
    assert RectificationStep.objects.get().measure == "每周更新"
    assert client.post(url, {"version": Problem.objects.get(pk=problem.pk).version, "measure": "每周更新",
                             "delete": "1"}).status_code == 302
    assert not RectificationStep.objects.exists()
    client.force_login(people["liaison"])
    assert client.post(reverse("problems:step_new", args=[problem.pk]), {
        "step-measure": "越位的措施"}).status_code == 404


def test_evidence_download_is_scoped(client: Any, people: dict[str, Any], make_problem: Any, tree: Any) -> None:
    problem = make_problem()
    client.force_login(people["unit"])
    client.post(reverse("problems:evidence_new", args=[problem.pk]), {
        "ev-version": problem.version, "ev-file": upload("整改报告.pdf", b"%PDF-1.4 report")})
    evidence = Evidence.objects.get()
    url = reverse("problems:evidence", args=[problem.pk, evidence.pk])
    for who in ("unit", "liaison", "office", "leader"):
        client.force_login(people[who])
        response = client.get(url)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == b"%PDF-1.4 report"
        assert "attachment" in response["Content-Disposition"]
    for who in ("liaison_b", "sysadmin"):
        client.force_login(people[who])
        assert client.get(url).status_code == 404, who
    other = make_problem(org=tree.village_b, by=people["office"])
    client.force_login(people["office"])
    assert client.get(reverse("problems:evidence", args=[other.pk, evidence.pk])).status_code == 404


def test_evidence_upload_errors_are_chinese(client: Any, people: dict[str, Any], make_problem: Any) -> None:
    problem = make_problem()
    client.force_login(people["unit"])
    response = client.post(reverse("problems:evidence_new", args=[problem.pk]), {
        "ev-version": problem.version, "ev-note": "说明文字", "ev-file": upload("病毒.exe", b"MZ")})
    html = _html(response)
    assert response.status_code == 200 and "佐证材料只能是PDF" in html and 'value="说明文字"' in html
    assert not Evidence.objects.exists()


def test_action_errors_rerender_with_the_typed_note(client: Any, people: dict[str, Any], make_problem: Any) -> None:
    problem = problem_act(actor=people["unit"], problem=make_problem(), action=ProblemAction.START)
    client.force_login(people["unit"])
    response = client.post(reverse("problems:act", args=[problem.pk, ProblemAction.CLAIM]), {
        "version": problem.version, "note": "已全部整改到位"})
    html = _html(response)
    assert response.status_code == 200 and "请上传整改佐证材料" in html and "已全部整改到位" in html
    assert 'class="collapse show" id="act-claim"' in html
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.IN_PROGRESS


def test_unknown_action_and_outside_problems_are_404(client: Any, people: dict[str, Any], make_problem: Any) -> None:
    problem = make_problem()
    client.force_login(people["unit"])
    assert client.post(reverse("problems:act", args=[problem.pk, "delete"])).status_code == 404
    assert client.post(reverse("problems:act", args=[problem.pk, "register"])).status_code == 404
    assert client.get(reverse("problems:act", args=[problem.pk, "start"])).status_code == 405
    client.force_login(people["liaison_b"])
    step = step_add(actor=people["unit"], problem=problem, measure="措施")
    for url in (reverse("problems:problem", args=[problem.pk]), reverse("problems:edit", args=[problem.pk]),
                reverse("problems:step_edit", args=[problem.pk, step.pk])):
        assert client.get(url).status_code == 404, url
    for url in (reverse("problems:act", args=[problem.pk, "start"]), reverse("problems:step_new", args=[problem.pk]),
                reverse("problems:step_done", args=[problem.pk, step.pk]),
                reverse("problems:evidence_new", args=[problem.pk])):
        assert client.post(url, {"note": "x"}).status_code == 404, url
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.REGISTERED


# ---------------------------------------------------------------------------------------------------------
# Special campaigns


def test_the_city_office_sets_special_campaigns_others_read_them(client: Any, people: dict[str, Any],
                                                                  campaign: Any, make_problem: Any) -> None:
    client.force_login(people["office"])
    response = client.post(reverse("problems:special_list"), {"name": "整治群众身边不正之风", "description": "专项"})
    assert response.status_code == 302
    special = SpecialCampaign.objects.get()
    assert special.campaign == campaign
    response = client.post(reverse("problems:special_list"), {"name": "整治群众身边不正之风"})
    assert "已存在" in _html(response) and SpecialCampaign.objects.count() == 1
    response = client.post(reverse("problems:special_edit", args=[special.pk]), {"name": "整治不正之风",
                                                                                "is_active": ""})
    special.refresh_from_db()
    assert response.status_code == 302 and (special.name, special.is_active) == ("整治不正之风", False)
    for who in ("county_office", "unit", "liaison", "leader"):
        client.force_login(people[who])
        html = _html(client.get(reverse("problems:special_list")))
        assert "整治不正之风" in html and 'id="special-new"' not in html, who
        assert client.post(reverse("problems:special_list"), {"name": "越权"}).status_code == 404, who
        assert client.get(reverse("problems:special_edit", args=[special.pk])).status_code == 404, who
    assert SpecialCampaign.objects.count() == 1


def test_registration_offers_active_special_campaigns(client: Any, people: dict[str, Any], campaign: Any) -> None:
    special = special_campaign_create(actor=people["office"], campaign=campaign, name="整治形式主义")
    client.force_login(people["unit"])
    assert "整治形式主义" in _html(client.get(reverse("problems:new")))
    response = client.post(reverse("problems:new"), {
        "organization": "A1a", "description": "材料多", "source": "self", "category": "style",
        "special_campaign": special.pk})
    assert response.status_code == 302 and Problem.objects.get().special_campaign == special
    html = _ledger(client, people["unit"], f"special_campaign={special.pk}")
    assert "材料多" in html
