"""The system's proposals: the next rung for units whose findings repeat or whose problems stay overdue."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.actors import Actor
from campaigns.models import Campaign, LiaisonAssignment
from campaigns.selectors import current_campaign
from core import audit
from core.scoping import subtree_q
from orgs.models import Organization
from problems.models import Problem
from supervision.choices import (
    IN_FORCE,
    LADDER,
    LEVEL_GROUNDS,
    OVERDUE_DAYS,
    OVERDUE_PROBLEMS,
    REPEAT_FINDINGS,
    ActionStatus,
    Level,
    Requirement,
    level_title,
)
from supervision.models import Action, Finding
from supervision.permissions import can_decide_action
from supervision.services._common import _notify_office
from supervision.services.ladder import ladder_position, next_level


def _unacted_repeats(campaign: Campaign, organization: Organization) -> dict[str, list[int]]:
    """Findings needing a fix at this unit (its subtree) that no decision has dealt with yet — not the basis of an
    action in force, nor of a proposal the office dismissed — by requirement, where the same requirement was found
    on REPEAT_FINDINGS or more different visits. (Findings an open proposal rests on still count: the proposal
    is refreshed with them, not dropped.)"""
    decided = Action.objects.filter(status__in=(*IN_FORCE, ActionStatus.DISMISSED)).values("pk")
    rows = (Finding.objects.filter(visit__campaign=campaign, needs_fix=True)
            .filter(subtree_q("org_path", organization.path))
            .exclude(actions__in=decided)
            .values_list("requirement", "visit_id", "pk"))
    by_requirement: dict[str, dict[int, list[int]]] = {}
    for requirement, visit_id, pk in rows:
        by_requirement.setdefault(requirement, {}).setdefault(visit_id, []).append(pk)
    return {req: sorted(pk for pks in visits.values() for pk in pks)
            for req, visits in by_requirement.items() if len(visits) >= REPEAT_FINDINGS}


def _recently_decided(campaign: Campaign, organization: Organization, since: dt.date) -> bool:
    """Whether the office or the group decided on this unit (took a step, or dismissed a proposal) on or after
    `since`: overdue problems alone then wait — the decision is fresh and rectification takes time."""
    return Action.objects.filter(campaign=campaign, organization=organization, cadre=None,
                                 status__in=(*IN_FORCE, ActionStatus.DISMISSED), decided_on__gte=since).exists()


def _proposal_basis(campaign: Campaign, organization: Organization, today: dt.date) -> dict[str, Any] | None:
    """Why the next rung should be proposed for the unit now, or None."""
    late = today - dt.timedelta(days=OVERDUE_DAYS)
    repeats = _unacted_repeats(campaign, organization)
    overdue = (Problem.objects.filter(campaign=campaign).in_subtree(organization.path).overdue(late).count())
    if overdue >= OVERDUE_PROBLEMS and not repeats and _recently_decided(campaign, organization, late):
        overdue = 0
    if not repeats and overdue < OVERDUE_PROBLEMS:
        return None
    return {"repeated": {req: len(pks) for req, pks in repeats.items()}, "overdue": overdue,
            "findings": sorted({pk for pks in repeats.values() for pk in pks})}


def _proposal_reason(basis: dict[str, Any], level: str) -> str:
    parts = []
    if basis["repeated"]:
        parts.append("；".join(f"{Requirement(req).label}方面的问题在{REPEAT_FINDINGS}次以上指导中重复发现（{n}条）"
                               for req, n in sorted(basis["repeated"].items())))
    if basis["overdue"] >= OVERDUE_PROBLEMS:
        parts.append(f"{basis['overdue']}个问题逾期{OVERDUE_DAYS}天以上仍未整改到位")
    advice = level_title(level) if level == Level.DISCIPLINE else f"建议{level_title(level)}"
    return "系统提示：" + "；".join(parts) + f"。依据“{LEVEL_GROUNDS[level]}”，{advice}。"


@transaction.atomic
def action_proposals_refresh(*, actor: Actor, campaign: Campaign | None = None, today: dt.date | None = None) -> int:
    """Propose the next rung for every unit assigned to a liaison group whose findings repeat or whose problems
    stay overdue (OVERDUE_PROBLEMS or more, OVERDUE_DAYS past due, and no decision on the unit in that time).
    Idempotent: a unit keeps at most one open proposal, refreshed when its basis changes (a person's proposal is
    left alone); the office decides. Returns the number of new proposals. Run by the daily job (a system actor), or
    by whoever decides proposals."""
    if not can_decide_action(actor):
        raise PermissionDenied("处置建议由市委教育办决定")
    campaign = campaign or current_campaign()
    if campaign is None:
        return 0
    today = today or timezone.localdate()
    created = 0
    assignments = LiaisonAssignment.objects.filter(campaign=campaign).select_related("organization", "group")
    for assignment in assignments:
        org = assignment.organization
        basis = _proposal_basis(campaign, org, today)
        position = ladder_position(campaign=campaign, organization=org)
        if basis is None:  # the grounds are gone (acted on, or problems no longer overdue): so is the proposal
            for gone in Action.objects.filter(campaign=campaign, organization=org, cadre=None,
                                              status=ActionStatus.PROPOSED, proposed_by__isnull=True):
                gone.delete()
            continue
        if basis is None or (position == len(LADDER) and not basis["repeated"]):
            continue  # nothing to propose, or at the top rung with nothing new found: the office knows
        level = next_level(campaign=campaign, organization=org)
        existing = (Action.objects.select_for_update()
                    .filter(campaign=campaign, organization=org, cadre=None, status=ActionStatus.PROPOSED).first())
        if existing is not None:
            if existing.proposed_by_id is not None or (existing.level == level and existing.basis == basis):
                continue  # a person's proposal stands; an unchanged one stays as it is
            existing.level, existing.reason, existing.basis = level, _proposal_reason(basis, level), basis
            existing.save()
            audit.set_links(existing, "findings", basis["findings"])
            continue
        action = Action.objects.create(
            campaign=campaign, organization=org, org_path=org.path, group=assignment.group, level=level,
            status=ActionStatus.PROPOSED, reason=_proposal_reason(basis, level), basis=basis,
            proposed_at=timezone.now(),
        )
        audit.set_links(action, "findings", basis["findings"])
        _notify_office(action)
        created += 1
    return created
