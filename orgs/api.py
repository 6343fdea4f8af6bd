"""API for the registry: organisations, their statistics, members, cadres and imports.

Every query starts from `visible_to(request.auth)`; anything outside the caller's jurisdiction (or any
registry object, for the three administrator roles) answers the same 404 as an unknown one.
"""

from typing import Annotated, Literal

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from accounts.api_auth import request_user
from core.schemas import ErrorOut
from orgs import imports, selectors
from orgs.choices import Gender, MemberCategory, OrgKind, Rank, Sector, Tier
from orgs.models import Cadre, Member, Organization, OrganizationQuerySet
from orgs.permissions import can_see_full_ids
from orgs.schemas import (
    CadreOut,
    ImportReportOut,
    MemberOut,
    OrgDetailOut,
    OrgOut,
    StatsOut,
)

router = Router(tags=["党组织"])

MAX_LIMIT = 500


def _with_parent_code(qs: OrganizationQuerySet) -> OrganizationQuerySet:
    """Annotate each organisation with its parent's code: the parent's path is the node's path minus one
    step, looked up through the unique path index in the same query (no query per row)."""
    steplen = Organization.steplen
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - steplen)
    parents = Organization.objects.order_by().filter(path=parent_path).values("code")[:1]
    return qs.annotate(parent_code=Subquery(parents))


def _bool_param(value: bool | None) -> str | None:
    return None if value is None else ("1" if value else "0")


@router.get("/orgs/", response=list[OrgOut], summary="党组织列表")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def org_list(
    request: HttpRequest,
    q: Annotated[str | None, Query(description="名称、编码或拼音首字母，如 cgz 查到“城关镇”")] = None,
    sector: Sector | None = None,
    tier: Tier | None = None,
    kind: OrgKind | None = None,
    parent: Annotated[str | None, Query(description="上级组织编码：只列其直属下级")] = None,
    depth: Annotated[int | None, Query(ge=1, description="树中深度，1 为根")] = None,
) -> OrganizationQuerySet:
    qs = Organization.objects.visible_to(request_user(request))
    if q:
        qs = selectors.org_search(qs, q)
    if sector:
        qs = qs.filter(sector=sector)
    if tier:
        qs = qs.filter(tier=tier)
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        # The parent's place in the tree, used only to narrow the (already scoped) queryset: an unknown
        # parent and one outside the jurisdiction both give an empty list.
        place = Organization.objects.filter(code=parent).values("path", "depth").first()
        qs = qs.in_subtree(place["path"]).filter(depth=place["depth"] + 1) if place else qs.none()
    if depth is not None:
        qs = qs.filter(depth=depth)
    return _with_parent_code(qs).order_by("path")


@router.get("/orgs/{code}", response={200: OrgDetailOut, 404: ErrorOut}, summary="党组织详情")
def org_detail(request: HttpRequest, code: str) -> Organization:
    qs = _with_parent_code(Organization.objects.visible_to(request_user(request)))
    org: Organization = get_object_or_404(qs, code=code)
    org.totals = selectors.org_totals(org).as_dict()
    return org


@router.get("/orgs/{code}/stats", response={200: StatsOut, 404: ErrorOut}, summary="党组织统计")
def org_stats(request: HttpRequest, code: str) -> dict:
    """The sentence "共有党组织N个，党员N人，县处级以上领导干部N人" for the subtree, its breakdown by sector
    and tier, and one row per direct child — read from the stored roll-up counters."""
    return selectors.org_stats(selectors.visible_org(actor=request_user(request), code=code)).as_dict()


@router.get("/orgs/{code}/members", response={200: list[MemberOut], 404: ErrorOut}, summary="党员列表")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def org_members(
    request: HttpRequest,
    code: str,
    q: Annotated[str | None, Query(description="姓名或完整公民身份号码")] = None,
    gender: Gender | None = None,
    category: MemberCategory | None = None,
    mobile: Annotated[bool | None, Query(description="流动党员")] = None,
    frail: Annotated[bool | None, Query(description="年老体弱")] = None,
) -> QuerySet[Member]:
    params = {"q": q, "gender": gender, "category": category, "mobile": _bool_param(mobile),
              "frail": _bool_param(frail)}
    user = request_user(request)
    return selectors.member_list(selectors.visible_org(actor=user, code=code), {k: v for k, v in params.items() if v},
                                 full_ids=can_see_full_ids(user))


@router.get("/orgs/{code}/cadres", response={200: list[CadreOut], 404: ErrorOut}, summary="领导干部列表")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def org_cadres(
    request: HttpRequest,
    code: str,
    q: Annotated[str | None, Query(description="姓名、职务或完整公民身份号码")] = None,
    rank: Rank | None = None,
    county_level: Annotated[bool | None, Query(description="只列县处级以上")] = None,
) -> QuerySet[Cadre]:
    params = {"q": q, "rank": None if rank is None else str(int(rank)),
              "county_level": _bool_param(county_level)}
    user = request_user(request)
    return selectors.cadre_list(selectors.visible_org(actor=user, code=code), {k: v for k, v in params.items() if v},
                                full_ids=can_see_full_ids(user))


@router.get("/members/{id_number}", response={200: MemberOut, 404: ErrorOut}, summary="按公民身份号码查党员")
def member_detail(request: HttpRequest, id_number: str) -> Member:
    user = request_user(request)
    if not can_see_full_ids(user):
        # Looking a person up by full number would confirm numbers this role is not shown.
        raise Http404
    qs = Member.objects.visible_to(user).select_related("organization")
    return get_object_or_404(qs, id_number=id_number.strip().upper())


@router.post(
    "/imports/{kind}",
    response={200: ImportReportOut, 422: ImportReportOut, 400: ErrorOut, 404: ErrorOut},
    summary="导入党组织、党员或领导干部",
)
def import_upload(
    request: HttpRequest,
    kind: Literal["orgs", "members", "cadres"],
    file: Annotated[UploadedFile, File(description=".xlsx，或 UTF-8 / GBK 编码的 .csv，表头同导入模板")],
    dry_run: Annotated[bool, Query(description="只检查不写入")] = False,
) -> Status:
    """Every row is checked before anything is written; a file with any error writes nothing and answers
    422 with every error (row, column, value, reason); a caller who may not edit the registry gets 404 (the
    import's PermissionDenied, answered by the API's one handler)."""
    try:
        report = imports.import_file(kind=kind, file=file, filename=file.name or "", actor=request_user(request),
                                     dry_run=dry_run)
    except imports.ImportFileError as exc:  # the file as a whole cannot be read: not a refusal, a bad request
        return Status(400, {"detail": str(exc)})
    data = report.as_dict()
    return Status(422 if data["errors"] else 200, data)

