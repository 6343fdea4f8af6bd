from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "主题教育与组织协调"

    def ready(self) -> None:
        from campaigns.selectors import liaison_scope
        from core.scoping import register_scope_narrower

        # A liaison member sees the units assigned to their groups in the current campaign (inside their
        # jurisdiction); a liaison in no group yet keeps the whole jurisdiction (see liaison_scope).
        register_scope_narrower(liaison_scope)

        from campaigns.views import guidance_panel
        from orgs.panels import register_org_panel

        # The organisation page shows the guidance profile of an organisation taking part in the current campaign.
        register_org_panel(guidance_panel)
