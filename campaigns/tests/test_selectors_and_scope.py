"""Selectors other apps rely on, and the liaison narrowing: a liaison member sees exactly the assigned units."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.actors import SETUP
from administration.services import user_create
from campaigns import selectors, services
from campaigns.models import LiaisonMembership
from conftest import PASSWORD, make_member
from orgs.models import Member, Organization
from orgs.services import org_create


@pytest.fixture
def group(campaign, tree, users):
    """第一联络组, assigned A1 (城关镇), with the fixture's liaison (jurisdiction A) as a member."""
    g = services.liaison_group_create(actor=SETUP, campaign=campaign, name="第一联络组")
    services.liaison_assign(actor=SETUP, group=g, organization=tree.township_a)
    services.liaison_member_add(actor=SETUP, group=g, user=users["liaison"])
    return g


def test_current_campaign_and_campaigns_of(campaign, tree):
    past = services.campaign_create(actor=SETUP, name="第一批主题教育", batch=1, starts_on=dt.date(2023, 4, 1),
                                    ends_on=dt.date(2023, 8, 31))
    services.participation_add(actor=SETUP, campaign=past, organization=tree.county_b)
    assert selectors.current_campaign() == campaign
    assert list(selectors.campaigns_of(tree.village_a)) == [campaign]
    assert set(selectors.campaigns_of(tree.village_b)) == {campaign, past}
    assert set(selectors.campaigns_of(tree.county_b)) == {campaign, past}


def test_participating_orgs_are_the_subtrees(tree):
    c = services.campaign_create(actor=SETUP, name="主题教育", batch=2, starts_on=dt.date(2023, 9, 1))
    assert not selectors.participating_orgs(c).exists()
    services.participation_add(actor=SETUP, campaign=c, organization=tree.township_a)
    services.participation_add(actor=SETUP, campaign=c, organization=tree.county_b)
    codes = set(selectors.participating_orgs(c).values_list("code", flat=True))
    assert codes == {"A1", "A1a", "B", "B1", "B1a"}
    assert selectors.takes_part(tree.village_a, c) and not selectors.takes_part(tree.county_a, c)


def test_profile_for_village_and_organ(tree):
    village = selectors.profile_for(tree.village_a)
    assert village is not None and village.simplified and village.sector == "village"
    county = selectors.profile_for(tree.county_a)
    assert county is not None and not county.simplified and "精神不振、能力不足、作风不实" in county.focus


def test_liaison_group_of_and_units(campaign, tree, users, group):
    assert selectors.liaison_group_of(tree.village_a, campaign) == group
    assert selectors.liaison_group_of(tree.township_a, campaign) == group
    assert selectors.liaison_group_of(tree.county_a, campaign) is None
    assert selectors.liaison_group_of(tree.village_b, campaign) is None
    assert selectors.liaison_units(users["liaison"]) == [tree.township_a]
    assert selectors.liaison_units(users["office"]) == []


def test_liaison_member_sees_only_the_assigned_subtree(client, campaign, tree, users, group):
    inside = make_member(tree.village_a, birth=dt.date(1970, 1, 2))
    beside = make_member(tree.county_a, birth=dt.date(1971, 1, 2))
    liaison = users["liaison"]
    assert liaison.data_scope_paths() == [tree.township_a.path]
    visible = set(Organization.objects.visible_to(liaison).values_list("code", flat=True))
    assert visible == {"A1", "A1a"}
    members = Member.objects.visible_to(liaison)
    assert members.filter(pk=inside.pk).exists() and not members.filter(pk=beside.pk).exists()
    client.force_login(liaison)
    assert client.get(reverse("orgs:detail", kwargs={"code": "A1a"})).status_code == 200
    assert client.get(reverse("orgs:detail", kwargs={"code": "A1"})).status_code == 200
    assert client.get(reverse("orgs:detail", kwargs={"code": "A"})).status_code == 404
    assert client.get(reverse("orgs:detail", kwargs={"code": "B1"})).status_code == 404
    # Another child of A, outside the assignment.
    other = org_create(actor=SETUP, parent=tree.county_a, code="A2", name="城南街道党工委", kind="working_committee",
                       sector="street", tier="township")
    assert client.get(reverse("orgs:detail", kwargs={"code": other.code})).status_code == 404


def test_liaison_without_a_group_keeps_the_jurisdiction(campaign, tree, users):
    assert users["liaison"].data_scope_paths() == [tree.county_a.path]
    # A group without this member changes nothing for them.
    g = services.liaison_group_create(actor=SETUP, campaign=campaign, name="第二联络组")
    services.liaison_assign(actor=SETUP, group=g, organization=tree.village_a)
    assert users["liaison"].data_scope_paths() == [tree.county_a.path]


def test_unit_above_the_jurisdiction_narrows_to_the_jurisdiction(campaign, tree, users):
    g = services.liaison_group_create(actor=SETUP, campaign=campaign, name="第一联络组")
    services.liaison_assign(actor=SETUP, group=g, organization=tree.city)  # contains A, the liaison's jurisdiction
    # The service refuses such a member; this is the state after the member's jurisdiction changed later.
    LiaisonMembership.objects.create(group=g, user=users["liaison"])
    assert users["liaison"].data_scope_paths() == [tree.county_a.path]


def test_units_outside_the_jurisdiction_give_nothing(campaign, tree, users):
    g = services.liaison_group_create(actor=SETUP, campaign=campaign, name="第一联络组")
    services.liaison_assign(actor=SETUP, group=g, organization=tree.county_b)
    # The service refuses such a member; this is the state after the member's jurisdiction changed later.
    LiaisonMembership.objects.create(group=g, user=users["liaison"])
    assert users["liaison"].data_scope_paths() == []
    assert not Organization.objects.visible_to(users["liaison"]).exists()


def test_only_the_current_campaign_narrows(campaign, tree, users, group):
    past = services.campaign_create(actor=SETUP, name="第一批主题教育", batch=1, starts_on=dt.date(2023, 4, 1))
    services.campaign_set_current(actor=SETUP, campaign=past)
    assert users["liaison"].data_scope_paths() == [tree.county_a.path]


def test_other_roles_are_not_narrowed(campaign, tree, users):
    g = services.liaison_group_create(actor=SETUP, campaign=campaign, name="第一联络组")
    services.liaison_assign(actor=SETUP, group=g, organization=tree.village_a)
    office = users["office"]
    services.liaison_member_add(actor=SETUP, group=g, user=office)
    assert office.data_scope_paths() == [tree.city.path]


def test_several_groups_give_several_roots(campaign, tree, users):
    second = user_create(actor=SETUP, username="liaison2", role="liaison", organization=tree.city, password=PASSWORD)
    g1 = services.liaison_group_create(actor=SETUP, campaign=campaign, name="第一联络组")
    g2 = services.liaison_group_create(actor=SETUP, campaign=campaign, name="第二联络组")
    services.liaison_assign(actor=SETUP, group=g1, organization=tree.village_a)
    services.liaison_assign(actor=SETUP, group=g2, organization=tree.county_b)
    services.liaison_member_add(actor=SETUP, group=g1, user=second)
    services.liaison_member_add(actor=SETUP, group=g2, user=second)
    assert second.data_scope_paths() == sorted([tree.village_a.path, tree.county_b.path])
    assert set(Organization.objects.visible_to(second).values_list("code", flat=True)) == {"A1a", "B", "B1", "B1a"}
