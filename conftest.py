"""Fixtures every app's tests share: a small city tree and one user of each role.

    C 示范市 (city)
    ├── A 城关区 (county)  ── A1 城关镇 (township) ── A1a 东关村 (village)
    └── B 河西县 (county)  ── B1 河西镇 (township) ── B1a 西河社区 (village)
"""

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # the models are imported once Django is set up, inside the fixtures
    from accounts.models import User
    from orgs.models import Member, Organization

os.environ.setdefault("JYB_TESTING", "1")

PASSWORD = "Test@2023pass"


@dataclass
class Tree:
    city: "Organization"
    county_a: "Organization"
    township_a: "Organization"
    village_a: "Organization"
    county_b: "Organization"
    township_b: "Organization"
    village_b: "Organization"


@pytest.fixture
def tree(db: object) -> Tree:
    from accounts.actors import SETUP
    from orgs.services import org_create

    city = org_create(actor=SETUP,
                      parent=None, code="C", name="示范市委", kind="committee", sector="organ", tier="city",
                      division_code="130100")
    a = org_create(actor=SETUP, parent=city, code="A", name="城关区委", kind="committee", sector="organ", tier="county")
    a1 = org_create(actor=SETUP, parent=a, code="A1", name="城关镇党委", kind="committee", sector="township",
                    tier="township")
    a1a = org_create(actor=SETUP, parent=a1, code="A1a", name="东关村党支部", kind="branch", sector="village",
                     tier="village")
    b = org_create(actor=SETUP, parent=city, code="B", name="河西县委", kind="committee", sector="organ", tier="county")
    b1 = org_create(actor=SETUP, parent=b, code="B1", name="河西镇党委", kind="committee", sector="township",
                    tier="township")
    b1a = org_create(actor=SETUP, parent=b1, code="B1a", name="西河社区党支部", kind="branch", sector="community",
                     tier="village")
    return Tree(city, a, a1, a1a, b, b1, b1a)


@pytest.fixture
def users(tree: Tree) -> "dict[str, User]":
    """One user per role: data roles at their natural places, administrators at the city root."""
    from accounts.actors import SETUP
    from administration.services import user_create

    places = {
        "office": tree.city, "leader": tree.city, "liaison": tree.county_a, "unit": tree.village_a,
        "sysadmin": tree.city, "secadmin": tree.city, "auditor": tree.city,
    }
    return {role: user_create(actor=SETUP, username=role, role=role, organization=org, password=PASSWORD)
            for role, org in places.items()}


_seq = iter(range(1, 10**6))


def make_member(org: "Organization", *, mobile: bool = False, frail: bool = False, gender: str = "M",
                birth: dt.date = dt.date(1980, 5, 17), name: str = "张三") -> "Member":
    from accounts.actors import SETUP
    from core.cn import make_id_number
    from orgs.services import member_create

    return member_create(actor=SETUP, organization=org, name=name, gender=gender, birth_date=birth,
                         id_number=make_id_number("130102", birth, next(_seq), gender),
                         phone="13800138000", joined_on=dt.date(2005, 7, 1), category="full",
                         is_mobile=mobile, is_frail=frail)


@pytest.fixture
def member_factory(tree: Tree) -> "Callable[..., Member]":
    return make_member
