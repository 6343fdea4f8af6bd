"""API shapes for the registry. ID numbers and phones are masked unless the caller's role sees them."""

import datetime as dt
from typing import Any

from ninja import Schema

from orgs.models import Cadre, Member, Organization
from orgs.permissions import can_see_full_ids


def _sees_full_ids(context: Any) -> bool:
    request = (context or {}).get("request")
    return can_see_full_ids(getattr(request, "auth", None))


class TotalsOut(Schema):
    orgs: int
    members: int
    mobile: int
    frail: int
    cadres: int


class OrgOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    sector: str
    sector_label: str
    tier: str
    tier_label: str
    unit_name: str
    credit_code: str
    division_code: str
    parent_code: str | None  # annotated on the queryset by orgs.api (one subquery, no query per row)
    depth: int
    has_children: bool

    @staticmethod
    def resolve_kind_label(obj: Organization) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_sector_label(obj: Organization) -> str:
        return str(obj.get_sector_display())

    @staticmethod
    def resolve_tier_label(obj: Organization) -> str:
        return str(obj.get_tier_display())

    @staticmethod
    def resolve_has_children(obj: Organization) -> bool:
        return obj.numchild > 0


class OrgDetailOut(OrgOut):
    totals: TotalsOut


class SectorRowOut(TotalsOut):
    sector: str
    label: str


class TierRowOut(TotalsOut):
    tier: str
    label: str


class ChildRowOut(TotalsOut):
    code: str
    name: str


class StatsOut(Schema):
    code: str
    name: str
    sentence: str
    totals: TotalsOut
    by_sector: list[SectorRowOut]
    by_tier: list[TierRowOut]
    children: list[ChildRowOut]


class MemberOut(Schema):
    id: int
    name: str
    gender: str
    gender_label: str
    ethnicity: str
    birth_date: dt.date
    id_number: str
    phone: str
    joined_on: dt.date | None
    category: str
    category_label: str
    is_mobile: bool
    is_frail: bool
    organization_code: str
    organization_name: str

    @staticmethod
    def resolve_gender_label(obj: Member) -> str:
        return str(obj.get_gender_display())

    @staticmethod
    def resolve_category_label(obj: Member) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_id_number(obj: Member, context: Any) -> str:
        return obj.id_number if _sees_full_ids(context) else obj.id_number_masked

    @staticmethod
    def resolve_phone(obj: Member, context: Any) -> str:
        return obj.phone if _sees_full_ids(context) else obj.phone_masked

    @staticmethod
    def resolve_organization_code(obj: Member) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_organization_name(obj: Member) -> str:
        return obj.organization.name


class CadreOut(Schema):
    id: int
    name: str
    id_number: str
    position: str
    rank: int
    rank_label: str
    is_county_level: bool
    organization_code: str
    organization_name: str

    @staticmethod
    def resolve_rank_label(obj: Cadre) -> str:
        return str(obj.get_rank_display())

    @staticmethod
    def resolve_id_number(obj: Cadre, context: Any) -> str:
        return obj.id_number if _sees_full_ids(context) else obj.id_number_masked

    @staticmethod
    def resolve_organization_code(obj: Cadre) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_organization_name(obj: Cadre) -> str:
        return obj.organization.name


class ImportErrorOut(Schema):
    row: int | None = None
    column: str | None = None
    value: Any = None
    reason: str


class ImportReportOut(Schema):
    kind: str
    rows: int
    errors: list[ImportErrorOut]
    created: int
    updated: int
    unchanged: int
    applied: bool
