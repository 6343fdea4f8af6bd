"""Guards for pages and API endpoints that only some roles reach. A refused caller gets 404, as for a row outside
their jurisdiction: the page does not exist for them."""

from django.http import Http404

from accounts.actors import MaybeActor
from accounts.models import User
from accounts.permissions import Capability, has


def has_data_role(user: MaybeActor) -> bool:
    """The data roles (the office, liaison groups, units, leaders) read domain data, each within what it sees;
    anonymous visitors and the three administrators do not."""
    return has(user, Capability.READ_DATA)


def require_data_role(user: MaybeActor) -> User:
    """`user`, if this page or endpoint is theirs to read (a data role); else 404."""
    if not has_data_role(user):
        raise Http404
    assert isinstance(user, User)
    return user
