"""Guards for pages and API endpoints that only some roles reach. A refused caller gets 404, as for a row outside
their jurisdiction: the page does not exist for them."""

from typing import Any

from django.http import Http404

from accounts.choices import DATA_ROLES
from accounts.models import User


def has_data_role(user: Any) -> bool:
    """The data roles (the office, liaison groups, units, leaders) read domain data, each within what it sees;
    anonymous visitors and the three administrators do not."""
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in DATA_ROLES


def require_data_role(user: Any) -> User:
    """`user`, if this page or endpoint is theirs to read (a data role); else 404."""
    if not has_data_role(user):
        raise Http404
    assert isinstance(user, User)
    return user
