"""One factory per model placed in the tree (a model that declares `scope_path_field`): it makes one row of that
model under the given organisation. The scoping matrix (tests/test_scoping_matrix.py) makes a row inside and a
row outside every user's jurisdiction with each, so a new scoped model is not done until it has a factory here.
"""

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

_seq = itertools.count(1)


def _organization(org: Any) -> Any:
    from orgs.services import org_create

    n = next(_seq)
    return org_create(parent=org, code=f"{org.code}-S{n}", name=f"测试支部{n}", kind="branch", sector=org.sector,
                      tier=org.tier)


def _member(org: Any) -> Any:
    from conftest import make_member

    return make_member(org, birth=dt.date(1970, 1, 1) + dt.timedelta(days=next(_seq)))


def _cadre(org: Any) -> Any:
    from core.cn import make_id_number
    from orgs.services import cadre_create

    n = next(_seq)
    return cadre_create(organization=org, name=f"干部{n}", position="书记", rank=40,
                        id_number=make_id_number("130102", dt.date(1965, 1, 1) + dt.timedelta(days=n), n, "M"))


def _participation(org: Any) -> Any:
    from campaigns.models import Campaign, Participation

    campaign = Campaign.objects.filter(is_current=True).first() or Campaign.objects.create(
        name="学习贯彻主题教育", batch=2, starts_on=dt.date(2023, 9, 1), is_current=True)
    return Participation.objects.get_or_create(campaign=campaign, organization=org)[0]


FACTORIES: dict[str, Callable[[Any], Any]] = {
    "orgs.Organization": _organization,
    "orgs.Member": _member,
    "orgs.Cadre": _cadre,
    "campaigns.Participation": _participation,
}


def _liaison_assignment(org: Any) -> Any:
    from campaigns.models import LiaisonAssignment, LiaisonGroup

    participation = _participation(org)
    group = LiaisonGroup.objects.create(campaign=participation.campaign, name=f"第{next(_seq)}联络组")
    return LiaisonAssignment.objects.create(group=group, campaign=group.campaign, organization=org)


FACTORIES["campaigns.LiaisonAssignment"] = _liaison_assignment
