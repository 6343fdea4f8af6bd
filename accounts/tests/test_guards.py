"""`accounts.guards`: the one rule for pages and endpoints that only the data roles reach."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.guards import has_data_role, require_data_role


@pytest.mark.parametrize("role", ["office", "liaison", "unit", "leader"])
def test_the_data_roles_pass_the_guard_as_themselves(users, role):
    assert has_data_role(users[role])
    assert require_data_role(users[role]) is users[role]


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_the_three_administrators_get_404(users, role):
    assert not has_data_role(users[role])
    with pytest.raises(Http404):
        require_data_role(users[role])


def test_an_anonymous_visitor_gets_404():
    assert not has_data_role(AnonymousUser())
    with pytest.raises(Http404):
        require_data_role(AnonymousUser())
