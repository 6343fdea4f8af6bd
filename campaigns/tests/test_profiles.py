"""Guidance profiles: the defaults loaded by the data migration say what the speech (一.3, 二.1) says."""

import pytest

from accounts.actors import SETUP
from campaigns import selectors, services
from campaigns.models import GuidanceProfile
from orgs.choices import Sector, Tier

ORGANS = ("organ", "affiliated", "institution", "state_enterprise")
SPEECH_FOCUS_ORGANS = "精神不振、能力不足、作风不实"
SPEECH_FLEXIBILITY = "流动党员、年老体弱党员的学习教育要灵活施策、讲求实效"


def _profile(sector: str, tier: str) -> GuidanceProfile:
    return GuidanceProfile.objects.get(sector=sector, tier=tier)


@pytest.mark.django_db
def test_every_combination_in_practice_has_a_profile():
    expected = {(s, t) for s in ORGANS for t in ("city", "county")}
    expected |= {("township", "township"), ("street", "township"), ("village", "village"), ("community", "village")}
    expected |= {(s, t) for s in ("non_public", "social", "other") for t in ("county", "township", "village")}
    have = set(GuidanceProfile.objects.values_list("sector", "tier"))
    assert expected <= have
    assert all(s in Sector.values and t in Tier.values for s, t in have)


@pytest.mark.django_db
def test_defaults_match_the_speech():
    for tier in ("city", "county"):
        for sector in ORGANS:
            p = _profile(sector, tier)
            assert SPEECH_FOCUS_ORGANS in p.focus, (sector, tier)
            assert p.applies_democratic_meeting and p.applies_organisational_meeting
            assert not p.simplified and not p.small_dispersed
    for sector, tier in (("township", "township"), ("street", "township"), ("village", "village"),
                         ("community", "village")):
        p = _profile(sector, tier)
        assert "服务群众" in p.focus and SPEECH_FOCUS_ORGANS not in p.focus
        assert not p.applies_democratic_meeting and p.applies_organisational_meeting  # 乡科级以下: 组织生活会
        assert p.simplified == (tier == "village")
        if p.simplified:
            assert "适当简化程序性要求" in p.method_notes
    for tier in ("county", "township", "village"):
        for sector in ("non_public", "social"):
            p = _profile(sector, tier)
            assert p.small_dispersed and "小型、业余、分散" in p.method_notes
            assert not p.applies_democratic_meeting
        assert not _profile("other", tier).small_dispersed
    for p in GuidanceProfile.objects.all():
        assert SPEECH_FLEXIBILITY in p.member_flexibility
        assert "一刀切" in p.member_flexibility
        # The four measures run for everyone (no phases, nothing switched off by default).
        assert p.applies_study and p.applies_research and p.applies_public_service and p.applies_lecture


def test_a_village_unit_gets_the_simplified_profile(tree):
    village = selectors.profile_for(tree.village_a)
    community = selectors.profile_for(tree.village_b)
    township = selectors.profile_for(tree.township_a)
    assert village and village.simplified and not village.applies_democratic_meeting
    assert community and community.simplified
    assert township and not township.simplified


@pytest.mark.django_db
def test_office_edits_a_profile():
    p = _profile("village", "village")
    services.profile_update(actor=SETUP, profile=p, office_notes=" 村级可与主题党日结合 ", applies_research=False)
    p.refresh_from_db()
    assert p.office_notes == "村级可与主题党日结合" and not p.applies_research
    with pytest.raises(ValueError):
        services.profile_update(actor=SETUP, profile=p, sector="organ")


@pytest.mark.django_db
def test_data_migration_is_reversible():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("campaigns.migrations.0002_guidance_profile_defaults")
    migration.unload(apps, None)
    assert not GuidanceProfile.objects.exists()
    migration.load(apps, None)
    assert GuidanceProfile.objects.count() == len(migration.default_profiles())

