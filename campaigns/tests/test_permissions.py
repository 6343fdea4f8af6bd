"""Who may read and set up campaigns: the predicates of campaigns.permissions and the services that enforce them."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from accounts.actors import SETUP
from administration.services import user_create
from campaigns import permissions, services
from campaigns.models import Campaign, LiaisonGroup, Participation, Team
from orgs.services import org_create


def _roles(users, predicate):
    return {role for role, user in users.items() if predicate(user)}


def test_each_role_gets_the_answer_its_role_gave(users, tree):
    assert _roles(users, permissions.can_view_campaigns) == {"office", "leader"}
    assert _roles(users, permissions.can_see_people) == {"office", "leader"}
    assert _roles(users, permissions.can_manage_campaigns) == {"office"}
    assert _roles(users, permissions.can_join_team) == {"office", "leader", "liaison", "unit"}
    assert permissions.can_manage_campaigns(SETUP)
    assert not permissions.can_manage_campaigns(None)


def test_only_the_citys_office_manages_campaigns(tree):
    county_office = user_create(actor=SETUP, username="county_office", role="office", organization=tree.county_a)
    assert permissions.can_view_campaigns(county_office)
    assert not permissions.can_manage_campaigns(county_office)


def test_a_liaison_member_supervises_units_inside_their_jurisdiction_only(users, tree):
    liaison = users["liaison"]  # bound to county A
    assert permissions.can_supervise_unit(liaison, tree.village_a)
    assert not permissions.can_supervise_unit(liaison, tree.county_b)
    assert permissions.can_supervise_unit(users["office"], tree.county_b)  # not narrowed: never cut off


def test_services_refuse_anyone_but_the_citys_office(users, tree, campaign):
    for role in ("leader", "unit", "liaison", "secadmin"):
        actor = users[role]
        with pytest.raises(PermissionDenied):
            services.campaign_create(actor=actor, name="第三批", batch=3, starts_on=dt.date(2024, 3, 1))
        with pytest.raises(PermissionDenied):
            services.team_create(actor=actor, campaign=campaign, name="综合组")
        with pytest.raises(PermissionDenied):
            services.liaison_group_create(actor=actor, campaign=campaign, name="第一联络组")
        with pytest.raises(PermissionDenied):
            services.participation_remove(actor=actor, participation=Participation.objects.get(campaign=campaign))
    assert Campaign.objects.count() == 1 and not Team.objects.exists() and not LiaisonGroup.objects.exists()
    assert services.team_create(actor=users["office"], campaign=campaign, name="综合组").name == "综合组"


def test_an_organisation_outside_what_the_office_sees_is_refused(users, tree, campaign):
    other_city = org_create(actor=SETUP, parent=None, code="D", name="邻市市委", kind="committee", sector="organ",
                            tier="city")
    with pytest.raises(PermissionDenied):
        services.participation_add(actor=users["office"], campaign=campaign, organization=other_city)
    group = services.liaison_group_create(actor=users["office"], campaign=campaign, name="第一联络组")
    with pytest.raises(PermissionDenied):
        services.liaison_assign(actor=users["office"], group=group, organization=other_city)
    assert not Participation.objects.filter(organization=other_city).exists()
    assert not group.assignments.exists()
