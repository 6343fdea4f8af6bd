from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "office"
    verbose_name = "办公室工作"

    def ready(self) -> None:
        # A submission keeps a copy of its unit's path (scoping filters on it without a join); when a subtree
        # moves, the copies follow in the same transaction.
        from office.services import submissions_follow_move
        from orgs.signals import subtree_moved

        subtree_moved.connect(submissions_follow_move, dispatch_uid="submissions_follow_move")
