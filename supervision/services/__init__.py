"""Every write of supervision and its rules, in one place: pages, the API and demo data all call these.

Guidance, not substitution (不越位、不包办): liaison groups plan and record visits, find, point out, correct and
propose; they never write a unit's own records. A finding the unit must fix goes into the ledger through
`problems.services` (source 督导发现), which keeps every rule of the lifecycle.

One module per entity: `visit_methods`, `visits`, `findings`, `ladder`, `actions`, `proposals` (the system's),
`letters`, `org_moves`; `_common` holds what they share. Every public name is imported here: callers use
`supervision.services.<name>`. Each write takes the acting person first (`actor`, an `accounts.actors.Actor`) and
enforces its own permission with the predicates of `supervision.permissions`.
"""

from supervision.services._common import TEXT_MAX
from supervision.services.actions import (
    action_decide,
    action_dismiss,
    action_follow_up,
    action_propose,
    action_record,
    default_follow_up,
)
from supervision.services.findings import (
    finding_add,
    finding_delete,
    finding_raise_problem,
    finding_reopen_problem,
    finding_update,
)
from supervision.services.ladder import ladder_position, ladder_positions, next_level, skips
from supervision.services.letters import (
    LETTER_MAX,
    letter_abbreviation,
    letter_compose,
    letter_create,
    letter_issue,
    letter_update,
)
from supervision.services.org_moves import supervision_follow_move
from supervision.services.proposals import action_proposals_refresh
from supervision.services.visit_methods import visit_method_create, visit_method_set_active
from supervision.services.visits import (
    SUMMARY_MAX,
    attachment_add,
    attachment_remove,
    visit_cancel,
    visit_log,
    visit_plan,
    visit_record,
    visit_subject,
    visit_update,
)

__all__ = [
    "LETTER_MAX",
    "SUMMARY_MAX",
    "TEXT_MAX",
    "action_decide",
    "action_dismiss",
    "action_follow_up",
    "action_proposals_refresh",
    "action_propose",
    "action_record",
    "attachment_add",
    "attachment_remove",
    "default_follow_up",
    "finding_add",
    "finding_delete",
    "finding_raise_problem",
    "finding_reopen_problem",
    "finding_update",
    "ladder_position",
    "ladder_positions",
    "letter_abbreviation",
    "letter_compose",
    "letter_create",
    "letter_issue",
    "letter_update",
    "next_level",
    "skips",
    "supervision_follow_move",
    "visit_cancel",
    "visit_log",
    "visit_method_create",
    "visit_method_set_active",
    "visit_plan",
    "visit_record",
    "visit_subject",
    "visit_update",
]
