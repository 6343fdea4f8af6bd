"""The demo communication log: deterministic, idempotent, every state present, and the services' rules kept."""
# ruff: noqa: F811  (the fixtures imported from the apps' conftest modules are the tests' arguments)

from typing import Any

import pytest
from django.utils import timezone

from accounts.actors import SystemActor
from demo.generators.office import submissions_generate
from office.choices import ASKING_KINDS, OPEN, Direction, Kind, Origin, SubmissionStatus
from office.models import Submission
from office.permissions import allowed_actions, answer_side
from office.selectors import SubmissionFilter, submission_list
from office.tests.conftest import office_teams  # noqa: F401
from problems.tests.conftest import campaign, frozen_clock, media_root, people  # noqa: F401

GENDATA = SystemActor("gendata")  # the generators' author, as manage.py gendata runs them

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple[Any, ...]]:
    return [(s.kind, s.origin, s.direction, s.organization.code, s.org_path, s.counterpart, s.number, s.title,
             s.sent_on, s.received_on, s.due_on, s.status, s.team.name if s.team else "", s.answer, s.close_note,
             s.parent.title if s.parent else "", s.created_at, s.answered_at, s.closed_at)
            for s in Submission.objects.select_related("organization", "team", "parent").order_by("id")]


def _wipe() -> None:
    Submission.objects.filter(parent__isnull=False).delete()
    Submission.objects.all().delete()


def test_generates_every_state_deterministically_and_once(people, office_teams, campaign):
    written = submissions_generate(actor=GENDATA, seed=3)
    assert 25 <= written == Submission.objects.count() <= 60
    first = _snapshot()
    assert submissions_generate(actor=GENDATA, seed=3) == 0 and Submission.objects.count() == written
    _wipe()
    assert submissions_generate(actor=GENDATA, seed=3) == written
    assert _snapshot() == first
    statuses = {s.status for s in Submission.objects.all()}
    assert statuses == set(SubmissionStatus.values)
    kinds = {s.kind for s in Submission.objects.all()}
    assert kinds == set(Kind.values)
    assert {s.origin for s in Submission.objects.all()} == set(Origin.values)
    assert {s.direction for s in Submission.objects.all()} == set(Direction.values)
    assert submission_list(people["office"], SubmissionFilter(overdue=True)).count() >= 3


def test_generated_rows_keep_the_services_rules(people, office_teams, campaign):
    submissions_generate(actor=GENDATA, seed=1)
    now, today = timezone.now(), timezone.localdate()
    for s in Submission.objects.select_related("organization", "parent"):
        assert s.org_path == s.organization.path and s.campaign == campaign
        assert s.created_at <= now and (s.day is None or s.day <= today)
        if s.status in (SubmissionStatus.ANSWERED, SubmissionStatus.CLOSED) and s.answer:
            assert s.answered_at is not None and s.answered_at >= s.created_at
            if s.origin != Origin.OUTSIDE:
                assert s.answered_by_id is None or s.answered_by_id != s.created_by_id
        if s.status == SubmissionStatus.CLOSED:
            assert s.closed_at is not None and s.closed_by == people["office"]
            if s.answered_at is not None:
                assert s.closed_at >= s.answered_at
            if s.kind in ASKING_KINDS and answer_side(s) != "outside":
                assert s.answer, s.title
        if s.status == SubmissionStatus.ASSIGNED:
            assert s.team is not None and s.assigned_at is not None
        if s.status in OPEN:
            assert not s.answer
        if s.parent is not None:
            assert s.created_at >= s.parent.created_at
        if s.origin in (Origin.UNIT, Origin.LIAISON):
            assert s.direction == Direction.UP and s.kind in (Kind.REPORT, Kind.REQUEST, Kind.EXPERIENCE, Kind.CASE)


def test_the_demo_unit_has_its_own_items_and_one_to_answer(people, office_teams, campaign):
    submissions_generate(actor=GENDATA, seed=1)
    own = list(submission_list(people["unit"]))
    assert own and all(s.org_path.startswith(people["unit"].organization.path) for s in own)
    assert any(s.created_by == people["unit"] for s in own)
    assert any("answer" in allowed_actions(people["unit"], s) for s in own)
    assert not submission_list(people["liaison_b"]).filter(org_path__startswith=people["unit"].organization.path)


def test_nothing_without_a_current_campaign(db):
    assert submissions_generate(actor=GENDATA, seed=1) == 0
