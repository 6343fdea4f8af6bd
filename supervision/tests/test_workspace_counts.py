"""Every count the workspace shows is the number of rows of the list it links to: a planned visit whose day has
passed is still planned (and listed) until recorded; 在办 and 待决定 each open their own list."""

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a href="(?P<href>[^"]+)"[^>]*>(?P<n>\d+)(?:在办|待决定|项)?</a>')


def _listed(client: Any, href: str) -> int:
    response = client.get(unescape(href))
    assert response.status_code == 200, href
    page = response.context.get("page")
    if page is not None:
        return page.paginator.count
    return response.context["counts"]["total"]  # the ledger


def test_every_count_on_the_workspace_is_the_length_of_the_list_it_links_to(
        client: Any, people: dict[str, Any], tree: Any, make_problem: Any, make_visit: Any, make_finding: Any,
        frozen_clock: Any) -> None:
    from supervision.services import action_propose, action_record

    make_problem(description="逾期的问题", deadline=dt.date(2023, 10, 12))
    make_problem(description="未逾期的问题", deadline=dt.date(2023, 12, 12))
    done = make_visit(on=dt.date(2023, 9, 5))
    make_finding(visit=done)
    make_finding(visit=done, description="另一条需要整改的问题", requirement="research")
    make_visit(done=False, on=dt.date(2023, 10, 9))  # its day has passed, not yet recorded: still planned
    make_visit(done=False, on=dt.date(2023, 10, 20))
    make_visit(done=False, org=tree.township_a, on=dt.date(2023, 10, 25))
    action_record(actor=people["liaison"], organization=tree.county_a, level="point_out", reason="研讨不深入")
    action_propose(actor=people["liaison"], organization=tree.county_a, level="correct", reason="问题整改进展缓慢")
    frozen_clock.move_to(dt.datetime(2023, 10, 19, 9, 0))

    for who in ("liaison", "office"):
        client.force_login(people[who])
        html = client.get(reverse("supervision:workspace") + f"?group={people['group_a'].pk}").content.decode()
        row = html.split('id="unit-A"')[1].split("</tr>")[0]
        links = [(m["href"], int(m["n"])) for m in LINK.finditer(row)]
        assert len(links) >= 4, links
        for href, shown in links:
            assert _listed(client, href) == shown, (who, href, shown)
        by_status = {href.split("status=")[-1]: n for href, n in links if "status=" in href}
        assert by_status == {"planned": 3, "decided": 1, "proposed": 1}  # the passed planned visit included
        planned = re.search(r'id="planned-total">(\d+)项</a>', html)
        assert planned is not None and int(planned.group(1)) == 3
        panel = html.split('id="planned"')[1].split("</section>")[0]
        assert panel.count('class="visit-line') == 3
