"""manage.py demo: migrate, generate the demo city once, create the demo accounts once, print where to go."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from demo.generators import orgs as gendata
from orgs.choices import Tier
from orgs.models import Organization
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
    from demo.management.commands.demo import ensure_demo_accounts

    with pytest.raises(CommandError, match="生产环境不创建演示账号"):
        ensure_demo_accounts("Demo@2023")
    assert not User.objects.exists()
