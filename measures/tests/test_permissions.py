"""Who may record the four measures: the predicates of measures.permissions, and the services enforcing them for any
caller (pages, the API and code alike)."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.actors import SETUP, SystemActor
from measures import permissions, services
from measures.models import LifeMeeting, StudySession
from measures.tests.conftest import DAY


def test_the_office_and_the_unit_record_inside_their_jurisdiction(tree, users):
    assert permissions.can_record_measures(users["office"], tree.village_b)
    assert permissions.can_record_measures(users["unit"], tree.village_a)
    assert not permissions.can_record_measures(users["unit"], tree.village_b)  # outside its jurisdiction
    for role in ("leader", "liaison", "sysadmin", "secadmin", "auditor"):
        assert not permissions.can_record_measures(users[role]), role
    assert not permissions.can_record_measures(None)
    assert permissions.can_record_measures(SystemActor("gendata"), tree.village_b)


def test_coverage_and_choosing_the_organisation(tree, users):
    assert {r for r in users if permissions.can_view_coverage(users[r])} == {"office", "leader", "liaison"}
    # On the quick form the office picks any organisation it sees; the unit's contact records for its own only.
    assert permissions.can_choose_organization(users["office"])
    assert not permissions.can_choose_organization(users["unit"])
    assert not permissions.can_choose_organization(users["leader"])
    assert permissions.can_quick_record(users["unit"], tree.village_a)
    assert not permissions.can_quick_record(users["unit"], tree.county_a)
    assert permissions.can_quick_record(users["office"], tree.county_a)
    assert not permissions.can_quick_record(users["leader"], tree.county_a)


@pytest.mark.parametrize("role", ["leader", "liaison", "auditor"])
def test_services_refuse_who_does_not_record(tree, users, campaign, role):
    with pytest.raises(PermissionDenied):
        services.study_session_create(actor=users[role], organization=tree.village_a, campaign=campaign,
                                      kind="self_study", topic="自学", held_on=DAY, participant_count=3)
    assert not StudySession.objects.exists()


def test_services_refuse_an_organisation_outside_the_jurisdiction(tree, users, campaign):
    unit = users["unit"]  # village A1a
    with pytest.raises(PermissionDenied):
        services.life_meeting_create(actor=unit, organization=tree.village_b, campaign=campaign,
                                     kind="organisational", held_on=DAY, attendance=5)
    meeting = services.life_meeting_create(actor=SETUP, organization=tree.village_b, campaign=campaign,
                                           kind="organisational", held_on=DAY, attendance=5)
    for write in (
        lambda: services.life_meeting_update(actor=unit, meeting=meeting, kind="organisational", held_on=DAY,
                                             attendance=6),
        lambda: services.life_meeting_item_create(actor=unit, meeting=meeting, kind="criticism", text="不深入"),
        lambda: services.record_delete(actor=unit, record=meeting),
    ):
        with pytest.raises(PermissionDenied):
            write()
    meeting.refresh_from_db()
    assert meeting.attendance == 5 and not meeting.items.exists()
    services.record_delete(actor=users["office"], record=meeting)
    assert not LifeMeeting.objects.exists()
