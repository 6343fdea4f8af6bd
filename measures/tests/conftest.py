"""A current campaign the whole fixture city (C) takes part in, a past one, and some county-level cadres."""

import datetime as dt
from typing import Any

import pytest

START = dt.date(2023, 9, 1)
END = dt.date(2024, 1, 31)
DAY = dt.date(2023, 10, 10)


@pytest.fixture
def campaign(tree: Any) -> Any:
    from campaigns.models import Campaign, Participation

    current = Campaign.objects.create(name="学习贯彻习近平新时代中国特色社会主义思想主题教育", batch=2,
                                      starts_on=START, ends_on=END, is_current=True)
    Participation.objects.create(campaign=current, organization=tree.city)
    return current


@pytest.fixture
def past_campaign(tree: Any) -> Any:
    from campaigns.models import Campaign, Participation

    past = Campaign.objects.create(name="党史学习教育", starts_on=dt.date(2021, 2, 20), ends_on=dt.date(2021, 12, 31))
    Participation.objects.create(campaign=past, organization=tree.county_a)
    return past


@pytest.fixture
def cadres(tree: Any) -> dict[str, Any]:
    """Two county-level cadres at county A (a chief and a deputy), one below county level at township A1."""
    from accounts.actors import SETUP
    from orgs.services import cadre_create

    return {
        "secretary": cadre_create(actor=SETUP, organization=tree.county_a, name="吴刚", id_number="11010519491231002X",
                                  position="区委书记", rank=50),
        "deputy": cadre_create(actor=SETUP, organization=tree.county_a, name="李强", id_number="440524188001010014",
                               position="区委副书记", rank=40),
        "township": cadre_create(actor=SETUP, organization=tree.township_a, name="郑洁", id_number="110101199003070011",
                                 position="镇党委书记", rank=30),
    }
