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
