"""API of the measures: study sessions, lectures and life meetings (list and create — creation calls the same
services as the forms), public-service commitments with computed progress. (A unit's lead actions, which read
the problem ledger too, are assessment's: assessment/api.py, at the same path.)

Data roles only; every query starts from `visible_to(user)`, anything outside answers 404. Writing needs a role
that records (the unit role and the office); leaders and liaison groups read only (404 on writes, like the forms).
New records always go into the current campaign: a `campaign` other than the current one is refused (422).
"""

from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from accounts.api_auth import request_user
from accounts.guards import require_data_role
from accounts.models import User
from campaigns.models import Campaign
from campaigns.selectors import current_campaign
from core.refusals import summarised
from core.schemas import ErrorOut, ValidationErrorOut
from core.scoping import ScopedQuerySet
from measures import selectors, services
from measures.models import (
    LifeMeeting,
    LifeMeetingItem,
    Milestone,
    PartyLecture,
    PublicService,
    ResearchTopic,
    StudySession,
)
from measures.permissions import can_record_measures
from measures.schemas import (
    LectureIn,
    LectureOut,
    LifeMeetingIn,
    LifeMeetingOut,
    MilestoneDoneIn,
    MilestoneIn,
    MilestoneOut,
    PublicServiceIn,
    PublicServiceOut,
    ResearchReportIn,
    ResearchReportOut,
    ResearchTopicIn,
    ResearchTopicOut,
    StudySessionIn,
    StudySessionOut,
)
from orgs.models import Cadre, Member, Organization
from orgs.selectors import visible_org

router = Router(tags=["四项重点措施"])

MAX_LIMIT = 500
INVALID = "数据有误，未保存"
OrgParam = Annotated[str | None, Query(description="党组织编码：只列该组织及其下级的记录")]
CampaignParam = Annotated[int | None, Query(description="主题教育编号，不填为当前开展的")]


def _recorder(request: HttpRequest) -> User:
    """The authenticated user, who records measures (else 404; each service checks the organisation again)."""
    user = require_data_role(request_user(request))
    if not can_record_measures(user):
        raise PermissionDenied
    return user


def _campaign(campaign_id: int | None) -> Campaign | None:
    if campaign_id is None:
        return current_campaign()
    return get_object_or_404(Campaign, pk=campaign_id)


def _entry_campaign(campaign_id: int | None) -> Campaign | None:
    """The campaign a new record goes into: always the current one. `campaign` in the body may be left out or be
    the current campaign's id; any other id (a past campaign, an unknown number) is refused with 422 — records of
    a past campaign are history, never added to through the API."""
    current = current_campaign()
    if campaign_id is not None and (current is None or campaign_id != current.pk):
        raise ValidationError({"campaign": "只能为当前开展的主题教育新增记录：请不填主题教育编号，或填写当前的编号"})
    return current


def _listed(qs: ScopedQuerySet, user: User, org: str | None, campaign_id: int | None) -> ScopedQuerySet:
    qs = qs.visible_to(user).select_related("organization")
    campaign = _campaign(campaign_id)
    qs = qs.filter(campaign=campaign) if campaign is not None else qs.none()
    if org:
        qs = qs.in_subtree(visible_org(actor=user, code=org).path)
    return qs


def _cadre(org: Organization, pk: int | None, field: str, label: str) -> Cadre | None:
    """The cadre `pk` names on a record of `org`: one the record may name (services.nameable_cadres — its own
    team or a leader above it at his contact point), else 422 with the reason."""
    found = services.cadres_named(organization=org, ids=[pk], field=field, label=label)
    return found[0] if found else None


# ---------------------------------------------------------------------------------------------------------


@router.get("/study-sessions", response=list[StudySessionOut], summary="学习研讨列表")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def study_session_list(request: HttpRequest, org: OrgParam = None,
                       campaign: CampaignParam = None) -> QuerySet[StudySession]:
    user = require_data_role(request_user(request))
    return _listed(StudySession.objects.prefetch_related("leaders"), user, org, campaign).order_by("-held_on", "-id")


@router.post("/study-sessions", response={201: StudySessionOut, 422: ValidationErrorOut, 404: ErrorOut},
             summary="记录学习研讨")
@summarised(INVALID)
def study_session_create(request: HttpRequest, payload: StudySessionIn) -> Status:
    user = _recorder(request)
    org = visible_org(actor=user, code=payload.org)
    leaders = services.cadres_named(organization=org, ids=payload.leaders, field="leaders", label="参加的班子成员")
    session = services.study_session_create(
        actor=user, organization=org, campaign=_entry_campaign(payload.campaign), kind=payload.kind,
        topic=payload.topic,
        held_on=payload.held_on, participant_count=payload.participant_count, leaders=leaders,
        notes=payload.notes, confirm_duplicate=payload.confirm_duplicate)
    return Status(201, session)


@router.get("/lectures", response=list[LectureOut], summary="专题党课列表")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def lecture_list(request: HttpRequest, org: OrgParam = None, campaign: CampaignParam = None) -> QuerySet[PartyLecture]:
    user = require_data_role(request_user(request))
    qs = PartyLecture.objects.select_related("speaker_cadre", "speaker_member")
    return _listed(qs, user, org, campaign).order_by("-held_on", "-id")


@router.post("/lectures", response={201: LectureOut, 422: ValidationErrorOut, 404: ErrorOut},
             summary="记录专题党课")
@summarised(INVALID)
def lecture_create(request: HttpRequest, payload: LectureIn) -> Status:
    user = _recorder(request)
    org = visible_org(actor=user, code=payload.org)
    member = (None if payload.speaker_member is None
              else get_object_or_404(Member.objects.visible_to(user), pk=payload.speaker_member))
    lecture = services.party_lecture_create(
        actor=user, organization=org, campaign=_entry_campaign(payload.campaign), title=payload.title,
        held_on=payload.held_on,
        audience_count=payload.audience_count,
        speaker_cadre=_cadre(org, payload.speaker_cadre, "speaker", "主讲领导干部"),
        speaker_member=member, audience=payload.audience, confirm_duplicate=payload.confirm_duplicate)
    return Status(201, lecture)


@router.get("/life-meetings", response=list[LifeMeetingOut], summary="专题民主生活会和组织生活会列表")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def life_meeting_list(request: HttpRequest, org: OrgParam = None,
                      campaign: CampaignParam = None) -> QuerySet[LifeMeeting]:
    user = require_data_role(request_user(request))
    qs = LifeMeeting.objects.prefetch_related(Prefetch("items", queryset=LifeMeetingItem.objects.order_by("id")))
    return _listed(qs, user, org, campaign).order_by("-held_on", "-id")


@router.post("/life-meetings", response={201: LifeMeetingOut, 422: ValidationErrorOut, 404: ErrorOut},
             summary="记录专题民主生活会或组织生活会")
@summarised(INVALID)
def life_meeting_create(request: HttpRequest, payload: LifeMeetingIn) -> Status:
    user = _recorder(request)
    org = visible_org(actor=user, code=payload.org)
    items = [{"kind": i.kind, "text": i.text,
              "cadre": _cadre(org, i.cadre, "items", f"第{n}条意见：涉及的领导干部")}
             for n, i in enumerate(payload.items, start=1)]
    meeting = services.life_meeting_create(
        actor=user, organization=org, campaign=_entry_campaign(payload.campaign), kind=payload.kind,
        topic=payload.topic,
        held_on=payload.held_on, attendance=payload.attendance, notes=payload.notes, items=items,
        confirm_duplicate=payload.confirm_duplicate)
    return Status(201, meeting)


@router.get("/public-services", response=list[PublicServiceOut], summary="为民办实事列表（含进度）")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def public_service_list(request: HttpRequest, org: OrgParam = None,
                        campaign: CampaignParam = None) -> QuerySet[PublicService]:
    """Progress = milestones done / all milestones, computed, never typed."""
    user = require_data_role(request_user(request))
    qs = PublicService.objects.prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id")))
    return selectors.public_services(_listed(qs, user, org, campaign)).order_by("deadline", "id")


# ---------------------------------------------------------------------------------------------------------
# Public-service commitments (progress follows the milestones) and research topics and reports. Same services
# as the entry pages; attachments of reports are uploaded on the page only.


def _service_out(pk: int) -> PublicService:
    qs = PublicService.objects.filter(pk=pk).select_related("organization").prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id")))
    return selectors.public_services(qs).get()


@router.post("/public-services", response={201: PublicServiceOut, 422: ValidationErrorOut, 404: ErrorOut},
             summary="新增为民办实事（当前主题教育）")
@summarised(INVALID)
def public_service_create(request: HttpRequest, payload: PublicServiceIn) -> Status:
    user = _recorder(request)
    org = visible_org(actor=user, code=payload.org)
    record = services.public_service_create(
        actor=user, organization=org, campaign=current_campaign(), title=payload.title, target=payload.target,
        owner=payload.owner, deadline=payload.deadline,
        owner_cadre=_cadre(org, payload.owner_cadre, "owner_cadre", "牵头领导干部"),
        confirm_duplicate=payload.confirm_duplicate)
    return Status(201, _service_out(record.pk))


@router.post("/public-services/{service_id}/milestones",
             response={201: MilestoneOut, 422: ValidationErrorOut, 404: ErrorOut}, summary="为民办实事添加节点")
@summarised(INVALID)
def milestone_create(request: HttpRequest, service_id: int, payload: MilestoneIn) -> Status:
    user = _recorder(request)
    record = get_object_or_404(PublicService.objects.visible_to(user), pk=service_id)
    milestone = services.milestone_create(actor=user, public_service=record, title=payload.title, due_on=payload.due_on)
    return Status(201, milestone)


@router.post("/milestones/{milestone_id}/done",
             response={200: PublicServiceOut, 422: ValidationErrorOut, 404: ErrorOut},
             summary="标记节点完成（或改为未完成），返回重新计算进度后的为民办实事")
@summarised(INVALID)
def milestone_done(request: HttpRequest, milestone_id: int, payload: MilestoneDoneIn) -> Status:
    user = _recorder(request)
    milestone = get_object_or_404(Milestone.objects.visible_to(user).select_related("public_service__campaign"),
                                  pk=milestone_id)
    services.milestone_set_done(actor=user, milestone=milestone, done_on=payload.done_on)
    return Status(200, _service_out(milestone.public_service_id))


@router.post("/research-topics", response={201: ResearchTopicOut, 422: ValidationErrorOut, 404: ErrorOut},
             summary="新增调研课题（当前主题教育）")
@summarised(INVALID)
def research_topic_create(request: HttpRequest, payload: ResearchTopicIn) -> Status:
    user = _recorder(request)
    org = visible_org(actor=user, code=payload.org)
    topic = services.research_topic_create(
        actor=user, organization=org, campaign=current_campaign(), title=payload.title, description=payload.description,
        lead_cadre=_cadre(org, payload.lead_cadre, "lead_cadre", "牵头领导干部"),
        confirm_duplicate=payload.confirm_duplicate)
    return Status(201, topic)


@router.post("/research-topics/{topic_id}/reports",
             response={201: ResearchReportOut, 422: ValidationErrorOut, 404: ErrorOut},
             summary="添加调研报告（不含附件：附件只能在调研课题页面上传）")
@summarised(INVALID)
def research_report_create(request: HttpRequest, topic_id: int, payload: ResearchReportIn) -> Status:
    user = _recorder(request)
    topic = get_object_or_404(ResearchTopic.objects.visible_to(user).select_related("organization", "campaign"),
                              pk=topic_id)
    report = services.research_report_create(
        actor=user, topic=topic, title=payload.title, submitted_on=payload.submitted_on, summary=payload.summary,
        author_cadre=_cadre(topic.organization, payload.author_cadre, "author_cadre", "撰写的领导干部"))
    return Status(201, report)
