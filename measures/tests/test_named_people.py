"""Whom a record may name: exactly the people its forms offer (services.nameable_cadres) — the unit's own team
(本单位班子成员) and the county-level+ leaders of the organisations above it (联系点领导), under their own headings.
Every one offered is accepted by the pages, the quick form and the API; a value not offered is refused with a
Chinese message, never dropped."""

import json
from typing import Any

import pytest

from accounts.actors import SETUP
from api.tests.helpers import ApiClient
from measures import forms, services
from measures.models import LifeMeeting, PartyLecture, StudySession
from measures.tests.conftest import DAY
from orgs.services import cadre_create

QUICK = "/measures/quick/"


@pytest.fixture
def people(tree: Any, cadres: dict[str, Any]) -> dict[str, Any]:
    """Besides the county's two leaders and the township's secretary (乡科级): the village's own secretary, the
    city's mayor, and a county leader of the other county."""
    return {
        **cadres,
        "village": cadre_create(actor=SETUP,
                                organization=tree.village_a, name="钱村支书", id_number="110101199003070054",
                                position="村党支部书记", rank=10),
        "mayor": cadre_create(actor=SETUP, organization=tree.city, name="孙市长", id_number="110101199003070070",
                              position="市长", rank=70),
        "elsewhere": cadre_create(actor=SETUP,
                                  organization=tree.county_b, name="周县长", id_number="110101199003070097",
                                  position="县长", rank=50),
    }


def _flat(choices: Any) -> dict[str, list[str]]:
    """{heading: [labels]} of grouped choices (the blank choice left out)."""
    return {str(group): [str(label) for _, label in options] for group, options in choices
            if isinstance(options, list | tuple)}


def test_a_village_form_offers_its_team_and_the_leaders_above_under_their_own_headings(tree, campaign, people):
    form = forms.StudySessionForm(org=tree.village_a)
    leaders = form.fields["leaders"]
    assert isinstance(leaders, forms.CadresField)
    groups = _flat(leaders.choices)
    assert list(groups) == ["本单位班子成员", "联系点领导（城关区委）", "联系点领导（示范市委）"]
    assert groups["本单位班子成员"] == ["钱村支书（村党支部书记）"]  # the city's leaders are not its team
    assert groups["联系点领导（城关区委）"] == ["吴刚（区委书记）", "李强（区委副书记）"]
    assert groups["联系点领导（示范市委）"] == ["孙市长（市长）"]
    offered = {label for labels in groups.values() for label in labels}
    # Never a leader of another county, nor one above the village below county level (the township's 乡科级).
    assert "周县长（县长）" not in offered and "郑洁（镇党委书记）" not in offered


@pytest.mark.parametrize("form_class, field", [
    (forms.StudySessionForm, "leaders"), (forms.PartyLectureForm, "speaker"),
    (forms.ResearchReportForm, "author_cadre"), (forms.PublicServiceForm, "owner_cadre"),
    (forms.LifeMeetingItemForm, "cadre"), (forms.QuickRecordForm, "leaders"), (forms.QuickRecordForm, "speaker"),
    (forms.ResearchTopicForm, "lead_cadre"),
])
def test_every_form_offers_exactly_whom_the_service_accepts(tree, campaign, people, form_class, field):
    form = form_class(org=tree.village_a)
    values = [str(v).lstrip("c") for _, options in form.fields[field].choices if isinstance(options, list)
              for v, _ in options if not str(v).startswith("m")]
    county_level = field == "lead_cadre"
    expected = services.nameable_cadres(tree.village_a, county_level=county_level)
    assert sorted(int(v) for v in values) == sorted(expected.values_list("pk", flat=True))
    assert len(values) == (3 if county_level else 4)  # 3 leaders above (+ the village's own secretary)


def test_a_village_records_a_lecture_given_by_its_county_leader(client, users, tree, campaign, people):
    """Offered as 主讲人 and refused before ("请选择主讲人（领导干部或党员）"): saved now, and his lead action."""
    client.force_login(users["unit"])
    secretary = people["secretary"]
    url = f"/measures/unit/{tree.village_a.code}/lecture/new/"
    response = client.post(url, {"title": "联系点专题党课", "held_on": DAY.isoformat(), "speaker": f"c{secretary.pk}",
                                 "audience_count": "30"})
    assert response.status_code == 302, response.content.decode()
    lecture = PartyLecture.objects.get()
    assert (lecture.organization, lecture.speaker_cadre) == (tree.village_a, secretary)


def test_the_quick_form_saves_a_lecture_and_a_study_with_leaders_from_above(client, users, tree, campaign, people):
    client.force_login(users["unit"])
    mayor, secretary, own = people["mayor"], people["secretary"], people["village"]
    response = client.post(QUICK, {"what": "lecture", "held_on": DAY.isoformat(), "title": "市长讲党课",
                                   "count": "40", "speaker": f"c{mayor.pk}"})
    assert response.status_code == 302, response.content.decode()
    assert PartyLecture.objects.get().speaker_cadre == mayor
    response = client.post(QUICK, {"what": "study", "held_on": DAY.isoformat(), "title": "集中学习",
                                   "count": "12", "study_kind": "group_study",
                                   "leaders": [str(own.pk), str(secretary.pk), str(mayor.pk)]})
    assert response.status_code == 302, response.content.decode()
    # Every leader ticked is kept (the leaders above were silently dropped before).
    assert set(StudySession.objects.get().leaders.all()) == {own, secretary, mayor}


def test_the_entry_page_keeps_every_leader_ticked(client, users, tree, campaign, people):
    client.force_login(users["unit"])
    secretary, deputy = people["secretary"], people["deputy"]
    response = client.post(f"/measures/unit/{tree.village_a.code}/study/new/", {
        "kind": "seminar", "topic": "专题研讨", "held_on": DAY.isoformat(), "participant_count": "9",
        "leaders": [str(secretary.pk), str(deputy.pk)]})
    assert response.status_code == 302, response.content.decode()
    assert set(StudySession.objects.get().leaders.all()) == {secretary, deputy}


def test_a_leader_not_offered_is_refused_with_a_message_and_nothing_is_saved(client, users, tree, campaign, people):
    client.force_login(users["office"])
    elsewhere, township = people["elsewhere"], people["township"]
    response = client.post(f"{QUICK}?org={tree.village_a.code}", {
        "what": "study", "org": tree.village_a.code, "held_on": DAY.isoformat(), "title": "集中学习", "count": "12",
        "study_kind": "group_study", "leaders": [str(people["secretary"].pk), str(elsewhere.pk)]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "请从列表中选择参加的班子成员" in html
    assert 'value="集中学习"' in html  # what was typed is kept
    response = client.post(f"/measures/unit/{tree.village_a.code}/lecture/new/", {
        "title": "党课", "held_on": DAY.isoformat(), "speaker": f"c{township.pk}", "audience_count": "30"})
    assert response.status_code == 200 and "请从列表中选择主讲人" in response.content.decode()
    assert not StudySession.objects.exists() and not PartyLecture.objects.exists()


def test_the_service_refuses_a_leader_above_below_county_level(tree, campaign, people):
    """The township's 乡科级 secretary is not offered at the village, so the service does not accept him either
    (it did before: the offer and the rule disagreed)."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.study_session_create(actor=SETUP, organization=tree.village_a, campaign=campaign, kind="group_study",
                                      topic="学习", held_on=DAY, participant_count=3, leaders=[people["township"]])
    assert caught.value.message_dict["leaders"] == [
        "参加的班子成员应为“东关村党支部”的班子成员，或其上级党组织县处级以上的联系点领导"]
    assert not StudySession.objects.exists()


def _post(api: ApiClient, path: str, body: dict[str, Any]) -> Any:
    return api.post(path, json.dumps(body, default=str), content_type="application/json")


def test_the_api_accepts_a_village_unit_naming_its_county_leader(client, users, tree, campaign, people):
    """The unit's account does not see the county's cadres, yet may name its contact-point leaders (it was 404)."""
    api = ApiClient(client, users["unit"])
    secretary = people["secretary"]
    response = _post(api, "/measures/lectures", {"org": "A1a", "title": "联系点党课", "held_on": DAY.isoformat(),
                                                 "audience_count": 20, "speaker_cadre": secretary.pk})
    assert response.status_code == 201, response.content
    response = _post(api, "/measures/study-sessions", {
        "org": "A1a", "kind": "group_study", "topic": "集中学习", "held_on": DAY.isoformat(), "participant_count": 9,
        "leaders": [secretary.pk, people["mayor"].pk]})
    assert response.status_code == 201, response.content
    assert set(StudySession.objects.get().leaders.all()) == {secretary, people["mayor"]}
    response = _post(api, "/measures/life-meetings", {
        "org": "A1a", "kind": "organisational", "held_on": DAY.isoformat(), "attendance": 5,
        "items": [{"kind": "self_criticism", "text": "检视", "cadre": people["elsewhere"].pk}]})
    assert response.status_code == 422
    assert response.json()["errors"]["items"] == [
        "第1条意见：涉及的领导干部应为“东关村党支部”的班子成员，或其上级党组织县处级以上的联系点领导"]
    assert not LifeMeeting.objects.exists()


def test_a_person_no_longer_offered_is_shown_on_correction_and_never_dropped_unseen(client, users, tree, campaign,
                                                                                    people):
    """The county's secretary took part in a village's study, then moved to the other county. Correcting the
    session shows him ticked under his own heading; saving as is is refused with the reason (before, he was not
    shown and the save dropped him silently); unticking him is the user's own choice."""
    from orgs.models import Cadre

    secretary = people["secretary"]
    session = services.study_session_create(actor=SETUP, organization=tree.village_a, campaign=campaign, kind="seminar",
                                            topic="专题研讨", held_on=DAY, participant_count=9, leaders=[secretary])
    Cadre.objects.filter(pk=secretary.pk).update(organization=tree.county_b)
    client.force_login(users["unit"])
    url = f"/measures/unit/{tree.village_a.code}/study/{session.pk}/"
    html = client.get(url).content.decode()
    kept = html.split(forms.KEPT_HEADING)[1].split("</div>\\n</div>")[0]
    assert "吴刚（区委书记）· 河西县委" in kept and "checked" in kept
    data = {"kind": "seminar", "topic": "专题研讨", "held_on": DAY.isoformat(), "participant_count": "9"}
    response = client.post(url, {**data, "leaders": [str(secretary.pk)]})
    assert response.status_code == 200
    reason = "参加的班子成员应为“东关村党支部”的班子成员，或其上级党组织县处级以上的联系点领导"
    assert reason in response.content.decode()
    assert list(session.leaders.all()) == [secretary]
    assert client.post(url, data).status_code == 302
    assert list(session.leaders.all()) == []
