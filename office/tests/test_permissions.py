"""The log's predicates give each role the answer its role gave before capabilities: the city's office sends and logs
(any kind, any direction), assigns and closes; a county's office and a unit contact report for their unit, a liaison
member for its groups; the leaders read everything and log nothing; the administrators and strangers nothing; a
named system actor everything. A unit answers what was sent down to it only below the city."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.actors import SystemActor
from office.choices import REPORT_KINDS, Kind, Origin
from office.models import Submission
from office.permissions import (
    can_answer_submission,
    can_assign_submission,
    can_close_submission,
    can_create_submission,
    can_read_submissions,
    can_read_whole_log,
    can_send_submission,
    kinds_for,
    origins_for,
    reports_for_liaison_group,
)

pytestmark = pytest.mark.django_db

ALL = tuple(Kind.values)
REPORTS = tuple(REPORT_KINDS)
NOBODY: dict[str, Any] = {"origins": (), "kinds": (), "sends": False, "reads": False, "whole": False,
                          "decides": False, "liaison": False}

# who → what the predicates answer (the old role tests' answers)
EXPECTED: dict[str, dict[str, Any]] = {
    "office": {"origins": (Origin.OFFICE, Origin.OUTSIDE), "kinds": ALL, "sends": True, "reads": True,
               "whole": True, "decides": True, "liaison": False},
    "county_office": {"origins": (Origin.UNIT,), "kinds": REPORTS, "sends": False, "reads": True, "whole": False,
                      "decides": False, "liaison": False},
    "liaison": {"origins": (Origin.LIAISON,), "kinds": REPORTS, "sends": False, "reads": True, "whole": False,
                "decides": False, "liaison": True},
    "unit": {"origins": (Origin.UNIT,), "kinds": REPORTS, "sends": False, "reads": True, "whole": False,
             "decides": False, "liaison": False},
    "leader": {**NOBODY, "reads": True, "whole": True},
    "sysadmin": NOBODY,
    "secadmin": NOBODY,
    "auditor": NOBODY,
    "anonymous": NOBODY,
    "system": {"origins": (Origin.OFFICE, Origin.OUTSIDE), "kinds": ALL, "sends": True, "reads": True,
               "whole": True, "decides": True, "liaison": False},
}


def _actor(people: dict[str, Any], who: str) -> Any:
    return {"anonymous": AnonymousUser(), "system": SystemActor("test")}.get(who) or people[who]


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_role_gets_the_answer_its_role_gave(people: dict[str, Any], who: str) -> None:
    actor, expected = _actor(people, who), EXPECTED[who]
    assert origins_for(actor) == expected["origins"]
    assert kinds_for(actor) == expected["kinds"]
    assert can_create_submission(actor) is bool(expected["origins"])
    assert can_send_submission(actor) is expected["sends"]
    assert can_read_submissions(actor) is expected["reads"]
    assert can_read_whole_log(actor) is expected["whole"]
    assert can_assign_submission(actor) is expected["decides"]
    assert can_close_submission(actor) is expected["decides"]
    assert reports_for_liaison_group(actor) is expected["liaison"]


def test_a_unit_answers_what_was_sent_down_to_it_only_below_the_city(people: dict[str, Any], tree: Any) -> None:
    from accounts.actors import SETUP
    from administration.services import user_create
    from conftest import PASSWORD
    from office.services import submission_create

    root_unit = user_create(actor=SETUP, username="root_unit", role="unit", organization=tree.city,
                            password=PASSWORD)
    notice = submission_create(actor=people["office"], kind="instruction", organization=tree.village_a,
                               title="关于报送专题党课开展情况的通知", body="请于10月20日前报送")
    answers = {who: can_answer_submission(actor, notice) for who, actor in
               {**people, "root_unit": root_unit}.items() if not who.startswith("group")}
    assert {who for who, yes in answers.items() if yes} == {"unit", "unit2", "village_office", "county_office"}
    # The root's unit contact reports for its unit all the same (the old rule had no depth there).
    assert origins_for(root_unit) == (Origin.UNIT,)
    assert Submission.objects.visible_to(root_unit).filter(pk=notice.pk).exists()
