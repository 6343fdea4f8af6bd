from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "分析评估"

    def ready(self) -> None:
        from assessment.lead_actions import open_lead_actions
        from assessment.views import lead_panel, rectification_panel
        from measures.panels import register_item_raiser, register_unit_panel
        from problems.permissions import can_raise_problem
        from supervision.lead_actions import register_open_lead_actions

        # A unit's page (measures) shows its 检视整改 from the problem ledger under 尚待开展, and the lead actions
        # of its leaders under its records; a life meeting's item goes on the ledger by the ledger's own rule.
        register_unit_panel("side", rectification_panel)
        register_unit_panel("foot", lead_panel)
        register_item_raiser(can_raise_problem)
        # A liaison group's workspace counts the lead actions still open at its units.
        register_open_lead_actions(open_lead_actions)
