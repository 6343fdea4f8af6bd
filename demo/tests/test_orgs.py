"""The generated city: deterministic, valid, realistic, and written with exact counters and a sound tree."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.actors import SystemActor
from core import cn
from core.models import AuditEntry
from demo.generators import orgs as gendata
from orgs.choices import Rank, Sector, Tier
from orgs.counters import rollup_differences
from orgs.models import Cadre, Member, Organization, Rollup
from orgs.selectors import org_search, org_stats
from orgs.services import member_field_errors

GENDATA = SystemActor("gendata")  # the generators' author, as manage.py gendata runs them


def fingerprint() -> tuple:
    orgs = tuple(Organization.objects.order_by("path").values_list(
        "path", "code", "name", "kind", "sector", "tier", "numchild", "credit_code"))
    members = tuple(Member.objects.order_by("id_number").values_list(
        "id_number", "name", "organization__code", "joined_on", "is_mobile", "is_frail", "category"))
    cadres = tuple(Cadre.objects.order_by("id_number").values_list("id_number", "name", "rank",
                                                                    "organization__code"))
    return orgs, members, cadres


def wipe() -> None:
    Member.objects.all().delete()
    Cadre.objects.all().delete()
    Rollup.objects.all().delete()
    Organization.objects.all().delete()


@pytest.mark.django_db
def test_same_seed_gives_the_same_city_and_another_seed_another():
    gendata.generate("tiny", 7, actor=GENDATA)
    first = fingerprint()
    wipe()
    gendata.generate("tiny", 7, actor=GENDATA)
    assert fingerprint() == first
    wipe()
    gendata.generate("tiny", 8, actor=GENDATA)
    assert fingerprint() != first


@pytest.mark.django_db
def test_generated_tree_is_sound_and_counters_exact():
    counts = gendata.generate("tiny", 1, actor=GENDATA)
    assert counts["orgs"] == Organization.objects.count() >= 50
    assert counts["members"] == Member.objects.count() > 100
    assert rollup_differences() == []
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    root = Organization.objects.get_first_root_node()
    assert root.path == "0001" and root.depth == 1 and root.tier == Tier.CITY
    assert root.numchild == Organization.objects.get_children(root).count() > 0
    first = Organization.objects.get_children(root).first()
    assert first.path == "00010001"
    for org in Organization.objects.filter(numchild__gt=0):
        assert Organization.objects.get_children(org).count() == org.numchild
    stats = org_stats(root)
    assert stats.totals.orgs == counts["orgs"] and stats.totals.members == counts["members"]
    assert stats.totals.cadres == Cadre.objects.filter(rank__gte=Rank.COUNTY_DEPUTY).count()


@pytest.mark.django_db
def test_every_identifier_is_valid():
    gendata.generate("tiny", 3, actor=GENDATA)
    today = gendata.REFERENCE_DATE
    for m in Member.objects.all():
        errors = member_field_errors(name=m.name, gender=m.gender, birth_date=m.birth_date,
                                     id_number=m.id_number, phone=m.phone, joined_on=m.joined_on,
                                     category=m.category, today=today)
        assert errors == {}, (m.id_number, errors)
        assert gendata.BIRTH_MIN <= m.birth_date <= gendata.BIRTH_MAX
        assert not m.phone or (len(m.phone) == 11 and m.phone[1] in "3456789")
        if m.category == "probationary":
            assert m.joined_on is not None and m.joined_on >= gendata.PROBATION_START
    for c in Cadre.objects.all():
        assert cn.id_number_error(c.id_number) is None
    ids = list(Member.objects.values_list("id_number", flat=True)) + list(
        Cadre.objects.values_list("id_number", flat=True))
    assert len(ids) == len(set(ids))
    for org in Organization.objects.all():
        assert not org.credit_code or cn.credit_code_error(org.credit_code) is None, org.credit_code
        assert not org.division_code or cn.division_code_error(org.division_code) is None
        assert org.initials == cn.pinyin_initials_readings(org.name)
    assert Organization.objects.exclude(credit_code="").count() > 10
    codes = list(Organization.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))


@pytest.mark.django_db
def test_the_mix_is_realistic():
    gendata.generate("tiny", 1, actor=GENDATA)
    tiers = set(Organization.objects.values_list("tier", flat=True))
    assert tiers == set(Tier.values)
    sectors = set(Organization.objects.values_list("sector", flat=True))
    assert len(sectors) >= 9, set(Sector.values) - sectors
    assert set(Cadre.objects.values_list("rank", flat=True)) == set(Rank.values)
    members = Member.objects.all()
    n = members.count()
    genders = Counter(members.values_list("gender", flat=True))
    assert 0.55 < genders["M"] / n < 0.85
    assert members.filter(is_mobile=True).exists() and members.filter(is_frail=True).exists()
    assert members.filter(category="probationary").exists()
    surnames = Counter(name[0] for name in members.values_list("name", flat=True))
    assert surnames.most_common(1)[0][0] in "王李张刘陈"
    assert org_search(Organization.objects.all(), "cgz").filter(name="城关镇党委").exists()


@pytest.mark.django_db
def test_one_audit_entry_for_the_whole_load():
    call_command("gendata", scale="tiny", seed=1, verbosity=0)
    entries = AuditEntry.objects.filter(object_type="orgs.organization")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.action == AuditEntry.Action.IMPORT and entry.actor_name == "system:gendata"
    assert entry.after is not None and entry.after["orgs"] == Organization.objects.count()
    assert not AuditEntry.objects.filter(object_type="orgs.member").exists()


def test_refuses_a_registry_that_is_not_empty(tree):
    with pytest.raises(CommandError, match="已有7个党组织"):
        call_command("gendata", scale="tiny", seed=1, verbosity=0)
    assert Organization.objects.count() == 7 and not Member.objects.exists()


def test_path_steps_are_base36():
    assert gendata._step(1) == "0001"
    assert gendata._step(36) == "0010"
    assert gendata._step(36**4 - 1) == "ZZZZ"
