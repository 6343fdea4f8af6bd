"""The office's coverage view (per unit × kind of record with 检视整改 from the ledger, per leader × lead action)
and its export; the lead table of a unit's page."""

import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from accounts.actors import SETUP
from measures import services
from measures.choices import NO_RECORD, NOT_REQUIRED
from measures.tests.conftest import DAY
from orgs.services import cadre_create


def _records(tree: Any, campaign: Any) -> None:
    services.study_session_create(actor=SETUP, organization=tree.village_a, campaign=campaign, kind="self_study",
                                  topic="自学", held_on=DAY, participant_count=5)
    services.study_session_create(actor=SETUP, organization=tree.village_a, campaign=campaign, kind="group_study",
                                  topic="集中学习", held_on=DAY, participant_count=9)
    services.life_meeting_create(actor=SETUP, organization=tree.village_b, campaign=campaign, kind="organisational",
                                 held_on=DAY, attendance=7)


def test_coverage_counts_and_filters(client, users, tree, campaign):
    _records(tree, campaign)
    client.force_login(users["office"])
    url = reverse("assessment:coverage")
    response = client.get(url)
    assert response.status_code == 200
    rows = {r.org.code: {c.kind: c.count for c in r.cells} for r in response.context["rows"]}
    assert set(rows) == {"C", "A", "A1", "A1a", "B", "B1", "B1a"}
    assert rows["A1a"]["study"] == 2 and rows["B1a"]["organisational_meeting"] == 1 and rows["A"]["study"] == 0
    villages = client.get(url, {"tier": "village"}).context["rows"]
    assert [r.org.code for r in villages] == ["A1a", "B1a"]
    communities = client.get(url, {"sector": "community"}).context["rows"]
    assert [r.org.code for r in communities] == ["B1a"]


def test_coverage_filter_by_liaison_group(client, users, tree, campaign):
    from campaigns.models import LiaisonAssignment, LiaisonGroup

    group = LiaisonGroup.objects.create(campaign=campaign, name="第一联络组")
    LiaisonAssignment.objects.create(group=group, campaign=campaign, organization=tree.county_b)
    client.force_login(users["office"])
    rows = client.get(reverse("assessment:coverage"), {"group": group.pk}).context["rows"]
    assert [r.org.code for r in rows] == ["B", "B1", "B1a"]


def test_coverage_for_liaison_is_limited_and_unit_gets_404(client, users, tree, campaign):
    client.force_login(users["liaison"])  # jurisdiction: county A
    rows = client.get(reverse("assessment:coverage")).context["rows"]
    assert {r.org.code for r in rows} == {"A", "A1", "A1a"}
    client.force_login(users["unit"])
    assert client.get(reverse("assessment:coverage")).status_code == 404
    assert client.get(reverse("assessment:coverage_export")).status_code == 404


def test_coverage_is_one_grouped_query_per_model(client, users, tree, campaign, django_assert_max_num_queries):
    _records(tree, campaign)
    client.force_login(users["office"])
    url = reverse("assessment:coverage")
    client.get(url)
    with django_assert_max_num_queries(25):
        client.get(url)


def test_coverage_leaders_tab(client, users, tree, campaign, cadres):
    services.study_session_create(actor=SETUP, organization=tree.county_a, campaign=campaign, kind="group_study",
                                  topic="中心组学习", held_on=DAY, participant_count=15, leaders=[cadres["secretary"]])
    client.force_login(users["office"])
    response = client.get(reverse("assessment:coverage"), {"tab": "leaders"})
    rows = {r.cadre.name: r.by_action for r in response.context["lead_rows"]}
    assert set(rows) == {"吴刚", "李强"}  # county level and above only
    assert rows["吴刚"]["studied"].done is True and rows["李强"]["studied"].done is False
    assert "待问题清单上线" not in response.content.decode()


def test_coverage_export_has_the_filtered_rows(client, users, tree, campaign, cadres):
    _records(tree, campaign)
    client.force_login(users["office"])
    response = client.get(reverse("assessment:coverage_export"), {"tier": "village"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    units = list(book["单位×措施"].iter_rows(values_only=True))
    assert units[0][:2] == ("组织编码", "党组织")
    assert [r[0] for r in units[1:]] == ["A1a", "B1a"]
    assert units[1][4] == 2  # A1a: two study sessions
    assert NOT_REQUIRED in units[1]  # the village has no democratic life meeting
    leaders = list(book["关键少数×带头事项"].iter_rows(values_only=True))
    assert len(leaders) == 1  # no county-level cadre in villages
    everything = client.get(reverse("assessment:coverage_export"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(everything.streaming_content)))
    leaders = list(book["关键少数×带头事项"].iter_rows(values_only=True))
    assert [r[0] for r in leaders[1:]] == ["吴刚", "李强"] and leaders[1][-1] == NO_RECORD
    from core.models import AuditEntry
    assert AuditEntry.objects.filter(action="export", object_type="measures.coverage").exists()


@pytest.mark.parametrize("group", ["²", "99999999999999999999999", "-1", "abc", "1.5", "٣"])
def test_coverage_ignores_a_group_that_is_not_one_of_the_campaigns(client, users, tree, campaign, cadres, group):
    from campaigns.models import LiaisonAssignment, LiaisonGroup

    other = LiaisonGroup.objects.create(campaign=campaign, name="第一联络组")
    LiaisonAssignment.objects.create(group=other, campaign=campaign, organization=tree.county_b)
    client.force_login(users["office"])
    url = reverse("assessment:coverage")
    response = client.get(url, {"group": group})
    assert response.status_code == 200
    assert [r.org.code for r in response.context["rows"]] == ["C", "A", "A1", "A1a", "B", "B1", "B1a"]
    leaders = client.get(url, {"group": group, "tab": "leaders"})
    assert leaders.status_code == 200 and {r.cadre.name for r in leaders.context["lead_rows"]} == {"吴刚", "李强"}
    export = client.get(reverse("assessment:coverage_export"), {"group": group, "tab": "leaders"})
    assert export.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    assert [r[0] for r in list(book["单位×措施"].iter_rows(values_only=True))[1:]] == ["C", "A", "A1", "A1a", "B",
                                                                                    "B1", "B1a"]


def test_coverage_ignores_a_group_of_another_campaign(client, users, tree, campaign, past_campaign):
    from campaigns.models import LiaisonAssignment, LiaisonGroup

    old = LiaisonGroup.objects.create(campaign=past_campaign, name="党史联络组")
    LiaisonAssignment.objects.create(group=old, campaign=past_campaign, organization=tree.county_a)
    client.force_login(users["office"])
    rows = client.get(reverse("assessment:coverage"), {"group": old.pk}).context["rows"]
    assert len(rows) == 7


def _export(client: Any, **params: Any) -> Any:
    response = client.get(reverse("assessment:coverage_export"), params)
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_coverage_page_and_export_say_the_same_words(client, users, tree, campaign, cadres):
    _records(tree, campaign)
    client.force_login(users["office"])
    page = client.get(reverse("assessment:coverage"), {"tier": "village"})
    village = next(r for r in page.context["rows"] if r.org.code == "A1a")
    cell = next(c for c in village.cells if c.kind == "democratic_meeting")
    assert not cell.applies and cell.text == NOT_REQUIRED and f">{NOT_REQUIRED}<" in page.content.decode()
    units = list(_export(client, tier="village")["单位×措施"].iter_rows(values_only=True))
    column = units[0].index("专题民主生活会")
    assert units[1][0] == "A1a" and units[1][column] == NOT_REQUIRED
    assert not any("不适用" in str(value) for row in units for value in row)
    leaders_page = client.get(reverse("assessment:coverage"), {"tab": "leaders"}).content.decode()
    leaders = list(_export(client)["关键少数×带头事项"].iter_rows(values_only=True))
    assert f">{NO_RECORD}<" in leaders_page and leaders[1][-1] == NO_RECORD


def test_coverage_shows_rectification_from_the_problem_ledger(client, users, tree, campaign, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from problems.services import problem_act, problem_create

    settings.MEDIA_ROOT = tmp_path
    made = [problem_create(actor=users["unit"], organization=tree.village_a, description=f"问题{n}", source="self",
                           category="style") for n in range(3)]
    problem_act(actor=users["unit"], problem=made[0], action="start")
    problem_act(actor=users["unit"], problem=made[0], action="claim",
                files=[SimpleUploadedFile("整改.pdf", b"%PDF evidence")])
    problem_act(actor=users["office"], problem=made[0], action="close", note="核对了整改材料，整改到位")
    client.force_login(users["office"])
    page = client.get(reverse("assessment:coverage"), {"tier": "village"})
    assert "<th>检视整改</th>" in page.content.decode()
    rows = {r.org.code: r.rectification for r in page.context["rows"]}
    assert (rows["A1a"].found, rows["A1a"].closed) == (3, 1) and rows["B1a"].found == 0
    assert "查摆3个 · 销号1个" in page.content.decode()
    units = list(_export(client, tier="village")["单位×措施"].iter_rows(values_only=True))
    found, closed = units[0].index("检视整改：查摆问题"), units[0].index("检视整改：已销号")
    assert (units[1][found], units[1][closed]) == (3, 1)
    unit_page = client.get(reverse("measures:unit", args=["A1a"])).content.decode()
    assert "本单位问题清单：查摆问题3个，已销号1个" in unit_page


def test_lead_table_counts_who_has_not_and_filters_them(client, users, tree, campaign, cadres):
    from core.cn import make_id_number

    for n in range(60):  # a city's key minority is long: it still reads on one page
        cadre_create(actor=SETUP, organization=tree.county_b, name=f"干部{n:02d}", position="副县长", rank=40,
                     id_number=make_id_number("130102", DAY.replace(year=1970), 100 + n, "M"))
    services.study_session_create(actor=SETUP, organization=tree.county_a, campaign=campaign, kind="group_study",
                                  topic="中心组学习", held_on=DAY, participant_count=15, leaders=[cadres["secretary"]])
    client.force_login(users["office"])
    url = reverse("assessment:coverage")
    everyone = client.get(url, {"tab": "leaders"})
    assert len(everyone.context["lead_rows"]) == 62  # one page
    missing = {m.action: m.count for m in everyone.context["lead"].missing}
    assert missing == {"studied": 61, "researched": 62, "lectured": 62, "found_problems": 62, "rectified": 62}
    html = everyone.content.decode()
    assert "尚无记录：学习研讨<span class=\"ms-1 fw-bold\">61人</span>" in html
    assert "missing=studied" in html
    # The count a filter shows is the number of rows it lists.
    filtered = client.get(url, {"tab": "leaders", "missing": "studied"})
    names = [r.cadre.name for r in filtered.context["lead_rows"]]
    assert len(names) == missing["studied"] and "吴刚" not in names and "李强" in names
    assert filtered.context["page"].paginator.count == 61
    # The export lists the same leaders as the filtered page.
    leaders = list(_export(client, tab="leaders", missing="studied")["关键少数×带头事项"].iter_rows(values_only=True))
    assert sorted(r[0] for r in leaders[1:]) == sorted(names)


def test_lead_dates_carry_the_year_and_are_in_order(client, users, tree, campaign, cadres):
    secretary = cadres["secretary"]
    for day, topic in ((DAY, "十月学习"), (DAY.replace(month=9, day=26), "九月学习")):
        services.study_session_create(actor=SETUP, organization=tree.county_a, campaign=campaign, kind="group_study",
                                      topic=topic, held_on=day, participant_count=15, leaders=[secretary])
    client.force_login(users["office"])
    for html in (client.get(reverse("assessment:coverage"), {"tab": "leaders"}).content.decode(),
                 client.get(reverse("measures:unit", args=["A"])).content.decode()):
        table = html[html.index('class="table table-sm table-stack bg-white mb-1 lead-table"'):]
        assert "2023年9月26日" in table and "2023年10月10日" in table
        assert table.index("2023年9月26日") < table.index("2023年10月10日")


def test_every_coverage_count_is_the_number_of_records_its_link_lists(client, users, tree, campaign, cadres):
    import re

    _records(tree, campaign)
    services.party_lecture_create(actor=SETUP,
                                  organization=tree.county_a, campaign=campaign, title="专题党课", held_on=DAY,
                                  audience_count=30, speaker_cadre=cadres["secretary"])
    services.research_topic_create(actor=SETUP, organization=tree.county_a, campaign=campaign, title="基层减负")
    services.public_service_create(actor=SETUP,
                                   organization=tree.county_a, campaign=campaign, title="修缮便民路", target="完工",
                                   owner="区委办", deadline=DAY)
    client.force_login(users["office"])
    checked = 0
    for row in client.get(reverse("assessment:coverage")).context["rows"]:
        page = client.get(reverse("measures:unit", args=[row.org.code])).content.decode()
        for cell in row.cells:
            if not cell.count:
                continue
            section = page.split(f'id="section-{cell.kind}"')[1].split("</section>")[0]
            listed = re.findall(r'<li id="(?:study|topic|service|lecture|meeting)-\d+"', section)
            assert len(listed) == cell.count, (row.org.code, cell.kind)
            checked += 1
    assert checked == 5  # A1a study, B1a organisational meeting, A lecture, research and commitment


def test_the_leaders_tab_costs_a_fixed_number_of_queries(client, users, tree, campaign, cadres,
                                                         django_assert_max_num_queries):
    from core.cn import make_id_number

    for n in range(40):
        cadre_create(actor=SETUP, organization=tree.county_b, name=f"干部{n:02d}", position="副县长", rank=40,
                     id_number=make_id_number("130102", DAY.replace(year=1970), 300 + n, "M"))
    client.force_login(users["office"])
    url = reverse("assessment:coverage")
    with django_assert_max_num_queries(30):
        client.get(url, {"tab": "leaders"})
    with django_assert_max_num_queries(30):
        client.get(url, {"tab": "leaders", "missing": "lectured"})

