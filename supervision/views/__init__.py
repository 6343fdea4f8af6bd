"""Pages of supervision, by entity: `visits` (the liaison group's workspace and calendar, visits and their files,
visit methods, a unit's four basic requirements), `findings` (and the problems they become), `actions` (the
escalation ladder: actions and proposals), `letters` (feedback letters and their .docx). `_common` holds what they
share. Every view is importable from here."""

from supervision.views.actions import (
    action_decide,
    action_dismiss,
    action_list,
    action_new,
    action_page,
    action_result,
)
from supervision.views.findings import (
    finding_delete,
    finding_edit,
    finding_list,
    finding_new,
    finding_page,
    finding_problem,
    finding_relapse,
)
from supervision.views.letters import letter_docx, letter_edit, letter_issue, letter_list, letter_new, letter_page
from supervision.views.visits import (
    attachment_download,
    attachment_new,
    attachment_remove,
    method_list,
    unit_requirements,
    visit_calendar,
    visit_cancel,
    visit_edit,
    visit_list,
    visit_new,
    visit_page,
    visit_record,
    workspace,
)

__all__ = [
    "action_decide",
    "action_dismiss",
    "action_list",
    "action_new",
    "action_page",
    "action_result",
    "attachment_download",
    "attachment_new",
    "attachment_remove",
    "finding_delete",
    "finding_edit",
    "finding_list",
    "finding_new",
    "finding_page",
    "finding_problem",
    "finding_relapse",
    "letter_docx",
    "letter_edit",
    "letter_issue",
    "letter_list",
    "letter_new",
    "letter_page",
    "method_list",
    "unit_requirements",
    "visit_calendar",
    "visit_cancel",
    "visit_edit",
    "visit_list",
    "visit_new",
    "visit_page",
    "visit_record",
    "workspace",
]
