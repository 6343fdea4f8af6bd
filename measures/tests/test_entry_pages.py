"""Entry pages: research (topics, reports with attachments, exchanges, uses), public-service commitments with
milestones, life meetings with items, corrections of study sessions and lectures. Each form writes through its
service and is audited; errors are Chinese and keep what was typed; read-only roles get 404; records of a past
campaign are read only."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.actors import SETUP
from core.models import AuditEntry
from measures import services
from measures.models import (
    LifeMeeting,
    LifeMeetingItem,
    Milestone,
    PartyLecture,
    PublicService,
    ResearchReport,
    ResearchTopic,
    ResearchUse,
    ResultsExchange,
    StudySession,
)
from measures.tests.conftest import DAY, END
from orgs.services import cadre_create


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def _audited(obj: Any, action: str, user: Any) -> bool:
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action,
                                     actor_id=user.pk).exists()


def _html(response: Any) -> str:
    return response.content.decode()


def _topic(org: Any, campaign: Any, **kw: Any) -> ResearchTopic:
    return services.research_topic_create(actor=SETUP,
                                          organization=org, campaign=campaign, title=kw.pop("title", "乡村治理"), **kw)


def _service(org: Any, campaign: Any) -> PublicService:
    return services.public_service_create(actor=SETUP,
                                          organization=org, campaign=campaign, title="修缮村道", target="年底前完工",
                                          owner="村委会", deadline=END)


# ---------------------------------------------------------------------------------------------------------
# Research


def test_unit_creates_and_corrects_a_research_topic(client, users, tree, campaign):
    client.force_login(users["unit"])
    url = reverse("measures:topic_new", args=["A1a"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "村级集体经济发展", "description": "走访十户"})
    topic = ResearchTopic.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("measures:topic", args=["A1a", topic.pk])
    assert (topic.organization, topic.campaign, topic.description, topic.lead_cadre) == (
        tree.village_a, campaign, "走访十户", None)
    assert _audited(topic, "create", users["unit"])

    response = client.post(reverse("measures:topic", args=["A1a", topic.pk]), {"title": "村级集体经济调研"})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.title == "村级集体经济调研" and _audited(topic, "update", users["unit"])


def test_topic_lead_cadre_is_a_county_level_cadre_of_the_org(client, users, tree, campaign, cadres):
    client.force_login(users["office"])
    page = _html(client.get(reverse("measures:topic_new", args=["A"])))
    assert "吴刚" in page and "李强" in page and "郑洁" not in page  # county level and above, of county A only
    url = reverse("measures:topic_new", args=["A"])
    response = client.post(url, {"title": "营商环境", "description": "座谈", "lead_cadre": cadres["township"].pk})
    html = _html(response)
    assert response.status_code == 200 and "请从列表中选择牵头领导干部" in html
    assert 'value="营商环境"' in html and "座谈" in html
    assert not ResearchTopic.objects.exists()
    assert client.post(url, {"title": "营商环境", "lead_cadre": cadres["secretary"].pk}).status_code == 302
    assert ResearchTopic.objects.get().lead_cadre == cadres["secretary"]


def test_topic_errors_are_chinese_and_keep_what_was_typed(client, users, campaign):
    client.force_login(users["unit"])
    response = client.post(reverse("measures:topic_new", args=["A1a"]), {"title": "", "description": "说明文字"})
    html = _html(response)
    assert "请填写课题名称" in html and "说明文字" in html
    assert not ResearchTopic.objects.exists()


def test_report_with_attachment_is_stored_and_downloaded_inside_the_jurisdiction(client, users, tree, campaign,
                                                                                  media):
    topic = _topic(tree.village_a, campaign)
    client.force_login(users["unit"])
    url = reverse("measures:report_new", args=["A1a", topic.pk])
    upload = SimpleUploadedFile("调研报告.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    response = client.post(url, {"report-title": "关于村级集体经济的调研报告", "report-submitted_on": DAY.isoformat(),
                                 "report-summary": "三条建议", "report-attachment": upload})
    assert response.status_code == 302
    report = ResearchReport.objects.get()
    name = report.attachment.name
    assert name is not None and name.startswith("measures/") and (media / name).exists()
    assert report.summary == "三条建议" and _audited(report, "create", users["unit"])
    page = _html(client.get(reverse("measures:topic", args=["A1a", topic.pk])))
    assert "关于村级集体经济的调研报告" in page and reverse("measures:report_download", args=[report.pk]) in page

    download = reverse("measures:report_download", args=[report.pk])
    for role in ("unit", "office", "leader", "liaison"):
        client.force_login(users[role])
        response = client.get(download)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == b"%PDF-1.4 report"
        assert "attachment" in response["Content-Disposition"]


def test_download_outside_the_jurisdiction_is_404(client, users, tree, campaign):
    topic = _topic(tree.village_b, campaign)
    report = services.research_report_create(actor=SETUP, topic=topic, title="社区调研", submitted_on=DAY,
                                             attachment=SimpleUploadedFile("a.pdf", b"%PDF"))
    download = reverse("measures:report_download", args=[report.pk])
    for role in ("unit", "liaison", "sysadmin", "auditor"):
        client.force_login(users[role])
        assert client.get(download).status_code == 404, role
    client.force_login(users["office"])
    assert client.get(download).status_code == 200
    no_file = services.research_report_create(actor=SETUP, topic=topic, title="无附件", submitted_on=DAY)
    assert client.get(reverse("measures:report_download", args=[no_file.pk])).status_code == 404


@pytest.mark.parametrize(("name", "size", "reason"), [
    ("run.exe", 10, "附件只能是PDF、Word（.doc、.docx）、Excel（.xls、.xlsx）或JPG、PNG图片"),
    ("报告.zip", 10, "附件只能是PDF"),
    ("大文件.pdf", 1024 * 1024 + 1, "附件不能超过1MB"),
])
def test_report_attachment_type_and_size_are_refused_and_nothing_is_written(client, users, tree, campaign, settings,
                                                                            media, name, size, reason):
    settings.JYB_IMPORT_MAX_MB = 1
    topic = _topic(tree.village_a, campaign)
    client.force_login(users["unit"])
    upload = SimpleUploadedFile(name, b"x" * size)
    response = client.post(reverse("measures:report_new", args=["A1a", topic.pk]), {
        "report-title": "调研报告初稿", "report-submitted_on": DAY.isoformat(), "report-attachment": upload})
    html = _html(response)
    assert response.status_code == 200 and reason in html
    assert 'value="调研报告初稿"' in html
    assert not ResearchReport.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


def test_report_errors_are_chinese(client, users, tree, campaign):
    topic = _topic(tree.village_a, campaign)
    client.force_login(users["unit"])
    response = client.post(reverse("measures:report_new", args=["A1a", topic.pk]), {
        "report-title": "", "report-submitted_on": "2022-01-01", "report-summary": "摘要草稿"})
    html = _html(response)
    assert "请填写报告标题" in html and "摘要草稿" in html
    response = client.post(reverse("measures:report_new", args=["A1a", topic.pk]), {
        "report-title": "报告", "report-submitted_on": "2022-01-01"})
    assert "形成日期应在主题教育期间（2023年9月1日至2024年1月31日）" in _html(response)
    assert not ResearchReport.objects.exists()


def test_results_exchange_and_research_use(client, users, tree, campaign):
    topic = _topic(tree.village_a, campaign)
    other = _topic(tree.village_a, campaign, title="村容村貌")
    report = services.research_report_create(actor=SETUP, topic=topic, title="调研报告", submitted_on=DAY)
    service = _service(tree.village_a, campaign)
    client.force_login(users["unit"])
    url = reverse("measures:exchange_new", args=["A1a"])
    assert "村容村貌" in _html(client.get(url))
    response = client.post(url, {"held_on": "2023-11-02", "topics": [topic.pk, other.pk], "notes": "交流三个课题"})
    assert response.status_code == 302
    exchange = ResultsExchange.objects.get()
    assert set(exchange.topics.all()) == {topic, other} and _audited(exchange, "create", users["unit"])

    response = client.post(url, {"held_on": "", "notes": "补记"})
    assert "请填写日期" in _html(response) and "补记" in _html(response)
    assert ResultsExchange.objects.count() == 1

    use_url = reverse("measures:use_new", args=["A1a", report.pk])
    prefix = f"use{report.pk}"
    response = client.post(use_url, {f"{prefix}-text": "", f"{prefix}-public_service": service.pk})
    assert "请填写运用情况" in _html(response) and not ResearchUse.objects.exists()
    response = client.post(use_url, {f"{prefix}-text": "转化为修缮村道项目", f"{prefix}-public_service": service.pk})
    assert response.status_code == 302
    use = ResearchUse.objects.get()
    assert (use.report, use.public_service) == (report, service) and _audited(use, "create", users["unit"])


# ---------------------------------------------------------------------------------------------------------
# Public-service commitments and milestones


def test_public_service_with_milestones_and_computed_progress(client, users, tree, campaign):
    client.force_login(users["unit"])
    response = client.post(reverse("measures:service_new", args=["A1a"]), {
        "title": "修缮村道", "target": "年底前完成两公里", "owner": "村委会", "deadline": "2024-01-15"})
    record = PublicService.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("measures:service", args=["A1a", record.pk])
    assert _audited(record, "create", users["unit"])
    page = reverse("measures:service", args=["A1a", record.pk])
    assert "进度按完成的节点计算" in _html(client.get(page))
    assert "progress" not in PublicService._meta.fields_map  # never typed

    add = reverse("measures:milestone_new", args=["A1a", record.pk])
    for title in ("立项", "完工"):
        assert client.post(add, {"milestone-title": title, "milestone-due_on": "2023-12-01"}).status_code == 302
    first, second = Milestone.objects.order_by("id")
    assert _audited(first, "create", users["unit"])
    assert 'aria-valuenow="0"' in _html(client.get(page))

    done = reverse("measures:milestone_done", args=["A1a", first.pk])
    assert client.post(done, {f"done{first.pk}-done_on": "2023-11-20"}).status_code == 302
    first.refresh_from_db()
    assert first.done_on == dt.date(2023, 11, 20) and _audited(first, "update", users["unit"])
    html = _html(client.get(page))
    assert 'aria-valuenow="50"' in html and "1/2个节点完成" in html

    response = client.post(reverse("measures:milestone_done", args=["A1a", second.pk]),
                           {f"done{second.pk}-done_on": "2030-01-01"})
    assert "实际完成日期应在主题教育期间" in _html(response)
    second.refresh_from_db()
    assert second.done_on is None

    assert client.post(done, {"undo": "1"}).status_code == 302
    first.refresh_from_db()
    assert first.done_on is None


def test_public_service_errors_keep_what_was_typed(client, users, tree, campaign):
    client.force_login(users["unit"])
    response = client.post(reverse("measures:service_new", args=["A1a"]), {
        "title": "建便民服务站", "target": "", "owner": "村委会", "deadline": "2025-06-01"})
    html = _html(response)
    assert "请填写目标" in html and 'value="建便民服务站"' in html and 'value="村委会"' in html
    assert not PublicService.objects.exists()
    response = client.post(reverse("measures:service_new", args=["A1a"]), {
        "title": "建便民服务站", "target": "建成", "owner": "村委会", "deadline": "2025-06-01"})
    assert "完成时限应在主题教育期间" in _html(response) and not PublicService.objects.exists()

    record = _service(tree.village_a, campaign)
    response = client.post(reverse("measures:milestone_new", args=["A1a", record.pk]),
                           {"milestone-title": "设计方案", "milestone-due_on": ""})
    assert "请填写计划完成日期" in _html(response) and 'value="设计方案"' in _html(response)
    assert not Milestone.objects.exists()


def test_public_service_is_corrected(client, users, tree, campaign):
    record = _service(tree.village_a, campaign)
    client.force_login(users["office"])
    response = client.post(reverse("measures:service", args=["A1a", record.pk]), {
        "title": "修缮村道和桥梁", "target": "年底前完工", "owner": "村委会", "deadline": "2023-12-31"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.title == "修缮村道和桥梁" and record.deadline == dt.date(2023, 12, 31)
    assert _audited(record, "update", users["office"])


# ---------------------------------------------------------------------------------------------------------
# Life meetings


def test_life_meeting_with_items(client, users, tree, campaign, cadres):
    client.force_login(users["office"])
    url = reverse("measures:meeting_new", args=["A"])
    assert 'value="democratic" selected' in _html(client.get(url, {"kind": "democratic"}))
    response = client.post(url, {"kind": "democratic", "held_on": "2024-01-10", "topic": "对照检视", "attendance": "9"})
    meeting = LifeMeeting.objects.get()
    assert response.status_code == 302 and _audited(meeting, "create", users["office"])

    item_url = reverse("measures:item_new", args=["A", meeting.pk])
    response = client.post(item_url, {"item-kind": "", "item-text": "调查研究不够深入"})
    assert "请选择类型" in _html(response) and "调查研究不够深入" in _html(response)
    assert not LifeMeetingItem.objects.exists()
    response = client.post(item_url, {"item-kind": "criticism", "item-text": "调查研究不够深入",
                                      "item-cadre": cadres["deputy"].pk})
    assert response.status_code == 302
    item = LifeMeetingItem.objects.get()
    assert (item.meeting, item.cadre) == (meeting, cadres["deputy"]) and _audited(item, "create", users["office"])

    response = client.post(reverse("measures:meeting", args=["A", meeting.pk]),
                           {"kind": "democratic", "held_on": "2024-01-10", "topic": "对照检视", "attendance": "0"})
    assert "参会人数至少为1" in _html(response) and 'value="对照检视"' in _html(response)
    response = client.post(reverse("measures:meeting", args=["A", meeting.pk]),
                           {"kind": "democratic", "held_on": "2024-01-10", "topic": "对照检视", "attendance": "11"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.attendance == 11 and _audited(meeting, "update", users["office"])
    # An item can be put on the problem ledger; once it is, the page links to the problem instead.
    meeting_url = reverse("measures:meeting", args=["A", meeting.pk])
    assert f'href="/problems/new/?item={item.pk}"' in _html(client.get(meeting_url))
    from problems.services import problem_create

    problem = problem_create(actor=users["office"], organization=meeting.organization, description=item.text,
                             source="collective", category="ability", life_meeting_item=item)
    page = _html(client.get(meeting_url))
    assert f"已列入问题清单 {problem.number}" in page and "?item=" not in page


# ---------------------------------------------------------------------------------------------------------
# Study sessions and lectures


def test_study_session_is_created_and_corrected(client, users, tree, campaign):
    leader = cadre_create(actor=SETUP, organization=tree.village_a, name="王书记", id_number="11010519491231002X",
                          position="村党支部书记", rank=20)
    client.force_login(users["unit"])
    new = reverse("measures:study_new", args=["A1a"])
    response = client.post(new, {"kind": "seminar", "topic": "以学正风", "held_on": DAY.isoformat(),
                                 "participant_count": "10", "leaders": [leader.pk]})
    session = StudySession.objects.get()
    assert response.status_code == 302 and list(session.leaders.all()) == [leader]
    assert _audited(session, "create", users["unit"])

    edit = reverse("measures:study", args=["A1a", session.pk])
    page = _html(client.get(edit))
    assert 'value="以学正风"' in page and "checked" in page
    response = client.post(edit, {"kind": "", "topic": "以学正风（修改）", "held_on": DAY.isoformat(),
                                  "participant_count": "12"})
    assert "请选择学习形式" in _html(response) and 'value="以学正风（修改）"' in _html(response)
    response = client.post(edit, {"kind": "group_study", "topic": "以学正风（修改）", "held_on": DAY.isoformat(),
                                  "participant_count": "12"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.kind, session.topic, session.participant_count) == ("group_study", "以学正风（修改）", 12)
    assert list(session.leaders.all()) == []
    assert AuditEntry.objects.filter(object_id=str(session.pk), object_type="measures.studysession",
                                     after={"leaders": []}).exists()


def test_lecture_is_created_and_corrected(client, users, tree, campaign, cadres):
    client.force_login(users["office"])
    response = client.post(reverse("measures:lecture_new", args=["A"]), {
        "title": "专题党课", "held_on": DAY.isoformat(), "speaker": f"c{cadres['secretary'].pk}",
        "audience_count": "40"})
    lecture = PartyLecture.objects.get()
    assert response.status_code == 302 and lecture.speaker_cadre == cadres["secretary"]
    edit = reverse("measures:lecture", args=["A", lecture.pk])
    response = client.post(edit, {"title": "专题党课（二）", "held_on": DAY.isoformat(), "speaker": "",
                                  "audience_count": "40"})
    assert "请选择主讲人" in _html(response) and 'value="专题党课（二）"' in _html(response)
    response = client.post(edit, {"title": "专题党课（二）", "held_on": DAY.isoformat(),
                                  "speaker": f"c{cadres['deputy'].pk}", "audience": "全体党员", "audience_count": "45"})
    assert response.status_code == 302
    lecture.refresh_from_db()
    assert (lecture.title, lecture.speaker_cadre, lecture.audience_count) == ("专题党课（二）", cadres["deputy"], 45)
    assert _audited(lecture, "update", users["office"])


# ---------------------------------------------------------------------------------------------------------
# Who may record, and where


def _entry_urls(tree: Any, campaign: Any) -> list[str]:
    org = tree.village_a
    topic = _topic(org, campaign)
    report = services.research_report_create(actor=SETUP, topic=topic, title="报告", submitted_on=DAY)
    service = _service(org, campaign)
    milestone = services.milestone_create(actor=SETUP, public_service=service, title="立项", due_on=DAY)
    meeting = services.life_meeting_create(actor=SETUP,
                                           organization=org, campaign=campaign, kind="organisational", held_on=DAY,
                                           attendance=5)
    study = services.study_session_create(actor=SETUP,
                                          organization=org, campaign=campaign, kind="self_study", topic="自学",
                                          held_on=DAY, participant_count=3)
    lecture = services.party_lecture_create(actor=SETUP, organization=org, campaign=campaign, title="党课", held_on=DAY,
                                            audience_count=3, speaker_cadre=cadre_create(actor=SETUP,
                                                organization=org, name="王书记", id_number="11010519491231002X",
                                                position="村党支部书记", rank=20))
    code = org.code
    return [reverse(name, args=args) for name, args in [
        ("measures:topic_new", [code]), ("measures:topic", [code, topic.pk]),
        ("measures:report_new", [code, topic.pk]), ("measures:use_new", [code, report.pk]),
        ("measures:exchange_new", [code]), ("measures:service_new", [code]), ("measures:service", [code, service.pk]),
        ("measures:milestone_new", [code, service.pk]), ("measures:milestone_done", [code, milestone.pk]),
        ("measures:meeting_new", [code]), ("measures:meeting", [code, meeting.pk]),
        ("measures:item_new", [code, meeting.pk]), ("measures:study_new", [code]), ("measures:study", [code, study.pk]),
        ("measures:lecture_new", [code]), ("measures:lecture", [code, lecture.pk])]]


@pytest.mark.parametrize("role", ["leader", "liaison", "sysadmin", "secadmin", "auditor"])
def test_roles_that_do_not_record_get_404_on_every_entry_page(client, users, tree, campaign, role):
    urls = _entry_urls(tree, campaign)
    counts = [m.objects.count() for m in (ResearchTopic, PublicService, Milestone, LifeMeeting, StudySession)]
    client.force_login(users[role])
    for url in urls:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"title": "x", "text": "x"}).status_code == 404, url
    assert counts == [m.objects.count() for m in (ResearchTopic, PublicService, Milestone, LifeMeeting, StudySession)]


def test_entry_pages_are_scoped(client, users, tree, campaign):
    urls = _entry_urls(tree, campaign)
    client.force_login(users["unit"])
    assert all(client.get(u).status_code in (200, 405) for u in urls)
    # Another village's pages, and this village's records under another organisation's code: 404.
    assert client.get(reverse("measures:topic_new", args=["B1a"])).status_code == 404
    topic = ResearchTopic.objects.get()
    client.force_login(users["office"])
    assert client.get(reverse("measures:topic", args=["B1a", topic.pk])).status_code == 404
    assert client.get(reverse("measures:topic", args=["A1a", topic.pk])).status_code == 200


def test_unit_page_links_entry_pages_for_those_who_record(client, users, tree, campaign):
    service = _service(tree.village_a, campaign)
    url = reverse("measures:unit", args=["A1a"])
    for role in ("unit", "office"):
        client.force_login(users[role])
        html = _html(client.get(url))
        assert reverse("measures:service_new", args=["A1a"]) in html
        assert reverse("measures:service", args=["A1a", service.pk]) in html
        assert reverse("measures:topic_new", args=["A1a"]) in html
    client.force_login(users["leader"])
    html = _html(client.get(url))
    assert "新增" not in html and reverse("measures:service", args=["A1a", service.pk]) not in html


# ---------------------------------------------------------------------------------------------------------
# Records of a past campaign are read only


def test_records_of_a_past_campaign_are_read_only(client, users, tree, campaign, past_campaign):
    a = tree.county_a
    when = dt.date(2021, 5, 1)
    session = services.study_session_create(actor=SETUP,
                                            organization=a, campaign=past_campaign, kind="self_study", topic="学党史",
                                            held_on=when, participant_count=20, allow_past=True)
    service = services.public_service_create(actor=SETUP,
                                             organization=a, campaign=past_campaign, title="办实事", target="完成",
                                             owner="区委办", deadline=when, allow_past=True)
    topic = services.research_topic_create(actor=SETUP, organization=a, campaign=past_campaign, title="党史调研",
                                           allow_past=True)
    client.force_login(users["office"])

    unit_page = _html(client.get(reverse("measures:unit", args=["A"]), {"campaign": past_campaign.pk}))
    assert "学党史" in unit_page and reverse("measures:study", args=["A", session.pk]) not in unit_page
    assert "新增" not in unit_page

    edit = reverse("measures:study", args=["A", session.pk])
    page = _html(client.get(edit))
    assert "只能查看，不能修改" in page and "disabled" in page and ">保存<" not in page
    response = client.post(edit, {"kind": "group_study", "topic": "改过的", "held_on": "2021-05-02",
                                  "participant_count": "21"})
    assert "不是当前开展的主题教育" in _html(response)
    session.refresh_from_db()
    assert (session.topic, session.participant_count) == ("学党史", 20)

    response = client.post(reverse("measures:milestone_new", args=["A", service.pk]),
                           {"milestone-title": "补记节点", "milestone-due_on": "2021-06-01"})
    assert "不是当前开展的主题教育" in _html(response) and not Milestone.objects.exists()
    response = client.post(reverse("measures:topic", args=["A", topic.pk]), {"title": "改名"})
    assert "不是当前开展的主题教育" in _html(response)
    topic.refresh_from_db()
    assert topic.title == "党史调研"
    with pytest.raises(ValidationError):
        services.public_service_update(actor=SETUP,
                                       public_service=service, title="改", target="改", owner="改", deadline=when)


@pytest.mark.parametrize("value", ["99999999999999999999", "²", "-1", "abc"])
def test_impossible_ids_in_a_multi_select_are_a_form_error(client, users, tree, campaign, cadres, value):
    client.force_login(users["office"])
    response = client.post(reverse("measures:study_new", args=["A"]), {
        "kind": "self_study", "topic": "x", "held_on": "2023-10-10", "participant_count": 3, "leaders": [value]})
    assert response.status_code == 200
    client.force_login(users["unit"])
    response = client.post(reverse("measures:exchange_new", args=["A1a"]), {"held_on": "2023-10-10", "topics": [value]})
    assert response.status_code == 200


def test_study_lecture_and_meeting_attachments_can_be_opened_inside_the_jurisdiction(client, users, tree, campaign,
                                                                                     media):
    study = services.study_session_create(actor=SETUP,
                                          organization=tree.village_a, campaign=campaign, kind="group_study",
                                          topic="集中学习", held_on=DAY, participant_count=9,
                                          attachment=SimpleUploadedFile("签到表.pdf", b"%PDF study"))
    client.force_login(users["unit"])
    page = _html(client.get(reverse("measures:unit", args=["A1a"])))
    url = reverse("measures:attachment", args=["study", study.pk])
    assert url in page
    assert b"".join(client.get(url).streaming_content) == b"%PDF study"
    client.force_login(users["liaison"])  # county A contains A1a
    assert client.get(url).status_code == 200
    other = services.study_session_create(actor=SETUP,
                                          organization=tree.village_b, campaign=campaign, kind="group_study",
                                          topic="外单位", held_on=DAY, participant_count=9,
                                          attachment=SimpleUploadedFile("b.pdf", b"%PDF other"))
    assert client.get(reverse("measures:attachment", args=["study", other.pk])).status_code == 404
    assert client.get(reverse("measures:attachment", args=["nope", study.pk])).status_code == 404
