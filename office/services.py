"""Every write of the communication log (请示报告) and its rules, in one place: pages, the API and demo data call
these.

Who does what [二.4 加强沟通联系, 一.4 搞好服务协调]:
- a unit contact (or a county's office) reports up from its own jurisdiction: reports, requests for instructions,
  good experience and typical cases (单位报送); a liaison member does the same for its group's units (联络组报送);
- the city's office logs what reaches it from outside — the provincial office, city departments, the masses,
  units off-system (收文登记) — and what it sends itself (本办发文): requests and reports up to the province,
  replies and instructions down to units;
- the city's office assigns what it must answer to a team (分办), answers it and closes it (办结); an item the
  office sent down to a unit is answered by that unit; an item the office sent out (to the province, a department)
  is answered by the other side — its reply is logged as a 收文 of kind 批复（答复） linked to it;
- nobody answers what they submitted themselves (the clerk who logged a letter from outside did not submit it).

Each write takes the acting person first (`actor`, a `User` or a named `SystemActor`) and enforces who may
(`office.permissions`): it raises `ValidationError({field: 中文})` or `PermissionDenied`, runs in one transaction
and tells whoever must act (`core.notify`).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from accounts.actors import Actor, user_or_none
from accounts.models import User
from accounts.permissions import Capability, roles_with
from campaigns.models import Campaign, Team
from campaigns.selectors import current_campaign, office_name
from core import audit
from core.cn import cn_date
from core.files import stored_file_fields, upload_error, upload_name
from core.models import AuditEntry
from core.notify import notify
from core.validation import clean_text
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from office.choices import DEFAULT_DIRECTION, OPEN, Direction, Kind, Origin, SubmissionStatus
from office.models import Submission, SubmissionAttachment
from office.permissions import (
    answer_side,
    can_add_attachment,
    can_answer_submission,
    can_assign_submission,
    can_close_submission,
    can_reply_to_submission,
    can_send_submission,
    close_refusal,
    kinds_for,
    origins_for,
    submitted_by,
)
from orgs.models import Organization
from orgs.permissions import can_view_org

TITLE_MAX = 200
BODY_MAX = 20000
# An answer typed on the page is as long as a reply logged as its own item may be; the answer a reply gives its
# item carries the reply's whole content (never cut).
ANSWER_MAX = BODY_MAX
NOTE_MAX = 500
COUNTERPART_MAX = 100
NUMBER_MAX = 50


# ---------------------------------------------------------------------------------------------------------
# Small checks.


def _files_error(files: Sequence[UploadedFile]) -> str | None:
    for upload in files:
        if reason := upload_error(upload):
            return f"“{upload_name(upload)}”：{reason}"
    return None


def _check_visible(actor: Actor, submission: Submission) -> Submission:
    """The submission, locked for the write, if `actor` reads it (else PermissionDenied, which pages and the API
    answer as 404)."""
    if not Submission.objects.visible_to(actor, "change").filter(pk=submission.pk).exists():
        raise PermissionDenied("无权处理该事项")
    return Submission.objects.select_for_update().select_related("organization", "campaign").get(pk=submission.pk)


# ---------------------------------------------------------------------------------------------------------
# Notifications.


def _url(submission: Submission) -> str:
    return f"/office/submissions/{submission.pk}/"


def _unit_contacts(submission: Submission) -> list[User]:
    """The contacts of the unit an item was sent down to (of it, or of a unit above it below the city)."""
    paths = [p for p in submission.organization.ancestor_paths() if len(p) > Organization.steplen]
    return list(User.objects.filter(is_active=True, role__in=roles_with(Capability.ANSWER_FOR_UNIT),
                                    organization__path__in=paths))


def _notify_assigned(submission: Submission, team: Team, assignee: User | None, by: Actor) -> None:
    users = [assignee] if assignee is not None else [m.user for m in team.memberships.select_related("user")]
    users = [u for u in users if u.pk != getattr(by, "pk", None)]
    who = assignee.pk if assignee is not None else "team"
    notify(users=users, key=f"office-submission-{submission.pk}-assigned-{team.pk}-{who}",
           text=f"请办理{submission.get_kind_display()}：{submission.title}"
                + (f"（{cn_date(submission.due_on)}前答复）" if submission.due_on else ""),
           url=_url(submission))


def _notify_answered(submission: Submission, by: Actor) -> None:
    if submission.created_by_id is None or submission.created_by_id == getattr(by, "pk", None):
        return
    notify(users=[submission.created_by_id], key=f"office-submission-{submission.pk}-answered",
           text=f"{submission.get_kind_display()}“{submission.title}”已答复", url=_url(submission))


def _notify_sent_down(submission: Submission) -> None:
    """The unit's contacts hear of what was sent down to them — those who may read it (a reply to something they
    did not submit is not theirs, and its title alone could say who complained)."""
    if len(submission.org_path) <= Organization.steplen:
        return
    readers = [u for u in _unit_contacts(submission)
               if Submission.objects.visible_to(u).filter(pk=submission.pk).exists()]
    notify(users=readers, key=f"office-submission-{submission.pk}-sent",
           text=f"市委教育办{submission.get_kind_display()}：{submission.title}"
                + (f"（请于{cn_date(submission.due_on)}前反馈）" if submission.due_on else ""),
           url=_url(submission))


# ---------------------------------------------------------------------------------------------------------
# Logging an item: submission_create, in steps — who may (_check_may_log), what it is (_classify), what it says
# (_describe), its dates (_dates), what it answers (_check_parent), the row (_write), who hears of it (_tell).


def _attach(submission: Submission, files: Iterable[UploadedFile], actor: Actor) -> None:
    for upload in files:
        SubmissionAttachment.objects.create(submission=submission, **stored_file_fields(upload, actor))


def _check_may_log(actor: Actor, *, organization: Organization | None,
                   parent: Submission | None) -> tuple[tuple[str, ...], Organization]:
    """The origins `actor` logs from and the organisation the item concerns (default: the actor's own); refused
    (PermissionDenied) for who logs nothing, an organisation `actor` does not see, or a parent it does not read."""
    origins = origins_for(actor)
    if not origins:
        raise PermissionDenied("无权登记请示报告")
    organization = organization or getattr(actor, "organization", None)
    assert organization is not None
    if not can_view_org(actor, organization):
        raise PermissionDenied("无权报送该单位的事项")
    if parent is not None and not Submission.objects.visible_to(actor).filter(pk=parent.pk).exists():
        raise PermissionDenied("无权答复该事项")
    return origins, organization


def _classify(errors: dict[str, str], *, actor: Actor, origins: tuple[str, ...], kind: str, origin: str,
              direction: str) -> tuple[str, str, str]:
    """Kind, origin and direction, checked against what `actor` logs: units and liaison groups report up in their
    one origin; the city's office sends (本办发文) or logs what it received (收文登记), any kind, any direction (by
    default the kind's own)."""
    sends = can_send_submission(actor)
    if kind not in Kind.values:
        errors["kind"] = "请选择类别"
    elif kind not in kinds_for(actor):
        errors["kind"] = f"“{Kind(kind).label}”由市委教育办登记；单位和联络组报送报告、请示、经验做法、典型案例"
    origin = origin or (origins[0] if len(origins) == 1 else Origin.OUTSIDE if kind == Kind.INCOMING
                        else Origin.OFFICE)
    if origin not in origins:
        errors["origin"] = ("请选择本办发文或收文登记" if sends else f"只能以“{Origin(origins[0]).label}”报送")
    elif origin == Origin.OFFICE and kind == Kind.INCOMING:
        errors["origin"] = "来函是收到的文件，请选择“收文登记”"
    if direction and direction not in Direction.values:
        errors["direction"] = "请选择行文方向"
    elif not sends and direction not in ("", Direction.UP):
        errors["direction"] = "单位和联络组只能向上报送"
    if not sends:
        direction = Direction.UP
    elif not direction and kind in DEFAULT_DIRECTION:
        direction = DEFAULT_DIRECTION[kind]
    return kind, origin, direction


def _describe(errors: dict[str, str], *, origin: str, organization: Organization, counterpart: str, number: str,
              title: str, body: str, files: Sequence[UploadedFile]) -> str:
    """Check the item's texts and files; returns the counterpart (what a unit or a group reports goes to its
    office, unless it names another; a letter received, or what the office sends for the whole city, names it)."""
    counterpart = clean_text(counterpart)
    if origin in (Origin.UNIT, Origin.LIAISON) and not counterpart:
        counterpart = office_name(organization, short=True)
    _put(errors, "counterpart", _text_error(counterpart, "来文单位" if origin == Origin.OUTSIDE else "对方单位",
                                            COUNTERPART_MAX,
                                            required=origin == Origin.OUTSIDE or (
                                                origin == Origin.OFFICE and organization.depth == 1)))
    _put(errors, "number", _text_error(number, "文号", NUMBER_MAX, required=False))
    _put(errors, "title", _text_error(title, "标题", TITLE_MAX))
    if not clean_text(body) and not files:
        errors["body"] = "请填写内容摘要，或上传文件"
    _put(errors, "body", _text_error(body, "内容摘要", BODY_MAX, required=False))
    _put(errors, "files", _files_error(files))
    return counterpart


def _dates(*, errors: dict[str, str], origin: str, sent_on: dt.date | None, received_on: dt.date | None,
           due_on: dt.date | None, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """Sent and received dates by origin: what units and groups report is sent and received today; the office
    dates what it sends (发文日期) and what it received (收文日期, and the letter's own date if it has one)."""
    if origin in (Origin.UNIT, Origin.LIAISON):
        sent_on = received_on = today
    elif origin == Origin.OFFICE:
        sent_on, received_on = sent_on or today, None
        if sent_on > today:
            errors["sent_on"] = "发文日期不能晚于今天"
    else:
        received_on = received_on or today
        if received_on > today:
            errors["received_on"] = "收文日期不能晚于今天"
        if sent_on is not None and sent_on > received_on:
            errors["sent_on"] = "来文日期不能晚于收文日期"
    start = received_on or sent_on or today
    if due_on is not None and due_on < start:
        what = "收文" if origin == Origin.OUTSIDE else "发文" if origin == Origin.OFFICE else "报送"
        errors["due_on"] = f"办理时限不能早于{what}日期{cn_date(start)}"
    return sent_on, received_on


def _check_parent(errors: dict[str, str], *, actor: Actor, parent: Submission | None, origin: str, kind: str,
                  campaign: Campaign | None) -> tuple[Submission | None, bool]:
    """The item the new one answers, locked for the write, and whether it answers it: a 批复（答复） to an open
    item, logged by someone who may answer it (never its submitter), in the current campaign."""
    if parent is None:
        return None, False
    parent = Submission.objects.select_for_update().select_related("organization").get(pk=parent.pk)
    answers = kind == Kind.REPLY and can_reply_to_submission(actor, parent, origin=origin)
    if kind == Kind.REPLY and parent.status in OPEN and not answers:
        errors["parent"] = "不能答复本人报送的事项" if submitted_by(actor, parent) else "无权答复该事项"
    elif campaign is not None and parent.campaign_id != campaign.pk:
        errors["parent"] = "答复的事项不属于当前主题教育"
    return parent, answers


def _write(*, actor: Actor, campaign: Campaign, organization: Organization, files: Sequence[UploadedFile],
           **fields: Any) -> Submission:
    """The row and its files; the office's own reply needs no answer: done when sent."""
    submission = Submission.objects.create(campaign=campaign, organization=organization, org_path=organization.path,
                                           created_by=user_or_none(actor), **fields)
    _attach(submission, files, actor)
    if answer_side(submission) == "none":
        submission.status, submission.close_note = SubmissionStatus.CLOSED, "答复已发出"
        submission.closed_by, submission.closed_at = user_or_none(actor), timezone.now()
        submission.save()
    return submission


def _tell(submission: Submission, *, actor: Actor, parent: Submission | None, answers_parent: bool) -> None:
    """A reply answers its parent (whose submitter is told); what is sent down to a unit is told to its
    contacts."""
    if parent is not None and answers_parent:
        head = (f"收到{submission.counterpart}" if submission.origin == Origin.OUTSIDE else "以") + (
            f"{submission.number}" if submission.number else "") + f"《{submission.title}》答复"
        _answer(parent, actor=actor, answer=head + (f"：{submission.body}" if submission.body else ""))
    elif answer_side(submission) in ("unit", "none") and submission.direction == Direction.DOWN:
        _notify_sent_down(submission)


@transaction.atomic
def submission_create(*, actor: Actor, kind: str, title: str, body: str = "",
                      organization: Organization | None = None, origin: str = "", direction: str = "",
                      counterpart: str = "", number: str = "", sent_on: dt.date | None = None,
                      received_on: dt.date | None = None, due_on: dt.date | None = None,
                      parent: Submission | None = None, files: Sequence[UploadedFile] = ()) -> Submission:
    """Log an item (see the module's docstring for who logs what). `organization`: the unit it comes from or
    concerns (default: the actor's own); `direction` defaults by kind; a 批复（答复） with a `parent` still open
    answers it."""
    origins, organization = _check_may_log(actor, organization=organization, parent=parent)
    campaign = current_campaign()
    errors: dict[str, str] = {}
    if campaign is None:
        errors["campaign"] = "当前没有正在开展的主题教育"
    kind, origin, direction = _classify(errors, actor=actor, origins=origins, kind=kind or "", origin=origin,
                                        direction=direction)
    counterpart = _describe(errors, origin=origin, organization=organization, counterpart=counterpart,
                            number=number, title=title, body=body, files=files)
    sent_on, received_on = _dates(errors=errors, origin=origin, sent_on=sent_on, received_on=received_on,
                                  due_on=due_on, today=timezone.localdate())
    parent, answers_parent = _check_parent(errors, actor=actor, parent=parent, origin=origin, kind=kind,
                                           campaign=campaign)
    _raise(errors)
    assert campaign is not None
    submission = _write(actor=actor, campaign=campaign, organization=organization, files=files, kind=kind,
                        origin=origin, direction=direction, counterpart=counterpart, number=clean_text(number),
                        title=clean_text(title), body=(body or "").strip(), sent_on=sent_on,
                        received_on=received_on, due_on=due_on, parent=parent)
    _tell(submission, actor=actor, parent=parent, answers_parent=answers_parent)
    return submission


# ---------------------------------------------------------------------------------------------------------
# Assigning, answering, closing.


@transaction.atomic
def submission_assign(*, actor: Actor, submission: Submission, team: Team | None,
                      assignee: User | None = None) -> Submission:
    """The city's office hands an item it must answer to a team (分办), and optionally to one of its members."""
    submission = _check_visible(actor, submission)
    if not can_assign_submission(actor):
        raise PermissionDenied("只有市委教育办可以分办")
    errors: dict[str, str] = {}
    if answer_side(submission) != "office":
        errors["status"] = "本办发出的事项由对方办理，不需分办"
    elif submission.status not in OPEN:
        errors["status"] = f"该事项{submission.get_status_display()}，不能再分办"
    if team is None:
        errors["team"] = "请选择承办组"
    elif team.campaign_id != submission.campaign_id:
        errors["team"] = "承办组不属于本次主题教育"
    elif assignee is not None:
        if not team.memberships.filter(user_id=assignee.pk).exists():
            errors["assignee"] = f"{assignee}不是{team.name}的成员"
        elif not assignee.is_active:
            errors["assignee"] = f"{assignee}的账号已停用"
        elif submitted_by(assignee, submission):
            errors["assignee"] = "不能交由报送人本人办理"
    _raise(errors)
    assert team is not None
    submission.team, submission.assignee = team, assignee
    submission.assigned_by, submission.assigned_at = user_or_none(actor), timezone.now()
    submission.status = SubmissionStatus.ASSIGNED
    submission.save()
    _notify_assigned(submission, team, assignee, actor)
    return submission


def _answer(submission: Submission, *, actor: Actor, answer: str) -> None:
    submission.answer = answer.strip()
    submission.answered_by, submission.answered_at = user_or_none(actor), timezone.now()
    submission.status = SubmissionStatus.ANSWERED
    submission.save()
    _notify_answered(submission, actor)


@transaction.atomic
def submission_answer(*, actor: Actor, submission: Submission, answer: str,
                      files: Sequence[UploadedFile] = ()) -> Submission:
    """Answer an open item: the city's office what was reported to it or reached it, a unit what the office sent
    down to it. Nobody answers what they submitted; what the office sent out is answered by the other side."""
    submission = _check_visible(actor, submission)
    errors: dict[str, str] = {}
    if submission.status not in OPEN:
        errors["status"] = f"该事项{submission.get_status_display()}"
    elif submitted_by(actor, submission):
        errors["answer"] = "不能答复本人报送的事项"
    elif answer_side(submission) == "outside":
        errors["answer"] = "本办发出的事项由对方答复：收到答复后请登记为收文“批复（答复）”，并关联本事项"
    elif answer_side(submission) == "none":
        errors["answer"] = "答复类文件不需要再答复"
    elif not can_answer_submission(actor, submission):
        raise PermissionDenied("无权答复该事项")
    _put(errors, "answer", _text_error(answer, "答复意见", ANSWER_MAX))
    _put(errors, "files", _files_error(files))
    _raise(errors)
    _attach(submission, files, actor)
    _answer(submission, actor=actor, answer=clean_text(answer))
    return submission


@transaction.atomic
def submission_close(*, actor: Actor, submission: Submission, note: str = "") -> Submission:
    """The city's office closes an item (办结): answered, or one that needs no answer (a report read, an
    experience taken in, an item sent out whose reply is not awaited)."""
    submission = _check_visible(actor, submission)
    if not can_close_submission(actor):
        raise PermissionDenied("只有市委教育办可以办结")
    errors: dict[str, str] = {}
    _put(errors, "status", close_refusal(submission))
    _put(errors, "close_note", _text_error(note, "办结说明", NOTE_MAX, required=False))
    _raise(errors)
    submission.status, submission.close_note = SubmissionStatus.CLOSED, clean_text(note)
    submission.closed_by, submission.closed_at = user_or_none(actor), timezone.now()
    submission.save()
    return submission


@transaction.atomic
def attachment_add(*, actor: Actor, submission: Submission, file: UploadedFile | None) -> SubmissionAttachment:
    """A file for an item not yet closed, by who logged it, the city's office or who may answer it."""
    submission = _check_visible(actor, submission)
    if submission.status == SubmissionStatus.CLOSED:
        raise ValidationError({"file": "已办结的事项不能再上传附件"})
    if not can_add_attachment(actor, submission):
        raise PermissionDenied("无权上传附件")
    _raise({"file": reason} if (reason := upload_error(file)) else {})
    assert file is not None
    return SubmissionAttachment.objects.create(submission=submission, **stored_file_fields(file, actor))


# ---------------------------------------------------------------------------------------------------------
# Keeping copies of paths.


def submissions_follow_move(sender: Any, *, old_path: str, new_path: str, **kwargs: Any) -> None:
    """After `orgs.services.org_move`: the copies of the moved subtree's paths follow (same transaction)."""
    from core.scoping import subtree_q

    count = Submission.objects.filter(subtree_q("org_path", old_path)).update(
        org_path=Concat(Value(new_path), Substr(F("org_path"), len(old_path) + 1)))
    if count:
        audit.record(AuditEntry.Action.UPDATE, object_type="office.submission", object_id="",
                     object_repr=f"{count}件请示报告随组织调整", before={"path": old_path},
                     after={"path": new_path})
