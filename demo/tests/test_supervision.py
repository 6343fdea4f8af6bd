"""The demo's supervision (`supervision.gendata`): deterministic, idempotent, and written through the services —
findings put into the ledger as problems with source 督导发现 and linked, relapses reopening closed problems, every
rung of the ladder in order and in time, letters and proposals, by real (generated, then deactivated) members."""
# ruff: noqa: F811  (the fixtures imported from the apps' conftest modules are the tests' arguments)

import datetime as dt
import re
from collections import defaultdict
from typing import Any

import pytest
from django.db import transaction

from accounts.actors import SETUP, SystemActor
from accounts.models import User
from campaigns.models import LiaisonMembership
from demo.generators import supervision as gendata
from demo.generators.problems import problems_generate
from problems.choices import ProblemAction, ProblemStatus, Source
from problems.models import TransitionRecord
from problems.services import problem_act
from problems.tests.conftest import NOW, START, campaign, frozen_clock, make_problem, people, upload  # noqa: F401
from supervision import services
from supervision.choices import IN_FORCE, LADDER, ActionStatus, LetterStatus, Level, VisitStatus, rung
from supervision.models import Action, FeedbackLetter, Finding, Observation, Visit, VisitMethod

GENDATA = SystemActor("gendata")  # the generators' author, as manage.py gendata runs them

REMIND = SystemActor("remind")  # the daily job, which refreshes the ladder's proposals

pytestmark = pytest.mark.django_db
# Late in the fixture campaign (2023-09-01 to 2024-01-31): months of visits, follow-ups due, problems overdue.
LATER = NOW.replace(month=12, day=20)
TODAY = LATER.date()


@pytest.fixture
def city(tree: Any, people: dict[str, Any], frozen_clock: Any, make_problem: Any) -> dict[str, Any]:
    """The fixture city with leaders, a ledger (generated, plus one problem of village A1a closed early in the
    campaign, so a visit may find it relapsed) — what `manage.py demo` has before supervision. The clock stands at
    LATER."""
    from orgs.services import cadre_create

    cadre_create(actor=SETUP,
                 organization=tree.county_a, name="吴刚", id_number="11010519491231002X", position="区委书记", rank=50)
    cadre_create(actor=SETUP,
                 organization=tree.township_a, name="郑洁", id_number="110101199003070011", position="镇党委书记",
                 rank=30)
    cadre_create(actor=SETUP,
                 organization=tree.county_b, name="李强", id_number="440524188001010014", position="县长", rank=50)
    frozen_clock.move_to(dt.datetime.combine(START + dt.timedelta(days=1), dt.time(9, 0), tzinfo=NOW.tzinfo))
    problem = make_problem(fix_now=True, description="村内路灯损坏，夜间出行不便")
    problem = problem_act(actor=people["unit"], problem=problem, action="claim", files=[upload()])
    problem_act(actor=people["office"], problem=problem, action="close", note="现场核查，整改到位")
    frozen_clock.move_to(LATER)
    problems_generate(actor=GENDATA, seed=1, count=60)
    return people


def fingerprint() -> list[tuple[Any, ...]]:
    """Everything generated, without ids (numbers of problems in letters masked: they follow the database's
    sequences)."""
    rows: list[tuple[Any, ...]] = []
    for visit in Visit.objects.order_by("pk"):
        rows.append((visit.group.name, visit.organization.code, visit.method.name, visit.status, visit.planned_on,
                     visit.visited_on, visit.subject, visit.summary, visit.others, visit.cancel_reason,
                     sorted(visit.participants.values_list("username", flat=True))))
        rows += list(visit.observations.order_by("pk").values_list("requirement", "judgement", "note"))
    rows += list(Finding.objects.order_by("pk").values_list(
        "organization__code", "requirement", "description", "needs_fix", "is_relapse", "cadre__name",
        "problem__description", "problem__source", "problem__status", "created_by__username"))
    rows += list(Action.objects.order_by("pk").values_list(
        "organization__code", "cadre__name", "level", "status", "reason", "skip_reason", "decided_on",
        "follow_up_on", "result", "result_on", "proposed_by__username", "decided_by__username", "basis"))
    rows += [(letter.title, letter.status, letter.number, re.sub(r"编号\w+", "编号", letter.body))
             for letter in FeedbackLetter.objects.order_by("pk")]
    return rows


class Rollback(Exception):
    pass


def test_same_seed_gives_the_same_records(city: Any) -> None:
    try:
        with transaction.atomic():
            counts = gendata.supervision_generate(actor=GENDATA, seed=1)
            first = fingerprint()
            raise Rollback
    except Rollback:
        pass
    assert not Visit.objects.exists()
    assert gendata.supervision_generate(actor=GENDATA, seed=1) == counts
    assert fingerprint() == first
    assert counts["visits"] == Visit.objects.count() >= 8


def test_a_second_run_does_nothing(city: Any) -> None:
    counts = gendata.supervision_generate(actor=GENDATA, seed=1)
    rows = (Visit.objects.count(), Finding.objects.count(), Action.objects.count(), FeedbackLetter.objects.count())
    assert gendata.supervision_generate(actor=GENDATA, seed=1) == {}
    assert rows == (Visit.objects.count(), Finding.objects.count(), Action.objects.count(),
                    FeedbackLetter.objects.count())
    assert counts["findings"] == rows[1]


def test_nothing_without_a_current_campaign(tree: Any, campaign: Any) -> None:
    campaign.is_current = False
    campaign.save()
    assert gendata.supervision_generate(actor=GENDATA, seed=1) == {}
    assert not Visit.objects.exists()


def test_the_summary_line_reads_the_counts(city: Any) -> None:
    counts = gendata.supervision_generate(actor=GENDATA, seed=1)
    line = gendata.summary(counts)
    assert line.startswith(f"已生成演示督促指导记录：指导活动{counts['visits']}次、发现问题{counts['findings']}条"
                           f"（列入问题清单{counts['problems']}个、反弹{counts['relapses']}个）")
    assert f"反馈意见{counts['letters']}份。" in line


def test_groups_are_filled_with_generated_members_who_are_inactive_afterwards(city: Any) -> None:
    gendata.supervision_generate(actor=GENDATA, seed=1)
    for group in (city["group_a"], city["group_b"]):
        members = LiaisonMembership.objects.filter(group=group)
        assert members.count() == gendata.GROUP_SIZE
        assert members.filter(is_leader=True).count() == 1
    generated = User.objects.filter(username__startswith="gd-liaison-")
    assert generated.count() == 2 * (gendata.GROUP_SIZE - 1)
    assert not generated.filter(is_active=True).exists()
    assert not any(user.has_usable_password() for user in generated)
    # The demo liaison records for its group; the office user is the city's demo office account.
    assert Visit.objects.filter(group=city["group_a"], created_by=city["liaison"]).exists()
    assert not User.objects.filter(username__startswith="gd-office-").exists()


def test_visits_in_every_state_with_the_groups_members(city: Any) -> None:
    gendata.supervision_generate(actor=GENDATA, seed=1)
    for group in (city["group_a"], city["group_b"]):
        visits = Visit.objects.filter(group=group)
        assert gendata.VISITS[0] <= visits.count() <= gendata.VISITS[1]
        members = set(LiaisonMembership.objects.filter(group=group).values_list("user_id", flat=True))
        for visit in visits:
            assert set(visit.participants.values_list("pk", flat=True)) == members
            assert visit.org_path.startswith(group.assignments.get().organization.path)
        methods = visits.values_list("method", flat=True)
        assert len(set(methods)) == min(visits.count(), VisitMethod.objects.count())
        done = visits.filter(status=VisitStatus.DONE)
        assert done.count() >= 2
        for visit in done:
            assert visit.summary and visit.visited_on is not None and START <= visit.visited_on < TODAY
            observed = Observation.objects.filter(visit=visit)
            assert 2 <= observed.count() <= 4 and not observed.filter(judgement="").exists()
            assert 1 <= visit.findings.count() <= 5
        assert visits.filter(status=VisitStatus.PLANNED, planned_on__gt=TODAY).exists()
    assert 1 <= Visit.objects.filter(status=VisitStatus.CANCELLED).exclude(cancel_reason="").count() <= 2
    # The demo liaison's group has one planned visit whose day has passed: to record or cancel.
    assert Visit.objects.filter(group=city["group_a"], status=VisitStatus.PLANNED, planned_on__lt=TODAY).count() == 1


def test_findings_go_into_the_ledger_through_the_problems_service(city: Any) -> None:
    counts = gendata.supervision_generate(actor=GENDATA, seed=1)
    raised = Finding.objects.filter(problem__isnull=False, is_relapse=False).select_related("problem")
    assert raised.count() == counts["problems"] >= 2
    for finding in raised:
        problem = finding.problem
        assert problem is not None
        assert problem.source == Source.VISIT and problem.organization_id == finding.organization_id
        assert problem.description == finding.description and problem.registered_on == TODAY
        assert problem.created_by is not None and problem.created_by.role == "liaison"
        assert TransitionRecord.objects.filter(problem=problem, action=ProblemAction.REGISTER).count() == 1
    guidance = Finding.objects.filter(needs_fix=False)
    assert guidance.exists() and not guidance.filter(problem__isnull=False).exists()
    # Found but not yet in the ledger: the group's latest visits are still being written up.
    assert Finding.objects.filter(needs_fix=True, problem__isnull=True).exists()


def test_relapses_reopen_closed_problems(city: Any) -> None:
    counts = gendata.supervision_generate(actor=GENDATA, seed=1)
    relapses = Finding.objects.filter(is_relapse=True).select_related("problem", "visit")
    assert relapses.count() == counts["relapses"] >= 1
    for finding in relapses:
        problem = finding.problem
        assert problem is not None and problem.relapsed and problem.status == ProblemStatus.IN_PROGRESS
        assert problem.org_path.startswith(finding.visit.org_path)
        reopened = TransitionRecord.objects.get(problem=problem, action=ProblemAction.REOPEN, at__date__gte=TODAY)
        assert reopened.actor is not None and reopened.actor.organization_id != problem.organization_id
        closed = TransitionRecord.objects.filter(problem=problem, action=ProblemAction.CLOSE).order_by("at").first()
        assert closed is not None and closed.at.date() < finding.visit.day  # closed before the visit found it


def test_every_rung_is_taken_in_order_and_in_time(city: Any) -> None:
    counts = gendata.supervision_generate(actor=GENDATA, seed=1)
    in_force = Action.objects.filter(status__in=IN_FORCE).select_related("decided_by", "proposed_by")
    assert in_force.count() == counts["actions"]
    assert {a.level for a in in_force} == set(LADDER)
    steps: dict[tuple[int, int | None], list[Action]] = defaultdict(list)
    for action in in_force:
        assert action.decided_on is not None and action.follow_up_on is not None
        assert START <= action.decided_on <= TODAY and action.follow_up_on > action.decided_on
        if action.status == ActionStatus.DONE:
            assert action.result and action.result_on is not None
            assert action.follow_up_on <= action.result_on <= TODAY
        else:
            assert not action.result and action.result_on is None
        assert action.findings.exists()
        for finding in action.findings.all():
            assert finding.org_path.startswith(action.org_path)
            assert finding.visit.day <= action.decided_on
        decider = action.decided_by
        assert decider is not None
        if action.level in (Level.POINT_OUT, Level.CORRECT):
            assert decider.role == "liaison" and action.group is not None
            assert action.group.memberships.filter(user=decider).exists()
        else:
            assert decider == city["office"]
        steps[action.organization_id, action.cadre_id].append(action)
    # Each unit (and leader) climbs the ladder one rung at a time, later rungs later — but for the one step
    # that skips with its written reason.
    skipped = []
    for actions in steps.values():
        actions.sort(key=lambda a: (a.decided_on, rung(a.level)))
        previous = 0
        for action in actions:
            if rung(action.level) > previous + 1:
                skipped.append(action)
            else:
                assert not action.skip_reason
            previous = max(previous, rung(action.level))
    assert len(skipped) == 1
    assert skipped[0].level == Level.DISCIPLINE and skipped[0].skip_reason and skipped[0].cadre is not None
    criticised = in_force.filter(level=Level.CRITICISE)
    assert criticised.filter(proposed_by__role="liaison").count() == 1  # proposed by a group, decided by the office
    assert in_force.filter(status=ActionStatus.DONE).exists()
    assert in_force.filter(status=ActionStatus.DECIDED, follow_up_on__lte=TODAY).exists()  # due for follow-up


def test_the_office_gets_proposals_and_letters_are_issued_and_drafted(city: Any, tree: Any, frozen_clock: Any,
                                                                     make_problem: Any) -> None:
    # Three problems of county A registered early in the campaign and long overdue.
    frozen_clock.move_to(dt.datetime.combine(START + dt.timedelta(days=2), dt.time(9, 0), tzinfo=NOW.tzinfo))
    for n in range(3):
        make_problem(description=f"逾期问题{n}", deadline=START + dt.timedelta(days=20))
    frozen_clock.move_to(LATER)
    counts = gendata.supervision_generate(actor=GENDATA, seed=1)
    proposals = Action.objects.filter(status=ActionStatus.PROPOSED)
    assert proposals.count() == counts["proposals"] >= 1
    assert not proposals.filter(proposed_by__isnull=False).exists()
    proposal = proposals.get(organization=tree.county_a)
    assert proposal.basis["overdue"] >= 3
    assert proposal.level == services.next_level(campaign=proposal.campaign, organization=tree.county_a)
    assert services.action_proposals_refresh(actor=REMIND, today=TODAY) == 0  # the generator refreshed them already
    letters = FeedbackLetter.objects.all()
    assert letters.count() == counts["letters"] == 3
    issued = letters.filter(status=LetterStatus.ISSUED)
    assert issued.count() == 2 and letters.filter(status=LetterStatus.DRAFT).count() == 1
    for letter in issued:
        assert letter.number.endswith("号") and letter.issued_on == TODAY
        assert letter.findings.exists() and letter.actions.exists()
        assert letter.reply_due_on is not None and letter.reply_due_on > TODAY
