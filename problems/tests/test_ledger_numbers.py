"""Numbers that agree: an approved extension moves the open steps' deadlines with the problem's (no step shows
已逾期 the day its extension is approved), the history never records a change that changed nothing, and every
count a ledger page shows is the number of rows of the list it links to."""

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from problems.choices import ProblemAction, Rating
from problems.models import Problem, RectificationStep, Satisfaction, TransitionRecord
from problems.services import evidence_add, problem_act, special_campaign_create, step_add, step_done
from problems.tests.conftest import NOW, upload

pytestmark = pytest.mark.django_db


def _fresh(problem: Problem) -> Problem:
    return Problem.objects.get(pk=problem.pk)


def _html(client: Any, user: Any, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# ---------------------------------------------------------------------------------------------------------
# Extensions and steps


def test_approving_an_extension_moves_the_open_steps_that_would_be_overdue(
        client: Any, people: dict[str, Any], make_problem: Any, frozen_clock: Any) -> None:
    problem = make_problem(deadline=dt.date(2023, 11, 30))
    step_add(actor=people["unit"], problem=problem, measure="公开账目", deadline=dt.date(2023, 11, 30))
    step_add(actor=people["unit"], problem=_fresh(problem), measure="制定制度", deadline=dt.date(2023, 10, 20))
    step_add(actor=people["unit"], problem=_fresh(problem), measure="召开会议", deadline=dt.date(2023, 10, 25))
    done = step_add(actor=people["unit"], problem=_fresh(problem), measure="更新公开栏",
                    deadline=dt.date(2023, 10, 15))
    step_done(actor=people["unit"], step=done, files=[upload()])
    problem_act(actor=people["unit"], problem=_fresh(problem), action=ProblemAction.START)
    frozen_clock.move_to(dt.datetime(2023, 10, 22, 9, 0, tzinfo=NOW.tzinfo))  # 制定制度 is now overdue
    problem_act(actor=people["unit"], problem=_fresh(problem), action=ProblemAction.REQUEST_EXTENSION,
                note="资金未到位", new_due_on=dt.date(2023, 12, 31))
    problem = problem_act(actor=people["liaison"], problem=_fresh(problem), action=ProblemAction.APPROVE_EXTENSION)
    deadlines = dict(RectificationStep.objects.filter(problem=problem).values_list("measure", "deadline"))
    assert problem.due_on == dt.date(2023, 12, 31)
    assert deadlines == {"公开账目": dt.date(2023, 12, 31),  # due at the old due date: follows
                         "制定制度": dt.date(2023, 12, 31),  # already overdue: follows
                         "召开会议": dt.date(2023, 10, 25),  # its own milestone, still ahead: stays
                         "更新公开栏": dt.date(2023, 10, 15)}  # done: stays
    html = _html(client, people["unit"], reverse("problems:problem", args=[problem.pk]))
    assert "已逾期" not in html
    assert "2项未完成的整改措施时限同步延至2023年12月31日" in html


# ---------------------------------------------------------------------------------------------------------
# No change that changed nothing


def test_reopening_with_the_same_due_date_records_no_date_change(client: Any, people: dict[str, Any],
                                                                 make_problem: Any) -> None:
    problem = make_problem(deadline=dt.date(2024, 1, 20))
    problem_act(actor=people["unit"], problem=problem, action=ProblemAction.START)
    problem_act(actor=people["unit"], problem=_fresh(problem), action=ProblemAction.CLAIM, files=[upload()])
    problem_act(actor=people["liaison"], problem=_fresh(problem), action=ProblemAction.CLOSE, note="现场核实")
    problem = problem_act(actor=people["liaison"], problem=_fresh(problem), action=ProblemAction.REOPEN,
                          note="公开栏又停更", new_due_on=dt.date(2024, 1, 20))
    reopen = TransitionRecord.objects.get(problem=problem, action=ProblemAction.REOPEN)
    assert "old_due_on" not in reopen.data
    html = _html(client, people["unit"], reverse("problems:problem", args=[problem.pk]))
    assert "改为2024年1月20日" not in html


def test_a_recorded_change_to_the_same_date_is_not_shown(client: Any, people: dict[str, Any],
                                                         make_problem: Any) -> None:
    """History written before the fix (or by an old demo) may hold one: the page does not show it."""
    problem = make_problem()
    TransitionRecord.objects.create(problem=problem, action=ProblemAction.REOPEN, from_status="closed",
                                    to_status="in_progress", actor_name="联络组", at=NOW, note="反弹",
                                    data={"old_due_on": "2027-03-05", "new_due_on": "2027-03-05"})
    html = _html(client, people["unit"], reverse("problems:problem", args=[problem.pk]))
    assert "2027年3月5日改为2027年3月5日" not in html


def test_saving_an_unchanged_record_writes_no_history(client: Any, people: dict[str, Any],
                                                      make_problem: Any) -> None:
    problem = make_problem(deadline=dt.date(2023, 12, 1))
    client.force_login(people["unit"])
    before = TransitionRecord.objects.filter(problem=problem).count()
    data = {"description": problem.description, "source": problem.source, "category": problem.category,
            "severity": problem.severity, "deadline": "2023-12-01", "responsible_unit": problem.responsible_unit,
            "version": problem.version}
    response = client.post(reverse("problems:edit", args=[problem.pk]), data, follow=True)
    assert response.status_code == 200
    assert TransitionRecord.objects.filter(problem=problem).count() == before
    assert "改为" not in response.content.decode().split('id="timeline"')[1]


# ---------------------------------------------------------------------------------------------------------
# Every count is the length of the list it links to


def _rows(html: str) -> int:
    return len(re.findall(r'<tr id="problem-\d+"', html))


@pytest.fixture
def ledger_world(people: dict[str, Any], make_problem: Any, tree: Any, campaign: Any,
                 frozen_clock: Any) -> None:
    """Problems in every state, overdue and not, relapsed, in a special campaign, across two counties."""
    special = special_campaign_create(actor=people["office"], campaign=campaign, name="整治群众身边不正之风")
    make_problem()
    make_problem(deadline=dt.date(2023, 10, 12), special_campaign=special)
    started = make_problem(deadline=dt.date(2023, 10, 11))
    problem_act(actor=people["unit"], problem=started, action=ProblemAction.START)
    claimed = make_problem(special_campaign=special)
    problem_act(actor=people["unit"], problem=claimed, action=ProblemAction.START)
    problem_act(actor=people["unit"], problem=_fresh(claimed), action=ProblemAction.CLAIM, files=[upload()])
    relapsed = make_problem(deadline=dt.date(2023, 10, 15))
    problem_act(actor=people["unit"], problem=relapsed, action=ProblemAction.START)
    problem_act(actor=people["unit"], problem=_fresh(relapsed), action=ProblemAction.CLAIM, files=[upload()])
    problem_act(actor=people["liaison"], problem=_fresh(relapsed), action=ProblemAction.CLOSE, note="现场核实")
    problem_act(actor=people["liaison"], problem=_fresh(relapsed), action=ProblemAction.REOPEN, note="又反弹")
    closed = make_problem()
    problem_act(actor=people["unit"], problem=closed, action=ProblemAction.START)
    problem_act(actor=people["unit"], problem=_fresh(closed), action=ProblemAction.CLAIM, files=[upload()])
    problem_act(actor=people["liaison"], problem=_fresh(closed), action=ProblemAction.CLOSE, note="现场核实")
    make_problem(org=tree.county_b, by=people["office"], deadline=dt.date(2023, 10, 11))
    frozen_clock.move_to(dt.datetime(2023, 10, 20, 9, 0, tzinfo=NOW.tzinfo))  # some are overdue now


@pytest.mark.parametrize("who", ["unit", "liaison", "office", "leader", "county_office"])
def test_every_ledger_count_is_the_length_of_the_list_it_links_to(client: Any, people: dict[str, Any],
                                                                   ledger_world: None, who: str) -> None:
    user = people[who]
    ledger = reverse("problems:ledger")
    html = _html(client, user, ledger)
    nav = html.split('id="ledger-counts"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="([^"]*)"[^>]*>([^<]+)<strong>(\d+)</strong></a>', nav)
    assert len(links) >= 6, nav  # 全部, four states, 已逾期 (and 反弹 when there is one)
    checked = 0
    for href, label, count in links:
        url = href if href.startswith("/") else ledger + href
        listed = _html(client, user, url)
        assert _rows(listed) == int(count), (who, label, count)
        total = re.search(r'id="ledger-total">[^<\d]*(\d+)', listed)
        assert total is not None and int(total.group(1)) == int(count), (who, label)
        checked += 1
    assert checked == len(links)
    specials = _html(client, user, reverse("problems:special_list"))
    for href, count in re.findall(r'<a href="([^"]*special_campaign=\d+)">问题(\d+)个</a>', specials):
        assert _rows(_html(client, user, href.replace("&amp;", "&"))) == int(count), (who, href)


def test_the_problem_page_counts_what_it_lists(client: Any, people: dict[str, Any], make_problem: Any) -> None:
    problem = make_problem()
    first = step_add(actor=people["unit"], problem=problem, measure="更新公开栏")
    step_add(actor=people["unit"], problem=_fresh(problem), measure="公开账目")
    step_done(actor=people["unit"], step=first, files=[upload("照片.jpg", b"\xff\xd8\xff one")])
    evidence_add(actor=people["unit"], problem=_fresh(problem), file=upload("账目.pdf", b"%PDF two"))
    for rating in (Rating.SATISFIED, Rating.BASIC):
        Satisfaction.objects.create(problem=problem, rating=rating, at=NOW, source_hash="x")
    html = _html(client, people["unit"], reverse("problems:problem", args=[problem.pk]))
    steps = html.split('id="steps"')[1].split("</section>")[0]
    assert "1/2项完成" in steps and len(re.findall(r'class="step-item"', steps)) == 2
    assert steps.count("badge text-bg-success") == 1
    evidence = html.split('id="evidence"')[1].split("</section>")[0]
    count = re.search(r"(\d+)份", evidence)
    assert count is not None
    shown = int(count.group(1))
    assert shown == len(re.findall(r'class="evidence-item', evidence)) == 2
    feedback = html.split('id="feedback"')[1].split("</section>")[0]
    count = re.search(r"(\d+)条", feedback)
    assert count is not None
    shown = int(count.group(1))
    assert shown == len(re.findall(r'id="satisfaction-\d+"', feedback)) == 2
