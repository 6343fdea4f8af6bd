"""Who may do what in the communication log (请示报告): every predicate of the app, in one place. Pages and the API
use them to show or hide what a person may do; the services enforce them (and say why not). Which items a person
reads is the Submission queryset's own rule (`office.models.SubmissionQuerySet.for_action`), built on the two read
predicates here.

Each asks a capability of the one table (`accounts.permissions`), never a role [二.4 加强沟通联系, 一.4 搞好服务协调]:

- READ_DATA — reads the log, each within what it sees; READ_WHOLE_LOG (the city's office and the leaders) reads
  every item in its jurisdiction, the others what their side submitted and what was sent down to them;
- CITY_OFFICE — sends in the office's own name and logs what reached it from outside (本办发文、收文登记), in any
  kind and direction; assigns (分办), answers what is reported to it, closes (办结);
- JOIN_LIAISON_GROUP — reports up for its groups' units (联络组报送);
- RECTIFY_PROBLEMS without CITY_OFFICE — keeps a unit's own record (a unit contact, or a county's office): reports
  up for its unit (单位报送) and, below the city, answers what the office sent down to it.

Nobody answers what they submitted themselves (the clerk who logged a letter from outside did not submit it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from accounts.actors import MaybeActor
from accounts.permissions import Capability, has
from office.choices import ASKING_KINDS, OPEN, REPORT_KINDS, Direction, Kind, Origin, SubmissionStatus
from orgs.models import Organization

if TYPE_CHECKING:
    from office.models import Submission

Side = Literal["office", "unit", "outside", "none"]


# ---------------------------------------------------------------------------------------------------------
# Reading.


def can_read_submissions(actor: MaybeActor) -> bool:
    """The data roles read the log (each within what it sees); the three administrators do not."""
    return has(actor, Capability.READ_DATA)


def can_read_whole_log(actor: MaybeActor) -> bool:
    """The city's office and the leaders read every item in their jurisdiction (the office's dealings with the
    province and city departments sit at the root of the tree)."""
    return has(actor, Capability.READ_WHOLE_LOG)


# ---------------------------------------------------------------------------------------------------------
# Who reports for whom.


def reports_for_liaison_group(actor: MaybeActor) -> bool:
    """A liaison member: reports for its groups' units, and reads what its groups' members reported."""
    return has(actor, Capability.JOIN_LIAISON_GROUP) and not has(actor, Capability.CITY_OFFICE)


def reports_for_unit(actor: MaybeActor) -> bool:
    """Who keeps a unit's own record and does not decide for the city — a unit contact, or a county's office —
    reports for its unit."""
    return has(actor, Capability.RECTIFY_PROBLEMS) and not has(actor, Capability.CITY_OFFICE)


def origins_for(actor: MaybeActor) -> tuple[str, ...]:
    """Where what `actor` enters comes from: the city's office sends or logs; a liaison member reports for its
    group; a unit contact, or a county's office, reports for its unit."""
    if has(actor, Capability.CITY_OFFICE):
        return (Origin.OFFICE, Origin.OUTSIDE)
    if reports_for_liaison_group(actor):
        return (Origin.LIAISON,)
    if reports_for_unit(actor):
        return (Origin.UNIT,)
    return ()


def can_create_submission(actor: MaybeActor) -> bool:
    """Whether `actor` logs items at all (reports up, or sends and logs for the office)."""
    return bool(origins_for(actor))


def can_send_submission(actor: MaybeActor) -> bool:
    """The city's office sends in its own name and logs what reached it (本办发文、收文登记): any kind, any
    direction; everyone else who logs reports up."""
    return has(actor, Capability.CITY_OFFICE)


def kinds_for(actor: MaybeActor) -> tuple[str, ...]:
    """The kinds `actor` logs: every kind for the city's office, the reports (报告、请示、经验做法、典型案例) for
    whoever reports up, none for the others."""
    if can_send_submission(actor):
        return tuple(Kind.values)
    return tuple(REPORT_KINDS) if can_create_submission(actor) else ()


# ---------------------------------------------------------------------------------------------------------
# Who answers, assigns, closes, attaches.


def answer_side(submission: Submission) -> Side:
    """Who answers: the city's office answers what is reported to it or reached it from outside; a unit answers
    what the office sent down to it; the other side answers what the office sent out (to the province, a
    department, every unit at once); nobody answers the office's own replies."""
    if submission.origin != Origin.OFFICE:
        return "office"
    if submission.kind == Kind.REPLY:
        return "none"
    if submission.direction == Direction.DOWN and len(submission.org_path) > Organization.steplen:
        return "unit"
    return "outside"


def submitted_by(actor: MaybeActor, submission: Submission) -> bool:
    """Whether `actor` submitted it (a clerk who logged a letter from outside did not)."""
    return (submission.origin != Origin.OUTSIDE and submission.created_by_id is not None
            and submission.created_by_id == getattr(actor, "pk", None))


def _unit_side(actor: MaybeActor, submission: Submission) -> bool:
    """A unit contact (or a county's office) below the city whose jurisdiction holds the unit the item was sent
    down to."""
    organization = getattr(actor, "organization", None)
    return (reports_for_unit(actor) and organization is not None
            and len(organization.path) > Organization.steplen
            and submission.org_path.startswith(organization.path))


def close_refusal(submission: Submission) -> str | None:
    """Why the item may not be closed now, or None: a closed item stays closed; a request or a letter from outside
    is answered first (unless it was sent out and its reply is not awaited)."""
    if submission.status == SubmissionStatus.CLOSED:
        return "该事项已办结"
    if (submission.kind in ASKING_KINDS and submission.status in OPEN
            and answer_side(submission) != "outside"):
        return f"{Kind(submission.kind).label}须先答复，再办结"
    return None


def can_assign_submission(actor: MaybeActor, submission: Submission | None = None) -> bool:
    """The city's office assigns (分办); with `submission`, an open item it must answer itself."""
    if not has(actor, Capability.CITY_OFFICE):
        return False
    return submission is None or (answer_side(submission) == "office" and submission.status in OPEN)


def can_answer_submission(actor: MaybeActor, submission: Submission) -> bool:
    """An open item, never by its submitter: the city's office answers what was reported to it or reached it, a
    unit what the office sent down to it."""
    if submission.status not in OPEN or submitted_by(actor, submission):
        return False
    side = answer_side(submission)
    if side == "office":
        return has(actor, Capability.CITY_OFFICE)
    return side == "unit" and _unit_side(actor, submission)


def can_reply_to_submission(actor: MaybeActor, submission: Submission, *, origin: str) -> bool:
    """Whether a 批复（答复） `actor` logs (from `origin`) answers `submission`: an open item `actor` may answer
    — or, for what the office sent out, the other side's reply the city's office logs as 收文."""
    if submission.status not in OPEN:
        return False
    if answer_side(submission) == "outside":
        return origin == Origin.OUTSIDE and has(actor, Capability.CITY_OFFICE)
    return can_answer_submission(actor, submission)


def can_close_submission(actor: MaybeActor, submission: Submission | None = None) -> bool:
    """The city's office closes (办结); with `submission`, one that may be closed now (`close_refusal`)."""
    if not has(actor, Capability.CITY_OFFICE):
        return False
    return submission is None or close_refusal(submission) is None


def can_add_attachment(actor: MaybeActor, submission: Submission) -> bool:
    """Files go with an item not yet closed: by who logged it, the city's office, or who may answer it."""
    return submission.status != SubmissionStatus.CLOSED and (
        submission.created_by_id == getattr(actor, "pk", None) or has(actor, Capability.CITY_OFFICE)
        or can_answer_submission(actor, submission))


def allowed_actions(actor: MaybeActor, submission: Submission) -> list[str]:
    """What `actor` may do now with an item it reads: assign, answer, close, attach."""
    checks = (("assign", can_assign_submission(actor, submission)),
              ("answer", can_answer_submission(actor, submission)),
              ("close", can_close_submission(actor, submission)),
              ("attach", can_add_attachment(actor, submission)))
    return [name for name, allowed in checks if allowed]
