"""API of assessment: a unit's lead actions, derived from the measures' records and the problem ledger.

Mounted under /measures/ (api/api.py), with the operation id and tag it had when measures served it, so the path
and the published schema stay as they were. Data roles only; the organisation is looked up inside what the caller
sees (outside → 404)."""

from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router

from accounts.api_auth import request_user
from accounts.guards import require_data_role
from assessment.lead_actions import lead_actions
from assessment.schemas import LeadRowOut
from campaigns.models import Campaign
from campaigns.selectors import current_campaign
from core.schemas import ErrorOut
from orgs.models import Organization
from orgs.selectors import visible_org

router = Router(tags=["四项重点措施"])

CampaignParam = Annotated[int | None, Query(description="主题教育编号，不填为当前开展的")]


@router.get("/lead-actions", response={200: list[LeadRowOut], 404: ErrorOut}, summary="县处级以上领导干部带头情况",
            operation_id="measures_api_lead_action_list")
def lead_action_list(request: HttpRequest, org: Annotated[str, Query(description="党组织编码")],
                     campaign: CampaignParam = None) -> list[dict[str, Any]]:
    """For the county-level+ cadres registered in the organisation: each lead action, derived from records, with
    the records that prove it (检视问题 and 整改落实 also from the problem ledger)."""
    user = require_data_role(request_user(request))
    unit = visible_org(actor=user, code=org)
    chosen = current_campaign() if campaign is None else get_object_or_404(Campaign, pk=campaign)
    if chosen is None:
        return []
    rows = lead_actions(chosen, Organization.objects.filter(pk=unit.pk), actor=user)
    return [{
        "cadre_id": row.cadre.pk, "name": row.cadre.name, "position": row.cadre.position,
        "organization_code": row.cadre.organization.code,
        "actions": [{"action": c.action, "label": c.label, "done": c.done,
                     "proofs": [{"organization_code": p.org_code, "anchor": p.anchor, "title": p.title, "on": p.on,
                                 "url": p.url} for p in c.proofs]} for c in row.cells],
    } for row in rows]
