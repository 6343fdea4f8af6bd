"""A record identical to one already saved (same unit, date, kind and title) is asked about before it is saved
again: the service refuses it under `duplicate` unless confirmed; the pages keep what was typed and offer "仍然保存";
the API answers 422 unless `confirm_duplicate` is set."""

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts.actors import SETUP
from api.tests.helpers import ApiClient
from measures import services
from measures.models import LifeMeeting, PartyLecture, StudySession
from measures.tests.conftest import DAY

QUICK = "/measures/quick/"
STUDY = {"what": "study", "held_on": DAY.isoformat(), "title": "学习《习近平著作选读》", "count": "12",
         "study_kind": "group_study"}


def test_the_same_study_session_twice_is_refused_unless_confirmed(tree, campaign):
    args = {"organization": tree.village_a, "campaign": campaign, "kind": "group_study", "topic": "集中学习",
            "held_on": DAY, "participant_count": 10}
    services.study_session_create(actor=SETUP, **args)
    with pytest.raises(ValidationError) as caught:
        services.study_session_create(actor=SETUP, **{**args, "topic": " 集中学习 ", "kind": "seminar"})
    assert caught.value.message_dict == {
        "duplicate": ["2023年10月10日已记录过学习研讨“集中学习”，这是否是同一次？如确是另外一次，请点“仍然保存”"]}
    assert StudySession.objects.count() == 1
    services.study_session_create(actor=SETUP, **args, confirm_duplicate=True)
    # Another day, another title or another unit is not the same record.
    services.study_session_create(actor=SETUP, **{**args, "topic": "再学习"})
    services.study_session_create(actor=SETUP, **{**args, "organization": tree.village_b})
    assert StudySession.objects.count() == 4


def test_the_same_lecture_or_meeting_twice_is_refused_unless_confirmed(tree, campaign):
    lecture = {"organization": tree.county_a, "campaign": campaign, "title": "党课", "held_on": DAY,
               "audience_count": 30}
    from conftest import make_member

    member = make_member(tree.county_a)
    services.party_lecture_create(actor=SETUP, **lecture, speaker_member=member)
    with pytest.raises(ValidationError):
        services.party_lecture_create(actor=SETUP, **lecture, speaker_member=member)
    meeting = {"organization": tree.village_a, "campaign": campaign, "kind": "organisational", "held_on": DAY,
               "attendance": 8}
    services.life_meeting_create(actor=SETUP, **meeting)
    with pytest.raises(ValidationError) as caught:
        services.life_meeting_create(actor=SETUP, **meeting)
    assert "已记录过专题组织生活会" in caught.value.message_dict["duplicate"][0]
    services.life_meeting_create(actor=SETUP, **{**meeting, "kind": "democratic"})  # another kind of meeting
    assert PartyLecture.objects.count() == 1 and LifeMeeting.objects.count() == 2


def test_the_quick_form_asks_before_saving_the_same_record_and_keeps_what_was_typed(client, users, tree, campaign):
    client.force_login(users["unit"])
    assert client.post(QUICK, STUDY).status_code == 302
    response = client.post(QUICK, STUDY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "已记录过学习研讨“学习《习近平著作选读》”" in html
    assert 'name="confirm_duplicate" value="1"' in html and "仍然保存" in html
    assert 'value="学习《习近平著作选读》"' in html and 'value="12"' in html
    assert StudySession.objects.count() == 1
    response = client.post(QUICK, {**STUDY, "confirm_duplicate": "1"})
    assert response.status_code == 302
    assert StudySession.objects.count() == 2


def test_the_entry_page_asks_too(client, users, tree, campaign):
    client.force_login(users["unit"])
    url = f"/measures/unit/{tree.village_a.code}/meeting/new/"
    data = {"kind": "organisational", "held_on": DAY.isoformat(), "topic": "对照检视", "attendance": "8"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200 and "仍然保存" in response.content.decode()
    assert LifeMeeting.objects.count() == 1
    assert client.post(url, {**data, "confirm_duplicate": "1"}).status_code == 302
    assert LifeMeeting.objects.count() == 2


def test_the_api_refuses_the_same_record_with_422_unless_confirmed(client, users, tree, campaign):
    api = ApiClient(client, users["unit"])
    body: dict[str, Any] = {"org": "A1a", "kind": "group_study", "topic": "集中学习", "held_on": DAY.isoformat(),
                            "participant_count": 9}

    def post(payload: dict[str, Any]) -> Any:
        return api.post("/measures/study-sessions", json.dumps(payload), content_type="application/json")

    assert post(body).status_code == 201
    response = post(body)
    assert response.status_code == 422
    assert "已记录过学习研讨" in response.json()["errors"]["duplicate"][0]
    assert post({**body, "confirm_duplicate": True}).status_code == 201
    assert StudySession.objects.count() == 2


def test_a_topic_or_commitment_with_a_title_the_unit_has_is_asked_about(client, users, tree, campaign):
    from measures.models import PublicService, ResearchTopic

    services.research_topic_create(actor=SETUP, organization=tree.village_a, campaign=campaign, title="村集体经济发展")
    with pytest.raises(ValidationError) as caught:
        services.research_topic_create(actor=SETUP,
                                       organization=tree.village_a, campaign=campaign, title=" 村集体经济发展")
    assert caught.value.message_dict == {
        "duplicate": ["本单位已有调研课题“村集体经济发展”，这是否是同一个？如确是另外一个，请点“仍然保存”"]}
    services.research_topic_create(actor=SETUP, organization=tree.village_b, campaign=campaign, title="村集体经济发展")
    client.force_login(users["unit"])
    url = f"/measures/unit/{tree.village_a.code}/service/new/"
    data = {"title": "修缮村道", "target": "硬化两公里", "owner": "村委会", "deadline": "2024-01-20"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200 and "本单位已有为民办实事项目“修缮村道”" in response.content.decode()
    assert 'value="硬化两公里"' in response.content.decode() or "硬化两公里</textarea>" in response.content.decode()
    assert client.post(url, {**data, "confirm_duplicate": "1"}).status_code == 302
    api = ApiClient(client, users["unit"])
    body = {"org": "A1a", "title": "村集体经济发展"}
    response = api.post("/measures/research-topics", json.dumps(body), content_type="application/json")
    assert response.status_code == 422 and "duplicate" in response.json()["errors"]
    response = api.post("/measures/research-topics", json.dumps({**body, "confirm_duplicate": True}),
                        content_type="application/json")
    assert response.status_code == 201
    assert ResearchTopic.objects.filter(organization=tree.village_a).count() == 2
    assert PublicService.objects.count() == 2
