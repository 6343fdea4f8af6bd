"""The rules every record keeps: Chinese errors, nothing written on bad input; progress computed from milestones."""

import datetime as dt
from typing import TYPE_CHECKING, Any, TypedDict, cast

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.actors import SETUP
from campaigns.models import Campaign
from conftest import make_member
from core.models import AuditEntry
from measures import services
from measures.models import (
    LifeMeeting,
    Milestone,
    PartyLecture,
    PublicService,
    ResearchReport,
    ResearchTopic,
    StudySession,
)
from measures.tests.conftest import DAY, END

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class MilestoneCounts(TypedDict):
    """What measures.selectors.public_services annotates."""

    milestone_count: int
    done_count: int


def _errors(call: Any, **kwargs: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        call(actor=SETUP, **kwargs)
    return exc.value.message_dict


def test_refuses_an_organization_that_does_not_take_part(tree, campaign, past_campaign):
    # county B does not take part in the past campaign (only A did).
    errors = _errors(services.study_session_create, organization=tree.village_b, campaign=past_campaign,
                     kind="self_study", topic="学习", held_on=dt.date(2021, 5, 1), participant_count=3,
                     allow_past=True)
    assert errors["organization"] == ["“西河社区党支部”不参加“党史学习教育”，不能为它记录"]
    assert not StudySession.objects.exists()


def test_no_current_campaign(tree):
    errors = _errors(services.party_lecture_create, organization=tree.village_a, campaign=None, title="党课",
                     held_on=DAY, audience_count=3, speaker_member=make_member(tree.village_a))
    assert errors["campaign"] == ["当前没有正在开展的主题教育，无法记录"]


def test_dates_lie_inside_the_campaign_and_not_in_the_future(tree, campaign):
    before = _errors(services.study_session_create, organization=tree.village_a, campaign=campaign,
                     kind="self_study", topic="学习", held_on=dt.date(2023, 8, 31), participant_count=3)
    assert before["held_on"] == ["日期应在主题教育期间（2023年9月1日至2024年1月31日）"]
    after = _errors(services.life_meeting_create, organization=tree.village_a, campaign=campaign,
                    kind="organisational", held_on=END + dt.timedelta(days=1), attendance=3)
    assert after["held_on"] == ["日期应在主题教育期间（2023年9月1日至2024年1月31日）"]
    open_ended = Campaign.objects.filter(pk=campaign.pk)
    open_ended.update(ends_on=None)
    campaign.refresh_from_db()
    future = _errors(services.study_session_create, organization=tree.village_a, campaign=campaign,
                     kind="self_study", topic="学习", held_on=dt.date.today() + dt.timedelta(days=3),
                     participant_count=3)
    assert future["held_on"] == ["日期不能晚于今天"]
    assert not StudySession.objects.exists() and not LifeMeeting.objects.exists()


def test_every_field_error_at_once_in_chinese(tree, campaign):
    errors = _errors(services.study_session_create, organization=tree.village_a, campaign=campaign, kind="x",
                     topic=" ", held_on=None, participant_count=0)
    assert errors == {"kind": ["学习形式应为：自学、集中学习、专题研讨"], "topic": ["请填写学习主题"],
                      "held_on": ["请填写日期"], "participant_count": ["参加人数应为1至100000之间的整数"]}


def test_lecture_speaker_is_exactly_one_cadre_or_member(tree, campaign, cadres):
    member = make_member(tree.county_a)
    both = _errors(services.party_lecture_create, organization=tree.county_a, campaign=campaign, title="党课",
                   held_on=DAY, audience_count=30, speaker_cadre=cadres["deputy"], speaker_member=member)
    assert both["speaker"] == ["主讲人只能是一位：领导干部或党员，不能同时填写"]
    neither = _errors(services.party_lecture_create, organization=tree.county_a, campaign=campaign, title="党课",
                      held_on=DAY, audience_count=30)
    assert neither["speaker"] == ["请选择主讲人（领导干部或党员）"]
    assert not PartyLecture.objects.exists()
    lecture = services.party_lecture_create(actor=SETUP, organization=tree.county_a, campaign=campaign, title="党课",
                                            held_on=DAY, audience_count=30, speaker_member=member)
    assert lecture.speaker_name == member.name


def test_attachment_type_is_checked_and_kept_under_media_measures(tree, campaign, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bad = SimpleUploadedFile("run.exe", b"MZ")
    errors = _errors(services.study_session_create, organization=tree.village_a, campaign=campaign,
                     kind="self_study", topic="学习", held_on=DAY, participant_count=3, attachment=bad)
    assert "附件只能是" in errors["attachment"][0]
    renamed = SimpleUploadedFile("学习记录.pdf", b"MZ\x90\x00 program")
    errors = _errors(services.study_session_create, organization=tree.village_a, campaign=campaign,
                     kind="self_study", topic="学习", held_on=DAY, participant_count=3, attachment=renamed)
    assert errors["attachment"] == [
        "附件“学习记录.pdf”的内容不是PDF文件，与扩展名不符（可能是改了扩展名的其他文件），不能上传"]
    good = SimpleUploadedFile("学习记录.pdf", b"%PDF-1.4")
    session = services.study_session_create(actor=SETUP,
                                            organization=tree.village_a, campaign=campaign, kind="self_study",
                                            topic="学习", held_on=DAY, participant_count=3, attachment=good)
    name = session.attachment.name
    assert name is not None and name.startswith("measures/")
    assert (tmp_path / name).exists()


def test_records_are_audited(tree, campaign, cadres):
    session = services.study_session_create(actor=SETUP,
                                            organization=tree.county_a, campaign=campaign, kind="group_study",
                                            topic="中心组学习", held_on=DAY, participant_count=9,
                                            leaders=[cadres["secretary"]])
    entries = AuditEntry.objects.filter(object_type="measures.studysession", object_id=str(session.pk))
    assert entries.filter(action="create").exists()
    assert entries.filter(action="update", after__leaders=[cadres["secretary"].pk]).exists()


def test_research_chain(tree, campaign, cadres):
    topic = services.research_topic_create(actor=SETUP, organization=tree.county_a, campaign=campaign, title="乡村振兴",
                                           lead_cadre=cadres["secretary"])
    report = services.research_report_create(actor=SETUP, topic=topic, title="乡村振兴调研报告", submitted_on=DAY)
    ps = services.public_service_create(actor=SETUP,
                                        organization=tree.county_a, campaign=campaign, title="建设便民服务站",
                                        target="覆盖全部行政村", owner="区民政局", deadline=END)
    use = services.research_use_create(actor=SETUP, report=report, text="转化为便民服务站建设", public_service=ps)
    exchange = services.results_exchange_create(actor=SETUP, organization=tree.county_a, campaign=campaign, held_on=DAY,
                                                topics=[topic])
    assert use.public_service == ps and list(exchange.topics.all()) == [topic]
    errors = _errors(services.research_report_create, topic=topic, title="", submitted_on=None)
    assert errors == {"title": ["请填写报告标题"], "submitted_on": ["请填写形成日期"]}
    assert ResearchReport.objects.count() == 1 and ResearchTopic.objects.count() == 1


def test_progress_is_computed_from_milestones(tree, campaign):
    ps = services.public_service_create(actor=SETUP, organization=tree.village_a, campaign=campaign, title="修缮村道",
                                        target="年底前完成", owner="村委会", deadline=END)
    assert ps.progress == 0  # no milestones yet
    steps = [services.milestone_create(actor=SETUP, public_service=ps, title=t, due_on=DAY)
             for t in ("立项", "施工", "验收", "交付")]
    services.milestone_set_done(actor=SETUP, milestone=steps[0], done_on=DAY)
    assert PublicService.objects.get(pk=ps.pk).progress == 25
    services.milestone_set_done(actor=SETUP, milestone=steps[1], done_on=DAY)
    from measures.selectors import public_services

    annotated = cast("WithAnnotations[PublicService, MilestoneCounts]",
                     public_services(PublicService.objects.all()).get())
    assert (annotated.milestone_count, annotated.done_count, annotated.progress) == (4, 2, 50)
    services.milestone_set_done(actor=SETUP, milestone=steps[1], done_on=None)
    assert PublicService.objects.get(pk=ps.pk).progress == 25
    with pytest.raises(ValidationError):
        services.milestone_set_done(actor=SETUP, milestone=steps[2], done_on=dt.date(2030, 1, 1))
    assert Milestone.objects.filter(done_on__isnull=False).count() == 1


def test_public_service_deadline_inside_the_campaign(tree, campaign):
    errors = _errors(services.public_service_create, organization=tree.village_a, campaign=campaign, title="实事",
                     target="", owner="", deadline=dt.date(2025, 1, 1))
    assert errors == {"target": ["请填写目标"], "owner": ["请填写责任单位或责任人"],
                      "deadline": ["完成时限应在主题教育期间（2023年9月1日至2024年1月31日）"]}
    assert not PublicService.objects.exists()


# People named on a record belong to its organisation, on create as on update


def test_create_refuses_cadres_and_members_of_another_unit(tree, campaign, cadres):
    secretary = cadres["secretary"]  # county A's secretary
    b1a = tree.village_b
    errors = _errors(services.study_session_create, organization=b1a, campaign=campaign, kind="group_study",
                     topic="学习", held_on=DAY, participant_count=3, leaders=[secretary])
    assert errors["leaders"] == ["参加的班子成员应为“西河社区党支部”的班子成员，或其上级党组织县处级以上的联系点领导"]
    errors = _errors(services.party_lecture_create, organization=b1a, campaign=campaign, title="党课", held_on=DAY,
                     audience_count=10, speaker_cadre=secretary)
    assert errors["speaker"] == ["主讲领导干部应为“西河社区党支部”的班子成员，或其上级党组织县处级以上的联系点领导"]
    member_a = make_member(tree.village_a, name="张三")
    errors = _errors(services.party_lecture_create, organization=b1a, campaign=campaign, title="党课", held_on=DAY,
                     audience_count=10, speaker_member=member_a)
    assert errors["speaker"] == ["主讲党员应为“西河社区党支部”的党员"]
    errors = _errors(services.life_meeting_create, organization=b1a, campaign=campaign, kind="organisational",
                     held_on=DAY, attendance=5, items=[{"kind": "self_criticism", "text": "检视", "cadre": None},
                                                       {"kind": "self_criticism", "text": "检视", "cadre": secretary}])
    assert errors["items"] == [
        "第2条意见：涉及的领导干部应为“西河社区党支部”的班子成员，或其上级党组织县处级以上的联系点领导"]
    assert not (StudySession.objects.exists() or PartyLecture.objects.exists() or LifeMeeting.objects.exists())

    meeting = services.life_meeting_create(actor=SETUP,
                                           organization=b1a, campaign=campaign, kind="organisational", held_on=DAY,
                                           attendance=5)
    errors = _errors(services.life_meeting_item_create, meeting=meeting, kind="self_criticism", text="检视",
                     cadre=secretary)
    assert errors["cadre"] == ["涉及的领导干部应为“西河社区党支部”的班子成员，或其上级党组织县处级以上的联系点领导"]
    assert not meeting.items.exists()
    # The unit's own people are fine.
    own = services.party_lecture_create(actor=SETUP,
                                        organization=tree.county_a, campaign=campaign, title="党课", held_on=DAY,
                                        audience_count=10, speaker_cadre=secretary)
    assert own.speaker_cadre == secretary


# New records go into the current campaign only


def test_create_refuses_a_past_campaign_unless_building_history(tree, campaign, past_campaign):
    a, when = tree.county_a, dt.date(2021, 5, 1)
    past = {"organization": a, "campaign": past_campaign}
    calls: list[tuple[Any, dict[str, Any]]] = [
        (services.study_session_create, {**past, "kind": "self_study", "topic": "学党史", "held_on": when,
                                         "participant_count": 3}),
        (services.party_lecture_create, {**past, "title": "党史党课", "held_on": when, "audience_count": 3,
                                         "speaker_member": make_member(a, name="王五")}),
        (services.life_meeting_create, {**past, "kind": "democratic", "held_on": when, "attendance": 5}),
        (services.research_topic_create, {**past, "title": "党史调研"}),
        (services.public_service_create, {**past, "title": "办实事", "target": "完成", "owner": "区委办",
                                          "deadline": when}),
        (services.results_exchange_create, {**past, "held_on": when}),
    ]
    for call, kwargs in calls:
        errors = _errors(call, **kwargs)
        assert errors["campaign"] == ["“党史学习教育”不是当前开展的主题教育，它的记录只能查看，不能修改或补充"], call
    assert not (StudySession.objects.exists() or PartyLecture.objects.exists() or LifeMeeting.objects.exists()
                or ResearchTopic.objects.exists() or PublicService.objects.exists())

    # Tests (and only they) build history on purpose.
    for call, kwargs in calls:
        call(actor=SETUP, allow_past=True, **kwargs)
    service = PublicService.objects.get(campaign=past_campaign)
    topic = ResearchTopic.objects.get(campaign=past_campaign)
    assert _errors(services.milestone_create, public_service=service, title="开工", due_on=when)["campaign"]
    assert _errors(services.research_report_create, topic=topic, title="报告", submitted_on=when)["campaign"]
    services.milestone_create(actor=SETUP, public_service=service, title="开工", due_on=when, allow_past=True)
    services.research_report_create(actor=SETUP, topic=topic, title="报告", submitted_on=when, allow_past=True)
    assert StudySession.objects.filter(campaign=past_campaign).count() == 1
    assert Milestone.objects.filter(public_service=service).count() == 1
    assert ResearchReport.objects.filter(topic=topic).count() == 1


def test_a_county_leader_may_be_named_at_a_unit_below_him(tree, campaign, cadres):
    """His contact point: a county secretary lecturing at a village of his county is his own lead action."""
    secretary = cadres["secretary"]  # county A's secretary
    lecture = services.party_lecture_create(actor=SETUP,
                                            organization=tree.village_a, campaign=campaign, title="联系点党课",
                                            held_on=DAY, audience_count=20, speaker_cadre=secretary)
    assert lecture.speaker_cadre == secretary


def test_a_research_result_can_lead_to_a_problem_of_its_own_unit_only(tree, users, campaign, cadres):
    from problems.services import problem_create

    topic = services.research_topic_create(actor=SETUP, organization=tree.county_a, campaign=campaign, title="基层减负")
    report = services.research_report_create(actor=SETUP, topic=topic, title="基层减负调研报告", submitted_on=DAY)
    own = problem_create(actor=users["office"], organization=tree.county_a, description="报表过多，基层负担重",
                         source="self", category="style")
    other = problem_create(actor=users["office"], organization=tree.county_b, description="会议过多",
                           source="self", category="style")
    errors = _errors(services.research_use_create, report=report, text="列入问题清单", problem=other)
    assert errors == {"problem": ["关联的问题应是本组织在同一次主题教育中的问题"]}
    use = services.research_use_create(actor=SETUP, report=report, text="列入问题清单", problem=own)
    assert use.problem == own and list(own.research_uses.all()) == [use]
