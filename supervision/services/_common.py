"""What supervision's services share: limits, small checks, who at a unit hears of actions and letters, and the
office's notice of a proposal.
"""

from typing import TYPE_CHECKING

from accounts.permissions import Capability, roles_with, roles_with_at_root
from core.notify import notify
from orgs.models import Organization
from supervision.choices import level_phrase
from supervision.models import Action

if TYPE_CHECKING:
    from accounts.models import User

TEXT_MAX = 2000


def _in_subtree(path: str, root: str) -> bool:
    return path.startswith(root)


def _unit_contacts(organization: Organization) -> list["User"]:
    """Who at the unit hears of actions and letters: its contacts (参学单位联络员)."""
    from accounts.models import User

    return list(User.objects.filter(is_active=True, role__in=roles_with(Capability.ANSWER_FOR_UNIT),
                                    organization=organization))


def _target(action: Action) -> str:
    return f"{action.organization.name}{action.cadre.name}同志" if action.cadre else action.organization.name


def _notify_office(action: Action) -> None:
    """The city's office (of the unit's city) hears of a proposal waiting for it."""
    from accounts.models import User

    root = action.org_path[:Organization.steplen]
    office = User.objects.filter(is_active=True, role__in=roles_with_at_root(Capability.CITY_OFFICE),
                                 organization__depth=1, organization__path=root)
    notify(users=office, key=f"supervision-proposal-{action.pk}",
           text=f"处置建议待决定：对{_target(action)}{level_phrase(action.level)}",
           url=f"/supervision/actions/{action.pk}/")
