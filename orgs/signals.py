"""Signals of the registry that other apps listen to."""

from django.dispatch import Signal

# Sent by `orgs.services.org_move` inside its transaction, after the subtree's paths changed: kwargs
# `old_path`, `new_path` (the moved organisation's path before and after). Apps that keep a copy of a path
# (problems) update it here, in the same transaction.
subtree_moved = Signal()
