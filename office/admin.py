"""Nothing here: the communication log is written through `office.services` only (its rules and the audit log),
so the Django admin is not mounted for it."""
