from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "problems"
    verbose_name = "问题清单"

    def ready(self) -> None:
        # A problem keeps a copy of its organisation's path (the ledger's lists filter and sort on it without a
        # join, DESIGN §6.3); when a subtree moves, the copies follow in the same transaction.
        from orgs.signals import subtree_moved
        from problems.services import problems_follow_move

        subtree_moved.connect(problems_follow_move, dispatch_uid="problems_follow_move")
        # The ledger's daily job: the deadline reminders (run with the others by jiaoyuban.daily).
        from core.daily import register_daily_job
        from problems import reminders

        register_daily_job("problems", reminders.daily, report=reminders.report)
