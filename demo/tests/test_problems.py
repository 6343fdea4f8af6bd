"""The demo and scale problems (`problems.gendata`): deterministic, idempotent, and a history the services could
have written — every status reached through the transition table, closures earned, counters exact."""
# ruff: noqa: F811  (the fixtures imported from the apps' conftest modules are the tests' arguments)

import datetime as dt
import io
import itertools
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from accounts.actors import SETUP, SystemActor
from campaigns.models import Participation
from demo.generators import problems as gendata
from orgs.models import Organization
from problems.choices import TRANSITIONS, ExtensionStatus, ProblemAction, ProblemStatus
from problems.models import Closure, Evidence, Extension, Problem, SpecialCampaign, TransitionRecord
from problems.services import evidence_intact
from problems.tests.conftest import NOW, START, campaign, frozen_clock, media_root, people  # noqa: F401

GENDATA = SystemActor("gendata")  # the generators' author, as manage.py gendata runs them

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadres(tree: Any) -> list[Any]:
    from orgs.services import cadre_create

    return [
        cadre_create(actor=SETUP,
                     organization=tree.county_a, name="吴刚", id_number="11010519491231002X", position="区委书记",
                     rank=50),
        cadre_create(actor=SETUP, organization=tree.township_a, name="郑洁", id_number="110101199003070011",
                     position="镇党委书记", rank=30),
        cadre_create(actor=SETUP,
                     organization=tree.county_b, name="李强", id_number="440524188001010014", position="县长",
                     rank=50),
    ]


def fingerprint() -> list[tuple[Any, ...]]:
    """Every generated problem's content and history, without ids and secrets."""
    problems = list(Problem.objects.order_by("organization__code", "id").values_list(
        "organization__code", "description", "source", "category", "special_campaign__name", "severity", "fix_now",
        "deadline", "due_on", "status", "registered_on", "claimed_at", "closed_at", "closed_on_time", "relapsed",
        "extension_count", "step_count", "steps_done", "responsible_cadre__name", "cause", "version"))
    timeline = list(TransitionRecord.objects.order_by("problem__organization__code", "problem_id", "at").values_list(
        "action", "from_status", "to_status", "actor_name", "at", "note"))
    return problems + timeline


def wipe() -> None:
    Problem.objects.all().delete()


def test_same_seed_gives_the_same_ledger_and_another_seed_another(people: Any, cadres: Any) -> None:
    assert gendata.problems_generate(actor=GENDATA, seed=1, count=120) == 120
    first = fingerprint()
    wipe()
    assert gendata.problems_generate(actor=GENDATA, seed=1, count=120) == 120
    assert fingerprint() == first
    wipe()
    gendata.problems_generate(actor=GENDATA, seed=2, count=120)
    assert fingerprint() != first


def test_a_second_run_does_nothing(people: Any, cadres: Any) -> None:
    written = gendata.problems_generate(actor=GENDATA, seed=1)
    assert written == Problem.objects.count() > 0
    rows = (TransitionRecord.objects.count(), Evidence.objects.count(), SpecialCampaign.objects.count())
    assert gendata.problems_generate(actor=GENDATA, seed=1) == 0
    assert Problem.objects.count() == written
    assert (TransitionRecord.objects.count(), Evidence.objects.count(), SpecialCampaign.objects.count()) == rows


def test_nothing_without_a_current_campaign(tree: Any) -> None:
    assert gendata.problems_generate(actor=GENDATA, seed=1) == 0
    assert not Problem.objects.exists()


def test_problems_only_inside_participating_organizations(tree: Any, people: Any, campaign: Any) -> None:
    Participation.objects.filter(campaign=campaign).delete()
    Participation.objects.create(campaign=campaign, organization=tree.county_a)
    assert gendata.problems_generate(actor=GENDATA, seed=1, count=60) == 60
    inside = set(Organization.objects.in_subtree(tree.county_a.path).values_list("id", flat=True))
    assert set(Problem.objects.values_list("organization_id", flat=True)) <= inside
    assert not Problem.objects.exclude(campaign=campaign).exists()


def _allowed(action: str, from_status: str, to_status: str, fix_now: bool) -> bool:
    for rule in TRANSITIONS:
        if rule.action == action and from_status in rule.sources and (not rule.fix_now_only or fix_now):
            return to_status == (rule.target or from_status)
    return False


def test_generated_history_obeys_the_services_rules(tree: Any, people: Any, cadres: Any, campaign: Any) -> None:
    written = gendata.problems_generate(actor=GENDATA, seed=3, count=400)
    assert written == Problem.objects.count() == 400
    problems = list(Problem.objects.select_related("organization", "responsible_cadre__organization",
                                                   "closed_by", "claimed_by", "created_by"))
    statuses = Counter(p.status for p in problems)
    assert all(statuses[s] > 0 for s in ProblemStatus.values), statuses  # a spread of every state
    today = timezone.localdate()
    assert any(p.status != ProblemStatus.CLOSED and p.due_on < today for p in problems)  # some overdue
    assert any(p.closed_on_time is False for p in problems)  # some closed late
    assert any(p.relapsed for p in problems) and any(p.extension_count for p in problems)
    assert len({p.source for p in problems}) == 5 and any(p.special_campaign_id for p in problems)

    for p in problems:
        assert p.org_path == p.organization.path
        assert p.campaign_id == campaign.pk
        assert START <= p.registered_on < today
        steps = list(p.steps.all())
        assert p.step_count == len(steps) and p.steps_done == sum(1 for s in steps if s.done_on)
        for step in steps:
            if step.done_on:
                assert step.evidence.exists(), "a done step has its evidence"
        if p.responsible_cadre is not None:
            assert p.organization.path.startswith(p.responsible_cadre.organization.path)

        timeline = list(p.timeline.order_by("at", "id"))
        assert timeline[0].action == ProblemAction.REGISTER and timeline[0].to_status == ProblemStatus.REGISTERED
        assert timezone.localtime(timeline[0].at).date() >= p.registered_on
        for before, after in itertools.pairwise(timeline):
            assert before.at < after.at <= NOW
            assert after.from_status == before.to_status
            assert _allowed(after.action, after.from_status, after.to_status, p.fix_now), (after.action, p.pk)
        assert timeline[-1].to_status == p.status

        closures = list(p.closures.all())
        if p.status in (ProblemStatus.CLAIMED, ProblemStatus.CLOSED):
            assert p.steps_done == p.step_count and p.evidence.exists() and p.claimed_at is not None
        if p.status == ProblemStatus.CLOSED:
            assert closures and p.closed_at == closures[-1].closed_at
            assert p.closed_on_time == (timezone.localtime(p.claimed_at).date() <= p.due_on)  # judged by the claim
            assert not p.evidence.filter(frozen=False).exists()
        if p.status == ProblemStatus.CLOSED or p.relapsed:
            assert closures
        else:
            assert not closures
        for closure in closures:
            assert closure.closed_by_name
            manifest = {e["id"]: e["sha256"] for e in closure.evidence}
            assert manifest == dict(p.evidence.filter(pk__in=manifest).values_list("id", "sha256"))
            if closure.closed_by is not None:  # a demo account: never of the owner's unit, never the claimant
                assert closure.closed_by.organization_id != p.organization_id
                assert closure.closed_by_id != p.claimed_by_id
                assert closure.closed_by_id != p.created_by_id or closure.closed_by.role not in ("unit", "office")
        if p.relapsed:
            assert p.status == ProblemStatus.IN_PROGRESS and p.timeline.filter(action=ProblemAction.REOPEN).exists()
        approved = list(p.extensions.filter(status=ExtensionStatus.APPROVED).order_by("decided_at"))
        assert p.extension_count == len(approved)
        if approved and not p.relapsed:
            assert p.due_on == approved[-1].new_due_on
        pending = p.extensions.filter(status=ExtensionStatus.PENDING)
        assert pending.count() <= 1
        if (p.status not in (ProblemStatus.REGISTERED, ProblemStatus.IN_PROGRESS)
                or p.timeline.filter(action=ProblemAction.CLAIM).exists()):
            assert not pending.exists()  # a claim withdraws a pending request
        assert p.version >= len(timeline)

    # Evidence files exist under MEDIA_ROOT with the hashes recorded.
    assert all(evidence_intact(e) for e in Evidence.objects.all()[:200])
    assert Closure.objects.filter(closed_by=people["liaison"]).exists()  # the demo liaison verifies in county A
    assert not Closure.objects.filter(problem__organization=tree.county_a, closed_by=people["liaison"]).exists()
    # The demo unit account has problems of its own in every state to work on.
    own = Problem.objects.filter(organization=tree.village_a)
    assert own.count() >= 6 and set(own.values_list("status", flat=True)) == set(ProblemStatus.values)
    assert own.filter(created_by=people["unit"]).exists() and own.filter(claimed_by=people["unit"]).exists()
    assert not Extension.objects.filter(requested_by=people["liaison"]).exists()


def test_large_loads_on_postgresql_rebuild_indexes_and_constraints(tree: Any, people: Any, cadres: Any,
                                                                   monkeypatch: Any) -> None:
    def schema() -> list[tuple[Any, ...]]:
        if connection.vendor != "postgresql":
            return []
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename LIKE 'problems\\_%%' ORDER BY 1")
            rows = cursor.fetchall()
            cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE conrelid::regclass::text LIKE 'problems\\_%%' ORDER BY 1")
            return rows + cursor.fetchall()

    before = schema()
    monkeypatch.setattr(gendata, "REBUILD_FROM", 1)
    assert gendata.problems_generate(actor=GENDATA, seed=1, count=50) == 50
    assert schema() == before
    # The sequences continue after the explicit ids.
    from problems.services import problem_create

    made = problem_create(actor=people["unit"], organization=tree.village_a, description="新登记的问题",
                          source="self", category="style")
    assert made.pk > max(Problem.objects.exclude(pk=made.pk).values_list("id", flat=True))


def test_gendata_command_adds_problems_at_the_tiny_scale(settings: Any, monkeypatch: Any) -> None:
    from demo import parts

    monkeypatch.setitem(parts.PROBLEMS, "tiny", 40)
    out = io.StringIO()
    call_command("gendata", scale="tiny", seed=1, only="orgs,problems", stdout=out)
    assert "已生成问题清单：问题40个" in out.getvalue()
    assert Problem.objects.count() == 40
    from orgs.models import Member

    assert not Member.objects.exists()  # --only orgs,problems: no members
    out = io.StringIO()
    call_command("gendata", scale="tiny", seed=1, only="problems", stdout=out)
    assert "未再生成" in out.getvalue() and Problem.objects.count() == 40


def test_gendata_command_refuses_odd_parts() -> None:
    with pytest.raises(CommandError, match="未知的 --only"):
        call_command("gendata", scale="tiny", only="orgs,votes", stdout=io.StringIO())
    with pytest.raises(CommandError, match="只能和党组织"):
        call_command("gendata", scale="tiny", only="members", stdout=io.StringIO())


def test_dates_follow_the_campaign_window(people: Any, campaign: Any) -> None:
    """The history fills the campaign up to yesterday; nothing is dated today or later."""
    gendata.problems_generate(actor=GENDATA, seed=1, count=80)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert Problem.objects.filter(registered_on__lte=yesterday).count() == 80
    assert not TransitionRecord.objects.filter(at__gt=NOW).exists()
    assert not Problem.objects.filter(registered_on__lt=campaign.starts_on).exists()


def test_every_closure_names_its_verifier_on_the_problem_too(people: Any, cadres: Any) -> None:
    """As the services record a closure: Problem.closed_by is the Closure's verifier (an account), so the
    ledger's export shows 核验人 at every scale, not only for the demo liaison's units."""
    from problems.exports import write_ledger

    gendata.problems_generate(actor=GENDATA, seed=1, count=300)
    everything = list(Problem.objects.filter(status=ProblemStatus.CLOSED).select_related("closed_by"))
    # Only the problems of the unit where the verifiers themselves sit (say, the root and the office) are closed
    # by a name alone: nobody of the owner's own unit may close.
    closed = [p for p in everything if p.closed_by is not None]
    assert everything and len(closed) >= 0.8 * len(everything)
    for p in closed:
        closure = Closure.objects.filter(problem=p).order_by("-closed_at", "-id").first()
        assert closure is not None and closure.closed_by_id == p.closed_by_id
        assert closure.closed_by_name == str(p.closed_by)
        assert p.closed_by is not None and p.closed_by.organization_id != p.organization_id
        assert p.closed_by_id != p.claimed_by_id
    out = io.BytesIO()
    write_ledger(Problem.objects.filter(pk=closed[0].pk), out)
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue())).get_sheet_by_index(0).to_python()
    assert f"核验人：{closed[0].closed_by}" in str(rows[2][9])


def test_the_history_takes_every_row_of_the_lifecycle(people: Any, cadres: Any) -> None:
    """The generator walks problems.choices.TRANSITIONS: each row is taken from each of its sources, on the row's
    side (a verifier's row by the problem's verifier, never by whoever registered or claimed it)."""
    gendata.problems_generate(actor=GENDATA, seed=3, count=400)
    taken = set(TransitionRecord.objects.exclude(action=ProblemAction.REGISTER)
                .values_list("action", "from_status", "problem__fix_now"))
    for row in TRANSITIONS:
        for source in row.sources:
            assert (row.action, source, True) in taken or (row.action, source, False) in taken, (row.action, source)
    verifier_rows = {row.action for row in TRANSITIONS if row.verifier}
    sides: dict[bool, set[str]] = {True: set(), False: set()}
    for record in TransitionRecord.objects.exclude(action=ProblemAction.REGISTER).select_related("actor"):
        if record.actor is not None:
            sides[record.action in verifier_rows].add(record.actor.username)
    # The verifiers: the office's and liaison groups' generated accounts, and the demo liaison; the unit's side: its
    # contact (a name only) or the demo unit account.
    assert sides[False] == {"unit"}
    assert "liaison" in sides[True] and all(u == "liaison" or u.startswith("gd-verifier-") for u in sides[True])


def test_a_status_added_to_the_lifecycle_alone_stops_the_generator() -> None:
    from accounts.permissions import Capability
    from problems.choices import Transition

    suspended = "suspended"
    table = (*TRANSITIONS, Transition("suspend", frozenset({ProblemStatus.IN_PROGRESS}), suspended,
                                      Capability.VERIFY_PROBLEMS, verifier=True))
    statuses = (*ProblemStatus.values, suspended)
    with pytest.raises(LookupError, match="no share of \\['suspended'\\]"):
        gendata.check_mix(gendata.MIX, statuses)
    with pytest.raises(LookupError, match="cannot take the way \\('start', 'suspend'\\)"):
        gendata.routes(table, statuses, fix_now=False)
    with pytest.raises(LookupError, match="no row of TRANSITIONS leads to: \\['suspended'\\]"):
        gendata.routes(TRANSITIONS, statuses, fix_now=False)
    assert gendata.routes(TRANSITIONS, ProblemStatus.values, fix_now=True)[ProblemStatus.CLOSED] == ("claim", "close")
