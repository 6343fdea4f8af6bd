"""Who may do what with campaigns: every predicate of the app, `can_<verb>_<noun>(actor, obj=None)`.

They ask capabilities (accounts.permissions), never roles: the office and the leading group read the campaigns'
pages and the people on the office's teams and groups (READ_CAMPAIGNS); only the city's office sets campaigns,
teams, liaison groups and guidance profiles up (CITY_OFFICE: profiles are city-wide, and an office account bound
to a county must not rearrange the city's teams and groups); the data roles may sit on teams and groups
(READ_DATA); a liaison group's member (JOIN_LIAISON_GROUP) sees only the group's units inside their jurisdiction
(`campaigns.selectors.liaison_scope`).
"""

from __future__ import annotations

from accounts.actors import MaybeActor
from accounts.permissions import Capability, has
from orgs.models import Organization


def can_view_campaigns(actor: MaybeActor) -> bool:
    """The campaigns' pages: campaigns, participation, teams, liaison groups, guidance profiles."""
    return has(actor, Capability.READ_CAMPAIGNS)


def can_see_people(actor: MaybeActor) -> bool:
    """Who staffs the office's teams and liaison groups: for the office and the leading group, not every unit."""
    return has(actor, Capability.READ_CAMPAIGNS)


def can_manage_campaigns(actor: MaybeActor) -> bool:
    """Set campaigns, participation, teams, liaison groups and guidance profiles up: the city's office."""
    return has(actor, Capability.CITY_OFFICE)


def can_join_team(actor: MaybeActor) -> bool:
    """Sit on an office team or a liaison group (`actor` is the person added): an active account of a data role,
    not one of the three administrators."""
    return has(actor, Capability.READ_DATA)


def can_supervise_unit(actor: MaybeActor, organization: Organization) -> bool:
    """Whether a liaison group's member `actor` would see `organization` once it is (or while it stays) one of the
    group's units: a member narrowed to their groups' units (JOIN_LIAISON_GROUP) sees them only inside their own
    jurisdiction; anyone else on a group keeps their jurisdiction and is not cut off by an assignment."""
    if not has(actor, Capability.JOIN_LIAISON_GROUP):
        return True
    own = getattr(actor, "organization", None)
    return own is None or organization.path.startswith(own.path)
