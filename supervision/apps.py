from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "督促指导"

    def ready(self) -> None:
        # Visits, findings, actions and letters keep a copy of their unit's path (scoping filters on it without a
        # join); when a subtree moves, the copies follow in the same transaction.
        from orgs.signals import subtree_moved
        from supervision.services import supervision_follow_move

        subtree_moved.connect(supervision_follow_move, dispatch_uid="supervision_follow_move")
        # Supervision's daily job: follow-ups, visits, and the ladder's proposals (run by jiaoyuban.daily).
        from core.daily import register_daily_job
        from supervision import reminders

        register_daily_job("supervision", reminders.remind, report=reminders.report, title="督促指导")
