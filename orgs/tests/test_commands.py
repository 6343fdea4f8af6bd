"""manage.py demo, stats and check_counters."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from conftest import make_member
from orgs import gendata
from orgs.choices import Tier
from orgs.counters import rollup_differences
from orgs.models import Organization, Rollup
from orgs.selectors import org_stats

DEMO_USERS = {"office", "liaison", "unit", "leader", "sysadmin", "secadmin", "auditor"}


def run(*args: str, **kwargs: object) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


@pytest.fixture
def demo_settings(settings, monkeypatch):
    settings.DEMO = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests
    monkeypatch.delenv("JYB_DEMO_PASSWORD", raising=False)
    # The real demo scale takes seconds; the command's behaviour is the same at the tiny scale.
    monkeypatch.setitem(gendata.SCALES, "demo", gendata.SCALES["tiny"])
    return settings


@pytest.mark.django_db
def test_demo_generates_once_and_creates_accounts_once(demo_settings):
    out = run("demo", port=8123)
    assert "http://127.0.0.1:8123/" in out
    root = Organization.objects.get_first_root_node()
    # Besides the demo accounts: the inactive accounts the ledger's history and the liaison groups' visits name
    # (gd-verifier-…, gd-liaison-…).
    people = User.objects.exclude(username__startswith="gd-")
    assert set(people.values_list("username", flat=True)) == DEMO_USERS
    assert not User.objects.filter(username__startswith="gd-", is_active=True).exists()
    assert f"{root.name}：{org_stats(root).sentence}" in out
    assert "Demo@2023" in out and "参学单位联络员" in out
    unit = User.objects.get(username="unit")
    assert unit.organization.tier == Tier.VILLAGE
    assert unit.organization == Organization.objects.filter(tier=Tier.VILLAGE).order_by("path").first()
    liaison = User.objects.get(username="liaison")
    assert liaison.organization == Organization.objects.filter(tier=Tier.COUNTY).order_by("path").first()
    assert User.objects.get(username="office").organization == root
    assert unit.check_password("Demo@2023") and unit.role == "unit"
    orgs = Organization.objects.count()

    out = run("demo", port=8000)
    assert "沿用已有数据" in out and "已创建演示账号" not in out
    assert Organization.objects.count() == orgs
    assert User.objects.exclude(username__startswith="gd-").count() == len(DEMO_USERS)


@pytest.mark.django_db
def test_demo_password_comes_from_the_environment(demo_settings, monkeypatch):
    monkeypatch.setenv("JYB_DEMO_PASSWORD", "Other@2024x")
    out = run("demo", port=8000)
    assert "Other@2024x" in out
    assert User.objects.get(username="auditor").check_password("Other@2024x")


def test_demo_refuses_outside_the_demo(tree, settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="JYB_DEMO=1"):
        call_command("demo", port=8000, stdout=io.StringIO())
    from core.management.commands.demo import ensure_demo_accounts

    with pytest.raises(CommandError, match="生产环境不创建演示账号"):
        ensure_demo_accounts("Demo@2023")
    assert not User.objects.exists()


def test_stats_prints_sentence_tables_and_children(tree):
    make_member(tree.village_a)
    make_member(tree.village_b, frail=True)
    out = run("stats")
    assert "共有党组织7个，党员2人，县处级以上领导干部0人" in out
    for heading in ("按单位类别", "按层级", "下级党组织", "党组织数", "党员数", "县处级以上领导干部"):
        assert heading in out
    assert "城关区委（A）" in out and "河西县委（B）" in out
    assert "村(社区)" in out and "社区" in out


def test_stats_json_is_the_stats_dict(tree):
    make_member(tree.village_a, mobile=True)
    data = json.loads(run("stats", org="A", json=True))
    assert data == org_stats(tree.county_a).as_dict()
    assert data["sentence"] == "共有党组织3个，党员1人，县处级以上领导干部0人"
    assert [c["code"] for c in data["children"]] == ["A1"]


def test_stats_unknown_code_is_a_chinese_error(tree):
    with pytest.raises(CommandError, match="组织编码 NOPE 不存在"):
        call_command("stats", org="NOPE")


def test_check_counters_reports_and_fixes(tree):
    make_member(tree.village_a)
    assert "准确" in run("check_counters")
    Rollup.objects.filter(organization=tree.city).update(members=99)
    with pytest.raises(CommandError, match="不一致"):
        run("check_counters")
    assert "已重新计算" in run("check_counters", fix=True)
    assert rollup_differences() == []
    assert org_stats(tree.city).totals.members == 1
