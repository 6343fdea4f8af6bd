"""The liaison groups' pages: the workspace (a group's units at a glance; a unit's own read-only view), the
calendar, visits (plan, log, record, cancel, attachments), findings (into the ledger, or reopening a closed problem
as a relapse) and visit methods. Every write goes through `supervision.services`; errors are Chinese and keep what
was typed; outside the scope, or a write the user may not do, answers 404; the administrators get 404 everywhere."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from accounts.actors import SETUP
from problems.choices import ProblemStatus, Source
from problems.models import Problem
from problems.services import problem_act
from problems.tests.conftest import upload
from supervision.models import Finding, Observation, Visit, VisitAttachment, VisitMethod

pytestmark = pytest.mark.django_db


def _get(client: Any, user: Any, url: str) -> Any:
    client.force_login(user)
    return client.get(url)


def _html(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _post(client: Any, user: Any, url: str, data: dict[str, Any]) -> Any:
    client.force_login(user)
    return client.post(url, data)


def _cadre(org: Any, name: str, seq: int, rank: int = 50) -> Any:
    from core.cn import make_id_number
    from orgs.services import cadre_create

    return cadre_create(actor=SETUP, organization=org, name=name, position="区委书记", rank=rank,
                        id_number=make_id_number("130102", dt.date(1970, 3, 1), seq, "M"))


def _closed_problem(make_problem: Any, people: dict[str, Any], tree: Any, description: str) -> Problem:
    problem = make_problem(org=tree.village_a, by=people["unit"], source="self", category="service",
                           description=description)
    problem = problem_act(actor=people["unit"], problem=problem, action="start")
    problem = problem_act(actor=people["unit"], problem=problem, action="claim", files=[upload()])
    return problem_act(actor=people["county_office"], problem=problem, action="close", note="核验属实")


PAGES = ["workspace", "calendar", "visits", "findings", "methods"]


# ---------------------------------------------------------------------------------------------------------
# Who gets in


def test_anonymous_users_are_sent_to_log_in(client: Any, people: dict[str, Any]) -> None:
    for name in [*PAGES, "visit_new"]:
        response = client.get(reverse(f"supervision:{name}"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_the_three_administrators_get_404_everywhere(client: Any, people: dict[str, Any], make_finding: Any) -> None:
    finding = make_finding()
    urls = [reverse(f"supervision:{name}") for name in [*PAGES, "visit_new"]]
    urls += [reverse("supervision:visit", args=[finding.visit.pk]),
             reverse("supervision:finding", args=[finding.pk])]
    for role in ("sysadmin", "secadmin", "auditor"):
        for url in urls:
            assert _get(client, people[role], url).status_code == 404, (role, url)


def test_every_page_renders_for_each_reading_role(client: Any, people: dict[str, Any], make_visit: Any,
                                                  make_finding: Any, tree: Any) -> None:
    visit = make_visit(org=tree.village_a)
    finding = make_finding(visit=visit)
    urls = [reverse(f"supervision:{name}") for name in PAGES]
    urls += [reverse("supervision:visit", args=[visit.pk]), reverse("supervision:finding", args=[finding.pk])]
    for who in ("liaison", "office", "leader", "unit", "county_office"):
        for url in urls:
            assert _get(client, people[who], url).status_code == 200, (who, url)


# ---------------------------------------------------------------------------------------------------------
# The workspace


def test_workspace_shows_a_liaison_member_its_units_at_a_glance(client: Any, people: dict[str, Any],
                                                               make_problem: Any, make_visit: Any,
                                                               frozen_clock: Any, tree: Any) -> None:
    make_problem(description="逾期的问题", deadline=dt.date(2023, 10, 12))
    make_visit(on=dt.date(2023, 9, 5))
    make_visit(done=False, on=dt.date(2023, 10, 20))
    frozen_clock.move_to(dt.datetime(2023, 10, 20, 9, 0))
    html = _html(_get(client, people["liaison"], reverse("supervision:workspace")))
    assert "第一联络组" in html and "河西县委" not in html
    row = html.split('id="unit-A"')[1].split("</tr>")[0]
    assert "城关区委" in row
    assert 'href="/problems/?org=A&amp;overdue=1" class="n-alert" title="查看逾期问题">1</a>' in row
    assert 'class="long-ago" title="上次指导：2023年9月5日">45天</span>' in row  # more than 30 days: red
    assert f"?group={people['group_a'].pk}&amp;org=A" in row and "计划指导活动" in row and "记录指导活动" in row
    planned = html.split('id="planned"')[1].split("</section>")[0]
    assert "2023年10月20日" in planned


def test_workspace_lets_the_office_pick_any_group_and_a_leader_only_read(client: Any, people: dict[str, Any]) -> None:
    group_b = people["group_b"]
    html = _html(_get(client, people["office"], reverse("supervision:workspace")))
    assert 'id="group-picker"' in html and "第二联络组" in html and "城关区委" in html
    html = _html(_get(client, people["office"], reverse("supervision:workspace") + f"?group={group_b.pk}"))
    assert "河西县委" in html and 'id="unit-A"' not in html and "计划指导活动" in html
    html = _html(_get(client, people["leader"], reverse("supervision:workspace") + f"?group={group_b.pk}"))
    assert "河西县委" in html and "计划指导活动" not in html


def test_a_group_outside_the_users_view_answers_404(client: Any, people: dict[str, Any]) -> None:
    url = reverse("supervision:workspace") + f"?group={people['group_a'].pk}"
    assert _get(client, people["liaison_b"], url).status_code == 404
    url = reverse("supervision:calendar") + f"?group={people['group_b'].pk}"
    assert _get(client, people["county_office"], url).status_code == 404  # county A's office: not county B


def test_a_unit_sees_its_own_supervision_read_only_and_never_the_plans(client: Any, people: dict[str, Any],
                                                                      make_visit: Any, make_finding: Any,
                                                                      tree: Any) -> None:
    done = make_visit(org=tree.village_a)
    make_finding(visit=done, organization=tree.village_a, description="村级活动阵地学习资料陈旧")
    planned = make_visit(org=tree.village_a, done=False, on=dt.date(2023, 10, 25))
    planned.subject = "计划中的走访"
    planned.save()
    unit = people["unit"]
    html = _html(_get(client, unit, reverse("supervision:workspace")))
    assert "本单位督导情况" in html and "村级活动阵地学习资料陈旧" in html
    assert "计划中的走访" not in html and "计划指导活动" not in html
    assert _get(client, unit, reverse("supervision:visit", args=[planned.pk])).status_code == 404
    html = _html(_get(client, unit, reverse("supervision:calendar") + "?month=2023-10"))
    assert f"/supervision/visits/{done.pk}/" in html and f"/supervision/visits/{planned.pk}/" not in html
    html = _html(_get(client, unit, reverse("supervision:visits")))
    assert f"visit-{done.pk}" in html and f"visit-{planned.pk}" not in html
    html = _html(_get(client, unit, reverse("supervision:visit", args=[done.pk])))
    assert "登记发现问题" not in html and "修改开展情况" not in html and "上传" not in html
    assert _get(client, unit, reverse("supervision:visit_record", args=[done.pk])).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# The calendar


def test_calendar_shows_the_month_monday_first_with_each_visit_by_status(client: Any, people: dict[str, Any],
                                                                        make_visit: Any) -> None:
    held = make_visit(on=dt.date(2023, 10, 9))
    planned = make_visit(done=False, on=dt.date(2023, 10, 27))
    html = _html(_get(client, people["liaison"], reverse("supervision:calendar") + "?month=2023-10"))
    assert "2023年10月" in html and html.index("周一") < html.index("周日")
    grid = html.split('id="cal-grid"')[1].split("</table>")[0]
    assert grid.split("<tbody>")[1].split("<td")[1].count(">25<") == 1  # 25 September opens October's grid
    assert f'class="cal-visit done" href="/supervision/visits/{held.pk}/"' in grid
    assert f'class="cal-visit planned" href="/supervision/visits/{planned.pk}/"' in grid
    days = html.split('id="cal-days"')[1]
    assert "2023年10月9日（周一）" in days and "2023年10月27日（周五）" in days
    assert "month=2023-09" in html and "month=2023-11" in html
    html = _html(_get(client, people["liaison"], reverse("supervision:calendar") + "?month=2023-11"))
    assert f"/supervision/visits/{held.pk}/" not in html and "本月没有指导活动" in html
    assert _get(client, people["liaison"], reverse("supervision:calendar") + "?month=2023-13").status_code == 200


# ---------------------------------------------------------------------------------------------------------
# Visits


def test_visit_list_filters_by_status_unit_method_and_month(client: Any, people: dict[str, Any], make_visit: Any,
                                                           tree: Any) -> None:
    held = make_visit(on=dt.date(2023, 9, 20))
    planned = make_visit(org=tree.village_a, done=False, on=dt.date(2023, 10, 30))
    office = people["office"]
    url = reverse("supervision:visits")
    html = _html(_get(client, office, url + "?status=planned"))
    assert f"visit-{planned.pk}" in html and f"visit-{held.pk}" not in html
    html = _html(_get(client, office, url + "?unit=A1"))
    assert f"visit-{planned.pk}" in html and f"visit-{held.pk}" not in html
    html = _html(_get(client, office, url + "?month=2023-09"))
    assert f"visit-{held.pk}" in html and f"visit-{planned.pk}" not in html
    other = VisitMethod.objects.get(name="个别访谈")
    html = _html(_get(client, office, url + f"?method={other.pk}"))
    assert "没有符合条件的指导活动" in html
    html = _html(_get(client, office, url + f"?group={people['group_b'].pk}"))
    assert f"visit-{held.pk}" not in html
    html = _html(_get(client, people["liaison_b"], url))
    assert f"visit-{held.pk}" not in html and f"visit-{planned.pk}" not in html
    for query in ("?status=x&method=abc&month=2023-99&group=-1&unit=%27", "?page=999"):
        assert _get(client, office, url + query).status_code == 200


def test_a_liaison_member_plans_a_visit_through_the_service(client: Any, people: dict[str, Any], method: Any,
                                                           tree: Any) -> None:
    liaison = people["liaison"]
    html = _html(_get(client, liaison, reverse("supervision:visit_new") + "?org=A1"))
    assert 'name="organization" value="A1"' in html  # the unit the workspace's button named, by name and place
    assert 'value="城关镇党委"' in html and "示范市委 › 城关区委 › 城关镇党委" in html
    response = _post(client, liaison, reverse("supervision:visit_new"), {
        "group": people["group_a"].pk, "mode": "plan", "organization": "A1", "method": method.pk,
        "subject": "列席城关镇党委理论学习中心组学习", "planned_on": "2023-10-18", "participants": [liaison.pk],
        "others": "市委教育办张三"})
    visit = Visit.objects.get(subject="列席城关镇党委理论学习中心组学习")
    assert response.status_code == 302 and response["Location"] == f"/supervision/visits/{visit.pk}/"
    assert visit.status == "planned" and visit.organization == tree.township_a and visit.group == people["group_a"]
    assert list(visit.participants.all()) == [liaison] and visit.others == "市委教育办张三"
    assert visit.planned_on == dt.date(2023, 10, 18) and visit.created_by == liaison


def test_bad_visit_input_shows_chinese_errors_and_keeps_what_was_typed(client: Any, people: dict[str, Any],
                                                                      method: Any) -> None:
    response = _post(client, people["liaison"], reverse("supervision:visit_new"), {
        "group": people["group_a"].pk, "mode": "plan", "organization": "A1", "method": method.pk,
        "subject": "", "planned_on": "2023-08-01", "others": "市委教育办张三"})
    html = _html(response)
    assert "计划日期不能早于主题教育开始日期2023年9月1日" in html
    assert 'value="市委教育办张三"' in html and 'value="2023-08-01"' in html
    assert 'name="organization" value="A1"' in html and 'value="城关镇党委"' in html
    html = _html(_post(client, people["liaison"], reverse("supervision:visit_new"), {
        "group": people["group_a"].pk, "mode": "plan", "organization": "B", "method": method.pk,
        "subject": "到河西县委", "planned_on": "2023-10-18"}))
    assert "请选择本组联系的单位" in html  # county B: outside what the member sees
    assert Visit.objects.count() == 0


def test_a_visit_already_held_is_logged_with_the_four_requirements(client: Any, people: dict[str, Any],
                                                                  method: Any) -> None:
    liaison = people["liaison"]
    html = _html(_get(client, liaison, reverse("supervision:visit_new") + "?mode=log"))
    assert "开展日期" in html and "总体情况" in html and "理论学习" in html and "检视整改" in html
    response = _post(client, liaison, reverse("supervision:visit_new"), {
        "group": people["group_a"].pk, "mode": "log", "organization": "A", "method": method.pk,
        "subject": "列席区委常委会专题学习", "visited_on": "2023-10-08", "summary": "学习扎实，联系实际不够",
        "judgement_study": "fair", "note_study": "个别发言照本宣科", "judgement_rectification": "poor",
        "participants": [liaison.pk]})
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.status == "done" and visit.visited_on == dt.date(2023, 10, 8) and visit.planned_on == visit.visited_on
    observed = {o.requirement: (o.judgement, o.note) for o in Observation.objects.filter(visit=visit)}
    assert observed == {"study": ("fair", "个别发言照本宣科"), "rectification": ("poor", "")}
    html = _html(_post(client, liaison, reverse("supervision:visit_new"), {
        "group": people["group_a"].pk, "mode": "log", "organization": "A", "method": method.pk,
        "subject": "明天的活动", "visited_on": "2023-10-11", "summary": "", "note_study": "留着"}))
    assert "开展日期不能晚于今天" in html and "请填写总体情况" in html and "留着" in html
    assert Visit.objects.count() == 1


def test_another_group_cannot_open_or_touch_a_visit(client: Any, people: dict[str, Any], make_visit: Any) -> None:
    visit = make_visit(done=False)
    other = people["liaison_b"]
    for name in ("visit", "visit_edit", "visit_record", "finding_new"):
        assert _get(client, other, reverse(f"supervision:{name}", args=[visit.pk])).status_code == 404, name
    assert _post(client, other, reverse("supervision:visit_cancel", args=[visit.pk]),
                 {"cancel_reason": "冲突"}).status_code == 404
    assert _post(client, other, reverse("supervision:visit_record", args=[visit.pk]),
                 {"visited_on": "2023-10-09", "summary": "偷记"}).status_code == 404
    visit.refresh_from_db()
    assert visit.status == "planned"


def test_a_leader_reads_a_visit_but_may_not_write(client: Any, people: dict[str, Any], make_visit: Any) -> None:
    visit = make_visit(done=False)
    leader = people["leader"]
    html = _html(_get(client, leader, reverse("supervision:visit", args=[visit.pk])))
    assert "列席区委理论学习中心组专题研讨" in html and "编辑计划" not in html and "记录开展情况" not in html
    for name in ("visit_edit", "visit_record"):
        assert _get(client, leader, reverse(f"supervision:{name}", args=[visit.pk])).status_code == 404
    assert _post(client, leader, reverse("supervision:visit_cancel", args=[visit.pk]),
                 {"cancel_reason": "不去了"}).status_code == 404
    assert _get(client, leader, reverse("supervision:visit_new")).status_code == 404


def test_a_planned_visit_is_edited_recorded_and_then_its_plan_is_fixed(client: Any, people: dict[str, Any],
                                                                      make_visit: Any, method: Any) -> None:
    liaison = people["liaison"]
    visit = make_visit(done=False, on=dt.date(2023, 10, 9))
    html = _html(_get(client, liaison, reverse("supervision:visit", args=[visit.pk])))
    assert "编辑计划" in html and "记录开展情况" in html and "取消活动" in html and "计划日期已过" in html
    response = _post(client, liaison, reverse("supervision:visit_edit", args=[visit.pk]), {
        "method": method.pk, "subject": "列席区委中心组第二次专题研讨", "planned_on": "2023-10-09",
        "participants": [liaison.pk]})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.subject == "列席区委中心组第二次专题研讨"
    html = _html(_post(client, liaison, reverse("supervision:visit_record", args=[visit.pk]), {
        "visited_on": "2023-10-09", "summary": "", "note_research": "调研报告质量较高"}))
    assert "请填写总体情况" in html and "调研报告质量较高" in html
    response = _post(client, liaison, reverse("supervision:visit_record", args=[visit.pk]), {
        "visited_on": "2023-10-09", "summary": "研讨发言质量较高", "judgement_research": "good",
        "note_research": "调研报告质量较高", "participants": [liaison.pk], "others": ""})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == "done" and visit.summary == "研讨发言质量较高"
    assert Observation.objects.get(visit=visit).judgement == "good"
    html = _html(client.get(reverse("supervision:visit", args=[visit.pk])))
    assert "登记发现问题" in html and "编辑计划" not in html and "调研报告质量较高" in html
    response = client.get(reverse("supervision:visit_edit", args=[visit.pk]))
    assert response.status_code == 302  # a done visit keeps its plan


def test_a_planned_visit_is_cancelled_only_with_a_reason(client: Any, people: dict[str, Any],
                                                        make_visit: Any) -> None:
    visit = make_visit(done=False, on=dt.date(2023, 10, 20))
    url = reverse("supervision:visit_cancel", args=[visit.pk])
    html = _html(_post(client, people["liaison"], url, {"cancel_reason": "  "}))
    assert "请填写取消原因" in html and 'id="cancel-box"' in html
    visit.refresh_from_db()
    assert visit.status == "planned"
    assert _post(client, people["liaison"], url, {"cancel_reason": "区委调整会议时间"}).status_code == 302
    visit.refresh_from_db()
    assert visit.status == "cancelled" and visit.cancel_reason == "区委调整会议时间"
    html = _html(client.get(reverse("supervision:visit", args=[visit.pk])))
    assert "取消原因：区委调整会议时间" in html


def test_attachments_are_uploaded_downloaded_within_scope_and_removed(client: Any, people: dict[str, Any],
                                                                     make_visit: Any, tree: Any) -> None:
    visit = make_visit(org=tree.village_a)
    liaison = people["liaison"]
    html = _html(_post(client, liaison, reverse("supervision:attachment_new", args=[visit.pk]),
                       {"file": upload("脚本.exe", b"MZ")}))
    assert "附件只能是" in html and VisitAttachment.objects.count() == 0
    html = _html(_post(client, liaison, reverse("supervision:attachment_new", args=[visit.pk]),
                       {"file": upload("访谈照片.jpg", b"MZ\x90\x00 program")}))
    assert "“访谈照片.jpg”的内容不是JPG图片" in html and VisitAttachment.objects.count() == 0
    response = _post(client, liaison, reverse("supervision:attachment_new", args=[visit.pk]),
                     {"file": upload("访谈记录.pdf", b"%PDF-1.4 notes")})
    assert response.status_code == 302
    attachment = VisitAttachment.objects.get()
    assert attachment.filename == "访谈记录.pdf" and attachment.uploaded_by == liaison
    url = reverse("supervision:attachment", args=[visit.pk, attachment.pk])
    for who in ("liaison", "unit", "leader"):
        response = _get(client, people[who], url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 notes", who
    assert _get(client, people["liaison_b"], url).status_code == 404
    assert _get(client, people["sysadmin"], url).status_code == 404
    assert _post(client, people["unit"], reverse("supervision:attachment_remove", args=[visit.pk, attachment.pk]),
                 {}).status_code == 404
    assert _post(client, liaison, reverse("supervision:attachment_remove", args=[visit.pk, attachment.pk]),
                 {}).status_code == 302
    assert VisitAttachment.objects.count() == 0


# ---------------------------------------------------------------------------------------------------------
# Findings


def test_a_finding_waits_for_the_visit_to_take_place(client: Any, people: dict[str, Any], make_visit: Any) -> None:
    visit = make_visit(done=False)
    response = _get(client, people["liaison"], reverse("supervision:finding_new", args=[visit.pk]))
    assert response.status_code == 302 and response["Location"] == f"/supervision/visits/{visit.pk}/"


def test_a_finding_is_added_at_the_visited_unit_or_below(client: Any, people: dict[str, Any], make_visit: Any,
                                                        tree: Any) -> None:
    secretary = _cadre(tree.county_a, "吴刚", 1)
    _cadre(tree.county_b, "钱多", 2)
    visit = make_visit()
    liaison = people["liaison"]
    url = reverse("supervision:finding_new", args=[visit.pk])
    html = _html(_get(client, liaison, url))
    assert "吴刚" in html and "钱多" not in html and 'name="organization" value="A"' in html
    html = _html(_post(client, liaison, url, {"description": "", "requirement": "", "organization": "A1a",
                                              "needs_fix": "on"}))
    assert "请填写发现的问题" in html and "请选择对应的基本要求" in html
    assert 'name="organization" value="A1a"' in html and 'value="东关村党支部"' in html
    response = _post(client, liaison, url, {"description": "村干部学习笔记雷同", "requirement": "study",
                                            "organization": "A1a", "cadre": secretary.pk, "needs_fix": "on"})
    finding = Finding.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/supervision/findings/{finding.pk}/"
    assert finding.organization == tree.village_a and finding.cadre == secretary and finding.needs_fix
    assert finding.visit == visit and finding.created_by == liaison
    html = _html(_post(client, liaison, url, {"description": "别处的问题", "requirement": "study",
                                              "organization": "B1a"}))
    assert "请选择本次指导的单位或其下级单位" in html and Finding.objects.count() == 1


def test_a_finding_goes_into_the_ledger_and_lands_on_the_problem(client: Any, people: dict[str, Any],
                                                                make_finding: Any, tree: Any) -> None:
    finding = make_finding(organization=tree.village_a)
    liaison = people["liaison"]
    html = _html(_get(client, liaison, reverse("supervision:finding", args=[finding.pk])))
    assert "列入问题清单" in html and "问题反弹（重新打开已销号问题）" in html and "修改" in html
    url = reverse("supervision:finding_problem", args=[finding.pk])
    html = _html(_post(client, liaison, url, {"category": "", "severity": "serious", "cause": "学风不实",
                                              "step_1_measure": "逐人重写学习体会"}))
    assert "请选择问题类别" in html and "学风不实" in html and "逐人重写学习体会" in html
    assert Problem.objects.count() == 0
    response = _post(client, liaison, url, {"category": "style", "severity": "serious", "cause": "学风不实",
                                            "step_1_measure": "逐人重写学习体会", "step_1_owner": "村党支部"})
    problem = Problem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/problems/{problem.pk}/"
    assert problem.source == Source.VISIT and problem.organization == tree.village_a
    assert problem.description == finding.description and problem.severity == "serious"
    assert problem.steps.get().measure == "逐人重写学习体会"
    finding.refresh_from_db()
    assert finding.problem == problem
    page = _html(client.get(response["Location"]))
    assert "督导发现" in page
    html = _html(client.get(reverse("supervision:finding", args=[finding.pk])))
    assert "已列入问题清单" in html and f"/problems/{problem.pk}/" in html and 'id="raise-form"' not in html
    assert 'id="edit-link"' not in html
    response = client.get(reverse("supervision:finding_edit", args=[finding.pk]))
    assert response.status_code == 302
    assert client.post(reverse("supervision:finding_delete", args=[finding.pk])).status_code == 302
    assert Finding.objects.filter(pk=finding.pk).exists()  # linked: not deleted
    assert client.post(url, {"category": "style"}).status_code == 200 and Problem.objects.count() == 1


def test_a_closed_problem_found_again_is_reopened_as_a_relapse(client: Any, people: dict[str, Any],
                                                              make_finding: Any, make_problem: Any,
                                                              tree: Any) -> None:
    closed = _closed_problem(make_problem, people, tree, "村务公开栏长期未更新")
    finding = make_finding(organization=tree.village_a, description="村务公开栏又没更新")
    liaison = people["liaison"]
    html = _html(_get(client, liaison, reverse("supervision:finding", args=[finding.pk])))
    assert "村务公开栏长期未更新" in html
    url = reverse("supervision:finding_relapse", args=[finding.pk])
    html = _html(_post(client, liaison, url, {"problem": "", "note": "群众又有反映"}))
    assert "请选择反弹的问题" in html and "群众又有反映" in html
    response = _post(client, liaison, url, {"problem": closed.pk, "note": "群众又有反映"})
    assert response.status_code == 302 and response["Location"] == f"/problems/{closed.pk}/"
    closed.refresh_from_db()
    finding.refresh_from_db()
    assert closed.status != ProblemStatus.CLOSED and closed.relapse_count == 1
    assert finding.problem == closed and finding.is_relapse


def test_a_finding_is_corrected_and_deleted_while_not_in_the_ledger(client: Any, people: dict[str, Any],
                                                                   make_finding: Any) -> None:
    finding = make_finding()
    liaison = people["liaison"]
    url = reverse("supervision:finding_edit", args=[finding.pk])
    html = _html(_post(client, liaison, url, {"description": "", "requirement": "research"}))
    assert "请填写发现的问题" in html
    response = _post(client, liaison, url, {"description": "调研报告照搬文件", "requirement": "research"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.description == "调研报告照搬文件" and finding.requirement == "research"
    assert not finding.needs_fix  # unchecked: guidance only
    html = _html(client.get(reverse("supervision:finding", args=[finding.pk])))
    assert "指导意见" in html and 'id="raise-form"' not in html
    assert _post(client, people["liaison_b"], reverse("supervision:finding_delete", args=[finding.pk]),
                 {}).status_code == 404
    assert _post(client, people["leader"], reverse("supervision:finding_delete", args=[finding.pk]),
                 {}).status_code == 404
    response = _post(client, liaison, reverse("supervision:finding_delete", args=[finding.pk]), {})
    assert response.status_code == 302 and not Finding.objects.exists()


def test_units_and_leaders_read_findings_but_cannot_file_them(client: Any, people: dict[str, Any],
                                                             make_visit: Any, make_finding: Any, tree: Any) -> None:
    finding = make_finding(visit=make_visit(org=tree.village_a))
    for who in ("unit", "leader"):
        html = _html(_get(client, people[who], reverse("supervision:finding", args=[finding.pk])))
        assert finding.description in html and 'id="raise-form"' not in html and 'id="edit-link"' not in html
        response = _post(client, people[who], reverse("supervision:finding_problem", args=[finding.pk]),
                         {"category": "style"})
        assert response.status_code == 404, who
        assert _get(client, people[who], reverse("supervision:finding_edit", args=[finding.pk])).status_code == 404
    assert not Problem.objects.exists()
    assert _get(client, people["liaison_b"], reverse("supervision:finding", args=[finding.pk])).status_code == 404


def test_finding_list_filters_filed_and_unfiled(client: Any, people: dict[str, Any], make_finding: Any,
                                               make_visit: Any) -> None:
    visit = make_visit()
    filed = make_finding(visit=visit, description="已列入的发现")
    from supervision.services import finding_raise_problem

    finding_raise_problem(actor=people["liaison"], finding=filed, category="style")
    make_finding(visit=visit, description="待列入的发现")
    make_finding(visit=visit, description="只是指导意见", needs_fix=False, requirement="research")
    url = reverse("supervision:findings")
    html = _html(_get(client, people["liaison"], url + "?filed=0"))
    assert "待列入的发现" in html and "已列入的发现" not in html and "只是指导意见" not in html
    html = _html(_get(client, people["liaison"], url + "?filed=1"))
    assert "已列入的发现" in html and "待列入的发现" not in html
    html = _html(_get(client, people["liaison"], url + "?requirement=research"))
    assert "只是指导意见" in html and "待列入的发现" not in html
    html = _html(_get(client, people["liaison_b"], url))
    assert "待列入的发现" not in html


# ---------------------------------------------------------------------------------------------------------
# Guidance, not substitution


def test_a_liaison_member_cannot_edit_a_units_problem_record(client: Any, people: dict[str, Any],
                                                            make_problem: Any) -> None:
    problem = make_problem(description="村务公开不及时")
    response = _post(client, people["liaison"], reverse("problems:edit", args=[problem.pk]), {
        "description": "联络组改写的问题", "source": "masses", "category": "service", "severity": "ordinary",
        "version": problem.version})
    assert response.status_code == 404
    problem.refresh_from_db()
    assert problem.description == "村务公开不及时"


# ---------------------------------------------------------------------------------------------------------
# Visit methods


def test_the_city_office_adds_and_deactivates_methods_others_only_read(client: Any, people: dict[str, Any]) -> None:
    url = reverse("supervision:methods")
    html = _html(_get(client, people["liaison"], url))
    assert "个别访谈" in html and 'id="method-form"' not in html
    assert _post(client, people["liaison"], url, {"name": "随机走访"}).status_code == 404
    assert _post(client, people["county_office"], url, {"name": "随机走访"}).status_code == 404
    office = people["office"]
    html = _html(_post(client, office, url, {"name": "个别访谈"}))
    assert "已有指导方式“个别访谈”" in html and 'value="个别访谈"' in html
    assert _post(client, office, url, {"name": "随机走访党员群众"}).status_code == 302
    method = VisitMethod.objects.get(name="随机走访党员群众")
    assert method.is_active
    assert _post(client, office, url, {"toggle": method.pk, "active": "0"}).status_code == 302
    method.refresh_from_db()
    assert not method.is_active
    html = _html(_get(client, people["liaison"], reverse("supervision:visit_new")))
    assert "个别访谈</option>" in html
    assert "随机走访党员群众</option>" not in html  # a deactivated method is not offered for new visits


def test_visit_attachments_show_checksums_to_the_group_not_to_the_unit(client: Any, people: dict[str, Any],
                                                                       make_visit: Any, tree: Any) -> None:
    visit = make_visit(org=tree.village_a)
    _post(client, people["liaison"], reverse("supervision:attachment_new", args=[visit.pk]),
          {"file": upload("访谈记录.pdf", b"%PDF-1.4 notes")})
    digest = VisitAttachment.objects.get().sha256
    url = reverse("supervision:visit", args=[visit.pk])
    unit_html = _html(_get(client, people["unit"], url))
    assert "访谈记录.pdf" in unit_html and "SHA-256" not in unit_html and digest[:12] not in unit_html
    assert digest[:12] in _html(_get(client, people["liaison"], url))
