"""Who may do what in the problem ledger: every predicate of the app, in one place. Pages and the API use them to
show or hide what a person may do; the services enforce them (and say why not).

Each asks a capability of the one table (`accounts.permissions`), never a role:

- RECTIFY_PROBLEMS — the owner side (the unit, in its own subtree, and the office): registers a unit's own
  problems, edits the record, its steps and evidence, claims the closure, answers the masses, imports a ledger;
- VERIFY_PROBLEMS — the liaison groups and the office (履行指导组职责): close, return, reopen, decide extensions;
  never on a problem they own (`owner_refusal`);
- SUPERVISE — may register a problem found on supervision (督导发现); liaison groups register nothing else and
  never edit a unit's own records (不越位、不包办);
- CITY_OFFICE — keeps the special campaigns (专项整治).

Raising a problem is SUPERVISE or RECTIFY_PROBLEMS. Who may take each lifecycle action is a column of the
transition table (`problems.choices.TRANSITIONS`, `Transition.capability`).
"""

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.actors import MaybeActor
from accounts.permissions import Capability, has, has_any
from orgs.models import Organization
from orgs.permissions import can_view_org
from problems.choices import LIAISON_SOURCES, ProblemStatus, Source, Transition
from problems.models import Problem, SavedFilter


def can_view_problem(actor: MaybeActor, problem: Problem) -> bool:
    """Whether `actor` sees `problem` (its organisation lies in what they see)."""
    return Problem.objects.visible_to(actor).filter(pk=problem.pk).exists()


def can_raise_problem(actor: MaybeActor, organization: Organization | None = None) -> bool:
    """Whether `actor` registers problems (the owner side, and whoever supervises); with `organization`, also
    that they see it."""
    if not has_any(actor, Capability.SUPERVISE, Capability.RECTIFY_PROBLEMS):
        return False
    return organization is None or can_view_org(actor, organization)


def raisable_sources(actor: MaybeActor) -> list[str]:
    """The sources (问题来源) `actor` may give a problem they register: the one rule of the form, the API and the
    ledger import. 督导发现 records what supervision found: whoever supervises registers that source, the owner
    side any other — so a liaison member registers only 督导发现, the office (which runs the liaison groups and
    raises their findings) any source, and a unit any but 督导发现 (it cannot label its own problem as found by
    supervision)."""
    supervises, rectifies = has(actor, Capability.SUPERVISE), has(actor, Capability.RECTIFY_PROBLEMS)
    return [s for s in Source.values if (supervises if s in LIAISON_SOURCES else rectifies)]


def source_refusal(actor: MaybeActor, source: str) -> str | None:
    """Why `actor` may not register a problem with `source` (a known one), or None."""
    allowed = raisable_sources(actor)
    if not source or source not in Source.values or source in allowed:
        return None
    if not has(actor, Capability.RECTIFY_PROBLEMS):
        return "联络组登记的问题来源应为“督导发现”"
    labels = "、".join(str(Source(s).label) for s in allowed)
    return f"“{Source(source).label}”只能由联络组根据督导发现登记，本单位登记的问题来源应为{labels}之一"


def can_edit_problem(actor: MaybeActor, problem: Problem | None = None) -> bool:
    """Whether `actor` edits problems' records, steps and evidence — the owner side (the unit in its own subtree,
    the office); liaison groups and leaders do not (不越位、不包办). With `problem`, also that they see it (its
    status is `ensure_problem_editable`'s matter)."""
    if not has(actor, Capability.RECTIFY_PROBLEMS):
        return False
    return problem is None or Problem.objects.visible_to(actor, "change").filter(pk=problem.pk).exists()


def ensure_problem_editable(actor: MaybeActor, problem: Problem) -> None:
    """The owner side edits a problem's record, steps and evidence while it is being rectified: PermissionDenied
    for anyone else, a ValidationError saying why while the problem is claimed or closed."""
    if not can_edit_problem(actor, problem):
        raise PermissionDenied("无权修改该问题")
    if problem.status == ProblemStatus.CLOSED:
        raise ValidationError({"status": "问题已销号，记录已锁定，不能修改。确需修改的，由核验人员重新打开后再改。"})
    if problem.status == ProblemStatus.CLAIMED:
        raise ValidationError({"status": "问题已申请销号，核验期间不能修改。如需修改，请核验人员退回后再改。"})


def can_import_problems(actor: MaybeActor) -> bool:
    """The owner side imports ledgers (its rows go through the same services as the form)."""
    return has(actor, Capability.RECTIFY_PROBLEMS)


def can_answer_feedback(actor: MaybeActor, problem: Problem | None = None) -> bool:
    """The unit or the office answers what the masses said of a problem (with `problem`: one they see)."""
    return can_edit_problem(actor, problem)


def owner_refusal(actor: MaybeActor, problem: Problem) -> str | None:
    """Why `actor` counts as the problem's owner (and so may not verify it), or None. The owner is the unit the
    problem belongs to and the people who registered it for the unit, claimed its closure or uploaded its
    evidence. The application acting on its own (a system actor) owns nothing."""
    if actor is None or getattr(actor, "is_system", False) or not getattr(actor, "is_authenticated", False):
        return None
    if getattr(actor, "organization_id", None) == problem.organization_id:
        return "整改责任单位的人员不能核验本单位的问题"
    if problem.claimed_by_id == actor.pk:
        return "申请销号的人不能核验自己申请的问题"
    if problem.created_by_id == actor.pk and has(actor, Capability.RECTIFY_PROBLEMS):
        return "登记问题的人不能核验自己登记的问题"
    if problem.evidence.filter(uploaded_by_id=actor.pk).exists():
        return "上传佐证材料的人不能核验依据自己材料的问题"
    return None


def can_take_transition(actor: MaybeActor, rule: Transition) -> bool:
    """Whether `actor` holds the capability a row of the transition table asks (its verifier rule, that the actor
    is not the owner, is `owner_refusal`)."""
    return has(actor, rule.capability)


def can_verify_problem(actor: MaybeActor, problem: Problem) -> bool:
    """Whether `actor` may verify `problem` (close it, return it, decide its extensions): a verifier who sees it
    and does not own it."""
    return (has(actor, Capability.VERIFY_PROBLEMS) and can_view_problem(actor, problem)
            and owner_refusal(actor, problem) is None)


def can_manage_special_campaign(actor: MaybeActor) -> bool:
    """The city's office sets up and closes special campaigns (专项整治)."""
    return has(actor, Capability.CITY_OFFICE)


def can_filter_by_liaison_group(actor: MaybeActor) -> bool:
    """Who supervises across the liaison groups without sitting in one (the office) filters the ledger by group;
    a member sees only its own groups' units anyway."""
    return has(actor, Capability.SUPERVISE) and not has(actor, Capability.JOIN_LIAISON_GROUP)


def sees_group_units_only(actor: MaybeActor) -> bool:
    """Whether what `actor` sees of the ledger is the units assigned to their liaison groups (the list says so)."""
    return has(actor, Capability.JOIN_LIAISON_GROUP)


def can_delete_saved_filter(actor: MaybeActor, saved: SavedFilter) -> bool:
    """A saved filter is its user's own."""
    return actor is not None and saved.user_id == actor.pk
