"""Visits: planned, changed, recorded (or logged after the fact), cancelled; their attachments."""

import datetime as dt
from collections.abc import Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.actors import Actor, user_or_none
from accounts.models import User
from campaigns.models import Campaign, LiaisonGroup
from campaigns.selectors import current_campaign, liaison_group_of
from core import audit
from core.cn import cn_date
from core.files import stored_file_fields, upload_error
from core.validation import clean_text
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from orgs.models import Organization
from orgs.permissions import can_view_org
from supervision.choices import Judgement, Requirement, VisitStatus
from supervision.models import Observation, Visit, VisitAttachment, VisitMethod
from supervision.permissions import can_change_visit, can_guide_group
from supervision.services._common import TEXT_MAX

SUMMARY_MAX = 5000


def _check_group(actor: Actor, group: LiaisonGroup) -> None:
    if not can_guide_group(actor, group):
        raise PermissionDenied("只有本联络组成员和市委教育办可以办理")


def _check_visit(actor: Actor, visit: Visit) -> None:
    if not can_change_visit(actor, visit):
        raise PermissionDenied("无权处理该指导活动")


def _visit_errors(*, actor: Actor, group: LiaisonGroup, organization: Organization, method: VisitMethod | None,
                  subject: str, campaign: Campaign | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if campaign is None or not campaign.is_current:
        errors["campaign"] = "当前没有正在开展的主题教育"
    elif group.campaign_id != campaign.pk:
        errors["group"] = "该联络组不属于当前主题教育"
    elif liaison_group_of(organization, campaign) != group:
        errors["organization"] = f"“{organization.name}”不是{group.name}联系的单位"
    if method is None:
        errors["method"] = "请选择指导方式"
    elif not method.is_active:
        errors["method"] = f"指导方式“{method.name}”已停用"
    _put(errors, "subject", _text_error(subject, "活动内容", 200))
    return errors


def _day_error(day: dt.date | None, campaign: Campaign | None, label: str) -> str | None:
    """A visit's day lies within the campaign."""
    if day is None:
        return f"请填写{label}"
    if campaign is not None and day < campaign.starts_on:
        return f"{label}不能早于主题教育开始日期{cn_date(campaign.starts_on)}"
    if campaign is not None and campaign.ends_on and day > campaign.ends_on:
        return f"{label}不能晚于主题教育结束日期{cn_date(campaign.ends_on)}"
    return None


def _held_error(day: dt.date | None, campaign: Campaign | None, today: dt.date) -> str | None:
    """The day a visit took place: within the campaign, and not after today."""
    if day is not None and day > today:
        return "开展日期不能晚于今天（还没开展的活动请保留为计划）"
    return _day_error(day, campaign, "开展日期")


def _participants_error(group: LiaisonGroup, participants: Sequence[User]) -> str | None:
    member_ids = set(group.memberships.values_list("user_id", flat=True))
    strangers = [str(p) for p in participants if p.pk not in member_ids]
    if strangers:
        return f"{'、'.join(strangers)}不是{group.name}的成员（其他人员请填在“其他参加人员”）"
    return None


def visit_subject(subject: str, method: VisitMethod | None, organization: Organization) -> str:
    """What a visit is about: as written, or, left blank, the method and the unit (个别访谈·城关镇党委), which say
    it already — nobody types them twice."""
    subject = clean_text(subject)
    if subject or method is None:
        return subject
    return f"{method.name}·{organization.name}"[:200]


@transaction.atomic
def visit_plan(*, actor: Actor, group: LiaisonGroup, organization: Organization, method: VisitMethod | None,
               subject: str, planned_on: dt.date | None, participants: Sequence[User] = (),
               others: str = "") -> Visit:
    """Plan a visit of `group` to `organization` (one of its units, or a unit below one)."""
    _check_group(actor, group)
    if not can_view_org(actor, organization):
        raise PermissionDenied("无权指导该单位")
    campaign = current_campaign()
    subject = visit_subject(subject, method, organization)
    errors = _visit_errors(actor=actor, group=group, organization=organization, method=method, subject=subject,
                           campaign=campaign)
    _put(errors, "planned_on", _day_error(planned_on, campaign, "计划日期"))
    _put(errors, "participants", _participants_error(group, participants))
    _put(errors, "others", _text_error(others, "其他参加人员", 200, required=False))
    _raise(errors)
    assert campaign is not None and planned_on is not None and method is not None
    visit = Visit.objects.create(
        campaign=campaign, group=group, organization=organization, org_path=organization.path, method=method,
        subject=clean_text(subject), planned_on=planned_on, others=clean_text(others),
        created_by=user_or_none(actor),
    )
    audit.set_links(visit, "participants", [p.pk for p in participants])
    return visit


@transaction.atomic
def visit_update(*, actor: Actor, visit: Visit, method: VisitMethod | None, subject: str,
                 planned_on: dt.date | None, participants: Sequence[User] = (), others: str = "") -> Visit:
    """Change a planned visit (a visit already done keeps its plan; its record is changed by `visit_record`)."""
    _check_visit(actor, visit)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    errors: dict[str, str] = {}
    if visit.status != VisitStatus.PLANNED:
        errors["status"] = f"该活动{visit.get_status_display()}，不能再修改计划"
    if method is None:
        errors["method"] = "请选择指导方式"
    elif not method.is_active and method.pk != visit.method_id:
        errors["method"] = f"指导方式“{method.name}”已停用"
    subject = visit_subject(subject, method, visit.organization)
    _put(errors, "subject", _text_error(subject, "活动内容", 200))
    _put(errors, "planned_on", _day_error(planned_on, visit.campaign, "计划日期"))
    _put(errors, "participants", _participants_error(visit.group, participants))
    _put(errors, "others", _text_error(others, "其他参加人员", 200, required=False))
    _raise(errors)
    assert method is not None and planned_on is not None
    visit.method, visit.subject, visit.planned_on = method, clean_text(subject), planned_on
    visit.others = clean_text(others)
    visit.save()
    audit.set_links(visit, "participants", [p.pk for p in participants])
    return visit


def _observation_errors(observations: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for requirement, values in observations.items():
        if requirement not in Requirement.values:
            errors["observations"] = f"未知的基本要求：{requirement}"
            continue
        judgement = values.get("judgement") or ""
        if judgement and judgement not in Judgement.values:
            errors[f"judgement_{requirement}"] = "现场评价应为：" + "、".join(str(x) for x in Judgement.labels)
        _put(errors, f"note_{requirement}", _text_error(values.get("note"), "了解到的情况", TEXT_MAX,
                                                          required=False))
    return errors


@transaction.atomic
def visit_record(*, actor: Actor, visit: Visit, visited_on: dt.date | None, summary: str,
                 observations: Mapping[str, Mapping[str, str]] | None = None,
                 participants: Sequence[User] | None = None, others: str | None = None) -> Visit:
    """Mark a planned visit done (或 correct the record of a done one): when, what the group saw overall and
    against each basic requirement. `observations`: {requirement: {"judgement": ..., "note": ...}}."""
    _check_visit(actor, visit)
    visit = Visit.objects.select_for_update().select_related("campaign", "group").get(pk=visit.pk)
    errors: dict[str, str] = {}
    if visit.status == VisitStatus.CANCELLED:
        errors["status"] = "该活动已取消"
    today = timezone.localdate()
    _put(errors, "visited_on", _held_error(visited_on, visit.campaign, today))
    _put(errors, "summary", _text_error(summary, "总体情况", SUMMARY_MAX))
    observations = observations or {}
    errors.update({k: v for k, v in _observation_errors(observations).items() if k not in errors})
    if participants is not None:
        _put(errors, "participants", _participants_error(visit.group, participants))
    if others is not None:
        _put(errors, "others", _text_error(others, "其他参加人员", 200, required=False))
    _raise(errors)
    visit.status, visit.visited_on, visit.summary = VisitStatus.DONE, visited_on, clean_text(summary)
    if others is not None:
        visit.others = clean_text(others)
    visit.save()
    if participants is not None:
        audit.set_links(visit, "participants", [p.pk for p in participants])
    for requirement, values in observations.items():
        judgement, note = values.get("judgement") or "", clean_text(values.get("note"))
        if not judgement and not note:
            Observation.objects.filter(visit=visit, requirement=requirement).delete()
            continue
        Observation.objects.update_or_create(visit=visit, requirement=requirement,
                                             defaults={"judgement": judgement, "note": note})
    return visit


@transaction.atomic
def visit_log(*, actor: Actor, group: LiaisonGroup, organization: Organization, method: VisitMethod | None,
              subject: str, visited_on: dt.date | None, summary: str,
              observations: Mapping[str, Mapping[str, str]] | None = None, participants: Sequence[User] = (),
              others: str = "") -> Visit:
    """Record a visit that was not planned in the system beforehand: planned and done on the same day. Every
    error of the form is reported at once, under the fields of a held visit."""
    errors: dict[str, str] = {}
    _put(errors, "visited_on", _held_error(visited_on, current_campaign(), timezone.localdate()))
    _put(errors, "summary", _text_error(summary, "总体情况", SUMMARY_MAX))
    errors.update({k: v for k, v in _observation_errors(observations or {}).items() if k not in errors})
    try:
        visit = visit_plan(actor=actor, group=group, organization=organization, method=method, subject=subject,
                           planned_on=visited_on, participants=participants, others=others)
    except ValidationError as exc:
        plan_errors = {k: v[0] for k, v in exc.message_dict.items() if k != "planned_on"}
        _raise({**plan_errors, **errors})
        raise
    _raise(errors)
    return visit_record(actor=actor, visit=visit, visited_on=visited_on, summary=summary, observations=observations)


@transaction.atomic
def visit_cancel(*, actor: Actor, visit: Visit, reason: str) -> Visit:
    _check_visit(actor, visit)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    errors: dict[str, str] = {}
    if visit.status != VisitStatus.PLANNED:
        errors["status"] = "只有计划中的活动可以取消"
    _put(errors, "cancel_reason", _text_error(reason, "取消原因", 200))
    _raise(errors)
    visit.status, visit.cancel_reason = VisitStatus.CANCELLED, clean_text(reason)
    visit.save()
    return visit


@transaction.atomic
def attachment_add(*, actor: Actor, visit: Visit, file: UploadedFile) -> VisitAttachment:
    _check_visit(actor, visit)
    if visit.status == VisitStatus.CANCELLED:
        raise ValidationError({"file": "该活动已取消，不能再上传附件"})
    _raise({"file": reason} if (reason := upload_error(file)) else {})
    return VisitAttachment.objects.create(visit=visit, **stored_file_fields(file, user_or_none(actor)))


@transaction.atomic
def attachment_remove(*, actor: Actor, attachment: VisitAttachment) -> None:
    _check_visit(actor, attachment.visit)
    if attachment.visit.findings.filter(problem__isnull=False).exists() and attachment.uploaded_by_id != actor.pk:
        raise ValidationError({"file": "只有上传人可以删除已形成问题的活动附件"})
    stored = attachment.file
    attachment.delete()
    # The file goes only once the row is gone for good (a rolled-back transaction keeps both).
    transaction.on_commit(lambda: stored.delete(save=False))
