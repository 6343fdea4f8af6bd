"""Lead actions of the key minority are derived from the records, and change when a record comes or goes."""

from typing import Any

from campaigns.models import Campaign, Participation
from measures import selectors, services
from measures.tests.conftest import DAY
from orgs.models import Organization
from orgs.services import cadre_create


def _actions(campaign: Any, orgs: Any = None) -> dict[str, dict[str, bool | None]]:
    orgs = orgs if orgs is not None else Organization.objects.all()
    return {row.cadre.name: {c.action: c.done for c in row.cells} for row in selectors.lead_actions(campaign, orgs)}


def test_only_county_level_cadres_of_participating_orgs(tree, campaign, cadres):
    from core.cn import make_id_number
    from orgs.services import org_create

    outside = org_create(parent=None, code="X", name="未参学", kind="committee", sector="organ", tier="county")
    cadre_create(organization=outside, name="外单位", position="书记", rank=50,
                 id_number=make_id_number("130102", DAY.replace(year=1970), 7, "M"))
    assert set(_actions(campaign)) == {"吴刚", "李强"}  # not 郑洁 (below county level), not 外单位 (not taking part)
    assert set(_actions(campaign, Organization.objects.filter(code="A1"))) == set()


def test_nothing_recorded_nothing_derived_and_rectified_is_not_derived(tree, campaign, cadres):
    actions = _actions(campaign)["吴刚"]
    assert actions == {"studied": False, "researched": False, "lectured": False, "found_problems": False,
                       "rectified": None}
    row = selectors.lead_actions(campaign, Organization.objects.all())[0]
    assert row.by_action["rectified"].pending_text == "待问题清单上线"


def test_each_action_comes_from_its_record_and_goes_with_it(tree, campaign, cadres):
    wu, li = cadres["secretary"], cadres["deputy"]
    a = tree.county_a
    study = services.study_session_create(organization=a, campaign=campaign, kind="group_study", topic="中心组学习",
                                          held_on=DAY, participant_count=20, leaders=[wu])
    assert _actions(campaign)["吴刚"]["studied"] is True and _actions(campaign)["李强"]["studied"] is False

    topic = services.research_topic_create(organization=a, campaign=campaign, title="营商环境", lead_cadre=wu)
    assert _actions(campaign)["吴刚"]["researched"] is False  # a topic without a report is not enough
    report = services.research_report_create(topic=topic, title="关于优化营商环境的调研报告", submitted_on=DAY)
    assert _actions(campaign)["吴刚"]["researched"] is True
    other = services.research_topic_create(organization=a, campaign=campaign, title="基层治理")
    services.research_report_create(topic=other, title="基层治理调研", submitted_on=DAY, author_cadre=li)
    assert _actions(campaign)["李强"]["researched"] is True

    lecture = services.party_lecture_create(organization=a, campaign=campaign, title="专题党课", held_on=DAY,
                                            audience_count=80, speaker_cadre=li)
    assert _actions(campaign)["李强"]["lectured"] is True and _actions(campaign)["吴刚"]["lectured"] is False

    meeting = services.life_meeting_create(organization=a, campaign=campaign, kind="democratic", held_on=DAY,
                                           attendance=9, items=[{"kind": "self_criticism", "text": "调研不够深入",
                                                                 "cadre": wu}])
    services.life_meeting_item_create(meeting=meeting, kind="criticism", text="抓落实不够", cadre=li)
    assert _actions(campaign)["吴刚"]["found_problems"] is True and _actions(campaign)["李强"]["found_problems"] is True

    # Removing the records removes what they proved.
    services.record_delete(record=study)
    services.record_delete(record=report)
    services.record_delete(record=lecture)
    services.record_delete(record=meeting)
    assert _actions(campaign)["吴刚"] == {"studied": False, "researched": False, "lectured": False,
                                        "found_problems": False, "rectified": None}
    assert _actions(campaign)["李强"]["researched"] is True  # his own report is still there


def test_proofs_link_to_the_records(tree, campaign, cadres):
    lecture = services.party_lecture_create(organization=tree.township_a, campaign=campaign, title="到联系点讲党课",
                                            held_on=DAY, audience_count=30, speaker_cadre=cadres["secretary"])
    row = next(r for r in selectors.lead_actions(campaign, Organization.objects.all()) if r.cadre.name == "吴刚")
    [proof] = row.by_action["lectured"].proofs
    assert (proof.org_code, proof.anchor, proof.title, proof.on) == ("A1", f"lecture-{lecture.pk}", "到联系点讲党课",
                                                                     DAY)


def test_records_of_another_campaign_do_not_count(tree, campaign, cadres):
    old = Campaign.objects.create(name="党史学习教育", starts_on=DAY.replace(year=2021), is_current=False)
    Participation.objects.create(campaign=old, organization=tree.city)
    services.party_lecture_create(organization=tree.county_a, campaign=old, title="党史党课",
                                  held_on=DAY.replace(year=2021), audience_count=10, speaker_cadre=cadres["deputy"])
    assert _actions(campaign)["李强"]["lectured"] is False
    assert _actions(old)["李强"]["lectured"] is True


def test_a_fixed_number_of_queries_whatever_the_cadre_count(tree, campaign, cadres):
    import datetime as dt

    from core.cn import make_id_number

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            selectors.lead_actions(campaign, Organization.objects.all())
        return len(ctx.captured_queries)

    few = count_queries()
    for i in range(30):
        cadre = cadre_create(organization=tree.county_b, name=f"干部{i}", position="副县长", rank=40,
                             id_number=make_id_number("130102", dt.date(1970, 1, 1) + dt.timedelta(days=i), i, "M"))
        services.party_lecture_create(organization=tree.county_b, campaign=campaign, title=f"党课{i}", held_on=DAY,
                                      audience_count=10, speaker_cadre=cadre)
    assert count_queries() == few
