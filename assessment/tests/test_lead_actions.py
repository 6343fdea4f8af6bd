"""Lead actions of the key minority are derived from the records, and change when a record comes or goes."""

from typing import Any

from accounts.actors import SETUP
from assessment.lead_actions import lead_actions
from campaigns.models import Campaign, Participation
from measures import services
from measures.tests.conftest import DAY
from orgs.models import Organization
from orgs.services import cadre_create


def _office() -> Any:
    """The city's office: it sees every record of the fixture tree."""
    from accounts.models import User

    return User.objects.get(username="office")


def _actions(campaign: Any, orgs: Any = None, user: Any = None) -> dict[str, dict[str, bool | None]]:
    orgs = orgs if orgs is not None else Organization.objects.all()
    rows = lead_actions(campaign, orgs, actor=user or _office())
    return {row.cadre.name: {c.action: c.done for c in row.cells} for row in rows}


def test_only_county_level_cadres_of_participating_orgs(tree, users, campaign, cadres):
    from core.cn import make_id_number
    from orgs.services import org_create

    outside = org_create(actor=SETUP,
                         parent=None, code="X", name="未参学", kind="committee", sector="organ", tier="county")
    cadre_create(actor=SETUP, organization=outside, name="外单位", position="书记", rank=50,
                 id_number=make_id_number("130102", DAY.replace(year=1970), 7, "M"))
    assert set(_actions(campaign)) == {"吴刚", "李强"}  # not 郑洁 (below county level), not 外单位 (not taking part)
    assert set(_actions(campaign, Organization.objects.filter(code="A1"))) == set()


def test_nothing_recorded_nothing_derived(tree, users, campaign, cadres):
    actions = _actions(campaign)["吴刚"]
    assert actions == {"studied": False, "researched": False, "lectured": False, "found_problems": False,
                       "rectified": False}


def _problem(users: Any, tree: Any, cadre: Any, source: str) -> Any:
    from problems.services import problem_create

    return problem_create(actor=users["unit"], organization=tree.village_a, description="联系群众不够紧密",
                          source=source, category="style", responsible_cadre=cadre)


def test_problems_he_found_and_rectified_come_from_the_ledger(tree, users, campaign, cadres, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from problems.services import problem_act

    settings.MEDIA_ROOT = tmp_path
    wu, li = cadres["secretary"], cadres["deputy"]
    pointed_out = _problem(users, tree, li, "superior")
    assert _actions(campaign)["李强"]["found_problems"] is False  # pointed out by a superior: not his examination
    found = _problem(users, tree, wu, "self")
    assert _actions(campaign)["吴刚"] == {"studied": False, "researched": False, "lectured": False,
                                        "found_problems": True, "rectified": False}
    found = problem_act(actor=users["unit"], problem=found, action="start")
    found = problem_act(actor=users["unit"], problem=found, action="claim",
                        files=[SimpleUploadedFile("整改.pdf", b"%PDF evidence")])
    assert _actions(campaign)["吴刚"]["rectified"] is False  # claimed is not closed: someone else verifies first
    problem_act(actor=users["office"], problem=found, action="close", note="核对了整改材料，整改到位")
    assert _actions(campaign)["吴刚"]["rectified"] is True
    row = next(r for r in lead_actions(campaign, Organization.objects.all(), actor=users["office"])
               if r.cadre == wu)
    assert row.by_action["rectified"].proofs[0].url == f"/problems/{found.pk}/"
    assert _actions(campaign)["李强"]["rectified"] is False
    assert pointed_out.status == "registered"


def test_each_action_comes_from_its_record_and_goes_with_it(tree, users, campaign, cadres):
    wu, li = cadres["secretary"], cadres["deputy"]
    a = tree.county_a
    study = services.study_session_create(actor=SETUP,
                                          organization=a, campaign=campaign, kind="group_study", topic="中心组学习",
                                          held_on=DAY, participant_count=20, leaders=[wu])
    assert _actions(campaign)["吴刚"]["studied"] is True and _actions(campaign)["李强"]["studied"] is False

    topic = services.research_topic_create(actor=SETUP,
                                           organization=a, campaign=campaign, title="营商环境", lead_cadre=wu)
    assert _actions(campaign)["吴刚"]["researched"] is False  # a topic without a report is not enough
    report = services.research_report_create(actor=SETUP,
                                             topic=topic, title="关于优化营商环境的调研报告", submitted_on=DAY)
    assert _actions(campaign)["吴刚"]["researched"] is True
    other = services.research_topic_create(actor=SETUP, organization=a, campaign=campaign, title="基层治理")
    services.research_report_create(actor=SETUP, topic=other, title="基层治理调研", submitted_on=DAY, author_cadre=li)
    assert _actions(campaign)["李强"]["researched"] is True

    lecture = services.party_lecture_create(actor=SETUP,
                                            organization=a, campaign=campaign, title="专题党课", held_on=DAY,
                                            audience_count=80, speaker_cadre=li)
    assert _actions(campaign)["李强"]["lectured"] is True and _actions(campaign)["吴刚"]["lectured"] is False

    meeting = services.life_meeting_create(actor=SETUP,
                                           organization=a, campaign=campaign, kind="democratic", held_on=DAY,
                                           attendance=9, items=[{"kind": "self_criticism", "text": "调研不够深入",
                                                                 "cadre": wu}])
    services.life_meeting_item_create(actor=SETUP, meeting=meeting, kind="self_criticism", text="抓落实不够", cadre=li)
    assert _actions(campaign)["吴刚"]["found_problems"] is True and _actions(campaign)["李强"]["found_problems"] is True

    # Removing the records removes what they proved.
    services.record_delete(actor=SETUP, record=study)
    services.record_delete(actor=SETUP, record=report)
    services.record_delete(actor=SETUP, record=lecture)
    services.record_delete(actor=SETUP, record=meeting)
    assert _actions(campaign)["吴刚"] == {"studied": False, "researched": False, "lectured": False,
                                        "found_problems": False, "rectified": False}
    assert _actions(campaign)["李强"]["researched"] is True  # his own report is still there


def test_proofs_link_to_the_records(tree, users, campaign, cadres):
    lecture = services.party_lecture_create(actor=SETUP,
                                            organization=tree.county_a, campaign=campaign, title="全区专题党课",
                                            held_on=DAY, audience_count=30, speaker_cadre=cadres["secretary"])
    rows = lead_actions(campaign, Organization.objects.all(), actor=users["office"])
    row = next(r for r in rows if r.cadre.name == "吴刚")
    [proof] = row.by_action["lectured"].proofs
    assert (proof.org_code, proof.anchor, proof.title, proof.on) == ("A", f"lecture-{lecture.pk}", "全区专题党课",
                                                                     DAY)


def test_records_of_another_campaign_do_not_count(tree, users, campaign, cadres):
    old = Campaign.objects.create(name="党史学习教育", starts_on=DAY.replace(year=2021), is_current=False)
    Participation.objects.create(campaign=old, organization=tree.city)
    services.party_lecture_create(actor=SETUP, organization=tree.county_a, campaign=old, title="党史党课",
                                  held_on=DAY.replace(year=2021), audience_count=10, speaker_cadre=cadres["deputy"],
                                  allow_past=True)
    assert _actions(campaign)["李强"]["lectured"] is False
    assert _actions(old)["李强"]["lectured"] is True


def test_a_fixed_number_of_queries_whatever_the_cadre_count(tree, users, campaign, cadres):
    import datetime as dt

    from core.cn import make_id_number

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            lead_actions(campaign, Organization.objects.all(), actor=users["office"])
        return len(ctx.captured_queries)

    few = count_queries()
    for i in range(30):
        cadre = cadre_create(actor=SETUP, organization=tree.county_b, name=f"干部{i}", position="副县长", rank=40,
                             id_number=make_id_number("130102", dt.date(1970, 1, 1) + dt.timedelta(days=i), i, "M"))
        services.party_lecture_create(actor=SETUP,
                                      organization=tree.county_b, campaign=campaign, title=f"党课{i}", held_on=DAY,
                                      audience_count=10, speaker_cadre=cadre)
    assert count_queries() == few


def test_being_criticised_is_not_examining_ones_own_problems(tree, users, campaign, cadres):
    wu, li = cadres["secretary"], cadres["deputy"]
    meeting = services.life_meeting_create(actor=SETUP,
                                           organization=tree.county_a, campaign=campaign, kind="democratic",
                                           held_on=DAY, attendance=9,
                                           items=[{"kind": "criticism", "text": "抓落实不够", "cadre": li}])
    assert _actions(campaign)["李强"]["found_problems"] is False  # others criticised him: not his own examination
    services.life_meeting_item_create(actor=SETUP,
                                      meeting=meeting, kind="self_criticism", text="调研不够深入", cadre=wu)
    actions = _actions(campaign)
    assert actions["吴刚"]["found_problems"] is True and actions["李强"]["found_problems"] is False
    row = next(r for r in lead_actions(campaign, Organization.objects.all(), actor=users["office"])
               if r.cadre.name == "吴刚")
    assert [p.anchor for p in row.by_action["found_problems"].proofs] == [f"meeting-{meeting.pk}"]


def _foreign_records(tree: Any, campaign: Any, cadre: Any) -> None:
    """Records of county B naming county A's cadre — as old or generated data may hold (the services refuse it)."""
    from measures.models import LifeMeeting, LifeMeetingItem, PartyLecture, ResearchReport, ResearchTopic, StudySession

    b = tree.county_b
    study = StudySession.objects.create(organization=b, campaign=campaign, kind="group_study", topic="河西县学习",
                                        held_on=DAY, participant_count=5)
    study.leaders.set([cadre])
    topic = ResearchTopic.objects.create(organization=b, campaign=campaign, title="河西县课题", lead_cadre=cadre)
    ResearchReport.objects.create(topic=topic, title="河西县调研报告", submitted_on=DAY, author_cadre=cadre)
    PartyLecture.objects.create(organization=b, campaign=campaign, title="河西县机密党课", held_on=DAY,
                                audience_count=30, speaker_cadre=cadre)
    meeting = LifeMeeting.objects.create(organization=b, campaign=campaign, kind="democratic", held_on=DAY,
                                         attendance=9)
    LifeMeetingItem.objects.create(meeting=meeting, kind="self_criticism", text="河西县检视", cadre=cadre)


FOREIGN_TITLES = ("河西县学习", "河西县调研报告", "河西县机密党课")


def test_records_outside_the_viewers_scope_neither_show_nor_count(client, tree, users, campaign, cadres):
    from accounts.actors import SETUP
    from administration.services import user_create
    from api.tests.helpers import ApiClient

    _foreign_records(tree, campaign, cadres["secretary"])
    leader_a = user_create(actor=SETUP, username="leader_a", role="leader", organization=tree.county_a,
                           password="Test@2023pass")
    assert set(_actions(campaign, user=leader_a)["吴刚"].values()) == {False}
    [row] = [r for r in lead_actions(campaign, Organization.objects.all(), actor=leader_a)
             if r.cadre.name == "吴刚"]
    assert all(not cell.proofs for cell in row.cells)
    # The city's office sees county B: the same records count for it.
    assert _actions(campaign)["吴刚"] == {"studied": True, "researched": True, "lectured": True,
                                        "found_problems": True, "rectified": False}

    client.force_login(leader_a)
    page = client.get("/measures/unit/A/").content.decode()
    leaders_tab = client.get("/measures/coverage/", {"tab": "leaders"}).content.decode()
    api = ApiClient(client, leader_a).get("/measures/lead-actions", org="A").json()
    lectured = {r["name"]: {a["action"]: a for a in r["actions"]} for r in api}["吴刚"]["lectured"]
    assert lectured["done"] is False and lectured["proofs"] == []
    for title in FOREIGN_TITLES:
        assert title not in page and title not in leaders_tab


def test_a_liaison_member_sees_proofs_only_from_the_units_of_their_groups(client, tree, users, campaign, cadres):
    from accounts.actors import SETUP
    from administration.services import user_create
    from campaigns import services as campaign_services

    group = campaign_services.liaison_group_create(actor=SETUP, campaign=campaign, name="第一联络组")
    campaign_services.liaison_assign(actor=SETUP, group=group, organization=tree.county_a)
    member = user_create(actor=SETUP, username="liaison_c", role="liaison", organization=tree.city,
                         password="Test@2023pass")
    campaign_services.liaison_member_add(actor=SETUP, group=group, user=member)
    _foreign_records(tree, campaign, cadres["secretary"])
    services.party_lecture_create(actor=SETUP,
                                  organization=tree.county_a, campaign=campaign, title="城关区党课", held_on=DAY,
                                  audience_count=30, speaker_cadre=cadres["secretary"])

    client.force_login(member)
    assert client.get("/measures/unit/B/").status_code == 404
    page = client.get("/measures/unit/A/").content.decode()
    assert "城关区党课" in page
    for title in FOREIGN_TITLES:
        assert title not in page
    actions = _actions(campaign, user=member)["吴刚"]
    assert actions["lectured"] is True and actions["studied"] is False


def test_a_role_without_domain_data_gets_no_proofs(tree, users, campaign, cadres):
    services.party_lecture_create(actor=SETUP, organization=tree.county_a, campaign=campaign, title="党课", held_on=DAY,
                                  audience_count=30, speaker_cadre=cadres["secretary"])
    assert _actions(campaign, user=users["sysadmin"])["吴刚"]["lectured"] is False
