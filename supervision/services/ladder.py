"""The escalation ladder: the rung in force for a unit (or leader), the next one, and whether a step skips one."""

from collections.abc import Sequence

from campaigns.models import Campaign
from orgs.models import Cadre, Organization
from supervision.choices import IN_FORCE, LADDER, rung
from supervision.models import Action


def ladder_position(*, campaign: Campaign, organization: Organization, cadre: Cadre | None = None,
                    exclude: Action | None = None) -> int:
    """The highest rung in force for this unit (or leader) in the campaign, 0 when none."""
    qs = Action.objects.filter(campaign=campaign, organization=organization, cadre=cadre, status__in=IN_FORCE)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    levels = set(qs.values_list("level", flat=True))
    return max((rung(level) for level in levels), default=0)


def ladder_positions(*, campaign: Campaign, organizations: Sequence[Organization]) -> dict[int, int]:
    """`ladder_position` of many units at once (actions on the unit itself, not on its leaders): one query."""
    found: dict[int, int] = {org.pk: 0 for org in organizations}
    rows = (Action.objects.filter(campaign=campaign, organization__in=list(found), cadre=None, status__in=IN_FORCE)
            .values_list("organization_id", "level").distinct())
    for org_id, level in rows:
        found[org_id] = max(found[org_id], rung(level))
    return found


def next_level(*, campaign: Campaign, organization: Organization, cadre: Cadre | None = None) -> str:
    """The rung that comes next: one above the highest in force (the top rung stays the top)."""
    position = ladder_position(campaign=campaign, organization=organization, cadre=cadre)
    return LADDER[min(position, len(LADDER) - 1)]


def skips(*, campaign: Campaign, organization: Organization, cadre: Cadre | None, level: str,
          exclude: Action | None = None) -> bool:
    """Whether taking `level` now jumps over a rung (which needs a written reason)."""
    return rung(level) > ladder_position(campaign=campaign, organization=organization, cadre=cadre,
                                         exclude=exclude) + 1
