"""The problem ledger's fixtures: a current campaign the whole fixture city takes part in, the clock frozen
inside it (deadlines are checked against today), users on both sides of a problem, and a way to make one."""

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

START = dt.date(2023, 9, 1)
END = dt.date(2024, 1, 31)
TODAY = dt.date(2023, 10, 10)
NOW = dt.datetime(2023, 10, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[Any]:
    """Every ledger test runs on 2023-10-10 09:30 (Beijing time) unless it travels itself."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def campaign(tree: Any) -> Any:
    from campaigns.models import Campaign, Participation

    current = Campaign.objects.create(name="学习贯彻习近平新时代中国特色社会主义思想主题教育", batch=2,
                                      starts_on=START, ends_on=END, is_current=True)
    Participation.objects.create(campaign=current, organization=tree.city)
    return current


@pytest.fixture
def people(tree: Any, users: dict[str, Any], campaign: Any) -> dict[str, Any]:
    """Besides the fixture users (office at the city, liaison at county A assigned to county A, unit at village
    A1a): a second unit contact of the same village, a county-A office account (bound to the problem's county),
    and a liaison member of another group assigned to county B."""
    from accounts.actors import SETUP
    from administration.services import user_create
    from campaigns.models import LiaisonAssignment, LiaisonGroup, LiaisonMembership
    from conftest import PASSWORD

    group_a = LiaisonGroup.objects.create(campaign=campaign, name="第一联络组")
    LiaisonAssignment.objects.create(group=group_a, campaign=campaign, organization=tree.county_a)
    LiaisonMembership.objects.create(group=group_a, user=users["liaison"], is_leader=True)
    group_b = LiaisonGroup.objects.create(campaign=campaign, name="第二联络组")
    LiaisonAssignment.objects.create(group=group_b, campaign=campaign, organization=tree.county_b)
    liaison_b = user_create(actor=SETUP, username="liaison_b", role="liaison", organization=tree.county_b,
                            password=PASSWORD)
    LiaisonMembership.objects.create(group=group_b, user=liaison_b)
    return {
        **users,
        "unit2": user_create(actor=SETUP, username="unit2", role="unit", organization=tree.village_a,
                             password=PASSWORD),
        "county_office": user_create(actor=SETUP, username="county_office", role="office", organization=tree.county_a,
                                     password=PASSWORD),
        "village_office": user_create(actor=SETUP, username="village_office", role="office",
                                      organization=tree.village_a,
                                      password=PASSWORD),
        "liaison_b": liaison_b,
        "group_a": group_a,
        "group_b": group_b,
    }


def upload(name: str = "整改照片.jpg", content: bytes = b"\xff\xd8\xff evidence") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def make_problem(tree: Any, people: dict[str, Any], campaign: Any) -> Any:
    """make_problem(org=village A1a, by=unit user, **fields) → a registered problem made through the service."""
    from problems.services import problem_create

    def make(org: Any = None, by: Any = None, **fields: Any) -> Any:
        values: dict[str, Any] = {"description": "村务公开不及时，群众反映强烈", "source": "masses",
                                  "category": "service"}
        values.update(fields)
        return problem_create(actor=by or people["unit"], organization=org or tree.village_a, **values)

    return make


@pytest.fixture(autouse=True)
def media_root(tmp_path: Any, settings: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
