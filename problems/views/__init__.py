"""Pages of the problem ledger, by entity: `listing` (the ledger's list, its filters and counts, saved filters),
`problem` (registration and edits, a problem's page and its lifecycle actions), `steps` (rectification steps),
`evidence` (佐证材料), `special_campaigns` (专项整治), `io` (export and import of ledgers), `feedback` (the masses'
public no-login feedback page, its QR code, the answers). `_common` holds what they share. Every view is importable
from here."""

from problems.views.evidence import evidence_download, evidence_new, evidence_remove
from problems.views.feedback import answer, public_feedback, qr
from problems.views.io import export, import_job, import_template, import_upload
from problems.views.listing import filter_delete, filter_save, ledger
from problems.views.problem import problem_action, problem_edit, problem_new, problem_page
from problems.views.special_campaigns import special_edit, special_list
from problems.views.steps import step_done, step_edit, step_new

__all__ = [
    "answer",
    "evidence_download",
    "evidence_new",
    "evidence_remove",
    "export",
    "filter_delete",
    "filter_save",
    "import_job",
    "import_template",
    "import_upload",
    "ledger",
    "problem_action",
    "problem_edit",
    "problem_new",
    "problem_page",
    "public_feedback",
    "qr",
    "special_edit",
    "special_list",
    "step_done",
    "step_edit",
    "step_new",
]
