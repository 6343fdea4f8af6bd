"""Each role lands where its daily work is."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse


@pytest.fixture
def campaign(tree: Any) -> Any:
    from campaigns.models import Campaign, Participation

    current = Campaign.objects.create(name="主题教育", batch=2, starts_on=dt.date(2023, 9, 1), is_current=True)
    Participation.objects.create(campaign=current, organization=tree.city)
    return current


def _landing(client: Client, user: Any) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    url = response["Location"]
    assert client.get(url).status_code == 200, url  # the landing page itself opens
    return url


@pytest.mark.parametrize(("role", "landing"), [
    ("unit", ("measures:unit", ["A1a"])),
    ("liaison", ("supervision:workspace", [])),
    ("office", ("assessment:coverage", [])),
    ("leader", ("assessment:coverage", [])),
    ("secadmin", ("accounts:users", [])),
    ("auditor", ("audit:list", [])),
    ("sysadmin", ("system_status", [])),
])
def test_each_role_lands_where_its_work_is(client: Client, users: dict[str, Any], campaign: Any, role: str,
                                           landing: tuple[str, list[str]]) -> None:
    name, args = landing
    assert _landing(client, users[role]) == reverse(name, args=args)


@pytest.mark.parametrize("role", ["office", "leader"])
def test_without_a_running_campaign_office_and_leaders_land_on_the_campaigns(client: Client, users: dict[str, Any],
                                                                             role: str) -> None:
    assert _landing(client, users[role]) == reverse("campaigns:list")


def test_a_unit_lands_on_its_own_campaign_work_not_statistics(client: Client, users: dict[str, Any],
                                                              campaign: Any) -> None:
    client.force_login(users["unit"])
    html = client.get(reverse("home"), follow=True).content.decode()
    assert "东关村党支部" in html and reverse("orgs:detail", args=["A1a"]) != client.get(reverse("home"))["Location"]


def test_sysadmin_sees_the_system_it_administers(client: Client, users: dict[str, Any], settings: Any) -> None:
    settings.JYB_PUBLIC_URL = "http://127.0.0.1:8000"
    client.force_login(users["sysadmin"])
    html = client.get(reverse("home"), follow=True).content.decode()
    assert "系统状态" in html and "未执行的数据库迁移" in html and "0个" in html and "后台任务" in html
    assert "JYB_PUBLIC_URL" in html and "指向服务器本机" in html  # a setting that needs action says so
    assert "三员分立" in html and "东关村党支部" not in html  # no domain data


@pytest.mark.parametrize("role", ["office", "unit", "secadmin", "auditor"])
def test_only_sysadmin_reads_the_system_status(client: Client, users: dict[str, Any], role: str) -> None:
    client.force_login(users[role])
    assert client.get(reverse("system_status")).status_code == 404
