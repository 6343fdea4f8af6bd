"""Who may do what with the four key measures: every predicate of the app, `can_<verb>_<noun>(actor, obj=None)`.

They ask capabilities (accounts.permissions), never roles: the office and the unit record (RECORD_MEASURES) inside
their jurisdiction; a unit's contact (ANSWER_FOR_UNIT) records on the quick form for its own organisation only,
where the office picks any organisation it sees; the office, leaders and liaison groups read the coverage view
(READ_COVERAGE); every data role reads records (READ_DATA) within what it sees.
"""

from __future__ import annotations

from accounts.actors import MaybeActor
from accounts.permissions import Capability, has
from orgs.models import Organization
from orgs.permissions import can_view_org


def can_read_measures(actor: MaybeActor) -> bool:
    """The records of the four measures, a unit's page, its lead actions (each inside what the actor sees)."""
    return has(actor, Capability.READ_DATA)


def can_record_measures(actor: MaybeActor, organization: Organization | None = None) -> bool:
    """Record (create, correct, delete) the measures' records; for `organization`: one inside the actor's
    jurisdiction (a unit: its own organisations; the office: any organisation it sees)."""
    if not has(actor, Capability.RECORD_MEASURES):
        return False
    return organization is None or can_view_org(actor, organization)


def can_choose_organization(actor: MaybeActor) -> bool:
    """On the quick-record form, pick the organisation recorded for (the office). A unit's contact records for its
    own organisation only, without choosing."""
    return can_record_measures(actor) and not has(actor, Capability.ANSWER_FOR_UNIT)


def can_quick_record(actor: MaybeActor, organization: Organization) -> bool:
    """The quick-record form for `organization` (its unit page links to it): a recorder who picks organisations,
    or the unit's own contact."""
    if not can_record_measures(actor):
        return False
    return can_choose_organization(actor) or getattr(actor, "organization_id", None) == organization.pk


def can_view_coverage(actor: MaybeActor) -> bool:
    """The coverage view across units and its export: the office, leaders and liaison groups."""
    return has(actor, Capability.READ_COVERAGE)
