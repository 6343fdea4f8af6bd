"""`orgs.selectors.visible_org`: the one lookup of an organisation by what a link, an API field or a person names."""

import pytest
from django.http import Http404

from accounts.actors import SETUP
from orgs.selectors import visible_org
from orgs.services import org_create


def test_a_code_the_actor_sees_finds_its_organization(users, tree):
    assert visible_org(actor=users["unit"], code="A1a") == tree.village_a
    assert visible_org(actor=users["office"], code="B1") == tree.township_b


@pytest.mark.parametrize("code", ["B1a", "A1", "NOPE", "", "A1a ", "东关村党支部"])
def test_a_code_outside_the_jurisdiction_unknown_blank_or_not_exact_is_404(users, code):
    with pytest.raises(Http404):
        visible_org(actor=users["unit"], code=code)


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_the_administrators_see_no_organization_by_code(users, role):
    with pytest.raises(Http404):
        visible_org(actor=users[role], code="C")


def test_typed_text_drops_spaces_and_a_blank_is_none(users, tree):
    assert visible_org(actor=users["unit"], code="  A1a ", typed=True) == tree.village_a
    assert visible_org(actor=users["unit"], code="   ", typed=True) is None
    assert visible_org(actor=users["unit"], code=None, typed=True) is None


def test_typed_text_outside_the_jurisdiction_is_still_404(users):
    with pytest.raises(Http404):
        visible_org(actor=users["unit"], code=" B1a ", typed=True)


def test_by_name_finds_the_code_or_else_the_exact_name_first_in_tree_order(users, tree):
    office = users["office"]
    assert visible_org(actor=office, code=" B1 ", by_name=True) == tree.township_b
    assert visible_org(actor=office, code="河西镇党委", by_name=True) == tree.township_b
    later = org_create(actor=SETUP,
                       parent=tree.township_b, code="B1b", name="城关镇党委", kind="committee", sector="township",
                       tier="township")
    assert visible_org(actor=office, code="城关镇党委", by_name=True) == tree.township_a != later


def test_by_name_answers_none_for_what_the_actor_does_not_see_or_nothing_is_called(users):
    unit = users["unit"]
    assert visible_org(actor=unit, code="河西镇党委", by_name=True) is None
    assert visible_org(actor=unit, code="B1a", by_name=True) is None
    assert visible_org(actor=unit, code="没有这个组织", by_name=True) is None
    assert visible_org(actor=unit, code="", by_name=True) is None
    assert visible_org(actor=unit, code="x" * 101, by_name=True) is None
