"""The lead actions still open of the leaders at a group's units, which the workspace counts.

Lead actions are derived from the measures' records and the problem ledger by `assessment`, an app above
supervision, which supervision therefore cannot ask: assessment registers its derivation here in its
`AppConfig.ready`. Without one, the workspace counts no leaders.

    register_open_lead_actions(open_lead_actions)   # assessment.apps.AssessmentConfig.ready
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from accounts.actors import Actor
from campaigns.models import Campaign
from orgs.models import Cadre, OrganizationQuerySet

# (campaign, organisations, the reader) → (county-level+ cadre of those organisations, how many of his lead actions
# have no record yet that the reader sees), for every such cadre.
OpenLeadActions = Callable[[Campaign, OrganizationQuerySet, Actor], Iterable[tuple[Cadre, int]]]
_source: list[OpenLeadActions] = []


def register_open_lead_actions(source: OpenLeadActions) -> None:
    _source[:] = [source]


def open_lead_actions(campaign: Campaign, orgs: OrganizationQuerySet, user: Actor) -> list[tuple[Cadre, int]]:
    return [pair for source in _source for pair in source(campaign, orgs, user)]
