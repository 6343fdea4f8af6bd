"""The communication log's fixtures: the ledger's (a current campaign, the frozen clock 2023-10-10 09:30 Beijing,
people on both sides: office at the city, liaison of group A assigned to county A, liaison_b of group B at county
B, unit at village A1a, a county-A office), plus the office's teams and a second city-office account."""

from typing import Any

import pytest

from problems.tests.conftest import campaign, frozen_clock, media_root, people, upload  # noqa: F401


@pytest.fixture
def office_teams(people: dict[str, Any], campaign: Any, tree: Any) -> dict[str, Any]:  # noqa: F811
    """综合组 (office, leader of it) and 材料组 (office2, a second city-office account); returns the teams and
    office2."""
    from accounts.services import user_create
    from campaigns.models import Team, TeamMembership
    from conftest import PASSWORD

    office2 = user_create(username="office2", role="office", organization=tree.city, password=PASSWORD)
    general = Team.objects.create(campaign=campaign, name="综合组")
    materials = Team.objects.create(campaign=campaign, name="材料组")
    TeamMembership.objects.create(team=general, user=people["office"], is_leader=True)
    TeamMembership.objects.create(team=materials, user=office2, is_leader=True)
    return {"general": general, "materials": materials, "office2": office2}


@pytest.fixture
def report(people: dict[str, Any], tree: Any) -> Any:  # noqa: F811
    """report(by=unit, **fields) → a submission made through the service (default: the unit's request to the city
    office, answer needed by 2023-10-20)."""
    import datetime as dt

    from office.services import submission_create

    def make(by: Any = None, **fields: Any) -> Any:
        values: dict[str, Any] = {"kind": "request", "title": "关于村级活动场所改造资金的请示",
                                  "body": "东关村活动场所年久失修，申请协调改造资金。", "due_on": dt.date(2023, 10, 20)}
        values.update(fields)
        return submission_create(user=by or people["unit"], **values)

    return make
