"""Who may do what with the registry: every predicate of the app, `can_<verb>_<noun>(actor, obj=None)`.

They ask capabilities (accounts.permissions), never roles: the data roles read the registry inside what they see
(READ_DATA, through `visible_to`); the office and the units keep it (EDIT_REGISTRY: imports and edits of
organisations, members and cadres) inside their jurisdiction, and see full ID-card and phone numbers
(SEE_FULL_IDS); the record of one's own jurisdiction (its name, kind, sector, tier …) is kept by the level above;
only an actor who sees the whole tree (the command line) adds a root.
"""

from __future__ import annotations

from accounts.actors import MaybeActor
from accounts.permissions import Capability, has
from core.scoping import user_scope_paths
from orgs.models import Organization


def can_view_org(actor: MaybeActor, organization: Organization) -> bool:
    """Whether `organization` lies in what `actor` sees (the one test every app's writes start from)."""
    return Organization.objects.visible_to(actor).filter(pk=organization.pk).exists()


def can_see_full_ids(actor: MaybeActor) -> bool:
    """Full ID-card and phone numbers, and looking a person up by one: who keeps the register and re-imports it."""
    return has(actor, Capability.SEE_FULL_IDS)


def can_edit_registry(actor: MaybeActor, organization: Organization | None = None) -> bool:
    """Import and edit organisations, members and cadres; for `organization`: one the actor may change (inside
    their jurisdiction)."""
    if not has(actor, Capability.EDIT_REGISTRY):
        return False
    return (organization is None
            or Organization.objects.visible_to(actor, "change").filter(pk=organization.pk).exists())


def can_add_org(actor: MaybeActor, parent: Organization | None) -> bool:
    """A new organisation under `parent` (one the actor may change); a new root of the tree only for an actor who
    sees the whole tree."""
    if parent is None:
        return has(actor, Capability.EDIT_REGISTRY) and "" in (user_scope_paths(actor) or [])
    return can_edit_registry(actor, parent)


def can_edit_org(actor: MaybeActor, organization: Organization) -> bool:
    """Change an organisation's own record (name, kind, sector, tier …) or its place in the tree: inside the
    jurisdiction, but not the organisation of one's own jurisdiction — what is asked of it follows from that record,
    so the level above keeps it."""
    return (can_edit_registry(actor, organization)
            and getattr(actor, "organization_id", None) != organization.pk)
