"""What each role may do, as data: the one table of capabilities.

Every "may this person do that?" in the application asks a capability of this table (`has`), never a role. The apps'
own `permissions.py` hold the predicates (`can_<verb>_<noun>(actor, obj=None)`) that combine a capability with the
object at hand (its place in the tree, its status, the actor's liaison group); this module is the only one that
names a role next to what it may do.

Adding a role — a county leading-group member, an inspector — is one row here (or, for a deployment, one entry of
`settings.JYB_EXTRA_ROLES`, read by `grants()`), and a review of the predicates that ask for the capabilities it is
given. `accounts/tests/test_capabilities.py` adds a role that way and follows it through pages and the API.

The city's office is an explicit capability (`CITY_OFFICE`), held by office staff whose jurisdiction is a root of
the tree (`Grant.at_root`): it decides for the city — campaigns, liaison groups, the upper rungs of the ladder, the
office's own letters — where a county's office account works inside its county only.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from accounts.choices import Role

if TYPE_CHECKING:
    from accounts.actors import Actor


class Capability(StrEnum):
    # Reading
    READ_DATA = "read_data"  # campaign data inside the jurisdiction (the four data roles; not the administrators)
    READ_CAMPAIGNS = "read_campaigns"  # the campaigns' pages, teams and the people on them
    READ_COVERAGE = "read_coverage"  # 措施覆盖 across units: the office, leaders and liaison groups
    READ_WHOLE_LOG = "read_whole_log"  # every item of the communication log in the jurisdiction, not just one's own
    SEE_FULL_IDS = "see_full_ids"  # full ID-card and phone numbers: who keeps the register and re-imports it
    SEE_CHECKSUMS = "see_checksums"  # files' SHA-256: who verifies what a file proves
    # The registry and the four measures
    EDIT_REGISTRY = "edit_registry"  # imports and edits of organisations, members and cadres
    RECORD_MEASURES = "record_measures"  # a unit's study sessions, research, lectures, life meetings
    # The problem ledger
    RECTIFY_PROBLEMS = "rectify_problems"  # the owner side: register a unit's own problems, steps, evidence, claim
    VERIFY_PROBLEMS = "verify_problems"  # check a claimed closure (never one's own: problems.permissions)
    # Supervision
    SUPERVISE = "supervise"  # visits, findings, letters, the ladder; a problem found on supervision (督导发现)
    JOIN_LIAISON_GROUP = "join_liaison_group"  # sits in liaison groups; sees and acts for its groups' units
    ANSWER_FOR_UNIT = "answer_for_unit"  # the unit's contact: its reminders, letters, the unit's side of a log item
    # The city's office: decides for the city (held at a root of the tree only)
    CITY_OFFICE = "city_office"
    # The three separated administrators (三员分立)
    ADMINISTER_SYSTEM = "administer_system"  # the system status page
    MANAGE_ACCOUNTS = "manage_accounts"  # users, roles, locks
    READ_AUDIT_LOG = "read_audit_log"  # the audit log, read-only


C = Capability


@dataclass(frozen=True)
class Grant:
    """One role's row: what it may do anywhere in its jurisdiction, what it may do only when bound to a root of the
    tree, and the page it lands on (a URL name; see jiaoyuban.views.landing_url)."""

    role: str
    label: str
    capabilities: frozenset[Capability]
    at_root: frozenset[Capability] = field(default_factory=frozenset)
    home: str = "system_status"


TABLE: tuple[Grant, ...] = (
    Grant(Role.OFFICE, Role.OFFICE.label, frozenset({
        C.READ_DATA, C.READ_CAMPAIGNS, C.READ_COVERAGE, C.SEE_FULL_IDS, C.SEE_CHECKSUMS, C.EDIT_REGISTRY,
        C.RECORD_MEASURES, C.RECTIFY_PROBLEMS, C.VERIFY_PROBLEMS, C.SUPERVISE,
    }), at_root=frozenset({C.CITY_OFFICE, C.READ_WHOLE_LOG}), home="assessment:coverage"),
    Grant(Role.LIAISON, Role.LIAISON.label, frozenset({
        C.READ_DATA, C.READ_COVERAGE, C.SEE_CHECKSUMS, C.VERIFY_PROBLEMS, C.SUPERVISE, C.JOIN_LIAISON_GROUP,
    }), home="supervision:workspace"),
    Grant(Role.UNIT, Role.UNIT.label, frozenset({
        C.READ_DATA, C.SEE_FULL_IDS, C.EDIT_REGISTRY, C.RECORD_MEASURES, C.RECTIFY_PROBLEMS, C.ANSWER_FOR_UNIT,
    }), home="measures:unit"),
    Grant(Role.LEADER, Role.LEADER.label, frozenset({
        C.READ_DATA, C.READ_CAMPAIGNS, C.READ_COVERAGE, C.READ_WHOLE_LOG,
    }), home="assessment:coverage"),
    Grant(Role.SYSADMIN, Role.SYSADMIN.label, frozenset({C.ADMINISTER_SYSTEM}), home="system_status"),
    Grant(Role.SECADMIN, Role.SECADMIN.label, frozenset({C.MANAGE_ACCOUNTS}), home="accounts:users"),
    Grant(Role.AUDITOR, Role.AUDITOR.label, frozenset({C.READ_AUDIT_LOG}), home="audit:list"),
)


def _extra_grants(extra: Mapping[str, Mapping[str, Any]]) -> Iterable[Grant]:
    """Rows from `settings.JYB_EXTRA_ROLES`: {"inspector": {"label": "巡查员", "capabilities": ["read_data"],
    "at_root": [], "home": "problems:list"}}. An unknown capability fails loudly at the first check."""
    for role, row in extra.items():
        yield Grant(
            role=role, label=str(row.get("label", role)),
            capabilities=frozenset(Capability(c) for c in row.get("capabilities", ())),
            at_root=frozenset(Capability(c) for c in row.get("at_root", ())),
            home=str(row.get("home", "system_status")),
        )


@functools.cache
def grants() -> dict[str, Grant]:
    """The table by role, with the deployment's extra roles."""
    rows = {g.role: g for g in TABLE}
    rows.update({g.role: g for g in _extra_grants(getattr(settings, "JYB_EXTRA_ROLES", {}) or {})})
    return rows


@receiver(setting_changed)
def _forget_grants(*, setting: str, **kwargs: Any) -> None:
    if setting == "JYB_EXTRA_ROLES":
        grants.cache_clear()


def role_choices() -> list[tuple[str, str]]:
    """Every role a user may hold, for forms and filters."""
    return [(g.role, g.label) for g in grants().values()]


def capabilities_of(actor: Actor | Any) -> frozenset[Capability]:
    """What `actor` may do: their role's row, plus its root-only capabilities when bound to a root of the tree.
    Anonymous and inactive users may do nothing; a system actor (accounts.actors.SystemActor) everything."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return frozenset()
    if getattr(actor, "is_system", False):
        return frozenset(Capability)
    grant = grants().get(getattr(actor, "role", ""))
    if grant is None:
        return frozenset()
    organization = getattr(actor, "organization", None)
    if grant.at_root and organization is not None and organization.depth == 1:
        return grant.capabilities | grant.at_root
    return grant.capabilities


def has(actor: Actor | Any, capability: Capability) -> bool:
    return capability in capabilities_of(actor)


def has_any(actor: Actor | Any, *capabilities: Capability) -> bool:
    return bool(capabilities_of(actor).intersection(capabilities))


def roles_with(capability: Capability) -> frozenset[str]:
    """The roles whose row grants `capability` anywhere in the jurisdiction (for queries: who receives a reminder,
    whose accounts a generator makes). Root-only grants are left to `holds_at_root`."""
    return frozenset(g.role for g in grants().values() if capability in g.capabilities)


def roles_with_at_root(capability: Capability) -> frozenset[str]:
    """The roles that hold `capability` when bound to a root of the tree (the city's office)."""
    return frozenset(g.role for g in grants().values() if capability in g.at_root)


def role_for(capability: Capability) -> str:
    """The one role granted `capability` (for generators that make an account of that kind); fails when it is not
    exactly one, so a new role that shares the capability is a decision, not an accident."""
    roles = roles_with(capability) | roles_with_at_root(capability)
    if len(roles) != 1:
        raise LookupError(f"{capability} is granted to {sorted(roles)}, not to exactly one role")
    return next(iter(roles))


def home_of(actor: Actor | Any) -> str:
    """The URL name of the page `actor`'s role lands on."""
    grant = grants().get(getattr(actor, "role", ""))
    return grant.home if grant else "system_status"
