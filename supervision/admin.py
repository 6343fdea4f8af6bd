"""Nothing here: supervision records are written through `supervision.services` only (its rules and the audit
log), so the Django admin is not mounted for them."""
