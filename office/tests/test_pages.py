"""The communication log's pages: the list (scoped, filtered, counted), logging an item (fields by role, errors
next to the fields with what was typed kept), an item's page with the forms its reader may use, the lifecycle
through the pages, attachments (download scoped). Outside the jurisdiction, or a role with no data scope → 404."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from core.tests.test_files import docx_bytes  # a genuine .docx: uploads are checked by content
from office.choices import SubmissionStatus
from office.models import Submission
from office.services import submission_assign
from office.tests.conftest import ABOUT_COUNTY, ABOUT_COUNTY_READS
from problems.tests.conftest import upload

pytestmark = pytest.mark.django_db


def _html(response: Any) -> str:
    return response.content.decode()


def _get(client: Any, user: Any, url: str, status: int = 200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, url
    return _html(response)


# ---- the list --------------------------------------------------------------------------------------------


def test_list_shows_each_role_its_jurisdiction(client, report, people, tree):
    report(title="东关村的请示")
    report(by=people["liaison_b"], kind="report", title="河西县的报告", organization=tree.county_b, due_on=None)
    for who, sees_a, sees_b in (("office", True, True), ("leader", True, True), ("liaison", False, False),
                                ("unit", True, False), ("liaison_b", False, True)):
        html = _get(client, people[who], reverse("office:submissions"))
        assert ("东关村的请示" in html, "河西县的报告" in html) == (sees_a, sees_b), who
    for who in ("sysadmin", "secadmin", "auditor"):
        _get(client, people[who], reverse("office:submissions"), 404)


def test_nav_links_to_the_log_for_data_roles(client, people):
    html = _get(client, people["unit"], reverse("office:submissions"))
    assert f'href="{reverse("office:submissions")}">请示报告</a>' in html
    assert 'nav-link active" href="/office/submissions/"' in html


def test_list_filters_and_counts(client, report, people, frozen_clock):
    report(title="逾期的请示", due_on=dt.date(2023, 10, 12))
    report(kind="experience", title="“板凳会”听民意", due_on=None)
    frozen_clock.move_to(dt.datetime(2023, 10, 15, 9, 0))
    url = reverse("office:submissions")
    html = _get(client, people["office"], url + "?overdue=1")
    assert "逾期的请示" in html and "板凳会" not in html and "（已逾期）" in html
    html = _get(client, people["office"], url + "?kind=experience")
    assert "板凳会" in html and "逾期的请示" not in html
    html = _get(client, people["office"], url + "?q=板凳会&kind=nonsense&status=bogus&team=x")
    assert "板凳会" in html and "逾期的请示" not in html
    html = _get(client, people["office"], url)
    assert "全部<strong>2</strong>" in html and "已逾期<strong>1</strong>" in html


def test_list_pages(client, report, people):
    for n in range(55):
        report(kind="report", title=f"情况报告{n:02d}", due_on=None)
    html = _get(client, people["office"], reverse("office:submissions"))
    assert "情况报告54" in html and "情况报告04" not in html and "第1/2页" in html
    html = _get(client, people["office"], reverse("office:submissions") + "?page=2")
    assert "情况报告04" in html and "情况报告54" not in html


# ---- logging ---------------------------------------------------------------------------------------------


def test_unit_reports_through_the_page(client, people, tree):
    client.force_login(people["unit"])
    html = _html(client.get(reverse("office:submission_new")))
    assert 'name="origin"' not in html and 'name="counterpart"' not in html  # units report up, that is all
    assert '<option value="instruction"' not in html and '<option value="experience"' in html
    response = client.post(reverse("office:submission_new"), {
        "kind": "experience", "organization": "A1a", "title": "“板凳会”听民意的做法", "body": "每周一次板凳会",
        "uploads": [upload("做法.pdf", b"%PDF-1.4 x")]})
    submission = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("office:submission", args=[submission.pk])
    assert (submission.kind, submission.organization, submission.created_by) == (
        "experience", tree.village_a, people["unit"])
    assert submission.attachments.get().filename == "做法.pdf"


def test_errors_show_next_to_fields_and_keep_what_was_typed(client, people):
    client.force_login(people["unit"])
    response = client.post(reverse("office:submission_new"), {
        "kind": "request", "organization": "A1a", "title": "", "body": "申请协调改造资金，请尽快答复",
        "due_on": "2023-10-01", "number": "东关支〔2023〕3号"})
    assert response.status_code == 200
    html = _html(response)
    assert "请填写标题" in html and "办理时限不能早于报送日期2023年10月10日" in html
    assert "申请协调改造资金，请尽快答复" in html and 'value="东关支〔2023〕3号"' in html
    assert 'value="2023-10-01"' in html and 'is-invalid' in html
    response = client.post(reverse("office:submission_new"), {
        "kind": "request", "organization": "A1a", "title": "请示", "body": "内容", "due_on": "十月"})
    assert "办理时限格式不正确" in _html(response)
    assert not Submission.objects.exists()


def test_office_logs_a_letter_from_the_province(client, people, tree):
    client.force_login(people["office"])
    html = _html(client.get(reverse("office:submission_new")))
    assert 'name="origin"' in html and 'name="received_on"' in html and "submission_form.js" in html
    response = client.post(reverse("office:submission_new"), {
        "origin": "outside", "kind": "incoming", "organization": "C", "counterpart": "",
        "title": "关于报送典型案例的函", "body": "请于10月15日前报送", "received_on": "2023-10-09",
        "due_on": "2023-10-15"})
    assert "请填写来文单位" in _html(response) and not Submission.objects.exists()
    response = client.post(reverse("office:submission_new"), {
        "origin": "outside", "kind": "incoming", "organization": "C", "counterpart": "省委主题教育办",
        "title": "关于报送典型案例的函", "body": "请于10月15日前报送", "received_on": "2023-10-09",
        "due_on": "2023-10-15", "number": "冀教办函〔2023〕12号"})
    assert response.status_code == 302
    letter = Submission.objects.get()
    assert (letter.origin, letter.direction, letter.organization, letter.received_on) == (
        "outside", "down", tree.city, dt.date(2023, 10, 9))


def test_a_unit_cannot_report_for_an_organization_outside_its_jurisdiction(client, people):
    client.force_login(people["unit"])
    response = client.post(reverse("office:submission_new"), {
        "kind": "report", "organization": "B1a", "title": "报告", "body": "内容"})
    assert response.status_code == 200 and "请选择本辖区内的单位" in _html(response)
    assert not Submission.objects.exists()


def test_leaders_and_administrators_do_not_log(client, people):
    for who in ("leader", "sysadmin"):
        _get(client, people[who], reverse("office:submission_new"), 404)


# ---- an item's page and its lifecycle --------------------------------------------------------------------


def test_request_goes_through_assign_answer_close_on_its_page(client, report, people, office_teams):
    submission = report()
    url = reverse("office:submission", args=[submission.pk])
    html = _get(client, people["unit"], url)
    assert "关于村级活动场所改造资金的请示" in html
    assert 'id="answer-form"' not in html and 'id="assign-form"' not in html
    assert "等待市委教育办答复" in html
    html = _get(client, people["office"], url)
    assert 'id="assign-form"' in html and 'id="answer-form"' in html and 'id="close-form"' not in html
    response = client.post(reverse("office:submission_assign", args=[submission.pk]), {
        "assign-team": office_teams["general"].pk, "assign-assignee": ""})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ASSIGNED and submission.team == office_teams["general"]
    response = client.post(reverse("office:submission_answer", args=[submission.pk]), {"answer-answer": ""})
    assert response.status_code == 200 and "请填写答复意见" in _html(response)
    response = client.post(reverse("office:submission_answer", args=[submission.pk]), {
        "answer-answer": "已协调县财政安排资金", "answer-uploads": [upload("答复.pdf", b"%PDF answer")]})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ANSWERED and submission.attachments.get().filename == "答复.pdf"
    html = _get(client, people["unit"], url)
    assert "已协调县财政安排资金" in html
    client.force_login(people["office"])
    response = client.post(reverse("office:submission_close", args=[submission.pk]), {"close-note": "已落实"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CLOSED
    assert "已办结" in _get(client, people["office"], url)


def test_assign_errors_stay_on_the_form(client, report, people, office_teams):
    submission = report()
    client.force_login(people["office"])
    response = client.post(reverse("office:submission_assign", args=[submission.pk]), {
        "assign-team": office_teams["general"].pk,
        "assign-assignee": office_teams["materials"].memberships.get().pk})
    assert response.status_code == 200 and "office2不是综合组的成员" in _html(response)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.LOGGED


def test_a_stale_form_shows_why_on_top(client, report, people):
    request = report()
    client.force_login(people["office"])
    response = client.post(reverse("office:submission_close", args=[request.pk]), {"close-note": ""})
    html = _html(response)
    assert response.status_code == 200 and 'id="stale-errors"' in html and "请示须先答复，再办结" in html


def test_the_submitter_is_not_offered_to_answer_and_is_refused(client, report, people):
    submission = report()
    client.force_login(people["unit"])
    response = client.post(reverse("office:submission_answer", args=[submission.pk]), {"answer-answer": "自答"})
    assert response.status_code == 200 and "不能答复本人报送的事项" in _html(response)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.LOGGED


def test_roles_that_may_not_act_get_404_on_writes(client, report, people, office_teams):
    submission = report()
    client.force_login(people["leader"])
    assert client.post(reverse("office:submission_answer", args=[submission.pk]),
                       {"answer-answer": "x"}).status_code == 404
    assert client.post(reverse("office:submission_assign", args=[submission.pk]),
                       {"assign-team": office_teams["general"].pk}).status_code == 404
    assert client.post(reverse("office:submission_close", args=[submission.pk])).status_code == 404
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.LOGGED


def test_reply_page_starts_from_the_item_it_answers(client, report, people):
    request = report()
    html = _get(client, people["office"], reverse("office:submission_new") + f"?parent={request.pk}")
    assert 'id="reply-to"' in html and "关于《关于村级活动场所改造资金的请示》的答复" in html
    assert '<option value="reply" selected>' in html
    response = client.post(reverse("office:submission_new") + f"?parent={request.pk}", {
        "origin": "office", "kind": "reply", "organization": "A1a", "title": "关于活动场所改造资金的答复",
        "body": "由县里统筹解决", "parent": request.pk})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == SubmissionStatus.ANSWERED
    html = _get(client, people["unit"], reverse("office:submission", args=[request.pk]))
    assert "关于活动场所改造资金的答复" in html  # listed among the replies
    _get(client, people["unit"], reverse("office:submission_new") + "?parent=99999", 404)


def test_outside_the_jurisdiction_pages_and_files_answer_404(client, report, people, tree):
    submission = report(files=[upload("请示.pdf", b"%PDF req")])
    attachment = submission.attachments.get()
    for name, args in (("office:submission", [submission.pk]),
                       ("office:attachment", [submission.pk, attachment.pk])):
        _get(client, people["liaison_b"], reverse(name, args=args), 404)
        _get(client, people["sysadmin"], reverse(name, args=args), 404)
    client.force_login(people["liaison_b"])
    assert client.post(reverse("office:submission_answer", args=[submission.pk]),
                       {"answer-answer": "x"}).status_code == 404
    assert client.post(reverse("office:attachment_new", args=[submission.pk]),
                       {"file-file": upload("x.pdf", b"%PDF x")}).status_code == 404
    assert client.get(reverse("office:submission_new") + f"?parent={submission.pk}").status_code == 404
    client.force_login(people["unit"])
    response = client.get(reverse("office:attachment", args=[submission.pk, attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF req"
    assert client.get(reverse("office:attachment", args=[submission.pk + 1, attachment.pk])).status_code == 404


def test_attachment_upload_on_the_page(client, report, people):
    submission = report()
    client.force_login(people["unit"])
    response = client.post(reverse("office:attachment_new", args=[submission.pk]),
                           {"file-file": upload("病毒.exe", b"MZ")})
    assert response.status_code == 200 and "附件只能是" in _html(response)
    response = client.post(reverse("office:attachment_new", args=[submission.pk]),
                           {"file-file": upload("补充材料.docx", docx_bytes())})
    assert response.status_code == 302
    assert submission.attachments.get().filename == "补充材料.docx"


def test_instruction_down_is_answered_by_the_unit_on_its_page(client, people, tree):
    client.force_login(people["office"])
    client.post(reverse("office:submission_new"), {
        "origin": "office", "kind": "instruction", "organization": "A1a", "title": "关于报送党课开展情况的通知",
        "body": "请于10月20日前反馈", "due_on": "2023-10-20"})
    instruction = Submission.objects.get()
    html = _get(client, people["office"], reverse("office:submission", args=[instruction.pk]))
    assert "等待东关村党支部答复" in html and 'id="answer-form"' not in html and 'id="assign-form"' not in html
    html = _get(client, people["unit"], reverse("office:submission", args=[instruction.pk]))
    assert 'id="answer-form"' in html
    response = client.post(reverse("office:submission_answer", args=[instruction.pk]),
                           {"answer-answer": "已于10月9日讲专题党课"})
    assert response.status_code == 302
    instruction.refresh_from_db()
    assert instruction.status == SubmissionStatus.ANSWERED


def test_page_renders_at_every_state(client, report, people, office_teams):
    submission = report()
    submission_assign(actor=people["office"], submission=submission, team=office_teams["general"],
                      assignee=people["office"])
    html = _get(client, people["office"], reverse("office:submission", args=[submission.pk]))
    assert "改派" in html and "综合组 · office" in html


# ---- what is reported or logged about a unit is not the unit's to read --------------------------------------


def test_a_unit_neither_lists_nor_opens_what_is_reported_about_it(client, about_county):
    county_unit = about_county["county_unit"]
    html = _get(client, county_unit, reverse("office:submissions"))
    for name in ABOUT_COUNTY:
        item = about_county[name]
        assert (item.title in html) is (name in ABOUT_COUNTY_READS["county_unit"]), name
        _get(client, county_unit, reverse("office:submission", args=[item.pk]),
             200 if name in ABOUT_COUNTY_READS["county_unit"] else 404)
    letter = about_county["letter"]
    _get(client, county_unit, reverse("office:attachment", args=[letter.pk, letter.attachments.get().pk]), 404)
    _get(client, county_unit, reverse("office:submission_new") + f"?parent={letter.pk}", 404)
    assert client.post(reverse("office:attachment_new", args=[letter.pk]),
                       {"file-file": upload("x.pdf", b"%PDF x")}).status_code == 404
    assert letter.attachments.count() == 1
    # What it reported, with the office's answer, and what was sent down to it, it reads.
    html = _get(client, county_unit, reverse("office:submission", args=[about_county["own"].pk]))
    assert "关于同意调整专题民主生活会时间的批复" in html


def test_the_office_reads_everything_about_the_unit(client, people, about_county):
    letter = about_county["letter"]
    client.force_login(people["office"])
    response = client.get(reverse("office:attachment", args=[letter.pk, letter.attachments.get().pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 letter"
    html = _get(client, people["office"], reverse("office:submissions"))
    assert all(about_county[name].title in html for name in ABOUT_COUNTY)


def test_an_item_sent_down_does_not_name_what_it_answers_when_the_unit_may_not_read_that(client, about_county, people):
    from office.services import submission_create

    county_unit, letter = about_county["county_unit"], about_county["letter"]
    check = submission_create(actor=people["office"], kind="instruction", organization=letter.organization,
                              parent=letter, title="关于核查有关情况的通知", body="请核查并报告")
    client.force_login(county_unit)
    html = client.get(f"/office/submissions/{check.pk}/").content.decode()
    assert "关于核查有关情况的通知" in html and "群众来信反映区委书记问题" not in html and "无权查看" in html
    detail = client.get(f"/api/v1/office/submissions/{check.pk}").json()
    assert detail["parent_id"] is None


def test_every_count_on_the_list_is_the_length_of_the_list_it_links_to(client, report, people, tree, frozen_clock,
                                                                        office_teams):
    import re
    from html import unescape

    report(title="逾期的请示", due_on=dt.date(2023, 10, 12))
    report(kind="experience", title="“板凳会”听民意", due_on=None)
    assigned = report(title="分办的请示", due_on=dt.date(2023, 11, 1))
    submission_assign(actor=people["office"], submission=assigned, team=office_teams["general"],
                      assignee=people["office"])
    frozen_clock.move_to(dt.datetime(2023, 10, 15, 9, 0))
    url = reverse("office:submissions")
    for who in ("office", "unit"):
        client.force_login(people[who])
        html = client.get(url).content.decode()
        nav = html.split('id="submission-counts"')[1].split("</nav>")[0]
        links = re.findall(r'<a href="([^"]+)"[^>]*>[^<]*<strong>(\d+)</strong>', nav)
        assert len(links) >= 3, links
        for href, shown in links:
            target = unescape(href)
            response = client.get(target if target.startswith("/") else url + target)
            assert response.context["page"].paginator.count == int(shown), (who, href, shown)


def test_checksums_are_shown_to_the_office_not_to_the_unit(client, report, people):
    submission = report()
    client.force_login(people["unit"])
    client.post(reverse("office:attachment_new", args=[submission.pk]),
                {"file-file": upload("补充材料.docx", docx_bytes())})
    digest = submission.attachments.get().sha256
    url = reverse("office:submission", args=[submission.pk])
    assert "补充材料.docx" in _get(client, people["unit"], url) and digest not in _get(client, people["unit"], url)
    assert "SHA-256" not in _get(client, people["unit"], url)
    assert digest in _get(client, people["office"], url)
