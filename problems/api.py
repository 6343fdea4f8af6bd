"""API of the problem ledger: problems, their rectification steps, evidence, what the masses say, and every
lifecycle action as `POST /problems/{id}/actions/{action}`.

Data roles only; every query goes through the ledger's selectors or `visible_to(user)`, anything outside the
caller's jurisdiction answers 404. Every write calls the same service as the pages (`problems.services`), so the
rules are the pages' rules: a refusal answers 422 with the service's Chinese reasons, a write based on an older
version of the problem answers 409 and changes nothing, a role that may not do something gets 404 (like the pages).
Status changes only through the actions; who acts and when come from the caller and the server's clock.
"""

import mimetypes
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Path, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from accounts.api_auth import request_user
from accounts.guards import require_data_role
from accounts.models import User
from campaigns.models import Campaign
from campaigns.selectors import current_campaign
from core.refusals import summarised
from core.schemas import ErrorOut, ValidationErrorOut
from orgs.models import Cadre, Organization
from orgs.selectors import visible_org
from problems import selectors, services
from problems.choices import ProblemAction
from problems.models import Evidence, Problem, RectificationStep, Satisfaction, SpecialCampaign
from problems.schemas import (
    ACTION_DESCRIPTION,
    ActionIn,
    AnswerIn,
    EvidenceIn,
    EvidenceWriteOut,
    LedgerQuery,
    ProblemDetailOut,
    ProblemIn,
    ProblemRowOut,
    ProblemUpdateIn,
    SatisfactionOut,
    SpecialCampaignOut,
    StepDoneIn,
    StepIn,
    StepUpdateIn,
    StepWriteOut,
)

router = Router(tags=["问题清单"])

MAX_LIMIT = 500
INVALID = "数据有误，未保存"
# Every action but registration (which is `POST /problems/`).
ACTIONS = frozenset(a for a in ProblemAction.values if a != ProblemAction.REGISTER)
# Fields of the record that may be emptied with "" (null in a PATCH means the same).
_TEXT_FIELDS = ("event_ref", "case_ref", "petition_ref", "cause", "responsible_unit")

Files = Annotated[list[UploadedFile] | None, File(description="佐证材料（可多个）：PDF、Word、Excel、JPG、PNG")]
WRITE = {404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}


def _problem(user: User, pk: int) -> Problem:
    return get_object_or_404(Problem.objects.visible_to(user), pk=pk)


def _detail(user: User, pk: int) -> Problem:
    problem = selectors.problem_detail(user, pk)
    if problem is None:
        raise Http404
    return problem


def _special(pk: int | None) -> SpecialCampaign | None:
    return None if pk is None else get_object_or_404(SpecialCampaign, pk=pk)


def _cadre(organization: Organization, pk: int | None) -> Cadre | None:
    """The responsible leader: a cadre of the problem's organisation or of one above it (the service's rule;
    a cadre of an ancestor may lie above the caller's jurisdiction, and that is allowed)."""
    return None if pk is None else get_object_or_404(selectors.leader_choices(organization), pk=pk)


def _step(user: User, problem_id: int, step_id: int) -> RectificationStep:
    return get_object_or_404(RectificationStep.objects.visible_to(user).select_related("problem"), pk=step_id,
                             problem_id=problem_id)


# ---------------------------------------------------------------------------------------------------------
# The ledger and one problem.


@router.get("/special-campaigns", response=list[SpecialCampaignOut], summary="专项整治列表（当前主题教育）")
def special_campaign_list(request: HttpRequest) -> list[SpecialCampaign]:
    require_data_role(request_user(request))
    return list(selectors.special_campaigns(current_campaign()))


@router.get("", response=list[ProblemRowOut], summary="问题清单")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def problem_list(request: HttpRequest, filters: Query[LedgerQuery]) -> QuerySet[Problem]:
    """The problems the caller sees, by due date, filtered like the ledger page."""
    user = require_data_role(request_user(request))
    ledger_filter = selectors.LedgerFilter(
        campaign=None if filters.campaign is None else get_object_or_404(Campaign, pk=filters.campaign),
        status=[str(s) for s in filters.status], source=[str(s) for s in filters.source],
        category=[str(s) for s in filters.category], severity=[str(s) for s in filters.severity],
        special_campaign=_special(filters.special_campaign), overdue=filters.overdue, relapsed=filters.relapsed,
        fix_now=filters.fix_now, subtree=visible_org(actor=user, code=filters.org) if filters.org else None,
        liaison_group_id=filters.liaison_group, q=filters.q,
    )
    return selectors.ledger(user, ledger_filter)


@router.get("/{problem_id}", response={200: ProblemDetailOut, 404: ErrorOut}, summary="问题详情")
def problem_get(request: HttpRequest, problem_id: int) -> Problem:
    """The record with its rectification steps, evidence (with hashes), full timeline (who, when, why),
    closures, extensions, and the actions the caller may take now."""
    return _detail(require_data_role(request_user(request)), problem_id)


@router.post("", response={201: ProblemDetailOut, **WRITE}, summary="登记问题")
@summarised(INVALID)
def problem_create(request: HttpRequest, payload: ProblemIn) -> Status:
    """Registers a problem of a unit the caller sees, in the current campaign (已登记). Units register any
    source but 督导发现, liaison groups only 督导发现, the office any: the rule of the form and the ledger import
    (`problems.permissions.raisable_sources`)."""
    user = require_data_role(request_user(request))
    org = visible_org(actor=user, code=payload.org)
    item = None
    if payload.life_meeting_item is not None:
        item = selectors.meeting_item(user, payload.life_meeting_item)
        if item is None:
            raise Http404
    problem = services.problem_create(
        actor=user, organization=org, description=payload.description, source=payload.source,
        category=payload.category, special_campaign=_special(payload.special_campaign),
        event_ref=payload.event_ref, case_ref=payload.case_ref, petition_ref=payload.petition_ref,
        cause=payload.cause, responsible_cadre=_cadre(org, payload.responsible_cadre),
        responsible_unit=payload.responsible_unit, severity=payload.severity, fix_now=payload.fix_now,
        deadline=payload.deadline, life_meeting_item=item,
        steps=[{"measure": s.measure, "owner": s.owner, "deadline": s.deadline} for s in payload.steps])
    return Status(201, _detail(user, problem.pk))


@router.patch("/{problem_id}", response={200: ProblemDetailOut, **WRITE}, summary="修改问题")
@summarised(INVALID)
def problem_update(request: HttpRequest, problem_id: int, payload: ProblemUpdateIn) -> Status:
    """Changes only the fields given, based on `version` (409 when someone changed the problem meanwhile). A
    problem being verified or closed cannot be changed (422)."""
    user = require_data_role(request_user(request))
    problem = _problem(user, problem_id)
    fields: dict[str, Any] = payload.model_dump(exclude_unset=True)
    version = fields.pop("version")
    if "special_campaign" in fields:
        fields["special_campaign"] = _special(fields["special_campaign"])
    if "responsible_cadre" in fields:
        fields["responsible_cadre"] = _cadre(problem.organization, fields["responsible_cadre"])
    for name in _TEXT_FIELDS:
        if name in fields and fields[name] is None:
            fields[name] = ""
    if "fix_now" in fields and fields["fix_now"] is None:
        del fields["fix_now"]
    services.problem_update(actor=user, problem=problem, version=version, **fields)
    return Status(200, _detail(user, problem_id))


@router.post("/{problem_id}/actions/{action}", response={200: ProblemDetailOut, **WRITE},
             summary="问题处理操作（开始整改、申请销号、核验销号、退回、重新打开、延期）")
def problem_action(request: HttpRequest, problem_id: int,
                   action: Annotated[str, Path(description=f"操作：{ACTION_DESCRIPTION}")],
                   data: Form[ActionIn], files: Files = None) -> Status:
    """Takes one lifecycle action, by the rules of the transition table: who may, from which state, with which
    note or evidence. The actor and the time are the caller and now (anything like closed_by or closed_at in
    the body is ignored). Refused: 422 with the reason; the problem changed since `version`: 409; unknown
    action or a problem the caller does not see: 404."""
    user = require_data_role(request_user(request))
    if action not in ACTIONS:
        raise Http404
    problem = _problem(user, problem_id)
    services.problem_act(actor=user, problem=problem, action=action, note=data.note, version=data.version,
                         new_due_on=data.new_due_on, feedback_override=data.feedback_override,
                         files=files or [])
    return Status(200, _detail(user, problem_id))


# ---------------------------------------------------------------------------------------------------------
# Rectification steps and evidence.


@router.post("/{problem_id}/steps", response={201: StepWriteOut, **WRITE}, summary="添加整改措施")
@summarised(INVALID)
def step_create(request: HttpRequest, problem_id: int, payload: StepIn) -> Status:
    user = require_data_role(request_user(request))
    problem = _problem(user, problem_id)
    step = services.step_add(actor=user, problem=problem, measure=payload.measure, owner=payload.owner,
                             deadline=payload.deadline, version=payload.version)
    return Status(201, step)


@router.patch("/{problem_id}/steps/{step_id}", response={200: StepWriteOut, **WRITE}, summary="修改整改措施")
@summarised(INVALID)
def step_update(request: HttpRequest, problem_id: int, step_id: int, payload: StepUpdateIn) -> Status:
    """Changes only the fields given; `version` is the problem's."""
    user = require_data_role(request_user(request))
    step = _step(user, problem_id, step_id)
    given = payload.model_fields_set
    step = services.step_update(
        actor=user, step=step, version=payload.version,
        measure=payload.measure if "measure" in given and payload.measure is not None else step.measure,
        owner=(payload.owner or "") if "owner" in given else step.owner,
        deadline=payload.deadline if "deadline" in given else step.deadline)
    return Status(200, step)


@router.post("/{problem_id}/steps/{step_id}/done", response={200: StepWriteOut, **WRITE},
             summary="整改措施完成（附佐证材料）")
@summarised(INVALID)
def step_done(request: HttpRequest, problem_id: int, step_id: int, data: Form[StepDoneIn],
              files: Files = None) -> Status:
    """Marks a step done today (the server's date) on evidence: files uploaded now, evidence already attached to
    the step, or evidence of the problem cited by id (`cite`; a file already uploaded is refused, not stored
    twice)."""
    user = require_data_role(request_user(request))
    step = _step(user, problem_id, step_id)
    cite = list(Evidence.objects.visible_to(user).filter(pk__in=set(data.cite)))
    if len(cite) != len(set(data.cite)):
        raise Http404
    step = services.step_done(actor=user, step=step, done_note=data.done_note, files=files or [], cite=cite,
                              version=data.version)
    return Status(200, step)


@router.post("/{problem_id}/evidence", response={201: EvidenceWriteOut, **WRITE}, summary="上传佐证材料")
@summarised(INVALID)
def evidence_create(request: HttpRequest, problem_id: int, data: Form[EvidenceIn],
                    file: Annotated[UploadedFile, File(description="PDF、Word、Excel、JPG、PNG")]) -> Status:
    """Stores the file with its SHA-256 (checked again when the problem is closed)."""
    user = require_data_role(request_user(request))
    problem = _problem(user, problem_id)
    step = None if data.step is None else _step(user, problem_id, data.step)
    evidence = services.evidence_add(actor=user, problem=problem, file=file, note=data.note, step=step,
                                     version=data.version)
    return Status(201, evidence)


@router.get("/{problem_id}/evidence/{evidence_id}", response={200: None, 404: ErrorOut},
            summary="下载佐证材料")
def evidence_download(request: HttpRequest, problem_id: int, evidence_id: int) -> FileResponse:
    """The file as stored; the header X-Evidence-SHA256 gives the hash recorded at upload."""
    user = require_data_role(request_user(request))
    evidence = get_object_or_404(Evidence.objects.visible_to(user), pk=evidence_id, problem_id=problem_id)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(evidence.filename)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=evidence.filename, content_type=content_type)
    response["X-Evidence-SHA256"] = evidence.sha256
    return response


# ---------------------------------------------------------------------------------------------------------
# What the masses say.


@router.get("/{problem_id}/feedback", response=list[SatisfactionOut], summary="群众满意度评价")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def feedback_list(request: HttpRequest, problem_id: int) -> QuerySet[Satisfaction]:
    user = require_data_role(request_user(request))
    problem = _problem(user, problem_id)
    return Satisfaction.objects.visible_to(user).filter(problem=problem).select_related("answered_by").order_by(
        "-at", "-id")


@router.post("/{problem_id}/feedback/{satisfaction_id}/answer", response={200: SatisfactionOut, **WRITE},
             summary="答复群众评价")
@summarised(INVALID)
def feedback_answer(request: HttpRequest, problem_id: int, satisfaction_id: int, payload: AnswerIn) -> Status:
    """The unit or the office answers (answering is not closing: the verifier still decides)."""
    user = require_data_role(request_user(request))
    satisfaction = get_object_or_404(Satisfaction.objects.visible_to(user).select_related("problem"),
                                     pk=satisfaction_id, problem_id=problem_id)
    satisfaction = services.satisfaction_answer(actor=user, satisfaction=satisfaction, answer=payload.answer)
    return Status(200, satisfaction)
