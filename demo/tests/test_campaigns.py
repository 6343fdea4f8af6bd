"""Demo campaigns on a generated (tiny) city: deterministic, one liaison group per county, the demo liaison in
the group of their own county and narrowed to it."""

import datetime as dt

import pytest

from accounts.actors import SETUP, SystemActor
from administration.services import user_create
from campaigns import selectors
from campaigns.models import Campaign, LiaisonAssignment, Participation, Team
from demo.accounts import demo_place
from demo.generators import orgs as gendata
from demo.generators.campaigns import campaigns_generate, counties
from orgs.choices import Tier
from orgs.models import Organization

GENDATA = SystemActor("gendata")  # the generators' author, as manage.py gendata runs them


def _fingerprint() -> tuple:
    return (
        tuple(Campaign.objects.order_by("starts_on").values_list("name", "batch", "starts_on", "ends_on",
                                                                  "is_current")),
        tuple(Participation.objects.order_by("campaign__starts_on").values_list("campaign__batch",
                                                                                 "organization__code")),
        tuple(Team.objects.order_by("id").values_list("name", "memberships__user__username")),
        tuple(LiaisonAssignment.objects.order_by("group__name").values_list("group__name", "organization__code")),
    )


@pytest.mark.django_db
def test_demo_campaigns_on_a_tiny_city():
    gendata.generate("tiny", 1, actor=GENDATA)
    root = Organization.objects.get_first_root_node()
    office = user_create(actor=SETUP, username="office", role="office", organization=root)
    liaison = user_create(actor=SETUP, username="liaison", role="liaison", organization=demo_place(root, Tier.COUNTY))
    campaigns_generate(actor=GENDATA, seed=1)

    current = selectors.current_campaign()
    assert current is not None and current.batch == 2 and current.starts_on == dt.date(2023, 9, 1)
    past = Campaign.objects.get(batch=1)
    assert not past.is_current and past.starts_on.month == 4
    assert past.ends_on is not None and past.ends_on.month == 8
    for c in (past, current):
        assert list(c.participations.values_list("organization", flat=True)) == [root.pk]
    assert list(current.teams.order_by("id").values_list("name", flat=True)) == ["综合组", "材料组", "宣传组", "联络组"]
    assert all(t.memberships.filter(user=office).exists() for t in current.teams.all())

    county_list = counties(root)
    assert len(county_list) == 1 and county_list[0].tier == Tier.COUNTY and county_list[0].depth == 2
    group = current.liaison_groups.get()
    assert group.name == "第一联络组"
    assert list(group.assignments.values_list("organization", flat=True)) == [county_list[0].pk]
    assert list(group.memberships.values_list("user", flat=True)) == [liaison.pk]
    assert liaison.data_scope_paths() == [county_list[0].path]
    assert selectors.liaison_group_of(liaison.organization, current) == group

    first = _fingerprint()
    campaigns_generate(actor=GENDATA, seed=1)  # a second run changes nothing
    assert _fingerprint() == first
    Campaign.objects.all().delete()
    campaigns_generate(actor=GENDATA, seed=1)
    assert _fingerprint() == first


@pytest.mark.django_db
def test_without_a_registry_nothing_happens():
    campaigns_generate(actor=GENDATA, seed=1)
    assert not Campaign.objects.exists()


@pytest.fixture
def demo_settings(settings, monkeypatch):
    settings.DEMO = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setitem(gendata.SCALES, "demo", gendata.SCALES["tiny"])
    return settings


@pytest.mark.django_db
def test_demo_command_generates_campaigns_and_fills_an_existing_database(demo_settings):
    import io

    from django.core.management import call_command

    from accounts.models import User

    call_command("demo", port=8000, stdout=io.StringIO())
    current = selectors.current_campaign()
    assert current is not None and Campaign.objects.count() == 2
    liaison = User.objects.get(username="liaison")
    group = selectors.liaison_group_of(liaison.organization, current)
    assert group is not None and group.memberships.filter(user=liaison).exists()
    # An existing demo database from before campaigns existed (so also before their measures' records and problems).
    from measures.models import LifeMeeting, PartyLecture, PublicService, ResearchTopic, ResultsExchange, StudySession
    from office.models import Submission
    from problems.models import Problem, SpecialCampaign
    from supervision.models import Action, FeedbackLetter, Finding, Visit

    while Submission.objects.exists():  # replies first: a submission protects the ones answering it
        Submission.objects.filter(replies__isnull=True).delete()
    for model in (FeedbackLetter, Action, Finding, Visit, Problem, SpecialCampaign, StudySession, ResearchTopic,
                  ResultsExchange, PublicService, PartyLecture, LifeMeeting):
        model.objects.all().delete()
    Campaign.objects.all().delete()
    out = io.StringIO()
    call_command("demo", port=8000, stdout=out)
    assert Campaign.objects.count() == 2 and "已生成演示主题教育" in out.getvalue()
    out = io.StringIO()
    call_command("demo", port=8000, stdout=out)
    assert Campaign.objects.count() == 2 and "已生成演示主题教育" not in out.getvalue()
