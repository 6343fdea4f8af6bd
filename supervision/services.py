"""Every write of supervision and its rules, in one place: pages, the API and demo data all call these.

Guidance, not substitution (不越位、不包办): liaison groups plan and record visits, find, point out, correct and
propose; they never write a unit's own records. A finding the unit must fix goes into the ledger through
`problems.services` (source 督导发现), which keeps every rule of the lifecycle.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from accounts.choices import Role
from campaigns.models import Campaign, LiaisonAssignment, LiaisonGroup
from campaigns.selectors import current_campaign, is_city_office, liaison_group_of, office_name
from core import audit
from core.cn import cn_date
from core.files import stored_file_fields, upload_error
from core.models import AuditEntry
from core.notify import notify
from core.scoping import subtree_q
from core.validation import clean_text
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from orgs.models import Cadre, Organization
from problems import services as problem_services
from problems.choices import ProblemStatus, Source
from problems.models import Problem, SpecialCampaign, number_of
from supervision.choices import (
    FOLLOW_UP_DAYS,
    IN_FORCE,
    LADDER,
    LEVEL_GROUNDS,
    LIAISON_LEVELS,
    OFFICE_LEVELS,
    OVERDUE_DAYS,
    OVERDUE_PROBLEMS,
    REPEAT_FINDINGS,
    ActionStatus,
    Judgement,
    LetterStatus,
    Level,
    Requirement,
    VisitStatus,
    level_phrase,
    level_title,
    rung,
)
from supervision.models import Action, FeedbackLetter, Finding, Observation, Visit, VisitAttachment, VisitMethod

TEXT_MAX = 2000
SUMMARY_MAX = 5000
LETTER_MAX = 20000


# ---------------------------------------------------------------------------------------------------------
# Small checks.


def _role(user: Any) -> str | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


def _visible_org(user: Any, organization: Organization) -> bool:
    return Organization.objects.visible_to(user).filter(pk=organization.pk).exists()


def _in_subtree(path: str, root: str) -> bool:
    return path.startswith(root)


def _user_or_none(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


# ---------------------------------------------------------------------------------------------------------
# Who may do what (pages use these to show or hide buttons; the services enforce them).


def member_of(user: Any, group: LiaisonGroup) -> bool:
    return bool(getattr(user, "pk", None)) and group.memberships.filter(user_id=user.pk).exists()


def guides(user: Any, group: LiaisonGroup) -> bool:
    """Whether `user` works for `group`: one of its members, or the city's office (which runs every group)."""
    if _role(user) == Role.LIAISON:
        return member_of(user, group)
    return is_city_office(user)


def supervises(user: Any) -> bool:
    """Liaison members and office staff write supervision records; units and leaders read them."""
    return _role(user) in (Role.LIAISON, Role.OFFICE)


def decides_actions(user: Any) -> bool:
    """The city's office decides proposals and takes the upper rungs of the ladder (a county's office account
    does not decide for the city)."""
    return is_city_office(user)


def levels_for(user: Any) -> frozenset[str]:
    if is_city_office(user):
        return OFFICE_LEVELS
    if _role(user) == Role.LIAISON:
        return LIAISON_LEVELS
    return frozenset()


def may_act(user: Any, campaign: Campaign | None = None) -> bool:
    """Whether `user` takes or proposes steps on the ladder at all: the city's office, or a member of a liaison
    group of the campaign (a county's office account or a liaison in no group does not)."""
    if is_city_office(user):
        return True
    campaign = campaign or current_campaign()
    return (_role(user) == Role.LIAISON and campaign is not None
            and LiaisonGroup.objects.filter(campaign=campaign, memberships__user_id=user.pk).exists())


def acts_on(user: Any, organization: Organization, campaign: Campaign | None = None) -> bool:
    """Whether `user` may take or propose a step on `organization`: the city's office, or a member of the group
    the unit is assigned to (a liaison in no group keeps a wide jurisdiction to read, not to act)."""
    if not _visible_org(user, organization):
        return False
    if is_city_office(user):
        return True
    campaign = campaign or current_campaign()
    if _role(user) != Role.LIAISON or campaign is None:
        return False
    group = liaison_group_of(organization, campaign)
    return group is not None and member_of(user, group)


def _check_group(user: Any, group: LiaisonGroup) -> None:
    if not guides(user, group):
        raise PermissionDenied("只有本联络组成员和市委教育办可以办理")


def _check_visit(user: Any, visit: Visit) -> None:
    if not Visit.objects.visible_to(user).filter(pk=visit.pk).exists():
        raise PermissionDenied("无权处理该指导活动")
    _check_group(user, visit.group)


# ---------------------------------------------------------------------------------------------------------
# Visit methods (the office keeps the list).


def _check_office(user: Any) -> None:
    if not is_city_office(user):
        raise PermissionDenied("只有市委教育办可以维护")


@transaction.atomic
def visit_method_create(*, user: Any, name: str) -> VisitMethod:
    _check_office(user)
    name = clean_text(name)
    errors: dict[str, str] = {}
    _put(errors, "name", _text_error(name, "指导方式", 50))
    if name and VisitMethod.objects.filter(name=name).exists():
        errors.setdefault("name", f"已有指导方式“{name}”")
    _raise(errors)
    order = (VisitMethod.objects.aggregate(m=Max("order"))["m"] or 0) + 1
    return VisitMethod.objects.create(name=name, order=order)


@transaction.atomic
def visit_method_set_active(*, user: Any, method: VisitMethod, is_active: bool) -> VisitMethod:
    _check_office(user)
    method.is_active = bool(is_active)
    method.save()
    return method


# ---------------------------------------------------------------------------------------------------------
# Visits.


def _visit_errors(*, user: Any, group: LiaisonGroup, organization: Organization, method: VisitMethod | None,
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


def _participants_error(group: LiaisonGroup, participants: Sequence[Any]) -> str | None:
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
def visit_plan(*, user: Any, group: LiaisonGroup, organization: Organization, method: VisitMethod | None,
               subject: str, planned_on: dt.date | None, participants: Sequence[Any] = (),
               others: str = "") -> Visit:
    """Plan a visit of `group` to `organization` (one of its units, or a unit below one)."""
    _check_group(user, group)
    if not _visible_org(user, organization):
        raise PermissionDenied("无权指导该单位")
    campaign = current_campaign()
    subject = visit_subject(subject, method, organization)
    errors = _visit_errors(user=user, group=group, organization=organization, method=method, subject=subject,
                           campaign=campaign)
    _put(errors, "planned_on", _day_error(planned_on, campaign, "计划日期"))
    _put(errors, "participants", _participants_error(group, participants))
    _put(errors, "others", _text_error(others, "其他参加人员", 200, required=False))
    _raise(errors)
    assert campaign is not None and planned_on is not None and method is not None
    visit = Visit.objects.create(
        campaign=campaign, group=group, organization=organization, org_path=organization.path, method=method,
        subject=clean_text(subject), planned_on=planned_on, others=clean_text(others),
        created_by=_user_or_none(user),
    )
    audit.set_links(visit, "participants", [p.pk for p in participants])
    return visit


@transaction.atomic
def visit_update(*, user: Any, visit: Visit, method: VisitMethod | None, subject: str,
                 planned_on: dt.date | None, participants: Sequence[Any] = (), others: str = "") -> Visit:
    """Change a planned visit (a visit already done keeps its plan; its record is changed by `visit_record`)."""
    _check_visit(user, visit)
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
def visit_record(*, user: Any, visit: Visit, visited_on: dt.date | None, summary: str,
                 observations: Mapping[str, Mapping[str, str]] | None = None,
                 participants: Sequence[Any] | None = None, others: str | None = None) -> Visit:
    """Mark a planned visit done (或 correct the record of a done one): when, what the group saw overall and
    against each basic requirement. `observations`: {requirement: {"judgement": ..., "note": ...}}."""
    _check_visit(user, visit)
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
def visit_log(*, user: Any, group: LiaisonGroup, organization: Organization, method: VisitMethod | None,
              subject: str, visited_on: dt.date | None, summary: str,
              observations: Mapping[str, Mapping[str, str]] | None = None, participants: Sequence[Any] = (),
              others: str = "") -> Visit:
    """Record a visit that was not planned in the system beforehand: planned and done on the same day. Every
    error of the form is reported at once, under the fields of a held visit."""
    errors: dict[str, str] = {}
    _put(errors, "visited_on", _held_error(visited_on, current_campaign(), timezone.localdate()))
    _put(errors, "summary", _text_error(summary, "总体情况", SUMMARY_MAX))
    errors.update({k: v for k, v in _observation_errors(observations or {}).items() if k not in errors})
    try:
        visit = visit_plan(user=user, group=group, organization=organization, method=method, subject=subject,
                           planned_on=visited_on, participants=participants, others=others)
    except ValidationError as exc:
        plan_errors = {k: v[0] for k, v in exc.message_dict.items() if k != "planned_on"}
        _raise({**plan_errors, **errors})
        raise
    _raise(errors)
    return visit_record(user=user, visit=visit, visited_on=visited_on, summary=summary, observations=observations)


@transaction.atomic
def visit_cancel(*, user: Any, visit: Visit, reason: str) -> Visit:
    _check_visit(user, visit)
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
def attachment_add(*, user: Any, visit: Visit, file: UploadedFile) -> VisitAttachment:
    _check_visit(user, visit)
    if visit.status == VisitStatus.CANCELLED:
        raise ValidationError({"file": "该活动已取消，不能再上传附件"})
    _raise({"file": reason} if (reason := upload_error(file)) else {})
    return VisitAttachment.objects.create(visit=visit, **stored_file_fields(file, user))


@transaction.atomic
def attachment_remove(*, user: Any, attachment: VisitAttachment) -> None:
    _check_visit(user, attachment.visit)
    if attachment.visit.findings.filter(problem__isnull=False).exists() and attachment.uploaded_by_id != user.pk:
        raise ValidationError({"file": "只有上传人可以删除已形成问题的活动附件"})
    stored = attachment.file
    attachment.delete()
    # The file goes only once the row is gone for good (a rolled-back transaction keeps both).
    transaction.on_commit(lambda: stored.delete(save=False))


# ---------------------------------------------------------------------------------------------------------
# Findings, and the problems they become.


def _finding_errors(*, visit: Visit, organization: Organization, requirement: str, description: str,
                    cadre: Cadre | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if visit.status != VisitStatus.DONE:
        errors["visit"] = "活动开展后才能登记发现的问题（请先记录活动情况）"
    if not _in_subtree(organization.path, visit.org_path):
        errors["organization"] = f"“{organization.name}”不在本次指导的单位范围内"
    if requirement not in Requirement.values:
        errors["requirement"] = "请选择对应的基本要求"
    _put(errors, "description", _text_error(description, "发现的问题", TEXT_MAX))
    if cadre is not None and not _in_subtree(cadre.organization.path, visit.org_path):
        errors["cadre"] = "该领导干部不在本次指导的单位"
    return errors


@transaction.atomic
def finding_add(*, user: Any, visit: Visit, description: str, requirement: str,
                organization: Organization | None = None, cadre: Cadre | None = None,
                needs_fix: bool = True) -> Finding:
    """Record something the visit found, at the visited unit or a unit below it."""
    _check_visit(user, visit)
    organization = organization or visit.organization
    if not _visible_org(user, organization):
        raise PermissionDenied("无权为该单位登记")
    _raise(_finding_errors(visit=visit, organization=organization, requirement=requirement,
                           description=description, cadre=cadre))
    return Finding.objects.create(visit=visit, organization=organization, org_path=organization.path,
                                  requirement=requirement, description=clean_text(description), cadre=cadre,
                                  needs_fix=bool(needs_fix), created_by=_user_or_none(user))


def _check_finding(user: Any, finding: Finding) -> None:
    if not Finding.objects.visible_to(user).filter(pk=finding.pk).exists():
        raise PermissionDenied("无权处理该问题")
    _check_group(user, finding.visit.group)


@transaction.atomic
def finding_update(*, user: Any, finding: Finding, description: str, requirement: str,
                   cadre: Cadre | None = None, needs_fix: bool = True) -> Finding:
    """Correct a finding not yet in the ledger (once a problem carries it, the problem is the record)."""
    _check_finding(user, finding)
    finding = Finding.objects.select_for_update().select_related("visit").get(pk=finding.pk)
    if finding.problem_id:
        raise ValidationError({"finding": "该发现已列入问题清单，请在问题清单中办理"})
    _raise(_finding_errors(visit=finding.visit, organization=finding.organization, requirement=requirement,
                           description=description, cadre=cadre))
    finding.description, finding.requirement = clean_text(description), requirement
    finding.cadre, finding.needs_fix = cadre, bool(needs_fix)
    finding.save()
    return finding


@transaction.atomic
def finding_delete(*, user: Any, finding: Finding) -> None:
    _check_finding(user, finding)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.problem_id:
        raise ValidationError({"finding": "该发现已列入问题清单，不能删除"})
    if finding.actions.exists() or finding.letters.exists():
        raise ValidationError({"finding": "该发现已作为处置或反馈意见的依据，不能删除"})
    finding.delete()


@transaction.atomic
def finding_raise_problem(*, user: Any, finding: Finding, category: str, severity: str = "ordinary",
                          fix_now: bool = False, deadline: dt.date | None = None, cause: str = "",
                          responsible_cadre: Cadre | None = None, responsible_unit: str = "",
                          special_campaign: SpecialCampaign | None = None, description: str = "",
                          steps: Sequence[dict[str, Any]] = ()) -> Problem:
    """Put a finding the unit must fix into its ledger: a problem with source 督导发现, registered through the
    problems service (which keeps every rule), linked to the finding. The unit then rectifies it; the group
    verifies the closure."""
    _check_finding(user, finding)
    finding = Finding.objects.select_for_update().select_related("organization", "visit").get(pk=finding.pk)
    if finding.problem_id:
        raise ValidationError({"finding": f"该发现已列入问题清单（{number_of(finding.problem_id)}）"})
    if not finding.needs_fix:
        raise ValidationError({"finding": "该发现是指导意见，不需要整改；如需整改请先改为“需要整改”"})
    problem = problem_services.problem_create(
        user=user, organization=finding.organization, description=description or finding.description,
        source=Source.VISIT, category=category, special_campaign=special_campaign, cause=cause,
        responsible_cadre=responsible_cadre if responsible_cadre is not None else finding.cadre,
        responsible_unit=responsible_unit, severity=severity, fix_now=fix_now, deadline=deadline, steps=steps,
    )
    finding.problem = problem
    finding.save()
    return problem


@transaction.atomic
def finding_reopen_problem(*, user: Any, finding: Finding, problem: Problem, note: str = "") -> Problem:
    """A closed problem found again on a visit: reopen it as a relapse (反弹) through the problems service, and
    link the finding to it."""
    _check_finding(user, finding)
    finding = Finding.objects.select_for_update().select_related("visit").get(pk=finding.pk)
    errors: dict[str, str] = {}
    if finding.problem_id:
        errors["finding"] = f"该发现已列入问题清单（{number_of(finding.problem_id)}）"
    elif not finding.needs_fix:
        errors["finding"] = "该发现是指导意见，不需要整改；如需整改请先改为“需要整改”"
    if problem.campaign_id != finding.visit.campaign_id:
        errors["problem"] = f"问题{problem.number}不是本次主题教育的问题"
    elif not _in_subtree(problem.org_path, finding.org_path):
        errors["problem"] = f"问题{problem.number}不是该单位的问题"
    elif problem.status != ProblemStatus.CLOSED:
        errors["problem"] = f"问题{problem.number}尚未销号，正在整改中，不必重新打开"
    _raise(errors)
    reason = clean_text(note) or f"督导发现问题反弹：{finding.description}"
    problem = problem_services.problem_act(user=user, problem=problem, action="reopen",
                                           note=f"{cn_date(finding.visit.day)}{finding.visit.group.name}"
                                                f"督导发现：{reason}"[:1000])
    finding.problem, finding.is_relapse = problem, True
    finding.save()
    return problem


# ---------------------------------------------------------------------------------------------------------
# The escalation ladder.


def ladder_position(*, campaign: Campaign, organization: Organization, cadre: Cadre | None = None,
                    exclude: Action | None = None) -> int:
    """The highest rung in force for this unit (or leader) in the campaign, 0 when none."""
    qs = Action.objects.filter(campaign=campaign, organization=organization, cadre=cadre, status__in=IN_FORCE)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    levels = set(qs.values_list("level", flat=True))
    return max((rung(level) for level in levels), default=0)


def ladder_positions(*, campaign: Campaign, organizations: Sequence[Organization]) -> dict[int, int]:
    """`ladder_position` of many units at once (actions on the unit itself, not on its leaders): one query."""
    found: dict[int, int] = {org.pk: 0 for org in organizations}
    rows = (Action.objects.filter(campaign=campaign, organization__in=list(found), cadre=None, status__in=IN_FORCE)
            .values_list("organization_id", "level").distinct())
    for org_id, level in rows:
        found[org_id] = max(found[org_id], rung(level))
    return found


def next_level(*, campaign: Campaign, organization: Organization, cadre: Cadre | None = None) -> str:
    """The rung that comes next: one above the highest in force (the top rung stays the top)."""
    position = ladder_position(campaign=campaign, organization=organization, cadre=cadre)
    return LADDER[min(position, len(LADDER) - 1)]


def skips(*, campaign: Campaign, organization: Organization, cadre: Cadre | None, level: str,
          exclude: Action | None = None) -> bool:
    """Whether taking `level` now jumps over a rung (which needs a written reason)."""
    return rung(level) > ladder_position(campaign=campaign, organization=organization, cadre=cadre,
                                         exclude=exclude) + 1


def _action_errors(*, user: Any, campaign: Campaign | None, organization: Organization, cadre: Cadre | None,
                   level: str, reason: str, skip_reason: str, findings: Sequence[Finding],
                   follow_up_on: dt.date | None, deciding: bool, exclude: Action | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if campaign is None or not campaign.is_current:
        errors["campaign"] = "当前没有正在开展的主题教育"
    if level not in Level.values:
        errors["level"] = "请选择处置方式"
    elif deciding and level not in levels_for(user):
        errors["level"] = f"{Level(level).label}由市委教育办决定，联络组可以提出建议"
    _put(errors, "reason", _text_error(reason, "事实和理由", TEXT_MAX))
    if cadre is not None and cadre.organization.path[:len(organization.path)] != organization.path:
        errors["cadre"] = "该领导干部不在处置单位"
    for finding in findings:
        if not _in_subtree(finding.org_path, organization.path):
            errors["findings"] = f"依据的发现“{finding.description[:20]}”不属于该单位"
            break
        if campaign is not None and finding.visit.campaign_id != campaign.pk:
            errors["findings"] = f"依据的发现“{finding.description[:20]}”不是本次主题教育的"
            break
    if follow_up_on is not None and follow_up_on < timezone.localdate():
        errors["follow_up_on"] = "跟踪日期不能早于今天"
    elif follow_up_on is not None and campaign is not None and campaign.ends_on and follow_up_on > campaign.ends_on:
        errors["follow_up_on"] = f"跟踪日期不能晚于主题教育结束日期{cn_date(campaign.ends_on)}"
    if "level" not in errors and campaign is not None and deciding and skips(
            campaign=campaign, organization=organization, cadre=cadre, level=level, exclude=exclude):
        expected = LADDER[ladder_position(campaign=campaign, organization=organization, cadre=cadre,
                                          exclude=exclude)]
        if not clean_text(skip_reason):
            errors["skip_reason"] = (f"按程序下一步应为“{Level(expected).label}”；直接{Level(level).label}"
                                     f"须写明越级处置的理由")
    _put(errors, "skip_reason", _text_error(skip_reason, "越级处置理由", TEXT_MAX, required=False))
    return errors


def _unit_contacts(organization: Organization) -> list[Any]:
    """Who at the unit hears of actions and letters: its contacts (参学单位联络员)."""
    from accounts.models import User

    return list(User.objects.filter(is_active=True, role=Role.UNIT, organization=organization))


def _withdraw_stale_proposals(campaign: Campaign, organization: Organization, cadre: Cadre | None = None) -> None:
    """A system proposal whose rung is now in force (someone took that step, or a higher one) is withdrawn: the
    office must not decide the same step twice. People's proposals stay for the office to decide."""
    position = ladder_position(campaign=campaign, organization=organization, cadre=cadre)
    for stale in Action.objects.filter(campaign=campaign, organization=organization, cadre=cadre,
                                       status=ActionStatus.PROPOSED, proposed_by__isnull=True):
        if rung(stale.level) <= position:
            stale.delete()  # the instance's delete: the audit log keeps it


def default_follow_up(campaign: Campaign, today: dt.date | None = None) -> dt.date:
    """When an action is followed up unless the decider says otherwise: FOLLOW_UP_DAYS on, within the campaign."""
    day = (today or timezone.localdate()) + dt.timedelta(days=FOLLOW_UP_DAYS)
    return min(day, campaign.ends_on) if campaign.ends_on else day


def _target(action: Action) -> str:
    return f"{action.organization.name}{action.cadre.name}同志" if action.cadre else action.organization.name


def _notify_decided(action: Action) -> None:
    notify(users=_unit_contacts(action.organization), key=f"supervision-action-{action.pk}",
           text=f"督导处置：对{_target(action)}{level_phrase(action.level)}。{action.reason[:60]}",
           url=f"/supervision/actions/{action.pk}/")


@transaction.atomic
def action_record(*, user: Any, organization: Organization, level: str, reason: str,
                  findings: Sequence[Finding] = (), cadre: Cadre | None = None, skip_reason: str = "",
                  follow_up_on: dt.date | None = None) -> Action:
    """Take a step on the ladder now (the unit's group: 指出促改, 纠正; the city's office: any). Skipping a rung
    needs a reason; every step has a follow-up date."""
    campaign = current_campaign()
    if not acts_on(user, organization, campaign):
        raise PermissionDenied("无权处置该单位")
    findings = list(findings)
    _raise(_action_errors(user=user, campaign=campaign, organization=organization, cadre=cadre, level=level,
                          reason=reason, skip_reason=skip_reason, findings=findings, follow_up_on=follow_up_on,
                          deciding=True))
    assert campaign is not None
    today = timezone.localdate()
    action = Action.objects.create(
        campaign=campaign, organization=organization, org_path=organization.path, cadre=cadre,
        group=liaison_group_of(organization, campaign), level=level, status=ActionStatus.DECIDED,
        reason=clean_text(reason), skip_reason=clean_text(skip_reason), proposed_at=timezone.now(),
        proposed_by=_user_or_none(user), decided_by=_user_or_none(user), decided_on=today,
        follow_up_on=follow_up_on or default_follow_up(campaign, today),
    )
    audit.set_links(action, "findings", [f.pk for f in findings])
    _withdraw_stale_proposals(campaign, organization, cadre)
    _notify_decided(action)
    return action


@transaction.atomic
def action_propose(*, user: Any, organization: Organization, level: str, reason: str,
                   findings: Sequence[Finding] = (), cadre: Cadre | None = None) -> Action:
    """The unit's group (or the city's office) proposes a step for the office to decide — typically 严肃批评 or
    组织处理, which a group does not take itself. It replaces the system's open proposal for the same target, or
    the proposer's own; someone else's stands until the office decides it."""
    campaign = current_campaign()
    if not acts_on(user, organization, campaign):
        raise PermissionDenied("无权处置该单位")
    findings = list(findings)
    errors = _action_errors(user=user, campaign=campaign, organization=organization, cadre=cadre, level=level,
                            reason=reason, skip_reason="", findings=findings, follow_up_on=None, deciding=False)
    assert campaign is not None or errors
    existing = (Action.objects.select_for_update().filter(campaign=campaign, organization=organization, cadre=cadre,
                                                          status=ActionStatus.PROPOSED).first() if campaign else None)
    if existing is not None and existing.proposed_by_id not in (None, getattr(user, "pk", None)):
        errors.setdefault("organization", f"{existing.proposed_by}已提出处置建议，待教育办决定后再提")
    _raise(errors)
    assert campaign is not None
    if existing is not None:
        existing.delete()  # the instance's delete: the audit log keeps it
    try:
        with transaction.atomic():
            action = Action.objects.create(
                campaign=campaign, organization=organization, org_path=organization.path, cadre=cadre,
                group=liaison_group_of(organization, campaign), level=level, status=ActionStatus.PROPOSED,
                reason=clean_text(reason), proposed_at=timezone.now(), proposed_by=_user_or_none(user),
            )
    except IntegrityError:  # another proposal for the same target was made meanwhile
        raise ValidationError({"organization": "该单位刚有新的处置建议，请刷新后再看"}) from None
    audit.set_links(action, "findings", [f.pk for f in findings])
    _notify_office(action)
    return action


def _notify_office(action: Action) -> None:
    """The city's office (of the unit's city) hears of a proposal waiting for it."""
    from accounts.models import User

    root = action.org_path[:Organization.steplen]
    office = User.objects.filter(is_active=True, role=Role.OFFICE, organization__depth=1, organization__path=root)
    notify(users=office, key=f"supervision-proposal-{action.pk}",
           text=f"处置建议待决定：对{_target(action)}{level_phrase(action.level)}",
           url=f"/supervision/actions/{action.pk}/")


def _check_action(user: Any, action: Action) -> Action:
    if not Action.objects.visible_to(user).filter(pk=action.pk).exists():
        raise PermissionDenied("无权处理该处置")
    return Action.objects.select_for_update().select_related("organization", "campaign").get(pk=action.pk)


@transaction.atomic
def action_decide(*, user: Any, action: Action, level: str | None = None, reason: str | None = None,
                  skip_reason: str = "", follow_up_on: dt.date | None = None, note: str = "") -> Action:
    """The office takes up a proposal (it may change the level or the reason): the action is in force."""
    if not decides_actions(user):
        raise PermissionDenied("处置建议由市委教育办决定")
    action = _check_action(user, action)
    if action.status != ActionStatus.PROPOSED:
        raise ValidationError({"status": f"该处置{action.get_status_display()}，不是待决定的建议"})
    level = level or action.level
    reason = reason if reason is not None else action.reason
    findings = list(action.findings.all())
    errors = _action_errors(user=user, campaign=action.campaign, organization=action.organization,
                            cadre=action.cadre, level=level, reason=reason, skip_reason=skip_reason,
                            findings=findings, follow_up_on=follow_up_on, deciding=True, exclude=action)
    _put(errors, "decision_note", _text_error(note, "决定意见", TEXT_MAX, required=False))
    _raise(errors)
    action.level, action.reason, action.skip_reason = level, clean_text(reason), clean_text(skip_reason)
    action.status, action.decided_by, action.decided_on = ActionStatus.DECIDED, user, timezone.localdate()
    action.follow_up_on = follow_up_on or default_follow_up(action.campaign)
    action.decision_note = clean_text(note)
    action.save()
    _withdraw_stale_proposals(action.campaign, action.organization, action.cadre)
    _notify_decided(action)
    return action


@transaction.atomic
def action_dismiss(*, user: Any, action: Action, note: str) -> Action:
    """The office does not take a proposal up, and says why."""
    if not decides_actions(user):
        raise PermissionDenied("处置建议由市委教育办决定")
    action = _check_action(user, action)
    errors: dict[str, str] = {}
    if action.status != ActionStatus.PROPOSED:
        errors["status"] = f"该处置{action.get_status_display()}，不是待决定的建议"
    _put(errors, "decision_note", _text_error(note, "不予采纳的理由", TEXT_MAX))
    _raise(errors)
    action.status, action.decided_by, action.decided_on = ActionStatus.DISMISSED, user, timezone.localdate()
    action.decision_note = clean_text(note)
    action.save()
    return action


@transaction.atomic
def action_follow_up(*, user: Any, action: Action, result: str) -> Action:
    """Record what came of an action (整改了没有, 领导小组怎么决定的): it is done."""
    action = _check_action(user, action)
    if not (decides_actions(user) or (action.group is not None and guides(user, action.group))):
        raise PermissionDenied("只有本联络组成员和市委教育办可以登记处置结果")
    errors: dict[str, str] = {}
    if action.status != ActionStatus.DECIDED:
        errors["status"] = f"该处置{action.get_status_display()}，不能登记结果"
    _put(errors, "result", _text_error(result, "处置结果", TEXT_MAX))
    _raise(errors)
    action.status, action.result, action.result_on = ActionStatus.DONE, clean_text(result), timezone.localdate()
    action.result_by = user
    action.save()
    return action


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
def action_proposals_refresh(*, campaign: Campaign | None = None, today: dt.date | None = None) -> int:
    """Propose the next rung for every unit assigned to a liaison group whose findings repeat or whose problems
    stay overdue (OVERDUE_PROBLEMS or more, OVERDUE_DAYS past due, and no decision on the unit in that time).
    Idempotent: a unit keeps at most one open proposal, refreshed when its basis changes (a person's proposal is
    left alone); the office decides. Returns the number of new proposals."""
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


# ---------------------------------------------------------------------------------------------------------
# Feedback letters.


def letter_compose(*, group: LiaisonGroup, organization: Organization, findings: Sequence[Finding],
                   actions: Sequence[Action], reply_due_on: dt.date | None) -> dict[str, str]:
    """A draft letter from the records: title, recipient and body (plain text; lines starting with 一、 （一）
    are headings), for the group to edit before issuing."""
    visits = sorted({f.visit for f in findings}, key=lambda v: (v.day, v.pk))
    held = "、".join(f"{cn_date(v.day)}{v.method.name}" for v in visits)
    leading_group = office_name(organization).removesuffix("办公室")
    lines = [f"根据{leading_group}部署，{group.name}对{organization.name}开展主题教育情况进行了督促指导"
             + (f"，先后{held}" if len(visits) > 1 else f"，{held}" if visits else "")
             + "。现将有关情况反馈如下。"]
    lines.append("一、发现的主要问题")
    by_requirement: dict[str, list[Finding]] = {}
    for finding in findings:
        by_requirement.setdefault(finding.requirement, []).append(finding)
    numerals = "一二三四五六七八九十"
    for i, (requirement, items) in enumerate(sorted(by_requirement.items(),
                                                    key=lambda kv: Requirement.values.index(kv[0]))):
        lines.append(f"（{numerals[i]}）{Requirement(requirement).label}方面")
        for j, finding in enumerate(items, start=1):
            tail = f"（已列入问题清单，编号{number_of(finding.problem_id)}）" if finding.problem_id else ""
            lines.append(f"{j}. {finding.description}{tail}")
    if not findings:
        lines.append("本次督促指导未发现需要整改的问题。")
    if actions:
        lines.append("二、处置意见")
        for j, action in enumerate(actions, start=1):
            lines.append(f"{j}. 对{_target(action)}{level_phrase(action.level)}：{action.reason}")
    n = "三" if actions else "二"
    lines.append(f"{n}、整改要求")
    lines.append("请对照反馈的问题，逐条列出整改措施、责任领导和完成时限，纳入问题清单，立查立改、即知即改，"
                 "对账销号，防止向群众交假账、交空账。整改情况由本组核验。")
    if reply_due_on:
        lines.append(f"请于{cn_date(reply_due_on)}前将整改落实情况报送{group.name}。")
    return {
        "title": f"关于对{organization.name}主题教育督促指导情况的反馈意见",
        "recipient": organization.name,
        "body": "\n".join(lines),
    }


def _letter_errors(*, group: LiaisonGroup, organization: Organization, title: str, recipient: str, body: str,
                   findings: Sequence[Finding], actions: Sequence[Action],
                   reply_due_on: dt.date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    campaign = group.campaign
    if liaison_group_of(organization, campaign) != group:
        errors["organization"] = f"“{organization.name}”不是{group.name}联系的单位"
    _put(errors, "title", _text_error(title, "标题", 200))
    _put(errors, "recipient", _text_error(recipient, "主送", 100))
    _put(errors, "body", _text_error(body, "正文", LETTER_MAX))
    for finding in findings:
        if not _in_subtree(finding.org_path, organization.path):
            errors["findings"] = f"反馈的问题“{finding.description[:20]}”不属于该单位"
            break
        if finding.visit.campaign_id != campaign.pk:
            errors["findings"] = f"反馈的问题“{finding.description[:20]}”不是本次主题教育的"
            break
    for action in actions:
        if not _in_subtree(action.org_path, organization.path) or action.status not in IN_FORCE:
            errors["actions"] = "只能反馈该单位已决定的处置"
            break
    if reply_due_on is not None and reply_due_on < timezone.localdate():
        errors["reply_due_on"] = "报送时限不能早于今天"
    return errors


@transaction.atomic
def letter_create(*, user: Any, group: LiaisonGroup, organization: Organization,
                  findings: Sequence[Finding] = (), actions: Sequence[Action] = (),
                  reply_due_on: dt.date | None = None, title: str = "", recipient: str = "",
                  body: str = "") -> FeedbackLetter:
    """Draft a feedback letter; title, recipient and body default to `letter_compose` of the records."""
    _check_group(user, group)
    if not _visible_org(user, organization):
        raise PermissionDenied("无权向该单位反馈")
    # Read afresh: the draft names the problems findings became, which callers' objects may not know yet.
    findings = list(Finding.objects.filter(pk__in=[f.pk for f in findings]).select_related("visit__method")
                    .order_by("id"))
    actions = list(Action.objects.filter(pk__in=[a.pk for a in actions]).select_related("cadre", "organization")
                   .order_by("id"))
    draft = letter_compose(group=group, organization=organization, findings=findings, actions=actions,
                           reply_due_on=reply_due_on)
    title, recipient, body = title or draft["title"], recipient or draft["recipient"], body or draft["body"]
    _raise(_letter_errors(group=group, organization=organization, title=title, recipient=recipient, body=body,
                          findings=findings, actions=actions, reply_due_on=reply_due_on))
    letter = FeedbackLetter.objects.create(
        campaign=group.campaign, group=group, organization=organization, org_path=organization.path,
        title=clean_text(title), recipient=clean_text(recipient), body=body.strip(), reply_due_on=reply_due_on,
        created_by=_user_or_none(user),
    )
    audit.set_links(letter, "findings", [f.pk for f in findings])
    audit.set_links(letter, "actions", [a.pk for a in actions])
    return letter


def _check_letter(user: Any, letter: FeedbackLetter) -> FeedbackLetter:
    if not FeedbackLetter.objects.visible_to(user).filter(pk=letter.pk).exists():
        raise PermissionDenied("无权处理该反馈意见")
    _check_group(user, letter.group)
    return FeedbackLetter.objects.select_for_update().select_related("group", "organization").get(pk=letter.pk)


@transaction.atomic
def letter_update(*, user: Any, letter: FeedbackLetter, title: str, recipient: str, body: str,
                  reply_due_on: dt.date | None = None, findings: Sequence[Finding] | None = None,
                  actions: Sequence[Action] | None = None) -> FeedbackLetter:
    letter = _check_letter(user, letter)
    if letter.status != LetterStatus.DRAFT:
        raise ValidationError({"status": "已印发的反馈意见不能修改"})
    findings = list(letter.findings.all()) if findings is None else list(findings)
    actions = list(letter.actions.all()) if actions is None else list(actions)
    _raise(_letter_errors(group=letter.group, organization=letter.organization, title=title, recipient=recipient,
                          body=body, findings=findings, actions=actions, reply_due_on=reply_due_on))
    letter.title, letter.recipient, letter.body = clean_text(title), clean_text(recipient), body.strip()
    letter.reply_due_on = reply_due_on
    letter.save()
    audit.set_links(letter, "findings", [f.pk for f in findings])
    audit.set_links(letter, "actions", [a.pk for a in actions])
    return letter


def letter_abbreviation() -> str:
    """发文机关代字 of the letters' numbers (settings.JYB_LETTER_ABBR)."""
    return str(getattr(settings, "JYB_LETTER_ABBR", "") or "教育办督")


@transaction.atomic
def letter_issue(*, user: Any, letter: FeedbackLetter) -> FeedbackLetter:
    """Issue a draft: it takes the next document number of the year (发文字号 “代字〔年份〕序号号”), is locked,
    and the unit is told."""
    letter = _check_letter(user, letter)
    if letter.status != LetterStatus.DRAFT:
        raise ValidationError({"status": "该反馈意见已印发"})
    today = timezone.localdate()
    letter.status, letter.issued_on, letter.issued_by = LetterStatus.ISSUED, today, user
    # The next number of the year. Two letters issued at once may both take it: the unique (year, serial)
    # constraint refuses the second, which then takes the one after (a savepoint keeps the transaction usable).
    for _attempt in range(5):
        last = FeedbackLetter.objects.filter(year=today.year).aggregate(m=Max("serial"))["m"] or 0
        letter.year, letter.serial = today.year, last + 1
        letter.number = f"{letter_abbreviation()}〔{today.year}〕{letter.serial}号"
        try:
            with transaction.atomic():
                letter.save()
            break
        except IntegrityError:
            continue
    else:
        raise ValidationError({"status": "印发的人较多，文号未能取得，请稍后再试"})
    notify(users=_unit_contacts(letter.organization), key=f"supervision-letter-{letter.pk}",
           text=f"{letter.group.name}印发{letter.title}（{letter.number}）",
           url=f"/supervision/letters/{letter.pk}/")
    return letter


# ---------------------------------------------------------------------------------------------------------
# Keeping copies of paths.


def supervision_follow_move(sender: Any, *, old_path: str, new_path: str, **kwargs: Any) -> None:
    """After `orgs.services.org_move`: the copies of the moved subtree's paths follow (same transaction)."""
    from core.scoping import subtree_q

    count = 0
    for model in (Visit, Finding, Action, FeedbackLetter):
        count += model.objects.filter(subtree_q("org_path", old_path)).update(
            org_path=Concat(Value(new_path), Substr(F("org_path"), len(old_path) + 1)))
    if count:
        audit.record(AuditEntry.Action.UPDATE, object_type="supervision", object_id="",
                     object_repr=f"{count}条督导记录随组织调整", before={"path": old_path},
                     after={"path": new_path})


def group_units(group: LiaisonGroup) -> list[Organization]:
    return [a.organization for a in group.assignments.select_related("organization").order_by("organization__path")]

