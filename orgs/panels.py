"""Panels of the organisation page (`orgs:detail`) that apps above the registry contribute.

The registry does not know the apps built on it, so it cannot ask them what to show for an organisation. An app
registers a panel source in its `AppConfig.ready` instead (campaigns: the current campaign's guidance profile of
the organisation); the page renders, in registration order, every panel a source returns for the organisation
and the person reading it.

    register_org_panel(guidance_panel)   # campaigns.apps.CampaignsConfig.ready
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accounts.actors import MaybeActor
from orgs.models import Organization


@dataclass(frozen=True)
class OrgPanel:
    """One panel: a template and its context (rendered with the page's request)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


# (organisation, the person reading the page) → a panel, or None when there is nothing to show.
OrgPanelSource = Callable[[Organization, MaybeActor], OrgPanel | None]
_sources: list[OrgPanelSource] = []


def register_org_panel(source: OrgPanelSource) -> None:
    if source not in _sources:
        _sources.append(source)


def org_panels(organization: Organization, actor: MaybeActor) -> list[OrgPanel]:
    """The panels to show on `organization`'s page for `actor`, in registration order."""
    return [panel for source in _sources if (panel := source(organization, actor)) is not None]
