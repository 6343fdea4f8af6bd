import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.actors import SETUP
from conftest import make_member
from core.models import AuditEntry
from orgs import services
from orgs.counters import rollup_differences
from orgs.models import Member
from orgs.selectors import org_stats, org_totals


def test_root_sentence_counts_the_whole_subtree(tree):
    make_member(tree.village_a, mobile=True)
    make_member(tree.village_b, frail=True)
    services.cadre_create(actor=SETUP, organization=tree.county_a, name="李四", id_number="11010519491231002X",
                          position="区委书记", rank=50)
    services.cadre_create(actor=SETUP, organization=tree.township_a, name="王五", id_number="440524188001010014",
                          position="镇长", rank=30)
    stats = org_stats(tree.city)
    assert stats.sentence == "共有党组织7个，党员2人，县处级以上领导干部1人"
    assert stats.totals.mobile == 1 and stats.totals.frail == 1
    assert [c.code for c, _ in stats.children] == ["A", "B"]
    assert {c.code: t.members for c, t in stats.children} == {"A": 1, "B": 1}
    assert {v: t.orgs for v, _, t in stats.by_tier} == {"city": 1, "county": 2, "township": 2, "village": 2}
    assert rollup_differences() == []


def test_counters_stay_exact_after_member_move_and_flag_change(tree):
    m = make_member(tree.village_a)
    services.member_update(actor=SETUP, member=m, organization=tree.village_b, is_mobile=True)
    assert org_totals(tree.county_a).members == 0
    assert org_totals(tree.county_b).mobile == 1
    services.member_delete(actor=SETUP, member=m)
    assert org_totals(tree.city).members == 0
    assert rollup_differences() == []


def test_counters_stay_exact_after_org_move_and_sector_change(tree):
    make_member(tree.village_a)
    services.org_move(actor=SETUP, org=tree.township_a, new_parent=tree.county_b)
    assert org_totals(tree.county_a).orgs == 1
    assert org_totals(tree.county_b).orgs == 5
    assert org_totals(tree.county_b).members == 1
    tree.village_a.refresh_from_db()
    services.org_update(actor=SETUP, org=tree.village_a, sector="community")
    stats = org_stats(tree.city)
    assert {v: t.orgs for v, _, t in stats.by_sector}["community"] == 2
    assert rollup_differences() == []


def test_org_with_members_cannot_be_deleted_and_empty_one_can(tree):
    make_member(tree.village_a)
    with pytest.raises(ValidationError):
        services.org_delete(actor=SETUP, org=tree.township_a)
    services.org_delete(actor=SETUP, org=tree.township_b)
    assert org_totals(tree.city).orgs == 5
    assert rollup_differences() == []


def test_member_birth_date_must_agree_with_id_number(tree):
    with pytest.raises(ValidationError) as exc:
        services.member_create(actor=SETUP, organization=tree.village_a, name="赵六", gender="F",
                               birth_date=dt.date(1949, 12, 30), id_number="11010519491231002X")
    assert "birth_date" in exc.value.message_dict
    assert not Member.objects.exists()


def test_every_write_is_audited(tree):
    m = make_member(tree.village_a)
    services.member_update(actor=SETUP, member=m, phone="13900139000")
    entry = AuditEntry.objects.filter(object_type="orgs.member", action="update").get()
    assert entry.before == {"phone": "13800138000"} and entry.after == {"phone": "13900139000"}
    with pytest.raises(PermissionError):
        entry.delete()
