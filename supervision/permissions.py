"""Who may do what in supervision: every predicate of the app, `can_<verb>_<noun>(actor, obj=None)`.

Each asks the capabilities of `accounts.permissions` (never a role) and combines them with the object at hand: its
place in the tree, its liaison group, the actor's memberships. Pages use them to show or hide buttons and to answer
404; the services enforce them (PermissionDenied).

Guidance, not substitution (不越位、不包办): liaison groups (SUPERVISE, JOIN_LIAISON_GROUP) plan and record visits,
find, point out and correct on the spot, and propose the upper rungs; the city's office (CITY_OFFICE) runs every
group, decides proposals and takes any rung; a unit's contact (ANSWER_FOR_UNIT) reads the unit's side — visits
held, findings, actions in force, letters issued — and writes nothing here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.permissions import Capability, has
from campaigns.models import Campaign, LiaisonGroup
from campaigns.selectors import current_campaign, liaison_group_of
from core.scoping import user_scope_paths
from orgs.models import Organization
from orgs.permissions import can_view_org
from supervision.choices import LIAISON_LEVELS, OFFICE_LEVELS

if TYPE_CHECKING:
    from accounts.actors import MaybeActor
    from supervision.models import Action, FeedbackLetter, Finding, Visit

C = Capability


# ---------------------------------------------------------------------------------------------------------
# What the predicates rest on.


def is_group_member(actor: MaybeActor, group: LiaisonGroup) -> bool:
    """Whether `actor` sits in `group` (a system actor sits in none)."""
    pk = getattr(actor, "pk", None)
    if not pk:
        return False
    return group.memberships.filter(user_id=pk).exists()


def in_reach(actor: MaybeActor, path: str) -> bool:
    """Whether `path` lies in the subtree `actor` sees (the jurisdiction, narrowed to a liaison member's units):
    the reach of a write. Deliberately the subtree only, not a model's `for_action` rule: a unit's contact reads
    fewer of the groups' rows (no plans, proposals or drafts), which is a rule of reading, not of writing — and a
    unit's contact writes nothing here anyway."""
    return any(path.startswith(root) for root in user_scope_paths(actor) or [])


def levels_for(actor: MaybeActor) -> frozenset[str]:
    """The rungs `actor` takes without a decision: the city's office any, a liaison member 指出促改 and 纠正."""
    if has(actor, C.CITY_OFFICE):
        return OFFICE_LEVELS
    if has(actor, C.JOIN_LIAISON_GROUP):
        return LIAISON_LEVELS
    return frozenset()


# ---------------------------------------------------------------------------------------------------------
# Reading.


def can_read_supervision(actor: MaybeActor) -> bool:
    """The data roles read supervision (each within what it sees); the three administrators do not."""
    return has(actor, C.READ_DATA)


def can_answer_for_unit(actor: MaybeActor) -> bool:
    """A unit's contact, who supervises nobody: reads the unit's side of supervision (visits held, findings,
    actions in force, letters issued), not the groups' plans, proposals and drafts (the models' `for_action`)."""
    return has(actor, C.ANSWER_FOR_UNIT) and not has(actor, C.SUPERVISE)


def can_join_liaison_group(actor: MaybeActor) -> bool:
    """Whether `actor` is of the kind that sits in liaison groups (and sees the groups' units)."""
    return has(actor, C.JOIN_LIAISON_GROUP)


# ---------------------------------------------------------------------------------------------------------
# Writing.


def can_record_supervision(actor: MaybeActor) -> bool:
    """Liaison members and office staff write supervision records; units and leaders read them."""
    return has(actor, C.SUPERVISE)


def can_guide_group(actor: MaybeActor, group: LiaisonGroup) -> bool:
    """Whether `actor` works for `group`: the city's office (which runs every group), or one of its members."""
    if has(actor, C.CITY_OFFICE):
        return True
    return has(actor, C.JOIN_LIAISON_GROUP) and is_group_member(actor, group)


def can_change_visit(actor: MaybeActor, visit: Visit) -> bool:
    """Change, record, cancel a visit, or add and remove its files: a visit in reach, of a group `actor` guides."""
    return in_reach(actor, visit.org_path) and can_guide_group(actor, visit.group)


def can_change_finding(actor: MaybeActor, finding: Finding) -> bool:
    """Correct or delete a finding, or put it into the ledger: in reach, found by a group `actor` guides."""
    return in_reach(actor, finding.org_path) and can_guide_group(actor, finding.visit.group)


def can_change_letter(actor: MaybeActor, letter: FeedbackLetter) -> bool:
    """Edit and issue a feedback letter: in reach, of a group `actor` guides."""
    return in_reach(actor, letter.org_path) and can_guide_group(actor, letter.group)


def can_manage_visit_methods(actor: MaybeActor) -> bool:
    """The city's office keeps the list of visit methods."""
    return has(actor, C.CITY_OFFICE)


def can_act_on_unit(actor: MaybeActor, organization: Organization | None = None,
                    campaign: Campaign | None = None) -> bool:
    """Whether `actor` takes or proposes steps on the ladder — on `organization` when given, else at all: the
    city's office, or a member of the group the unit is assigned to in `campaign` (the current one; without a unit,
    of any group of the campaign). A county's office account, or a liaison in no group, keeps a jurisdiction to
    read, not to act."""
    if organization is not None and not can_view_org(actor, organization):
        return False
    if has(actor, C.CITY_OFFICE):
        return True
    pk = getattr(actor, "pk", None)
    campaign = campaign or current_campaign()
    if not has(actor, C.JOIN_LIAISON_GROUP) or not pk or campaign is None:
        return False
    if organization is None:
        return LiaisonGroup.objects.filter(campaign=campaign, memberships__user_id=pk).exists()
    group = liaison_group_of(organization, campaign)
    return group is not None and is_group_member(actor, group)


def can_decide_action(actor: MaybeActor, action: Action | None = None) -> bool:
    """The city's office decides proposals and takes the upper rungs of the ladder (a county's office account
    does not decide for the city); `action`, when given, must be in reach."""
    return has(actor, C.CITY_OFFICE) and (action is None or in_reach(actor, action.org_path))


def can_follow_up_action(actor: MaybeActor, action: Action) -> bool:
    """Record what came of an action: the city's office, or whoever guides the action's group."""
    if not in_reach(actor, action.org_path):
        return False
    return can_decide_action(actor) or (action.group is not None and can_guide_group(actor, action.group))

