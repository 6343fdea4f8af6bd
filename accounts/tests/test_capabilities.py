"""accounts.permissions: what each role may do is one table, and a role is added by adding one row."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.urls import reverse

from accounts.actors import SETUP, SystemActor
from accounts.models import User
from accounts.permissions import Capability as C
from accounts.permissions import capabilities_of, grants, has, role_for, roles_with
from api.tests.helpers import ApiClient
from conftest import PASSWORD
from orgs.models import Organization

# Today's answer for each built-in role at its natural place (office and leader at the city root, liaison at a
# county, unit at a village). A change here is a change of who may do what: review the predicates that ask it.
EXPECTED = {
    "office": {C.READ_DATA, C.READ_CAMPAIGNS, C.READ_COVERAGE, C.SEE_FULL_IDS, C.SEE_CHECKSUMS, C.EDIT_REGISTRY,
               C.RECORD_MEASURES, C.RECTIFY_PROBLEMS, C.VERIFY_PROBLEMS, C.SUPERVISE, C.CITY_OFFICE,
               C.READ_WHOLE_LOG},
    "liaison": {C.READ_DATA, C.READ_COVERAGE, C.SEE_CHECKSUMS, C.VERIFY_PROBLEMS, C.SUPERVISE,
                C.JOIN_LIAISON_GROUP},
    "unit": {C.READ_DATA, C.SEE_FULL_IDS, C.EDIT_REGISTRY, C.RECORD_MEASURES, C.RECTIFY_PROBLEMS,
             C.ANSWER_FOR_UNIT},
    "leader": {C.READ_DATA, C.READ_CAMPAIGNS, C.READ_COVERAGE, C.READ_WHOLE_LOG},
    "sysadmin": {C.ADMINISTER_SYSTEM},
    "secadmin": {C.MANAGE_ACCOUNTS},
    "auditor": {C.READ_AUDIT_LOG},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_may_do_what_its_row_says(users, role):
    assert capabilities_of(users[role]) == EXPECTED[role]


def test_the_city_office_is_a_capability_held_at_a_root_only(users, tree):
    county_office = User.objects.create_user("county_office", role="office", organization=tree.county_a)
    assert has(users["office"], C.CITY_OFFICE)
    assert not has(county_office, C.CITY_OFFICE)
    assert capabilities_of(county_office) == EXPECTED["office"] - {C.CITY_OFFICE, C.READ_WHOLE_LOG}


def test_strangers_and_inactive_accounts_may_do_nothing(users):
    assert capabilities_of(AnonymousUser()) == frozenset()
    assert capabilities_of(None) == frozenset()
    users["office"].is_active = False
    assert capabilities_of(users["office"]) == frozenset()


def test_a_system_actor_may_do_everything_and_is_audited_by_name(users):
    from core.audit import audit_context, current_actor

    actor = SystemActor("gendata")
    assert capabilities_of(actor) == frozenset(C)
    with audit_context(user=actor):
        assert current_actor().user_id is None and current_actor().name == "system:gendata"


def test_role_for_names_the_one_role_with_a_capability_or_refuses():
    assert role_for(C.ANSWER_FOR_UNIT) == "unit"
    assert role_for(C.CITY_OFFICE) == "office"
    with pytest.raises(LookupError):
        role_for(C.READ_DATA)
    assert roles_with(C.VERIFY_PROBLEMS) == {"office", "liaison"}


INSPECTOR = {"inspector": {"label": "巡查员", "capabilities": ["read_data", "read_coverage"],
                           "home": "assessment:coverage"}}


@pytest.fixture
def inspector(tree, client):
    """A county's inspector: a role that exists only in a deployment's settings."""
    with override_settings(JYB_EXTRA_ROLES=INSPECTOR):
        from administration.services import user_create

        user = user_create(actor=SETUP, username="inspector", role="inspector", organization=tree.county_a,
                           password=PASSWORD)
        client.force_login(user)
        yield user


def test_a_role_added_in_settings_is_one_row_and_every_predicate_follows(inspector, tree, client, users):
    assert "inspector" in grants()
    assert capabilities_of(inspector) == {C.READ_DATA, C.READ_COVERAGE}
    # It reads inside its jurisdiction, and nothing outside it…
    assert client.get(reverse("orgs:detail", kwargs={"code": "A1a"})).status_code == 200
    assert client.get(reverse("orgs:detail", kwargs={"code": "B1a"})).status_code == 404
    assert client.get(reverse("problems:ledger")).status_code == 200
    # …and writes nothing: it may not raise problems, edit the registry or manage accounts.
    assert client.get(reverse("problems:new")).status_code == 404
    assert client.get(reverse("accounts:users")).status_code == 404
    # It lands where its row says (the campaigns page while none is running).
    assert client.get(reverse("home"))["Location"] == reverse("campaigns:list")
    # The API asks the same table.
    api = ApiClient(client, inspector)
    assert api.get("/orgs/").status_code == 200
    assert {o["code"] for o in api.get("/orgs/").json()["items"]} <= set(
        Organization.objects.filter(path__startswith=tree.county_a.path).values_list("code", flat=True))
    body = {"org": "A1a", "description": "村务公开不及时，群众反映强烈", "source": "masses", "category": "service"}
    assert api.post("/problems/", body, content_type="application/json").status_code == 404


def test_without_its_row_the_added_role_may_do_nothing(inspector, client):
    with override_settings(JYB_EXTRA_ROLES={}):
        assert capabilities_of(inspector) == frozenset()
        assert client.get(reverse("problems:ledger")).status_code == 404
