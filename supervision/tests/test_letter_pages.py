"""Feedback letters' pages: the list (scoped; a unit sees only letters issued to it), a draft composed from the
unit's findings and decided actions, editing it (errors in Chinese, what was typed kept), issuing it with a confirm
step and the year's next number, the letter shown as a document, and its .docx download. Every write goes
through `supervision.services`; outside the jurisdiction, a form a user can't use, or an administrator → 404."""

import datetime as dt
import io
import re
from typing import Any
from urllib.parse import quote

import pytest
from django.urls import reverse

from supervision.choices import LetterStatus, Level
from supervision.models import FeedbackLetter
from supervision.services import action_record, letter_create, letter_issue

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _html(response: Any) -> str:
    return response.content.decode()


def _get(client: Any, user: Any, url: str) -> Any:
    client.force_login(user)
    return client.get(url)


def _new_url(group: Any, org: Any) -> str:
    return reverse("supervision:letter_new") + f"?group={group.pk}&org={org.code}"


@pytest.fixture
def draft(people: dict[str, Any], tree: Any, make_finding: Any) -> FeedbackLetter:
    """A draft of group A to 东关村 (village A1a, under county A) on one finding there."""
    finding = make_finding(organization=tree.village_a, description="村务公开栏长期未更新")
    return letter_create(actor=people["liaison"], group=people["group_a"], organization=tree.village_a,
                         findings=[finding], reply_due_on=dt.date(2023, 11, 10))


@pytest.fixture
def on_b(people: dict[str, Any], tree: Any) -> FeedbackLetter:
    from supervision.models import VisitMethod
    from supervision.services import finding_add, visit_log

    visit = visit_log(actor=people["liaison_b"], group=people["group_b"], organization=tree.county_b,
                      method=VisitMethod.objects.first(), subject="调阅调研报告", visited_on=dt.date(2023, 10, 9),
                      summary="调研报告质量一般")
    finding = finding_add(actor=people["liaison_b"], visit=visit, description="河西县调研报告泛泛而谈",
                          requirement="research")
    return letter_create(actor=people["liaison_b"], group=people["group_b"], organization=tree.county_b,
                         findings=[finding])


# ---------------------------------------------------------------------------------------------------------
# The list and who sees what


def test_letter_list_shows_each_role_only_its_units(client: Any, people: dict[str, Any], draft: FeedbackLetter,
                                                     on_b: FeedbackLetter) -> None:
    for who, sees_a, sees_b in (("office", True, True), ("leader", True, True), ("liaison", True, False),
                                ("liaison_b", False, True), ("county_office", True, False)):
        response = _get(client, people[who], reverse("supervision:letters"))
        assert response.status_code == 200, who
        html = _html(response)
        assert ("关于对东关村党支部" in html) is sees_a, who
        assert ("关于对河西县委" in html) is sees_b, who
    for who in ("sysadmin", "secadmin", "auditor"):
        assert _get(client, people[who], reverse("supervision:letters")).status_code == 404, who
    client.logout()
    assert client.get(reverse("supervision:letters")).status_code == 302


def test_unit_sees_an_issued_letter_but_not_a_draft(client: Any, people: dict[str, Any],
                                                    draft: FeedbackLetter) -> None:
    unit = people["unit"]
    assert "关于对东关村党支部" not in _html(_get(client, unit, reverse("supervision:letters")))
    assert _get(client, unit, reverse("supervision:letter", args=[draft.pk])).status_code == 404
    assert _get(client, unit, reverse("supervision:letter_docx", args=[draft.pk])).status_code == 404
    letter_issue(actor=people["liaison"], letter=draft)
    assert "关于对东关村党支部" in _html(_get(client, unit, reverse("supervision:letters")))
    html = _html(_get(client, unit, reverse("supervision:letter", args=[draft.pk])))
    assert "教育办督〔2023〕1号" in html and "下载Word（.docx）" in html
    assert "修改草稿" not in html and 'id="issue-link"' not in html
    # A unit never drafts, edits or issues.
    assert _get(client, unit, reverse("supervision:letter_new")).status_code == 404
    assert _get(client, unit, reverse("supervision:letter_edit", args=[draft.pk])).status_code == 404
    assert client.post(reverse("supervision:letter_issue", args=[draft.pk])).status_code == 404


def test_letter_outside_the_jurisdiction_is_404(client: Any, people: dict[str, Any], tree: Any,
                                                on_b: FeedbackLetter) -> None:
    liaison = people["liaison"]
    for name in ("letter", "letter_edit", "letter_issue", "letter_docx"):
        assert _get(client, liaison, reverse(f"supervision:{name}", args=[on_b.pk])).status_code == 404, name
    assert _get(client, liaison, _new_url(people["group_b"], tree.county_b)).status_code == 404
    assert _get(client, liaison, _new_url(people["group_b"], tree.county_a)).status_code == 404  # not its group
    # A leader reads the letter but writes nothing.
    leader = people["leader"]
    assert _get(client, leader, reverse("supervision:letter", args=[on_b.pk])).status_code == 200
    assert _get(client, leader, reverse("supervision:letter_edit", args=[on_b.pk])).status_code == 404
    assert _get(client, leader, reverse("supervision:letter_new")).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# Draft → edit → issue


def test_new_letter_offers_the_units_findings_and_decided_actions(client: Any, people: dict[str, Any], tree: Any,
                                                                  make_finding: Any) -> None:
    finding = make_finding()
    guidance = make_finding(description="建议把调研成果转化为制度", needs_fix=False)
    decided = action_record(actor=people["liaison"], organization=tree.county_a, level=Level.POINT_OUT,
                            reason="学习研讨流于形式")
    html = _html(_get(client, people["liaison"], reverse("supervision:letter_new")))
    assert "城关区委" in html and "河西县委" not in html  # the pick list: the group's units
    html = _html(_get(client, people["liaison"], _new_url(people["group_a"], tree.county_a)))
    findings = dict(re.findall(r'<input type="checkbox" name="findings" value="(\d+)"([^>]*)>', html))
    actions = dict(re.findall(r'<input type="checkbox" name="actions" value="(\d+)"([^>]*)>', html))
    assert set(findings) == {str(finding.pk), str(guidance.pk)} and set(actions) == {str(decided.pk)}
    # Pre-checked: what needs a fix and is in no letter yet, and the decided actions.
    assert "checked" in findings[str(finding.pk)] and "checked" not in findings[str(guidance.pk)]
    assert "checked" in actions[str(decided.pk)]


def test_draft_edit_issue_takes_the_years_next_number(client: Any, people: dict[str, Any], tree: Any,
                                                      make_finding: Any) -> None:
    finding = make_finding(description="专题研讨发言照本宣科")
    decided = action_record(actor=people["liaison"], organization=tree.county_a, level=Level.POINT_OUT,
                            reason="学习研讨流于形式")
    client.force_login(people["liaison"])
    response = client.post(reverse("supervision:letter_new"), {
        "group": people["group_a"].pk, "org": "A", "findings": [finding.pk], "actions": [decided.pk],
        "reply_due_on": "2023-11-15"})
    letter = FeedbackLetter.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("supervision:letter", args=[letter.pk])
    assert (letter.status, letter.organization, letter.group, letter.created_by) == (
        LetterStatus.DRAFT, tree.county_a, people["group_a"], people["liaison"])
    assert letter.title == "关于对城关区委主题教育督促指导情况的反馈意见" and letter.recipient == "城关区委"
    assert "专题研讨发言照本宣科" in letter.body and "请于2023年11月15日前" in letter.body
    assert list(letter.findings.all()) == [finding] and list(letter.actions.all()) == [decided]

    html = _html(client.get(reverse("supervision:letter", args=[letter.pk])))
    assert "（草稿，印发时编号）" in html and "示范市委主题教育领导小组办公室" in html and "第一联络组" in html
    assert '<p class="h1">一、发现的主要问题</p>' in html and "城关区委：" in html

    # Edit: an empty title is refused in Chinese, the body typed stays.
    edit = reverse("supervision:letter_edit", args=[letter.pk])
    assert "修改反馈意见草稿" in _html(client.get(edit))
    response = client.post(edit, {"title": "", "recipient": "中共城关区委", "body": "一、问题\n改写后的正文",
                                  "reply_due_on": "2023-11-20", "findings": [finding.pk]})
    assert response.status_code == 200
    assert "请填写标题" in _html(response) and "改写后的正文" in _html(response)
    response = client.post(edit, {"title": "关于城关区委主题教育的反馈意见", "recipient": "中共城关区委",
                                  "body": "一、问题\n改写后的正文", "reply_due_on": "2023-11-20",
                                  "findings": [finding.pk]})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.title, letter.recipient, letter.body) == (
        "关于城关区委主题教育的反馈意见", "中共城关区委", "一、问题\n改写后的正文")
    assert letter.reply_due_on == dt.date(2023, 11, 20) and not letter.actions.exists()

    # Issue: a confirm step, then the number.
    issue = reverse("supervision:letter_issue", args=[letter.pk])
    html = _html(client.get(issue))
    assert "确认印发" in html and "教育办督〔2023〕1号" in html
    assert FeedbackLetter.objects.get().status == LetterStatus.DRAFT
    response = client.post(issue)
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.status, letter.number, letter.issued_on, letter.issued_by) == (
        LetterStatus.ISSUED, "教育办督〔2023〕1号", dt.date(2023, 10, 10), people["liaison"])
    html = _html(client.get(reverse("supervision:letter", args=[letter.pk])))
    assert "教育办督〔2023〕1号" in html and "2023年10月10日" in html and "修改草稿" not in html
    # Issued: locked.
    assert client.get(edit).status_code == 302
    assert client.post(edit, {"title": "再改", "recipient": "x", "body": "x"}).status_code == 302
    assert FeedbackLetter.objects.get().title == "关于城关区委主题教育的反馈意见"


def test_second_letter_of_the_year_takes_number_two(client: Any, people: dict[str, Any], tree: Any,
                                                    draft: FeedbackLetter, on_b: FeedbackLetter) -> None:
    letter_issue(actor=people["liaison_b"], letter=on_b)
    client.force_login(people["office"])
    assert client.post(reverse("supervision:letter_issue", args=[draft.pk])).status_code == 302
    assert FeedbackLetter.objects.get(pk=draft.pk).number == "教育办督〔2023〕2号"


def test_new_letter_errors_are_chinese_and_keep_the_choices(client: Any, people: dict[str, Any], tree: Any,
                                                            make_finding: Any) -> None:
    finding = make_finding()
    client.force_login(people["liaison"])
    response = client.post(reverse("supervision:letter_new"), {
        "group": people["group_a"].pk, "org": "A", "findings": [finding.pk], "reply_due_on": "2023-10-01"})
    assert response.status_code == 200
    html = _html(response)
    assert "报送时限不能早于今天" in html and 'value="2023-10-01"' in html
    assert "checked" in dict(re.findall(r'name="findings" value="(\d+)"([^>]*)>', html))[str(finding.pk)]
    assert not FeedbackLetter.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# The .docx


def test_letter_downloads_as_docx_named_by_number_and_title(client: Any, people: dict[str, Any],
                                                            draft: FeedbackLetter) -> None:
    import docx

    response = _get(client, people["liaison"], reverse("supervision:letter_docx", args=[draft.pk]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert f"filename*=UTF-8''{quote('草稿' + draft.title + '.docx')}" in response["Content-Disposition"]
    letter_issue(actor=people["liaison"], letter=draft)
    response = _get(client, people["unit"], reverse("supervision:letter_docx", args=[draft.pk]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and 'filename="feedback-letter-' in disposition
    assert f"filename*=UTF-8''{quote('教育办督〔2023〕1号' + draft.title + '.docx')}" in disposition
    paragraphs = docx.Document(io.BytesIO(response.content)).paragraphs
    text = "".join(p.text for p in paragraphs).replace("\n", "")  # a long title wraps
    assert draft.title in text and "村务公开栏长期未更新" in text and "教育办督〔2023〕1号" in text
