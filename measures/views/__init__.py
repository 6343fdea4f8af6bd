"""Pages of the measures: `units` (the quick record, a branch on a phone, and a unit's campaign page with the panels
apps above add to it) and `entries` (the entry pages where a unit, for its own organisations, or the office, for any
it sees, records and corrects study sessions, lectures, research, public-service commitments and life meetings,
and the attachments' downloads). The office's coverage view is assessment's. Every view is importable from here."""

from measures.views.entries import (
    attachment_download,
    exchange_new,
    item_new,
    lecture_edit,
    meeting,
    meeting_new,
    milestone_done,
    milestone_new,
    report_download,
    report_new,
    service,
    service_new,
    study_edit,
    topic,
    topic_new,
    use_new,
)
from measures.views.units import quick, unit

__all__ = [
    "attachment_download",
    "exchange_new",
    "item_new",
    "lecture_edit",
    "meeting",
    "meeting_new",
    "milestone_done",
    "milestone_new",
    "quick",
    "report_download",
    "report_new",
    "service",
    "service_new",
    "study_edit",
    "topic",
    "topic_new",
    "unit",
    "use_new",
]
