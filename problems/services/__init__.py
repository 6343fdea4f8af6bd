"""Every write of the problem ledger and its rules, in one place: pages, the API, imports, bulk actions, the
demo generator and supervision's findings all call these.

The lifecycle: `problem_act` is the only function that changes `Problem.status`. It is driven by the
transition table `problems.choices.TRANSITIONS` (from which states, to which, for which capability, whether a
written reason or evidence is needed, whether the actor must be someone other than the owner). Closure is
earned (DESIGN §4.4): the closer is never the owner or of the owner's unit, evidence is required and frozen,
closer and time come from the session, a closed problem is read only and only a visible reopening changes it.

Every write that changes a problem bumps `Problem.version`; a caller that read version N and writes against a
row now at N+1 is refused (two people on one problem cannot overwrite each other silently).

Bad input raises ValidationError({field: Chinese reason}) and writes nothing.

Who may do what is `problems.permissions` (pages ask it to show a button; the services enforce it). One module
per entity: `registration` (problem_create, problem_update, due dates), `steps`, `evidence`, `lifecycle`
(problem_act and its handlers), `extensions`, `feedback` (the masses' satisfaction), `special_campaigns`,
`saved_filters`, `org_moves`; `_common` holds what they share. Every public name is imported here: callers use
`problems.services.<name>`.
"""

from problems.services._common import EVIDENCE_SUFFIXES, NOTE_MAX, TEXT_MAX
from problems.services.evidence import evidence_add, evidence_intact, evidence_max_mb, evidence_present, evidence_remove
from problems.services.feedback import (
    FEEDBACK_PER_HOUR,
    FEEDBACK_PER_PROBLEM_PER_DAY,
    feedback_link,
    feedback_link_refusal,
    feedback_open,
    feedback_source,
    satisfaction_answer,
    satisfaction_submit,
)
from problems.services.lifecycle import NOTE_REQUIRED, action_label, allowed_actions, problem_act, rule_for
from problems.services.org_moves import problems_follow_move
from problems.services.registration import (
    DESCRIPTION_MAX,
    RECORD_FIELDS,
    REF_MAX,
    due_date,
    problem_create,
    problem_update,
)
from problems.services.saved_filters import saved_filter_delete, saved_filter_save
from problems.services.special_campaigns import special_campaign_create, special_campaign_update
from problems.services.steps import step_add, step_delete, step_done, step_undone, step_update

__all__ = [
    "DESCRIPTION_MAX",
    "EVIDENCE_SUFFIXES",
    "FEEDBACK_PER_HOUR",
    "FEEDBACK_PER_PROBLEM_PER_DAY",
    "NOTE_MAX",
    "NOTE_REQUIRED",
    "RECORD_FIELDS",
    "REF_MAX",
    "TEXT_MAX",
    "action_label",
    "allowed_actions",
    "due_date",
    "evidence_add",
    "evidence_intact",
    "evidence_max_mb",
    "evidence_present",
    "evidence_remove",
    "feedback_link",
    "feedback_link_refusal",
    "feedback_open",
    "feedback_source",
    "problem_act",
    "problem_create",
    "problem_update",
    "problems_follow_move",
    "rule_for",
    "satisfaction_answer",
    "satisfaction_submit",
    "saved_filter_delete",
    "saved_filter_save",
    "special_campaign_create",
    "special_campaign_update",
    "step_add",
    "step_delete",
    "step_done",
    "step_undone",
    "step_update",
]
