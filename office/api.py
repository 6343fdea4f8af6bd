"""The office API under /api/v1/office/: the communication log (请示报告) — items, logging, assigning (分办),
answering, closing (办结) and attachments.

Data roles only; every query goes through `office.selectors` (from `visible_to(user)`): anything outside the
caller's jurisdiction answers 404, and so does a write the caller's role may not make (like the pages). Every
write calls the same service as the pages (`office.services`): a refusal answers 422 with its Chinese reasons.
Who acts and when come from the caller and the server's clock.
"""

import mimetypes
from typing import Annotated

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from accounts.api_auth import request_user
from accounts.guards import require_data_role
from accounts.models import User
from campaigns.models import Campaign, Team
from core.refusals import summarised
from core.schemas import ErrorOut, ValidationErrorOut
from office import selectors, services
from office.models import Submission
from office.schemas import (
    AnswerIn,
    AssignIn,
    AttachmentOut,
    CloseIn,
    SubmissionDetailOut,
    SubmissionIn,
    SubmissionQuery,
    SubmissionRowOut,
)
from orgs.selectors import visible_org

router = Router(tags=["办公室工作"])

MAX_LIMIT = 500
INVALID = "数据有误，未保存"
WRITE = {404: ErrorOut, 422: ValidationErrorOut}


def _submission(user: User, pk: int) -> Submission:
    return get_object_or_404(Submission.objects.visible_to(user), pk=pk)


def _detail(user: User, pk: int) -> Submission:
    return selectors.submission_detail(user, pk)


@router.get("/submissions", response=list[SubmissionRowOut], summary="请示报告列表")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def submission_list(request: HttpRequest, filters: Query[SubmissionQuery]) -> QuerySet[Submission]:
    """The items the caller sees, newest first, filtered like the list page."""
    user = require_data_role(request_user(request))
    return selectors.submission_list(user, selectors.SubmissionFilter(
        campaign=None if filters.campaign is None else get_object_or_404(Campaign, pk=filters.campaign),
        kind=str(filters.kind or ""), direction=str(filters.direction or ""), origin=str(filters.origin or ""),
        status=str(filters.status or ""), overdue=filters.overdue, team_id=filters.team, mine=filters.mine,
        q=filters.q))


@router.get("/submissions/{submission_id}", response={200: SubmissionDetailOut, 404: ErrorOut},
            summary="请示报告详情")
def submission_get(request: HttpRequest, submission_id: int) -> Submission:
    return _detail(require_data_role(request_user(request)), submission_id)


@router.post("/submissions", response={201: SubmissionDetailOut, **WRITE}, summary="报送或登记请示报告")
@summarised(INVALID)
def submission_create(request: HttpRequest, payload: SubmissionIn) -> Status:
    """A unit contact or a liaison member reports up (报告、请示、经验做法、典型案例) for a unit it sees; the city's
    office sends (本办发文) or logs what it received (收文登记). A 批复（答复） with `parent` answers that item."""
    user = require_data_role(request_user(request))
    org = visible_org(actor=user, code=payload.org.strip()) if payload.org else None  # spaces only → 404
    parent = None if payload.parent is None else _submission(user, payload.parent)
    submission = services.submission_create(
        actor=user, organization=org, kind=payload.kind, title=payload.title, body=payload.body,
        origin=payload.origin, direction=payload.direction, counterpart=payload.counterpart,
        number=payload.number, sent_on=payload.sent_on, received_on=payload.received_on,
        due_on=payload.due_on, parent=parent)
    return Status(201, _detail(user, submission.pk))


@router.post("/submissions/{submission_id}/assign", response={200: SubmissionDetailOut, **WRITE},
             summary="分办")
def submission_assign(request: HttpRequest, submission_id: int, payload: AssignIn) -> Status:
    """The city's office hands the item to a team of the campaign, and optionally to one of its members."""
    user = require_data_role(request_user(request))
    submission = _submission(user, submission_id)
    team = get_object_or_404(Team, pk=payload.team)
    # Only members of the campaign's teams can be named (no one else's name is given away in an error).
    members = User.objects.filter(team_memberships__team__campaign_id=submission.campaign_id).distinct()
    assignee = None if payload.assignee is None else get_object_or_404(members, pk=payload.assignee)
    services.submission_assign(actor=user, submission=submission, team=team, assignee=assignee)
    return Status(200, _detail(user, submission_id))


@router.post("/submissions/{submission_id}/answer", response={200: SubmissionDetailOut, **WRITE},
             summary="答复")
def submission_answer(request: HttpRequest, submission_id: int, payload: AnswerIn) -> Status:
    """The city's office answers what was reported to it or reached it; a unit answers what was sent down to it.
    Nobody answers what they submitted (422)."""
    user = require_data_role(request_user(request))
    submission = _submission(user, submission_id)
    services.submission_answer(actor=user, submission=submission, answer=payload.answer)
    return Status(200, _detail(user, submission_id))


@router.post("/submissions/{submission_id}/close", response={200: SubmissionDetailOut, **WRITE},
             summary="办结")
def submission_close(request: HttpRequest, submission_id: int, payload: CloseIn) -> Status:
    """The city's office closes an answered item, or one that needs no answer (请示和来函须先答复)."""
    user = require_data_role(request_user(request))
    submission = _submission(user, submission_id)
    services.submission_close(actor=user, submission=submission, note=payload.note)
    return Status(200, _detail(user, submission_id))


@router.post("/submissions/{submission_id}/attachments", response={201: AttachmentOut, **WRITE},
             summary="上传附件")
@summarised(INVALID)
def attachment_create(request: HttpRequest, submission_id: int,
                      file: Annotated[UploadedFile, File(description="PDF、Word、Excel、JPG、PNG")]) -> Status:
    """Stores the file with its SHA-256."""
    user = require_data_role(request_user(request))
    submission = _submission(user, submission_id)
    attachment = services.attachment_add(actor=user, submission=submission, file=file)
    return Status(201, attachment)


@router.get("/submissions/{submission_id}/attachments/{attachment_id}", response={200: None, 404: ErrorOut},
            summary="下载附件")
def attachment_download(request: HttpRequest, submission_id: int, attachment_id: int) -> FileResponse:
    """The file as stored; the header X-File-SHA256 gives the hash recorded at upload."""
    user = require_data_role(request_user(request))
    attachment = selectors.attachment_for(user, submission_id, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(attachment.filename)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=attachment.filename, content_type=content_type)
    response["X-File-SHA256"] = attachment.sha256
    return response
