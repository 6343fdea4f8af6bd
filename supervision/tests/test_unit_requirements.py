"""A unit's four basic requirements, for its liaison group: what the group judged at each visit (好/较好/一般/较差,
with what it learned), beside what the unit recorded itself (its measures and its problem ledger). Read only,
scoped (a unit outside what the user sees answers 404), linked from the group's workspace row for the unit."""

import datetime as dt
from typing import Any

from django.urls import reverse

from accounts.actors import SETUP
from measures import services as measures


def _page(client: Any, user: Any, code: str = "A") -> Any:
    client.force_login(user)
    return client.get(reverse("supervision:unit_requirements", args=[code]))


def test_the_group_reads_its_judgements_beside_what_the_unit_recorded(client: Any, people: dict[str, Any],
                                                                      tree: Any, campaign: Any, make_visit: Any,
                                                                      make_finding: Any, make_problem: Any) -> None:
    visit = make_visit(on=dt.date(2023, 10, 9))  # study judged 较好: "个别发言照本宣科"
    make_finding(visit=visit)
    measures.study_session_create(actor=SETUP, organization=tree.county_a, campaign=campaign, kind="group_study",
                                  topic="中心组专题研讨", held_on=dt.date(2023, 10, 8), participant_count=15)
    make_problem(org=tree.county_a, by=people["office"], description="调研走过场")
    response = _page(client, people["liaison"])
    assert response.status_code == 200
    rows = {r.requirement: r for r in response.context["rows"]}
    assert list(rows) == ["study", "research", "development", "rectification"]
    study = rows["study"]
    assert [(o.judgement, o.note) for o in study.observations] == [("fair", "个别发言照本宣科")]
    assert study.findings == 1
    assert {r.label: r.count for r in study.recorded} == {"学习研讨": 1, "专题党课": 0}
    assert next(r for r in study.recorded if r.label == "学习研讨").latest == dt.date(2023, 10, 8)
    assert rows["research"].observations == [] and rows["research"].findings == 0
    assert rows["rectification"].recorded[0].count == 1  # the unit's own problem ledger
    html = response.content.decode()
    section = html.split('id="req-study"')[1].split("</section>")[0]
    assert "较好" in section and "个别发言照本宣科" in section and "2023年10月9日" in section
    assert "学习研讨" in section and "最近2023年10月8日" in section and "发现问题1条" in section
    assert "联络组还没有对这项要求作现场评价" in html.split('id="req-research"')[1].split("</section>")[0]


def test_the_page_is_scoped(client: Any, people: dict[str, Any], tree: Any, make_visit: Any) -> None:
    make_visit()
    assert _page(client, people["liaison_b"]).status_code == 404  # another group's unit
    assert _page(client, people["unit"]).status_code == 404  # a village does not see its county
    assert _page(client, people["office"]).status_code == 200
    assert _page(client, people["leader"]).status_code == 200
    assert _page(client, people["secadmin"]).status_code == 404  # administrators do not read supervision
    # A unit reads its own: the visits held at it only (none here).
    own = _page(client, people["unit"], "A1a")
    assert own.status_code == 200 and all(not r.observations for r in own.context["rows"])


def test_the_workspace_row_links_to_it(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["liaison"])
    html = client.get(reverse("supervision:workspace")).content.decode()
    row = html.split('id="unit-A"')[1].split("</tr>")[0]
    assert f'href="{reverse("supervision:unit_requirements", args=["A"])}"' in row and "四项基本要求" in row
