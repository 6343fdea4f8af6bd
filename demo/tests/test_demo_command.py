"""manage.py demo: migrate, generate the demo city once, create the demo accounts once, print where to go."""

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.actors import SystemActor
from accounts.models import User
from core.models import AuditEntry
from demo.generators import orgs as gendata
from orgs.choices import Tier
from orgs.models import Organization
from orgs.selectors import org_stats

DEMO_USERS = {"office", "liaison", "unit", "leader", "sysadmin", "secadmin", "auditor"}


def run(*args: str, **kwargs: Any) -> str:
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
    from demo.accounts import ensure_demo_accounts

    with pytest.raises(CommandError, match="生产环境不创建演示账号"):
        ensure_demo_accounts(actor=SystemActor("demo"), password="Demo@2023")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_demo_writes_as_its_system_actor(demo_settings):
    """Every generated row and account the audit log records is the demo's own (system:demo), nobody's name."""
    run("demo", port=8000)
    names = set(AuditEntry.objects.values_list("actor_name", flat=True))
    assert names == {"system:demo"}
    imports = set(AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).values_list("object_type", flat=True))
    assert {"orgs.organization", "measures.gendata", "problems.gendata", "supervision.gendata",
            "office.gendata"} <= imports


@pytest.mark.django_db
def test_a_role_added_to_the_table_gets_a_demo_account_too(demo_settings):
    """The demo accounts are the table's rows (accounts.permissions.grants), one per role, nothing listed twice."""
    demo_settings.JYB_EXTRA_ROLES = {"inspector": {"label": "巡查员", "capabilities": ["read_data"]}}
    out = run("demo", port=8000)
    inspector = User.objects.get(username="inspector")
    assert inspector.role == "inspector" and inspector.organization == Organization.objects.get_first_root_node()
    assert "inspector" in out and "巡查员" in out
