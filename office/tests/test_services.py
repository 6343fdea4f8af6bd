"""The communication log's rules: who logs what (units and liaison groups report up, the city's office sends and
logs letters from outside), assigning (分办, the city's office only), answering (never by the submitter; what the
office sent out is answered by the other side, what it sent down by the unit), closing, attachments, overdue
items, notifications and scoping."""

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.actors import SETUP
from core.models import Notification
from office.choices import Direction, Kind, Origin, SubmissionStatus
from office.models import Submission, SubmissionAttachment
from office.permissions import allowed_actions
from office.selectors import SubmissionFilter, submission_counts, submission_list
from office.services import (
    attachment_add,
    submission_answer,
    submission_assign,
    submission_close,
    submission_create,
)
from office.tests.conftest import ABOUT_COUNTY, ABOUT_COUNTY_READS
from problems.tests.conftest import TODAY, upload

pytestmark = pytest.mark.django_db


def _notes(user: Any) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("text", flat=True))


def _errors(excinfo: Any) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# ---- who logs what ---------------------------------------------------------------------------------------


def test_unit_reports_a_request_up_to_the_city_office(report, people, tree):
    submission = report()
    submission.refresh_from_db()
    assert (submission.kind, submission.origin, submission.direction, submission.status) == (
        Kind.REQUEST, Origin.UNIT, Direction.UP, SubmissionStatus.LOGGED)
    assert submission.organization == tree.village_a and submission.org_path == tree.village_a.path
    assert submission.counterpart == "示范市委主题教育办"
    assert submission.sent_on == submission.received_on == TODAY
    assert submission.created_by == people["unit"]


def test_unit_may_not_log_instructions_nor_send_down(report):
    with pytest.raises(ValidationError) as excinfo:
        report(kind="instruction")
    assert "市委教育办登记" in _errors(excinfo)["kind"][0]
    with pytest.raises(ValidationError) as excinfo:
        report(kind="report", direction="down")
    assert _errors(excinfo)["direction"] == ["单位和联络组只能向上报送"]
    assert not Submission.objects.exists()


def test_unit_may_not_report_for_another_county(report, tree):
    with pytest.raises(PermissionDenied):
        report(organization=tree.village_b)
    assert not Submission.objects.exists()


def test_liaison_reports_experience_of_its_groups_units_only(report, people, tree):
    submission = report(by=people["liaison"], kind="experience", title="东关村“板凳会”听民意的做法",
                        organization=tree.village_a, due_on=None)
    assert (submission.origin, submission.direction) == (Origin.LIAISON, Direction.UP)
    with pytest.raises(PermissionDenied):
        report(by=people["liaison"], kind="case", organization=tree.village_b, due_on=None)


def test_leader_reads_but_does_not_log(report, people):
    with pytest.raises(PermissionDenied):
        report(by=people["leader"], kind="report")


def test_city_office_logs_a_letter_from_the_province_at_the_root(people, tree):
    with pytest.raises(ValidationError) as excinfo:
        submission_create(actor=people["office"], kind="incoming", title="关于报送典型案例的函",
                          body="请于10月15日前报送")
    assert _errors(excinfo)["counterpart"] == ["请填写来文单位"]
    letter = submission_create(actor=people["office"], kind="incoming", title="关于报送典型案例的函",
                               body="请于10月15日前报送", counterpart="省委主题教育办", number="冀教办函〔2023〕12号",
                               sent_on=dt.date(2023, 10, 8), received_on=dt.date(2023, 10, 9),
                               due_on=dt.date(2023, 10, 15))
    assert (letter.origin, letter.direction, letter.organization) == (Origin.OUTSIDE, Direction.DOWN, tree.city)
    for who, sees in (("office", True), ("leader", True), ("liaison", False), ("unit", False),
                      ("county_office", False)):
        assert Submission.objects.visible_to(people[who]).filter(pk=letter.pk).exists() is sees, who


def test_dates_are_checked_in_chinese(people):
    with pytest.raises(ValidationError) as excinfo:
        submission_create(actor=people["office"], kind="incoming", title="来函", body="内容", counterpart="市委宣传部",
                          received_on=TODAY + dt.timedelta(days=1), due_on=TODAY)
    errors = _errors(excinfo)
    assert errors["received_on"] == ["收文日期不能晚于今天"]
    with pytest.raises(ValidationError) as excinfo:
        submission_create(actor=people["unit"], kind="request", title="请示", body="内容",
                          due_on=TODAY - dt.timedelta(days=1))
    assert _errors(excinfo)["due_on"] == ["办理时限不能早于报送日期2023年10月10日"]


def test_title_and_body_or_a_file_are_required(people):
    with pytest.raises(ValidationError) as excinfo:
        submission_create(actor=people["unit"], kind="report", title=" ", body="")
    assert _errors(excinfo) == {"title": ["请填写标题"], "body": ["请填写内容摘要，或上传文件"]}
    submission = submission_create(actor=people["unit"], kind="report", title="学习研讨情况报告", body="",
                                   files=[upload("情况报告.pdf", b"%PDF-1.4 report")])
    attachment = submission.attachments.get()
    assert attachment.filename == "情况报告.pdf"
    assert attachment.sha256 == hashlib.sha256(b"%PDF-1.4 report").hexdigest()


def test_a_bad_file_refuses_the_whole_submission(people):
    with pytest.raises(ValidationError) as excinfo:
        submission_create(actor=people["unit"], kind="report", title="报告", body="内容",
                          files=[upload("报告.pdf", b"%PDF ok"), upload("病毒.exe", b"MZ")])
    assert "附件只能是" in _errors(excinfo)["files"][0]
    assert not Submission.objects.exists() and not SubmissionAttachment.objects.exists()


# ---- assign, answer, close -------------------------------------------------------------------------------


def test_request_is_assigned_answered_and_closed(report, people, office_teams):
    submission = report()
    office2 = office_teams["office2"]
    submission = submission_assign(actor=office2, submission=submission, team=office_teams["general"],
                                   assignee=people["office"])
    assert (submission.status, submission.team, submission.assignee, submission.assigned_by) == (
        SubmissionStatus.ASSIGNED, office_teams["general"], people["office"], office2)
    assert _notes(people["office"]) == ["请办理请示：关于村级活动场所改造资金的请示（2023年10月20日前答复）"]
    assert allowed_actions(people["office"], submission) == ["assign", "answer", "attach"]  # not closed unanswered
    submission = submission_answer(actor=people["office"], submission=submission, answer="已协调县财政安排资金。")
    submission.refresh_from_db()
    assert (submission.status, submission.answer, submission.answered_by) == (
        SubmissionStatus.ANSWERED, "已协调县财政安排资金。", people["office"])
    assert submission.answered_at is not None
    assert _notes(people["unit"]) == ["请示“关于村级活动场所改造资金的请示”已答复"]
    submission = submission_close(actor=office2, submission=submission, note="已落实")
    submission.refresh_from_db()
    assert (submission.status, submission.closed_by, submission.close_note) == (
        SubmissionStatus.CLOSED, office2, "已落实")


def test_assigning_to_a_team_without_assignee_tells_its_members(report, people, office_teams):
    submission_assign(actor=people["office"], submission=report(), team=office_teams["materials"])
    assert _notes(office_teams["office2"]) == ["请办理请示：关于村级活动场所改造资金的请示（2023年10月20日前答复）"]
    assert _notes(people["office"]) == []  # the one who assigned is not told


def test_only_the_city_office_assigns_and_to_members_of_the_team(report, people, office_teams):
    submission = report()
    for who in ("county_office", "leader", "unit"):
        with pytest.raises(PermissionDenied):
            submission_assign(actor=people[who], submission=submission, team=office_teams["general"])
    with pytest.raises(ValidationError) as excinfo:
        submission_assign(actor=people["office"], submission=submission, team=office_teams["general"],
                          assignee=office_teams["office2"])
    assert _errors(excinfo)["assignee"] == ["office2不是综合组的成员"]
    with pytest.raises(ValidationError) as excinfo:
        submission_assign(actor=people["office"], submission=submission, team=None)
    assert _errors(excinfo)["team"] == ["请选择承办组"]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.LOGGED and submission.team is None


def test_the_submitter_cannot_answer_their_own_request(report, people):
    submission = report()
    with pytest.raises(ValidationError) as excinfo:
        submission_answer(actor=people["unit"], submission=submission, answer="自己答复")
    assert _errors(excinfo)["answer"] == ["不能答复本人报送的事项"]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.LOGGED and submission.answer == ""


def test_the_office_cannot_answer_its_own_request_to_the_province(people):
    request = submission_create(actor=people["office"], kind="request", title="关于延长主题教育时间的请示",
                                body="拟延长两周", counterpart="省委主题教育办", due_on=dt.date(2023, 10, 30))
    assert (request.origin, request.direction) == (Origin.OFFICE, Direction.UP)
    with pytest.raises(ValidationError) as excinfo:
        submission_answer(actor=people["office"], submission=request, answer="同意")
    assert _errors(excinfo)["answer"] == ["不能答复本人报送的事项"]
    with pytest.raises(ValidationError) as excinfo:
        submission_answer(actor=people["leader"], submission=request, answer="同意")
    assert "由对方答复" in _errors(excinfo)["answer"][0]


def test_the_provinces_reply_logged_as_incoming_answers_the_request(people, office_teams):
    request = submission_create(actor=people["office"], kind="request", title="关于延长主题教育时间的请示",
                                body="拟延长两周", counterpart="省委主题教育办")
    reply = submission_create(actor=people["office"], kind="reply", origin="outside", title="关于同意延长时间的批复",
                              body="同意延长两周。", counterpart="省委主题教育办", number="冀教办〔2023〕20号",
                              parent=request)
    request.refresh_from_db()
    assert reply.parent == request and list(request.replies.all()) == [reply]
    assert request.status == SubmissionStatus.ANSWERED
    assert request.answer == "收到省委主题教育办冀教办〔2023〕20号《关于同意延长时间的批复》答复：同意延长两周。"
    assert request.answered_by == people["office"]


def test_a_reply_from_the_office_answers_a_units_request(report, people):
    request = report()
    reply = submission_create(actor=people["office"], kind="reply", title="关于活动场所改造资金的答复",
                              body="由县里统筹解决。", organization=request.organization, parent=request)
    request.refresh_from_db()
    assert (reply.origin, reply.direction) == (Origin.OFFICE, Direction.DOWN)
    assert request.status == SubmissionStatus.ANSWERED
    assert request.answer.startswith("以《关于活动场所改造资金的答复》答复")
    assert _notes(people["unit"]) == ["请示“关于村级活动场所改造资金的请示”已答复"]  # once, not twice
    assert (reply.status, reply.closed_by) == (SubmissionStatus.CLOSED, people["office"])  # a reply awaits no answer
    with pytest.raises(ValidationError):
        submission_answer(actor=people["unit"], submission=reply, answer="收到")


def test_an_instruction_down_is_answered_by_the_unit(people, tree, office_teams):
    instruction = submission_create(actor=people["office"], kind="instruction", title="关于报送专题党课开展情况的通知",
                                    body="请于10月20日前反馈。", organization=tree.village_a,
                                    due_on=dt.date(2023, 10, 20))
    assert _notes(people["unit"]) == [
        "市委教育办指示（通知）：关于报送专题党课开展情况的通知（请于2023年10月20日前反馈）"]
    assert _notes(people["unit2"]) == _notes(people["unit"])
    with pytest.raises(PermissionDenied):
        submission_answer(actor=office_teams["office2"], submission=instruction, answer="代答")
    with pytest.raises(PermissionDenied):
        submission_answer(actor=people["liaison"], submission=instruction, answer="代答")
    submission_answer(actor=people["unit"], submission=instruction, answer="已于10月9日讲专题党课。")
    instruction.refresh_from_db()
    assert instruction.status == SubmissionStatus.ANSWERED and instruction.answered_by == people["unit"]
    assert _notes(people["office"]) == ["指示（通知）“关于报送专题党课开展情况的通知”已答复"]


def test_requests_are_answered_before_they_are_closed_but_reports_are_closed_as_read(report, people):
    request = report()
    with pytest.raises(ValidationError) as excinfo:
        submission_close(actor=people["office"], submission=request)
    assert _errors(excinfo)["status"] == ["请示须先答复，再办结"]
    experience = report(kind="experience", title="“板凳会”听民意", due_on=None)
    submission_close(actor=people["office"], submission=experience, note="已编入简报")
    experience.refresh_from_db()
    assert experience.status == SubmissionStatus.CLOSED
    with pytest.raises(PermissionDenied):
        submission_close(actor=people["county_office"], submission=request)


def test_a_closed_item_takes_no_answer_nor_attachment(report, people):
    experience = report(kind="experience", due_on=None)
    submission_close(actor=people["office"], submission=experience)
    with pytest.raises(ValidationError) as excinfo:
        submission_answer(actor=people["office"], submission=experience, answer="好")
    assert _errors(excinfo)["status"] == ["该事项已办结"]
    with pytest.raises(ValidationError):
        attachment_add(actor=people["unit"], submission=experience, file=upload("补充.pdf", b"%PDF x"))
    with pytest.raises(ValidationError):
        submission_close(actor=people["office"], submission=experience)


def test_attachments_by_the_submitter_or_the_office_not_by_bystanders(report, people):
    submission = report()
    attachment_add(actor=people["unit"], submission=submission, file=upload("附件.pdf", b"%PDF a"))
    attachment_add(actor=people["office"], submission=submission, file=upload("附件2.pdf", b"%PDF b"))
    with pytest.raises(PermissionDenied):
        attachment_add(actor=people["liaison"], submission=submission, file=upload("附件3.pdf", b"%PDF c"))
    with pytest.raises(PermissionDenied):
        attachment_add(actor=people["liaison_b"], submission=submission, file=upload("附件3.pdf", b"%PDF c"))
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(actor=people["unit"], submission=submission, file=upload("a.exe", b"MZ"))
    assert "附件只能是" in _errors(excinfo)["file"][0]
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(actor=people["unit"], submission=submission, file=upload("情况报告.docx", b"MZ\x90\x00 program"))
    assert "“情况报告.docx”的内容不是Word文档" in _errors(excinfo)["file"][0]
    assert submission.attachments.count() == 2


def test_outside_the_jurisdiction_every_write_is_refused(report, people, office_teams):
    submission = report()
    for call in (lambda: submission_answer(actor=people["liaison_b"], submission=submission, answer="x"),
                 lambda: submission_close(actor=people["liaison_b"], submission=submission),
                 lambda: submission_assign(actor=people["liaison_b"], submission=submission,
                                           team=office_teams["general"])):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(PermissionDenied):
        submission_create(actor=people["liaison_b"], kind="reply", title="答复", body="x", parent=submission)


# ---- lists -----------------------------------------------------------------------------------------------


def test_overdue_means_due_date_passed_and_not_answered(report, people, frozen_clock):
    late = report(title="逾期的请示", due_on=dt.date(2023, 10, 12))
    answered = report(title="已答复的请示", due_on=dt.date(2023, 10, 12))
    report(title="未到期的请示", due_on=dt.date(2023, 10, 30))
    submission_answer(actor=people["office"], submission=answered, answer="同意")
    frozen_clock.move_to(dt.datetime(2023, 10, 15, 9, 0))
    overdue = submission_list(people["office"], SubmissionFilter(overdue=True))
    assert [s.title for s in overdue] == [late.title]
    counts = submission_counts(people["office"])
    assert (counts["total"], counts["overdue"], counts["logged"], counts["answered"]) == (3, 1, 2, 1)


def test_filters_by_kind_direction_status_team_and_text(report, people, office_teams):
    request = report()
    experience = report(kind="experience", title="“板凳会”听民意", due_on=None)
    submission_assign(actor=people["office"], submission=request, team=office_teams["general"],
                      assignee=people["office"])
    office = people["office"]
    assert list(submission_list(office, SubmissionFilter(kind="experience"))) == [experience]
    assert list(submission_list(office, SubmissionFilter(status="assigned"))) == [request]
    assert list(submission_list(office, SubmissionFilter(team_id=office_teams["general"].pk))) == [request]
    assert list(submission_list(office, SubmissionFilter(mine=True))) == [request]
    assert list(submission_list(office, SubmissionFilter(q="板凳会"))) == [experience]
    assert list(submission_list(office, SubmissionFilter(direction="down"))) == []
    assert list(submission_list(office, SubmissionFilter(kind="nonsense"))) == [experience, request]


def test_each_role_sees_only_its_jurisdiction(report, people, tree):
    a = report(title="东关村的请示")
    b = report(by=people["liaison_b"], kind="report", title="河西县的报告", organization=tree.county_b, due_on=None)
    # A village's request is read by the city's office, the leaders and the village — not by county A's office
    # nor by the liaison group over county A (neither reported it, nor was it sent to them).
    for who, sees_a, sees_b in (("office", True, True), ("leader", True, True), ("liaison", False, False),
                                ("unit", True, False), ("liaison_b", False, True), ("county_office", False, False)):
        titles = {s.title for s in submission_list(people[who])}
        assert (a.title in titles, b.title in titles) == (sees_a, sees_b), who
    assert not submission_list(people["sysadmin"]).exists()


def test_paths_follow_a_moved_subtree(report, tree):
    from orgs.services import org_move

    submission = report()
    org_move(actor=SETUP, org=tree.township_a, new_parent=tree.county_b)
    submission.refresh_from_db()
    tree.village_a.refresh_from_db()
    assert submission.org_path == tree.village_a.path and submission.org_path.startswith(tree.county_b.path)


# ---- what is reported or logged about a unit is not the unit's to read --------------------------------------


def _read(user: Any, items: dict[str, Any]) -> set[str]:
    pks = set(submission_list(user).values_list("pk", flat=True))
    return {name for name in ABOUT_COUNTY if items[name].pk in pks}


def test_each_reader_reads_what_it_reported_and_what_was_sent_to_it(people, about_county):
    everyone = {**people, "county_unit": about_county["county_unit"]}
    for who in ("office", "leader"):
        assert _read(everyone[who], about_county) == set(ABOUT_COUNTY), who
    for who, expected in ABOUT_COUNTY_READS.items():
        assert _read(everyone[who], about_county) == expected, who


def test_counts_count_only_what_the_reader_reads(about_county):
    assert submission_counts(about_county["county_unit"])["total"] == 3


def test_a_unit_cannot_act_on_what_is_reported_about_it(people, about_county):
    county_unit, letter = about_county["county_unit"], about_county["letter"]
    for item in (letter, about_county["liaison_request"], about_county["office_up"]):
        with pytest.raises(PermissionDenied):
            attachment_add(actor=county_unit, submission=item, file=upload("补充.pdf", b"%PDF-1.4 x"))
        with pytest.raises(PermissionDenied):
            submission_answer(actor=people["county_office"], submission=item, answer="已知悉")
        with pytest.raises(PermissionDenied):
            submission_create(actor=county_unit, kind="report", title="关于来信的说明", body="说明", parent=item)
    assert letter.attachments.count() == 1
    letter.refresh_from_db()
    assert letter.status == SubmissionStatus.LOGGED and letter.answer == ""


def test_the_office_letting_a_liaison_member_handle_a_letter_lets_it_read_it(people, about_county, office_teams):
    from campaigns.models import TeamMembership

    letter = about_county["letter"]
    TeamMembership.objects.create(team=office_teams["general"], user=people["liaison"])
    submission_assign(actor=people["office"], submission=letter, team=office_teams["general"],
                      assignee=people["liaison"])
    assert letter.pk in set(submission_list(people["liaison"]).values_list("pk", flat=True))
    assert letter.pk not in set(submission_list(about_county["county_unit"]).values_list("pk", flat=True))
    assert letter.pk not in set(submission_list(people["liaison_b"]).values_list("pk", flat=True))


# ---- long replies ----------------------------------------------------------------------------------------


def test_a_long_reply_answers_its_item_whole(report, people):
    request = report()
    body = "答" * 20000
    submission_create(actor=people["office"], kind="reply", organization=request.organization, parent=request,
                      title="关于活动场所改造资金的答复", body=body)
    request.refresh_from_db()
    assert request.status == SubmissionStatus.ANSWERED and request.answer.endswith("：" + body)


def test_an_answer_too_long_is_refused_in_chinese(report, people):
    request = report()
    with pytest.raises(ValidationError) as excinfo:
        submission_answer(actor=people["office"], submission=request, answer="答" * 20001)
    assert _errors(excinfo)["answer"] == ["答复意见不能超过20000个字"]
    submission_answer(actor=people["office"], submission=request, answer="答" * 20000)
    request.refresh_from_db()
    assert request.answer == "答" * 20000


def test_kind_labels_read_as_documents_name_them():
    assert (Kind.REPLY.label, Kind.INSTRUCTION.label) == ("批复（答复）", "指示（通知）")


def test_a_reply_to_something_a_unit_did_not_submit_is_not_announced_to_it(about_county, people):
    """The masses' letter about 城关区委 was answered; a later 批复 to it is logged down to the county: its contact
    neither reads it nor hears of it (its title alone could say who complained)."""
    county_unit, letter = about_county["county_unit"], about_county["letter"]
    submission_answer(actor=people["office"], submission=letter, answer="已转纪检部门核查")
    before = set(Notification.objects.filter(user=county_unit).values_list("pk", flat=True))
    late = submission_create(actor=people["office"], kind="reply", organization=letter.organization, parent=letter,
                             title="关于群众来信反映区委书记问题的答复", body="经核查，情况属实。")
    assert not Submission.objects.visible_to(county_unit).filter(pk=late.pk).exists()
    assert set(Notification.objects.filter(user=county_unit).values_list("pk", flat=True)) == before
