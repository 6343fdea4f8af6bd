"""Who reaches the three administrators' pages: every predicate of the app, `can_<verb>_<noun>(actor)`.

Each page belongs to one administrator (三员分立) and asks that administrator's capability (accounts.permissions),
never a role; anyone else gets 404, as for a page that does not exist. A command (a system actor) holds them all.
"""

from accounts.actors import MaybeActor
from accounts.permissions import Capability, has


def can_manage_accounts(actor: MaybeActor) -> bool:
    """Create accounts, change their role, jurisdiction, name or status, unlock them and reset passwords: the
    security administrator."""
    return has(actor, Capability.MANAGE_ACCOUNTS)


def can_administer_system(actor: MaybeActor) -> bool:
    """The system status page: the system administrator."""
    return has(actor, Capability.ADMINISTER_SYSTEM)


def can_read_audit_log(actor: MaybeActor) -> bool:
    """The audit log, read-only: the auditor."""
    return has(actor, Capability.READ_AUDIT_LOG)
