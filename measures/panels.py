"""What apps above measures add to its pages.

Measures does not know the apps built on it (the problem ledger is a sibling; assessment, which derives the lead
actions from both, sits above), so it cannot ask them what to show. They register here in their
`AppConfig.ready` instead (assessment does):

- a panel of a unit's page (`measures:unit`) for a campaign: in the left column under 尚待开展 ("side": the unit's
  检视整改 from its problem ledger) or under the records ("foot": the lead actions of its leaders); rendered in
  registration order with the page's request;
- who may put a life meeting's criticism item on the problem ledger (the meeting page's "列入问题清单" link): the
  ledger's own rule.

    register_unit_panel("side", rectification_panel)      # assessment.apps.AssessmentConfig.ready
    register_item_raiser(can_raise_problem)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from accounts.actors import MaybeActor
from campaigns.models import Campaign
from orgs.models import Organization

Place = Literal["side", "foot"]


@dataclass(frozen=True)
class UnitPanel:
    """One panel: a template and its context (rendered with the page's request)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


# (organisation, campaign, the person reading the page) → a panel, or None when there is nothing to show.
UnitPanelSource = Callable[[Organization, Campaign, MaybeActor], UnitPanel | None]
_sources: dict[Place, list[UnitPanelSource]] = {"side": [], "foot": []}

# The person reading a life meeting's page → whether they may raise a problem from one of its items.
ItemRaiser = Callable[[MaybeActor], bool]
_raisers: list[ItemRaiser] = []


def register_unit_panel(place: Place, source: UnitPanelSource) -> None:
    if source not in _sources[place]:
        _sources[place].append(source)


def unit_panels(place: Place, organization: Organization, campaign: Campaign, actor: MaybeActor) -> list[UnitPanel]:
    """The panels to show at `place` of `organization`'s page for `campaign` and `actor`, in registration order."""
    return [panel for source in _sources[place] if (panel := source(organization, campaign, actor)) is not None]


def register_item_raiser(raiser: ItemRaiser) -> None:
    if raiser not in _raisers:
        _raisers.append(raiser)


def may_raise_from_item(actor: MaybeActor) -> bool:
    """Whether `actor` may put a life meeting's item on the problem ledger (no ledger registered: nobody)."""
    return any(raiser(actor) for raiser in _raisers)
