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
    from accounts.actors import SETUP
    from administration.services import user_create
    from campaigns.models import Team, TeamMembership
    from conftest import PASSWORD

    office2 = user_create(actor=SETUP, username="office2", role="office", organization=tree.city, password=PASSWORD)
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
        return submission_create(actor=by or people["unit"], **values)

    return make


@pytest.fixture
def about_county(people: dict[str, Any], tree: Any, office_teams: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """What is reported and logged about 城关区委 (county A), next to what it reported and what was sent to it.
    Returns its unit contact (`county_unit`) and the items: `own` (its request), `reply` (the office's 批复 to
    it), `sent` (the office's notice sent down to it), `village` (东关村's own report), `liaison_request` (group A's
    request about it, with the office's `liaison_reply` sent down to it), `letter` (a letter from the masses about
    its secretary, with an attachment), `office_up` (the office's request to the province about it)."""
    import datetime as dt

    from accounts.actors import SETUP
    from administration.services import user_create
    from conftest import PASSWORD
    from office.services import submission_create

    office, county = people["office"], tree.county_a
    county_unit = user_create(actor=SETUP, username="county_unit", role="unit", organization=county, password=PASSWORD)
    own = submission_create(actor=county_unit, kind="request", title="关于调整专题民主生活会时间的请示",
                            body="拟推迟一周召开", due_on=dt.date(2023, 10, 20))
    reply = submission_create(actor=office, kind="reply", organization=county, parent=own,
                              title="关于同意调整专题民主生活会时间的批复", body="同意推迟。")
    sent = submission_create(actor=office, kind="instruction", organization=county,
                             title="关于报送专题党课开展情况的通知", body="请于10月20日前报送")
    village = submission_create(actor=people["unit"], kind="report", title="东关村学习研讨情况报告", body="已开展3次")
    liaison_request = submission_create(actor=people["liaison"], kind="request", organization=county,
                                        title="关于对城关区委严肃批评的请示", body="该区委学习走过场，建议严肃批评。")
    liaison_reply = submission_create(actor=office, kind="reply", organization=county, parent=liaison_request,
                                      title="关于同意对城关区委严肃批评的批复", body="同意。")
    letter = submission_create(actor=office, kind="incoming", origin="outside", organization=county,
                               counterpart="群众来信", title="群众来信反映区委书记问题",
                               body="来信人：张某，反映区委书记作风问题。",
                               files=[upload("来信.pdf", b"%PDF-1.4 letter")])
    office_up = submission_create(actor=office, kind="request", origin="office", direction="up", organization=county,
                                  counterpart="省委主题教育办", title="关于城关区委问题处理意见的请示", body="拟约谈。")
    return {"county_unit": county_unit, "own": own, "reply": reply, "sent": sent, "village": village,
            "liaison_request": liaison_request, "liaison_reply": liaison_reply, "letter": letter,
            "office_up": office_up}


# What each reader of the log reads of `about_county` (office and leader: everything).
ABOUT_COUNTY_READS = {
    "county_unit": {"own", "reply", "sent"},
    "county_office": {"own", "reply", "sent"},  # a county's office: like the county's unit contact
    "unit": {"village"},  # 东关村: its own report only (nothing was sent down to it)
    "liaison": {"sent", "liaison_request", "liaison_reply"},
    "liaison_b": set(),
}
ABOUT_COUNTY = ("own", "reply", "sent", "village", "liaison_request", "liaison_reply", "letter", "office_up")
