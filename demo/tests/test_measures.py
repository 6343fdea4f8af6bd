"""Demo measures: deterministic, for the current and past campaigns, through the models' rules (dates inside the
campaign), some units and leaders behind."""
# ruff: noqa: F811  (the fixtures imported from the apps' conftest modules are the tests' arguments)

import datetime as dt
from typing import Any

from accounts.actors import SystemActor
from demo.generators.measures import measures_generate
from measures.models import LifeMeeting, PartyLecture, PublicService, StudySession
from measures.tests.conftest import END, START, cadres, campaign, past_campaign  # noqa: F401

GENDATA = SystemActor("gendata")  # the generators' author, as manage.py gendata runs them


def _snapshot() -> list[tuple[Any, ...]]:
    return sorted(StudySession.objects.values_list("organization__code", "campaign__name", "kind", "topic",
                                                   "held_on", "participant_count"))


def test_generates_deterministic_records_inside_each_campaign(tree, campaign, past_campaign, cadres):
    measures_generate(actor=GENDATA, seed=1)
    first = _snapshot()
    assert first and StudySession.objects.filter(campaign=past_campaign).exists()
    for model in (StudySession, PartyLecture, LifeMeeting):
        current = model.objects.filter(campaign=campaign)
        assert not current.filter(held_on__lt=START).exists() and not current.filter(held_on__gt=END).exists()
        past = model.objects.filter(campaign=past_campaign)
        assert not past.filter(held_on__lt=dt.date(2021, 2, 20)).exists()
    # Only organisations that take part: county B took no part in the past campaign.
    assert not StudySession.objects.filter(campaign=past_campaign, organization__code__startswith="B").exists()
    assert PublicService.objects.exists()
    measures_generate(actor=GENDATA, seed=1)  # a second run does nothing
    assert _snapshot() == first
    StudySession.objects.all().delete()
    measures_generate(actor=GENDATA, seed=1)
    assert _snapshot() == first
