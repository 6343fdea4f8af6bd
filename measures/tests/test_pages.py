"""The quick record and a unit's campaign page (the coverage view and its export: assessment/tests)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.actors import SETUP
from measures import services
from measures.models import LifeMeeting, PartyLecture, StudySession
from measures.tests.conftest import DAY
from orgs.services import cadre_create

QUICK = "/measures/quick/"


def _post(client: Any, **data: Any) -> Any:
    base = {"what": "study", "held_on": DAY.isoformat(), "title": "学习《习近平著作选读》", "count": "12",
            "study_kind": "group_study"}
    base.update(data)
    return client.post(QUICK, {k: v for k, v in base.items() if v is not None})


# ---------------------------------------------------------------------------------------------------------
# Quick record


def test_unit_records_a_study_session_for_its_own_organization(client, users, tree, campaign):
    client.force_login(users["unit"])
    page = client.get(QUICK)
    assert page.status_code == 200 and "快速记录" in page.content.decode()
    response = _post(client)
    assert response.status_code == 302
    session = StudySession.objects.get()
    assert (session.organization, session.campaign, session.kind, session.participant_count) == (
        tree.village_a, campaign, "group_study", 12)
    assert response["Location"].startswith(reverse("measures:unit", args=["A1a"]))
    assert "学习《习近平著作选读》" in client.get(response["Location"]).content.decode()


def test_quick_form_has_at_most_six_required_fields(users, campaign, tree):
    from measures.forms import QuickRecordForm

    form = QuickRecordForm(org=tree.village_a, choose_org=True)
    required = [name for name, f in form.fields.items() if f.required]
    # plus one conditional field (the study form for study, the speaker for a lecture)
    assert len(required) + 1 <= 6, required


def test_quick_record_errors_are_chinese_and_keep_what_was_typed(client, users, campaign):
    client.force_login(users["unit"])
    response = _post(client, title="", count="0", held_on="2023-13-40", study_kind="")
    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写主题" in html and "参加人数至少为1" in html and "日期格式不正确" in html
    assert "请选择学习形式" in html
    assert not StudySession.objects.exists()

    response = _post(client, title="专题研讨：以学正风", held_on="2022-05-01")
    html = response.content.decode()
    assert "日期应在主题教育期间（2023年9月1日至2024年1月31日）" in html
    assert 'value="专题研讨：以学正风"' in html and 'value="12"' in html  # what was typed is kept
    assert not StudySession.objects.exists()


def test_lecture_needs_a_speaker_and_records_a_cadres_lecture(client, users, tree, campaign):
    cadre = cadre_create(actor=SETUP, organization=tree.village_a, name="王书记", id_number="11010519491231002X",
                         position="村党支部书记", rank=20)
    client.force_login(users["unit"])
    response = _post(client, what="lecture", title="讲好专题党课", count="30", study_kind=None)
    assert "请选择主讲人（领导干部或党员）" in response.content.decode()
    assert not PartyLecture.objects.exists()
    response = _post(client, what="lecture", title="讲好专题党课", count="30", speaker=f"c{cadre.pk}")
    assert response.status_code == 302
    lecture = PartyLecture.objects.get()
    assert lecture.speaker_cadre == cadre and lecture.audience_count == 30


def test_organizational_life_meeting_by_quick_form(client, users, campaign):
    client.force_login(users["unit"])
    assert _post(client, what="meeting", title="对照检视", count="9").status_code == 302
    meeting = LifeMeeting.objects.get()
    assert (meeting.kind, meeting.topic, meeting.attendance) == ("organisational", "对照检视", 9)


def test_office_records_for_an_organization_it_chooses(client, users, tree, campaign):
    client.force_login(users["office"])
    html = client.get(QUICK + "?org=A1").content.decode()
    assert 'name="org" value="A1"' in html and 'value="城关镇党委"' in html  # the picker, by name and place
    response = _post(client, org="")
    assert "请选择您管辖范围内的党组织" in response.content.decode()
    assert _post(client, org="A1").status_code == 302
    assert StudySession.objects.get().organization == tree.township_a


def test_no_record_for_an_organization_outside_the_campaign(tree, campaign):
    from orgs.services import org_create

    other = org_create(actor=SETUP,
                       parent=None, code="X", name="未参学组织", kind="committee", sector="organ", tier="city")
    with pytest.raises(ValidationError) as exc:
        services.study_session_create(actor=SETUP,
                                      organization=other, campaign=campaign, kind="self_study", topic="自学",
                                      held_on=DAY, participant_count=1)
    assert "不参加" in str(exc.value)


@pytest.mark.parametrize("role", ["leader", "liaison", "sysadmin", "secadmin", "auditor"])
def test_read_only_roles_get_404_on_the_form(client, users, campaign, role):
    client.force_login(users[role])
    assert client.get(QUICK).status_code == 404
    assert _post(client, org="A1a").status_code == 404
    assert not StudySession.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# A unit's campaign page


def test_unit_page_shows_only_what_its_profile_says_applies(client, users, tree, campaign):
    client.force_login(users["office"])
    village = client.get(reverse("measures:unit", args=["A1a"])).content.decode()
    organ = client.get(reverse("measures:unit", args=["A"])).content.decode()
    # The village's profile (村 · 村(社区)) is simplified and has no democratic life meeting.
    assert "简化程序" in village
    assert "尚未记录专题民主生活会" not in village and "尚未记录专题组织生活会" in village
    # A county organ holds a democratic life meeting, without simplified procedures.
    assert "尚未记录专题民主生活会" in organ and "简化程序" not in organ


def test_unit_page_open_items_follow_the_records(client, users, tree, campaign):
    from campaigns.models import GuidanceProfile

    GuidanceProfile.objects.filter(sector="village", tier="village").update(applies_lecture=False)
    client.force_login(users["unit"])
    url = reverse("measures:unit", args=["A1a"])
    html = client.get(url).content.decode()
    assert "尚未记录学习研讨" in html and "尚未记录专题党课" not in html
    services.study_session_create(actor=SETUP, organization=tree.village_a, campaign=campaign, kind="self_study",
                                  topic="读原著学原文", held_on=DAY, participant_count=8)
    html = client.get(url).content.decode()
    assert "尚未记录学习研讨" not in html and "读原著学原文" in html


def test_unit_page_shows_public_service_progress_bars(client, users, tree, campaign):
    ps = services.public_service_create(actor=SETUP, organization=tree.village_a, campaign=campaign, title="修缮村道",
                                        target="年底前完成", owner="村委会", deadline=DAY)
    services.milestone_create(actor=SETUP, public_service=ps, title="立项", due_on=DAY, done_on=DAY)
    services.milestone_create(actor=SETUP, public_service=ps, title="完工", due_on=DAY)
    client.force_login(users["unit"])
    html = client.get(reverse("measures:unit", args=["A1a"])).content.decode()
    assert 'aria-valuenow="50"' in html and "1/2个节点完成" in html


def test_unit_page_is_scoped(client, users, campaign):
    client.force_login(users["unit"])
    assert client.get(reverse("measures:unit", args=["B1a"])).status_code == 404
    assert client.get(reverse("measures:unit", args=["A1"])).status_code == 404
    client.force_login(users["sysadmin"])
    assert client.get(reverse("measures:unit", args=["A1a"])).status_code == 404


def test_unit_page_of_a_past_campaign(client, users, tree, campaign, past_campaign):
    import datetime as dt

    services.study_session_create(actor=SETUP, organization=tree.county_a, campaign=past_campaign, kind="self_study",
                                  topic="学党史", held_on=dt.date(2021, 5, 1), participant_count=20, allow_past=True)
    client.force_login(users["office"])
    url = reverse("measures:unit", args=["A"])
    assert "学党史" not in client.get(url).content.decode()
    assert "学党史" in client.get(url, {"campaign": past_campaign.pk}).content.decode()


def test_a_meeting_is_named_with_a_chinese_date(client, users, tree, campaign):
    """The name shown in messages and titles reads 2023年10月10日, not 2023-10-10."""
    client.force_login(users["unit"])
    response = client.post(QUICK, {"what": "meeting", "held_on": DAY.isoformat(), "title": "对照检视", "count": "8"})
    meeting = LifeMeeting.objects.get()
    assert str(meeting) == "专题组织生活会（2023年10月10日）"
    assert "已记录：专题组织生活会（2023年10月10日）" in client.get(response["Location"]).content.decode()


