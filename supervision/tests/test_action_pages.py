"""The escalation ladder's pages: the list (scoped; the office's proposals to decide and follow-ups due; each unit's
rung), taking a step or proposing one (a liaison group points out and corrects; serious criticism it proposes; a
skipped rung needs a written reason, and the form keeps what was typed), an action's page where the office
decides or dismisses a proposal and the group or the office records the result. Every write goes through
`supervision.services`; outside the jurisdiction, a form a user can't use, or an administrator → 404."""

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from accounts.actors import SETUP, SystemActor
from supervision.choices import ActionStatus, Level
from supervision.models import Action
from supervision.services import action_propose, action_record

REMIND = SystemActor("remind")  # the daily job, which refreshes the ladder's proposals

pytestmark = pytest.mark.django_db


def _html(response: Any) -> str:
    return response.content.decode()


def _get(client: Any, user: Any, url: str) -> Any:
    client.force_login(user)
    return client.get(url)


def _new_url(org: Any, findings: list[Any] | None = None) -> str:
    query = f"?org={org.code}"
    if findings:
        query += "&findings=" + ",".join(str(f.pk) for f in findings)
    return reverse("supervision:action_new") + query


def _cadre(org: Any, name: str = "李建国", rank: int = 50, seq: int = 7) -> Any:
    from core.cn import make_id_number
    from orgs.services import cadre_create

    return cadre_create(actor=SETUP, organization=org, name=name, position="区委书记", rank=rank,
                        id_number=make_id_number("130102", dt.date(1970, 3, 1), seq, "M"))


@pytest.fixture
def point_out(people: dict[str, Any], tree: Any) -> Action:
    """指出促改 on county A, taken by the liaison of group A."""
    return action_record(actor=people["liaison"], organization=tree.county_a, level=Level.POINT_OUT,
                         reason="落实市委要求不到位，学习研讨流于形式", follow_up_on=dt.date(2023, 10, 20))


@pytest.fixture
def on_b(people: dict[str, Any], tree: Any) -> Action:
    return action_record(actor=people["liaison_b"], organization=tree.county_b, level=Level.POINT_OUT,
                         reason="河西县调研报告质量不高")


# ---------------------------------------------------------------------------------------------------------
# The list


def test_action_list_shows_each_role_only_its_units(client: Any, people: dict[str, Any], point_out: Action,
                                                     on_b: Action) -> None:
    for who, sees_a, sees_b in (("office", True, True), ("leader", True, True), ("liaison", True, False),
                                ("liaison_b", False, True), ("county_office", True, False)):
        response = _get(client, people[who], reverse("supervision:actions"))
        assert response.status_code == 200, who
        html = _html(response)
        assert ("学习研讨流于形式" in html) is sees_a, who
        assert ("河西县调研报告质量不高" in html) is sees_b, who
    for who in ("sysadmin", "secadmin", "auditor"):
        assert _get(client, people[who], reverse("supervision:actions")).status_code == 404, who
    client.logout()
    response = client.get(reverse("supervision:actions"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_action_list_shows_each_units_rung_on_the_ladder(client: Any, people: dict[str, Any],
                                                         point_out: Action) -> None:
    html = _html(_get(client, people["liaison"], reverse("supervision:actions")))
    assert 'id="ladder-A"' in html
    section = html.split('id="ladder-A"', 1)[1].split("</div>\n    </div>", 1)[0]
    assert "已到：指出促改" in section
    assert 'ladder-current" title="落实中央' in section and 'ladder-next" title="问题较多' in section


def test_action_list_filters_by_status_level_and_unit(client: Any, people: dict[str, Any], tree: Any,
                                                      point_out: Action, on_b: Action) -> None:
    action_record(actor=people["office"], organization=tree.county_a, level=Level.CORRECT, reason="问题较多整改不力")
    office = people["office"]
    html = _html(_get(client, office, reverse("supervision:actions") + "?level=correct"))
    assert "问题较多整改不力" in html and "学习研讨流于形式" not in html
    html = _html(_get(client, office, reverse("supervision:actions") + "?unit=B"))
    assert "河西县调研报告质量不高" in html and "学习研讨流于形式" not in html
    html = _html(_get(client, office, reverse("supervision:actions") + "?status=done"))
    assert "没有符合条件的处置" in html
    # Nonsense in a hand-edited link is ignored, never a 500.
    assert _get(client, office, reverse("supervision:actions") + "?status=x&level=y&unit=zz&page=9").status_code == 200


def test_office_sees_proposals_to_decide_and_follow_ups_due(client: Any, people: dict[str, Any], tree: Any,
                                                            point_out: Action, frozen_clock: Any) -> None:
    proposal = action_propose(actor=people["liaison"], organization=tree.county_a, level=Level.CRITICISE,
                              reason="敷衍应付，调研报告抄袭")
    html = _html(_get(client, people["office"], reverse("supervision:actions")))
    assert "待决定的处置建议" in html and f'id="proposal-{proposal.pk}"' in html
    assert "到期需跟踪" not in html  # follow-up on 2023-10-20, today is 2023-10-10
    frozen_clock.move_to(dt.datetime(2023, 10, 21, 9, 0))
    html = _html(_get(client, people["office"], reverse("supervision:actions")))
    assert "到期需跟踪" in html and f'id="follow-{point_out.pk}"' in html


def test_unit_sees_decided_actions_on_itself_only(client: Any, people: dict[str, Any], tree: Any) -> None:
    decided = action_record(actor=people["office"], organization=tree.village_a, level=Level.POINT_OUT,
                            reason="村务公开不及时")
    proposal = action_propose(actor=people["office"], organization=tree.county_a, level=Level.CORRECT,
                              reason="城关区问题较多")
    unit = people["unit"]
    html = _html(_get(client, unit, reverse("supervision:actions")))
    assert "村务公开不及时" in html and "城关区问题较多" not in html and "作出处置</a>" not in html
    page = _get(client, unit, reverse("supervision:action", args=[decided.pk]))
    assert page.status_code == 200
    assert "登记处置结果" not in _html(page) and "决定采纳" not in _html(page)
    assert _get(client, unit, reverse("supervision:action", args=[proposal.pk])).status_code == 404
    assert _get(client, unit, reverse("supervision:action_new")).status_code == 404
    client.force_login(unit)
    assert client.post(reverse("supervision:action_result", args=[decided.pk]), {"result": "已整改"}).status_code == 404
    assert Action.objects.get(pk=decided.pk).status == ActionStatus.DECIDED


def test_action_outside_the_jurisdiction_is_404(client: Any, people: dict[str, Any], on_b: Action) -> None:
    liaison = people["liaison"]
    assert _get(client, liaison, reverse("supervision:action", args=[on_b.pk])).status_code == 404
    assert _get(client, liaison, _new_url(on_b.organization)).status_code == 404
    client.force_login(liaison)
    assert client.post(reverse("supervision:action_result", args=[on_b.pk]), {"result": "x"}).status_code == 404
    assert _get(client, people["sysadmin"], reverse("supervision:action", args=[on_b.pk])).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# Taking a step, or proposing one


def test_new_action_form_offers_the_units_findings_and_leaders(client: Any, people: dict[str, Any], tree: Any,
                                                               make_finding: Any) -> None:
    finding = make_finding()
    other = make_finding(description="调研课题与实际脱节", requirement="research")
    _cadre(tree.county_a)
    _cadre(tree.county_a, name="王科员", rank=20, seq=9)  # not county level: not offered
    response = _get(client, people["liaison"], _new_url(tree.county_a, [finding]))
    assert response.status_code == 200
    html = _html(response)
    assert "城关区委" in html and "按程序下一步应为“指出促改”" in html
    assert "专题研讨发言照本宣科" in html and "调研课题与实际脱节" in html
    boxes = dict(re.findall(r'<input type="checkbox" name="findings" value="(\d+)"([^>]*)>', html))
    assert set(boxes) == {str(finding.pk), str(other.pk)}
    assert "checked" in boxes[str(finding.pk)] and "checked" not in boxes[str(other.pk)]  # ?findings= pre-checks
    assert "李建国" in html and "王科员" not in html
    assert "问题较多、工作不力的，及时纠正" in html  # the grounds under each level
    assert "提请教育办决定" in html and 'id="record-button"' in html


def test_new_action_without_a_unit_lists_the_groups_units(client: Any, people: dict[str, Any]) -> None:
    html = _html(_get(client, people["liaison"], reverse("supervision:action_new")))
    assert "城关区委" in html and "河西县委" not in html


def test_liaison_points_out_through_the_service(client: Any, people: dict[str, Any], tree: Any,
                                                make_finding: Any) -> None:
    finding = make_finding()
    client.force_login(people["liaison"])
    response = client.post(reverse("supervision:action_new"), {
        "organization": "A", "level": "point_out", "reason": "学习研讨照本宣科", "findings": [finding.pk],
        "follow_up_on": "2023-10-31", "record": "1"})
    action = Action.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("supervision:action", args=[action.pk])
    assert (action.level, action.status, action.organization, action.group) == (
        Level.POINT_OUT, ActionStatus.DECIDED, tree.county_a, people["group_a"])
    assert action.decided_by == people["liaison"] and action.follow_up_on == dt.date(2023, 10, 31)
    assert list(action.findings.all()) == [finding]


def test_skipping_a_rung_without_a_reason_is_refused_and_keeps_what_was_typed(client: Any, people: dict[str, Any],
                                                                               tree: Any) -> None:
    client.force_login(people["liaison"])
    response = client.post(reverse("supervision:action_new"), {
        "organization": "A", "level": "correct", "reason": "问题较多工作不力的具体情况", "follow_up_on": "2023-11-01",
        "record": "1"})
    assert response.status_code == 200
    html = _html(response)
    assert "按程序下一步应为“指出促改”；直接纠正须写明越级处置的理由" in html
    assert "问题较多工作不力的具体情况" in html and 'value="2023-11-01"' in html
    assert 'value="correct" id="id_level_1" class="form-check-input" data-skips="1" checked' in html
    assert not Action.objects.exists()
    response = client.post(reverse("supervision:action_new"), {
        "organization": "A", "level": "correct", "reason": "问题较多工作不力的具体情况", "record": "1",
        "skip_reason": "多项问题整改敷衍，指出后仍未见成效"})
    assert response.status_code == 302
    assert Action.objects.get().skip_reason == "多项问题整改敷衍，指出后仍未见成效"


def test_liaison_cannot_take_serious_criticism_itself_but_can_propose_it(client: Any, people: dict[str, Any],
                                                                         tree: Any, point_out: Action) -> None:
    action_record(actor=people["liaison"], organization=tree.county_a, level=Level.CORRECT, reason="纠正在先")
    client.force_login(people["liaison"])
    data = {"organization": "A", "level": "criticise", "reason": "搞形式主义，调研报告照搬照抄"}
    response = client.post(reverse("supervision:action_new"), {**data, "record": "1"})
    assert response.status_code == 200
    assert "严肃批评由市委教育办决定，联络组可以提出建议" in _html(response)
    assert not Action.objects.filter(level=Level.CRITICISE).exists()
    response = client.post(reverse("supervision:action_new"), {**data, "propose": "1"})
    proposal = Action.objects.get(level=Level.CRITICISE)
    assert response.status_code == 302
    assert (proposal.status, proposal.proposed_by, proposal.decided_by) == (
        ActionStatus.PROPOSED, people["liaison"], None)


def test_new_action_errors_are_chinese_next_to_the_fields(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["office"])
    response = client.post(reverse("supervision:action_new"), {"organization": "A", "level": "", "reason": "",
                                                               "follow_up_on": "2023-13-45", "record": "1"})
    html = _html(response)
    assert response.status_code == 200
    assert "跟踪日期格式不正确" in html
    response = client.post(reverse("supervision:action_new"), {"organization": "A", "level": "", "reason": "",
                                                               "follow_up_on": "2023-10-01", "record": "1"})
    html = _html(response)
    assert "请选择处置方式" in html and "请填写事实和理由" in html and "跟踪日期不能早于今天" in html
    assert not Action.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# The office decides; the group or the office records the result


def test_office_decides_a_proposal_and_may_change_the_level(client: Any, people: dict[str, Any], tree: Any,
                                                            point_out: Action) -> None:
    proposal = action_propose(actor=people["liaison"], organization=tree.county_a, level=Level.CRITICISE,
                              reason="敷衍应付")
    html = _html(_get(client, people["office"], reverse("supervision:action", args=[proposal.pk])))
    assert "决定采纳" in html and "不予采纳" in html and "待决定" in html
    # Deciding 严肃批评 over 指出促改 skips 纠正: the reason is asked for, what was typed stays.
    response = client.post(reverse("supervision:action_decide", args=[proposal.pk]), {
        "level": "criticise", "reason": "敷衍应付，调研报告照搬照抄", "follow_up_on": "2023-11-10",
        "decision_note": "同意"})
    html = _html(response)
    assert response.status_code == 200 and "须写明越级处置的理由" in html and "调研报告照搬照抄" in html
    assert Action.objects.get(pk=proposal.pk).status == ActionStatus.PROPOSED
    response = client.post(reverse("supervision:action_decide", args=[proposal.pk]), {
        "level": "correct", "reason": "敷衍应付，先予纠正", "follow_up_on": "2023-11-10", "decision_note": "先纠正"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.level, proposal.decided_by, proposal.decided_on) == (
        ActionStatus.DECIDED, Level.CORRECT, people["office"], dt.date(2023, 10, 10))
    assert proposal.reason == "敷衍应付，先予纠正" and proposal.follow_up_on == dt.date(2023, 11, 10)
    assert proposal.decision_note == "先纠正"


def test_office_dismisses_a_proposal_with_a_reason(client: Any, people: dict[str, Any], tree: Any) -> None:
    proposal = action_propose(actor=people["liaison"], organization=tree.county_a, level=Level.POINT_OUT,
                              reason="学习不深入")
    client.force_login(people["office"])
    response = client.post(reverse("supervision:action_dismiss", args=[proposal.pk]), {"decision_note": ""})
    assert response.status_code == 200 and "请填写不予采纳的理由" in _html(response)
    response = client.post(reverse("supervision:action_dismiss", args=[proposal.pk]),
                           {"decision_note": "情况已核实，属个别现象"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note) == (ActionStatus.DISMISSED, "情况已核实，属个别现象")
    assert "不予采纳理由" in _html(client.get(reverse("supervision:action", args=[proposal.pk])))


def test_liaison_cannot_decide_or_dismiss(client: Any, people: dict[str, Any], tree: Any) -> None:
    proposal = action_propose(actor=people["liaison"], organization=tree.county_a, level=Level.CRITICISE,
                              reason="敷衍应付")
    html = _html(_get(client, people["liaison"], reverse("supervision:action", args=[proposal.pk])))
    assert "决定采纳" not in html
    assert client.post(reverse("supervision:action_decide", args=[proposal.pk]),
                       {"level": "criticise", "reason": "x"}).status_code == 404
    assert client.post(reverse("supervision:action_dismiss", args=[proposal.pk]),
                       {"decision_note": "x"}).status_code == 404
    assert Action.objects.get(pk=proposal.pk).status == ActionStatus.PROPOSED


def test_group_records_the_result_and_the_action_is_done(client: Any, people: dict[str, Any],
                                                         point_out: Action) -> None:
    html = _html(_get(client, people["liaison"], reverse("supervision:action", args=[point_out.pk])))
    assert "登记处置结果" in html
    response = client.post(reverse("supervision:action_result", args=[point_out.pk]), {"result": ""})
    assert response.status_code == 200 and "请填写处置结果" in _html(response)
    response = client.post(reverse("supervision:action_result", args=[point_out.pk]),
                           {"result": "已召开专题会议整改，研讨质量明显提高"})
    assert response.status_code == 302
    point_out.refresh_from_db()
    assert (point_out.status, point_out.result, point_out.result_by) == (
        ActionStatus.DONE, "已召开专题会议整改，研讨质量明显提高", people["liaison"])
    # Another group's member cannot record it (outside the scope: 404).
    client.force_login(people["liaison_b"])
    assert client.post(reverse("supervision:action_result", args=[point_out.pk]), {"result": "x"}).status_code == 404


def test_discipline_reads_as_a_recommendation_to_the_leading_group(client: Any, people: dict[str, Any],
                                                                   tree: Any) -> None:
    action = action_record(actor=people["office"], organization=tree.county_a, level=Level.DISCIPLINE,
                           reason="走形变样、问题严重", skip_reason="问题严重，造成恶劣影响")
    html = _html(_get(client, people["office"], reverse("supervision:action", args=[action.pk])))
    assert "建议领导小组给予组织处理" in html and "问题严重，造成恶劣影响" in html


def test_system_proposal_shows_its_basis(client: Any, people: dict[str, Any], tree: Any, make_visit: Any,
                                         make_finding: Any) -> None:
    from supervision.services import action_proposals_refresh

    make_finding(visit=make_visit(on=dt.date(2023, 10, 8)))
    make_finding(visit=make_visit(on=dt.date(2023, 10, 9)))
    assert action_proposals_refresh(actor=REMIND) == 1
    proposal = Action.objects.get(status=ActionStatus.PROPOSED)
    html = _html(_get(client, people["office"], reverse("supervision:action", args=[proposal.pk])))
    assert "系统提示" in html and "理论学习方面的问题在多次指导中重复发现，尚未处置的2条" in html
