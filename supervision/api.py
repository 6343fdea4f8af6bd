"""API of supervision and guidance (督促指导): visits and what the groups saw, findings and the problems they become,
actions on the escalation ladder, feedback letters, the liaison groups and their units at a glance.

Data roles only; every list and object comes from `supervision.selectors` (which start from `visible_to(user)`),
so a liaison member sees exactly the units assigned to their groups and a unit sees only visits held, actions in
force and letters issued — anything else answers 404. Every write calls the same service as the pages
(`supervision.services`): a refusal answers 422 with the service's Chinese reasons, a role that may not do
something gets 404 (like the pages). Who acts and when come from the caller and the server's clock.
"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from accounts.api_auth import request_user
from accounts.guards import require_data_role
from accounts.models import User
from campaigns.models import Campaign, LiaisonGroup
from campaigns.selectors import current_campaign, liaison_group_of
from core.http import attachment_disposition
from core.refusals import summarised
from orgs.models import Cadre, Organization
from orgs.selectors import visible_org
from problems import selectors as problem_selectors
from problems.models import Problem, SpecialCampaign
from supervision import letters, selectors, services
from supervision.models import Action, FeedbackLetter, Finding, Visit, VisitMethod
from supervision.schemas import (
    ActionDetailOut,
    ActionIn,
    ActionQuery,
    ActionRowOut,
    DecideIn,
    DismissIn,
    ErrorOut,
    FindingDetailOut,
    FindingIn,
    FindingProblemIn,
    FindingProblemOut,
    FindingQuery,
    FindingRelapseIn,
    FindingRowOut,
    GroupOut,
    LetterDetailOut,
    LetterIn,
    LetterQuery,
    LetterRowOut,
    MethodOut,
    ObservationIn,
    ProposalIn,
    ResultIn,
    UnitRowOut,
    ValidationErrorOut,
    VisitCancelIn,
    VisitDetailOut,
    VisitIn,
    VisitQuery,
    VisitRecordIn,
    VisitRowOut,
)

router = Router(tags=["督促指导"])

MAX_LIMIT = 500
INVALID = "数据有误，未保存"
WRITE = {404: ErrorOut, 422: ValidationErrorOut}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ---------------------------------------------------------------------------------------------------------
# Parsing: the caller, the objects named in a request (outside what the caller sees: 404), refusals.


def _campaign(campaign_id: int | None) -> Campaign | None:
    if campaign_id is None:
        return current_campaign()
    return get_object_or_404(Campaign, pk=campaign_id)


def _cadre(user: User, pk: int | None) -> Cadre | None:
    return None if pk is None else get_object_or_404(Cadre.objects.visible_to(user), pk=pk)


def _method(pk: int) -> VisitMethod:
    return get_object_or_404(VisitMethod, pk=pk)


def _group(user: User, pk: int | None, organization: Organization) -> LiaisonGroup:
    """The group named, among those the caller sees; none named: the group the unit is assigned to."""
    if pk is not None:
        return selectors.group_for(user, pk)
    campaign = current_campaign()
    group = liaison_group_of(organization, campaign) if campaign is not None else None
    if group is None:
        raise ValidationError({"group": f"“{organization.name}”不是联络组联系的单位"})
    return group


def _participants(group: LiaisonGroup, ids: Sequence[int]) -> list[User]:
    """Members of `group` by user id (a stranger is refused without naming anyone the caller may not know)."""
    members = list(group.members.filter(pk__in=ids))
    unknown = sorted(set(ids) - {m.pk for m in members})
    if unknown:
        raise ValidationError({"participants": f"用户编号{'、'.join(map(str, unknown))}不是{group.name}的成员"
                                               "（其他人员请填在“其他参加人员”）"})
    return members


def _observations(items: Sequence[ObservationIn]) -> dict[str, dict[str, str]]:
    return {item.requirement: {"judgement": item.judgement, "note": item.note} for item in items}


def _findings(user: User, ids: Sequence[int]) -> list[Finding]:
    return [get_object_or_404(Finding.objects.visible_to(user).with_related(), pk=pk) for pk in dict.fromkeys(ids)]


def _actions(user: User, ids: Sequence[int]) -> list[Action]:
    return [get_object_or_404(Action.objects.visible_to(user).with_related(), pk=pk) for pk in dict.fromkeys(ids)]


# ---------------------------------------------------------------------------------------------------------
# Methods, groups and their units.


@router.get("/methods", response=list[MethodOut], summary="指导方式（启用的）")
def method_list(request: HttpRequest) -> list[VisitMethod]:
    require_data_role(request_user(request))
    return list(selectors.active_methods())


@router.get("/groups", response=list[GroupOut], summary="联络组（当前主题教育，调用者看得到的）")
def group_list(request: HttpRequest) -> list[LiaisonGroup]:
    """A liaison member: their own groups; others: the groups guiding units within their jurisdiction."""
    user = require_data_role(request_user(request))
    return list(selectors.groups_for(user).prefetch_related("memberships__user", "assignments__organization"))


@router.get("/groups/{group_id}/units", response={200: list[UnitRowOut], 404: ErrorOut},
            summary="联络组联系的单位一览")
def group_units(request: HttpRequest, group_id: int) -> list[selectors.UnitRow]:
    """Each unit the caller sees: overdue and open problems, lead actions still open for its county-level
    leaders, days since the last visit, planned visits, open actions and proposals, findings not yet filed."""
    user = require_data_role(request_user(request))
    return selectors.unit_rows(selectors.group_for(user, group_id), actor=user)


# ---------------------------------------------------------------------------------------------------------
# Visits.


@router.get("/visits", response=list[VisitRowOut], summary="督促指导活动列表")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def visit_list(request: HttpRequest, filters: Query[VisitQuery]) -> QuerySet[Visit]:
    """Newest first (by planned date). Units see only the visits held."""
    user = require_data_role(request_user(request))
    org = visible_org(actor=user, code=filters.org) if filters.org else None
    qs: QuerySet[Visit] = Visit.objects.visible_to(user).with_related().filter(campaign=_campaign(filters.campaign))
    qs = selectors.filter_visits(qs, group=filters.group, organization=org,
                                 statuses=[str(s) for s in filters.status or ()], method=filters.method,
                                 date_from=filters.date_from, date_to=filters.date_to)
    return qs


@router.get("/visits/{visit_id}", response={200: VisitDetailOut, 404: ErrorOut}, summary="督促指导活动详情")
def visit_get(request: HttpRequest, visit_id: int) -> Visit:
    """With who went, what the group saw against each basic requirement, its files (information only) and
    the ids of its findings."""
    return selectors.visit_detail(require_data_role(request_user(request)), visit_id)


@router.post("/visits", response={201: VisitDetailOut, **WRITE}, summary="计划（或登记已开展的）督促指导活动")
@summarised(INVALID)
def visit_create(request: HttpRequest, payload: VisitIn) -> Status:
    """Plans a visit of a liaison group to one of its units (or a unit below one). With `visited_on`, records a
    visit already held (planned and done the same day) with its summary and observations."""
    user = require_data_role(request_user(request))
    org = visible_org(actor=user, code=payload.org)
    method = _method(payload.method)
    group = _group(user, payload.group, org)
    participants = _participants(group, payload.participants)
    if payload.visited_on is not None:
        visit = services.visit_log(
            actor=user, group=group, organization=org, method=method, subject=payload.subject,
            visited_on=payload.visited_on, summary=payload.summary,
            observations=_observations(payload.observations), participants=participants,
            others=payload.others)
    else:
        visit = services.visit_plan(actor=user, group=group, organization=org, method=method,
                                    subject=payload.subject, planned_on=payload.planned_on,
                                    participants=participants, others=payload.others)
    return Status(201, selectors.visit_detail(user, visit.pk))


@router.post("/visits/{visit_id}/record", response={200: VisitDetailOut, **WRITE}, summary="记录活动开展情况")
@summarised(INVALID)
def visit_record(request: HttpRequest, visit_id: int, payload: VisitRecordIn) -> Status:
    """Marks a planned visit done (or corrects the record of a done one): the date it was held, the overall
    picture and what the group saw against each basic requirement."""
    user = require_data_role(request_user(request))
    visit = get_object_or_404(Visit.objects.visible_to(user).with_related(), pk=visit_id)
    participants = None if payload.participants is None else _participants(visit.group, payload.participants)
    services.visit_record(actor=user, visit=visit, visited_on=payload.visited_on, summary=payload.summary,
                          observations=_observations(payload.observations), participants=participants,
                          others=payload.others)
    return Status(200, selectors.visit_detail(user, visit_id))


@router.post("/visits/{visit_id}/cancel", response={200: VisitDetailOut, **WRITE}, summary="取消计划的活动")
def visit_cancel(request: HttpRequest, visit_id: int, payload: VisitCancelIn) -> Status:
    user = require_data_role(request_user(request))
    visit = get_object_or_404(Visit.objects.visible_to(user).with_related(), pk=visit_id)
    services.visit_cancel(actor=user, visit=visit, reason=payload.reason)
    return Status(200, selectors.visit_detail(user, visit_id))


# ---------------------------------------------------------------------------------------------------------
# Findings.


@router.get("/findings", response=list[FindingRowOut], summary="督导发现问题列表")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def finding_list(request: HttpRequest, filters: Query[FindingQuery]) -> QuerySet[Finding]:
    user = require_data_role(request_user(request))
    org = visible_org(actor=user, code=filters.org) if filters.org else None
    qs: QuerySet[Finding] = (Finding.objects.visible_to(user).with_related()
                             .filter(visit__campaign=_campaign(filters.campaign)))
    qs = selectors.filter_findings(qs, group=filters.group, visit=filters.visit, organization=org,
                                   requirements=[str(r) for r in filters.requirement or ()], filed=filters.filed)
    return qs


@router.get("/findings/{finding_id}", response={200: FindingDetailOut, 404: ErrorOut}, summary="督导发现问题详情")
def finding_get(request: HttpRequest, finding_id: int) -> Finding:
    return selectors.finding_detail(require_data_role(request_user(request)), finding_id)


@router.post("/visits/{visit_id}/findings", response={201: FindingDetailOut, **WRITE}, summary="登记发现的问题")
@summarised(INVALID)
def finding_create(request: HttpRequest, visit_id: int, payload: FindingIn) -> Status:
    """Something a visit held found, at the visited unit or a unit below it. `needs_fix`: the unit must fix it
    (put into its problem ledger with POST /findings/{id}/problem); otherwise it is guidance only."""
    user = require_data_role(request_user(request))
    visit = get_object_or_404(Visit.objects.visible_to(user).with_related(), pk=visit_id)
    org = visible_org(actor=user, code=payload.org) if payload.org else None
    finding = services.finding_add(actor=user, visit=visit, description=payload.description,
                                   requirement=payload.requirement, organization=org,
                                   cadre=_cadre(user, payload.cadre), needs_fix=payload.needs_fix)
    return Status(201, selectors.finding_detail(user, finding.pk))


def _filed(finding_id: int, problem: Problem, is_relapse: bool) -> dict[str, Any]:
    return {"finding_id": finding_id, "problem_id": problem.pk, "problem_number": problem.number,
            "problem_status": problem.status, "is_relapse": is_relapse}


@router.post("/findings/{finding_id}/problem", response={201: FindingProblemOut, **WRITE},
             summary="列入问题清单（来源：督导发现）")
@summarised(INVALID)
def finding_problem(request: HttpRequest, finding_id: int, payload: FindingProblemIn) -> Status:
    """Registers the finding as a problem of the unit's ledger through the problems service (source 督导发现),
    linked to the finding. The unit rectifies it; the group verifies the closure."""
    user = require_data_role(request_user(request))
    finding = get_object_or_404(Finding.objects.visible_to(user).with_related(), pk=finding_id)
    special = (None if payload.special_campaign is None
               else get_object_or_404(SpecialCampaign, pk=payload.special_campaign))
    cadre = (None if payload.responsible_cadre is None
             else get_object_or_404(problem_selectors.leader_choices(finding.organization),
                                    pk=payload.responsible_cadre))
    problem = services.finding_raise_problem(
        actor=user, finding=finding, category=payload.category, severity=payload.severity,
        fix_now=payload.fix_now, deadline=payload.deadline, cause=payload.cause, responsible_cadre=cadre,
        responsible_unit=payload.responsible_unit, special_campaign=special, description=payload.description,
        steps=[{"measure": s.measure, "owner": s.owner, "deadline": s.deadline} for s in payload.steps])
    return Status(201, _filed(finding.pk, problem, False))


@router.post("/findings/{finding_id}/relapse", response={200: FindingProblemOut, **WRITE},
             summary="问题反弹：重新打开已销号的问题")
def finding_relapse(request: HttpRequest, finding_id: int, payload: FindingRelapseIn) -> Status:
    """A closed problem of the unit found again on a visit: reopened as a relapse through the problems
    service, and linked to the finding."""
    user = require_data_role(request_user(request))
    finding = get_object_or_404(Finding.objects.visible_to(user).with_related(), pk=finding_id)
    problem = get_object_or_404(Problem.objects.visible_to(user), pk=payload.problem)
    problem = services.finding_reopen_problem(actor=user, finding=finding, problem=problem, note=payload.note)
    return Status(200, _filed(finding.pk, problem, True))


# ---------------------------------------------------------------------------------------------------------
# Actions on the escalation ladder.


@router.get("/actions", response=list[ActionRowOut], summary="处置列表")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def action_list(request: HttpRequest, filters: Query[ActionQuery]) -> QuerySet[Action]:
    """Newest first. Units see only the actions decided on them."""
    user = require_data_role(request_user(request))
    org = visible_org(actor=user, code=filters.org) if filters.org else None
    qs: QuerySet[Action] = Action.objects.visible_to(user).with_related().filter(campaign=_campaign(filters.campaign))
    qs = selectors.filter_actions(qs, statuses=[str(s) for s in filters.status or ()],
                                  levels=[str(s) for s in filters.level or ()], group=filters.group, organization=org)
    return qs


# Registered before /actions/{action_id}, whose path would otherwise take "proposals" (405).
@router.post("/actions/proposals", response={201: ActionDetailOut, **WRITE}, summary="提出处置建议（由市委教育办决定）")
@summarised(INVALID)
def action_propose(request: HttpRequest, payload: ProposalIn) -> Status:
    """Proposes a step for the office to decide (typically 严肃批评 or 组织处理); replaces an open proposal for
    the same unit or leader."""
    user = require_data_role(request_user(request))
    org = visible_org(actor=user, code=payload.org)
    action = services.action_propose(actor=user, organization=org, level=payload.level, reason=payload.reason,
                                     findings=_findings(user, payload.findings),
                                     cadre=_cadre(user, payload.cadre))
    return Status(201, selectors.action_detail(user, action.pk))


@router.get("/actions/{action_id}", response={200: ActionDetailOut, 404: ErrorOut}, summary="处置详情")
def action_get(request: HttpRequest, action_id: int) -> Action:
    return selectors.action_detail(require_data_role(request_user(request)), action_id)


@router.post("/actions", response={201: ActionDetailOut, **WRITE}, summary="处置（直接作出）")
@summarised(INVALID)
def action_create(request: HttpRequest, payload: ActionIn) -> Status:
    """Takes a step on the ladder now: liaison groups 指出促改 and 纠正, the office any step. Skipping a rung
    needs `skip_reason`."""
    user = require_data_role(request_user(request))
    org = visible_org(actor=user, code=payload.org)
    action = services.action_record(
        actor=user, organization=org, level=payload.level, reason=payload.reason,
        findings=_findings(user, payload.findings), cadre=_cadre(user, payload.cadre),
        skip_reason=payload.skip_reason, follow_up_on=payload.follow_up_on)
    return Status(201, selectors.action_detail(user, action.pk))


@router.post("/actions/{action_id}/decide", response={200: ActionDetailOut, **WRITE}, summary="决定处置建议")
def action_decide(request: HttpRequest, action_id: int, payload: DecideIn) -> Status:
    """The office takes up a proposal (it may change the level or the reason); the action is then in force."""
    user = require_data_role(request_user(request))
    action = get_object_or_404(Action.objects.visible_to(user).with_related(), pk=action_id)
    services.action_decide(actor=user, action=action, level=payload.level, reason=payload.reason,
                           skip_reason=payload.skip_reason, follow_up_on=payload.follow_up_on,
                           note=payload.note)
    return Status(200, selectors.action_detail(user, action_id))


@router.post("/actions/{action_id}/dismiss", response={200: ActionDetailOut, **WRITE}, summary="不予采纳处置建议")
def action_dismiss(request: HttpRequest, action_id: int, payload: DismissIn) -> Status:
    user = require_data_role(request_user(request))
    action = get_object_or_404(Action.objects.visible_to(user).with_related(), pk=action_id)
    services.action_dismiss(actor=user, action=action, note=payload.note)
    return Status(200, selectors.action_detail(user, action_id))


@router.post("/actions/{action_id}/result", response={200: ActionDetailOut, **WRITE}, summary="登记处置结果")
def action_result(request: HttpRequest, action_id: int, payload: ResultIn) -> Status:
    """What came of a decided action: it is done (办结)."""
    user = require_data_role(request_user(request))
    action = get_object_or_404(Action.objects.visible_to(user).with_related(), pk=action_id)
    services.action_follow_up(actor=user, action=action, result=payload.result)
    return Status(200, selectors.action_detail(user, action_id))


# ---------------------------------------------------------------------------------------------------------
# Feedback letters.


@router.get("/letters", response=list[LetterRowOut], summary="督导反馈意见列表")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def letter_list(request: HttpRequest, filters: Query[LetterQuery]) -> QuerySet[FeedbackLetter]:
    """Newest first. Units see only the letters issued to them."""
    user = require_data_role(request_user(request))
    org = visible_org(actor=user, code=filters.org) if filters.org else None
    qs: QuerySet[FeedbackLetter] = (FeedbackLetter.objects.visible_to(user).with_related()
                                    .filter(campaign=_campaign(filters.campaign)))
    qs = selectors.filter_letters(qs, statuses=[str(s) for s in filters.status or ()], group=filters.group,
                                  organization=org, q=filters.q)
    return qs


@router.get("/letters/{letter_id}", response={200: LetterDetailOut, 404: ErrorOut}, summary="督导反馈意见详情")
def letter_get(request: HttpRequest, letter_id: int) -> FeedbackLetter:
    return selectors.letter_detail(require_data_role(request_user(request)), letter_id)


@router.post("/letters", response={201: LetterDetailOut, **WRITE}, summary="起草督导反馈意见")
@summarised(INVALID)
def letter_create(request: HttpRequest, payload: LetterIn) -> Status:
    """A draft to a unit from its findings and actions; the title, recipient and body not given are composed
    from the records."""
    user = require_data_role(request_user(request))
    org = visible_org(actor=user, code=payload.org)
    letter = services.letter_create(
        actor=user, group=_group(user, payload.group, org), organization=org,
        findings=_findings(user, payload.findings), actions=_actions(user, payload.actions),
        reply_due_on=payload.reply_due_on, title=payload.title, recipient=payload.recipient,
        body=payload.body)
    return Status(201, selectors.letter_detail(user, letter.pk))


@router.post("/letters/{letter_id}/issue", response={200: LetterDetailOut, **WRITE}, summary="印发督导反馈意见")
def letter_issue(request: HttpRequest, letter_id: int) -> Status:
    """The draft takes the next document number of the year and is locked; the unit is told."""
    user = require_data_role(request_user(request))
    letter = get_object_or_404(FeedbackLetter.objects.visible_to(user).with_related(), pk=letter_id)
    services.letter_issue(actor=user, letter=letter)
    return Status(200, selectors.letter_detail(user, letter_id))


@router.get("/letters/{letter_id}/docx", response={200: None, 404: ErrorOut},
            summary="督导反馈意见 .docx（GB/T 9704 公文格式）")
def letter_docx(request: HttpRequest, letter_id: int) -> HttpResponse:
    """The letter as a .docx in the GB/T 9704 layout (a draft carries no document number), named
    “文号标题.docx”."""
    letter = selectors.letter_detail(require_data_role(request_user(request)), letter_id)
    response = HttpResponse(letters.letter_docx(letter), content_type=DOCX)
    response["Content-Disposition"] = attachment_disposition(letters.letter_filename(letter),
                                                             f"feedback-letter-{letter.pk}.docx")
    return response
