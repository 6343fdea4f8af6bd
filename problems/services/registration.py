"""Registration and the record: due dates, the record's field rules, `problem_create` and `problem_update`."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.actors import Actor, user_or_none
from campaigns.models import Campaign
from campaigns.selectors import campaigns_of, current_campaign
from core.cn import cn_date
from core.validation import choice_error as _choice_error
from core.validation import clean_text
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from orgs.models import Cadre, Organization
from problems.choices import (
    DEFAULT_DAYS,
    FIX_NOW_DAYS,
    Category,
    ProblemAction,
    ProblemStatus,
    Severity,
    Source,
)
from problems.models import Problem, RectificationStep, SpecialCampaign
from problems.permissions import can_raise_problem, ensure_problem_editable, source_refusal
from problems.services._common import (
    TEXT_MAX,
    _bump,
    _check_version,
    _future_date_error,
    _locked,
    _record,
    _step_errors,
)

DESCRIPTION_MAX = 2000
REF_MAX = 200


def due_date(*, registered_on: dt.date, deadline: dt.date | None, severity: str, fix_now: bool,
             campaign: Campaign | None = None) -> dt.date:
    """The due date: the deadline when given, else the default for the severity (立查立改: FIX_NOW_DAYS), but
    not after the campaign's end."""
    if deadline is not None:
        return deadline
    days = FIX_NOW_DAYS if fix_now else DEFAULT_DAYS.get(severity, DEFAULT_DAYS[Severity.ORDINARY])
    due = registered_on + dt.timedelta(days=days)
    if campaign is not None and campaign.ends_on is not None and campaign.ends_on >= registered_on:
        due = min(due, campaign.ends_on)
    return due


def _cadre_error(organization: Organization, cadre: Cadre | None) -> str | None:
    """The responsible leader belongs to the problem's organisation or one above it."""
    if cadre is None:
        return None
    if cadre.organization_id != organization.pk and not organization.path.startswith(cadre.organization.path):
        return f"责任领导应为“{organization.name}”或其上级组织的领导干部"
    return None


def _special_error(special: SpecialCampaign | None, campaign: Campaign | None) -> str | None:
    if special is None:
        return None
    if campaign is None or special.campaign_id != campaign.pk:
        return "专项整治不属于当前主题教育"
    if not special.is_active:
        return f"专项整治“{special.name}”已结束"
    return None


def _field_errors(*, organization: Organization, campaign: Campaign | None, fields: dict[str, Any],
                  partial: bool = False) -> dict[str, str]:
    """Rules of the record's own fields. `partial`: only the fields given (updates)."""
    errors: dict[str, str] = {}

    def given(name: str) -> bool:
        return not partial or name in fields

    if given("description"):
        _put(errors, "description", _text_error(fields.get("description"), "问题表现", DESCRIPTION_MAX))
    if given("source"):
        _put(errors, "source", _choice_error(fields.get("source", ""), Source, "问题来源"))
    if given("category"):
        _put(errors, "category", _choice_error(fields.get("category", ""), Category, "问题类别"))
    if given("severity"):
        _put(errors, "severity", _choice_error(fields.get("severity", Severity.ORDINARY), Severity, "严重程度"))
    if given("cause"):
        _put(errors, "cause", _text_error(fields.get("cause"), "原因分析", TEXT_MAX, required=False))
    if given("responsible_unit"):
        _put(errors, "responsible_unit",
             _text_error(fields.get("responsible_unit"), "责任单位", 100, required=False))
    for name, label in (("event_ref", "关联重大事项"), ("case_ref", "关联典型案例"), ("petition_ref", "关联信访积案")):
        if given(name):
            _put(errors, name, _text_error(fields.get(name), label, REF_MAX, required=False))
    if given("responsible_cadre"):
        _put(errors, "responsible_cadre", _cadre_error(organization, fields.get("responsible_cadre")))
    if given("special_campaign"):
        _put(errors, "special_campaign", _special_error(fields.get("special_campaign"), campaign))
    if given("deadline"):
        _put(errors, "deadline", _future_date_error(fields.get("deadline"), "完成时限", campaign=campaign))
    return errors


RECORD_FIELDS = ("description", "source", "category", "special_campaign", "event_ref", "case_ref", "petition_ref",
                 "cause", "responsible_cadre", "responsible_unit", "severity", "fix_now", "deadline")


@transaction.atomic
def problem_create(*, actor: Actor, organization: Organization, description: str, source: str, category: str,
                   campaign: Campaign | None = None, special_campaign: SpecialCampaign | None = None,
                   event_ref: str = "", case_ref: str = "", petition_ref: str = "", cause: str = "",
                   responsible_cadre: Cadre | None = None, responsible_unit: str = "",
                   severity: str = Severity.ORDINARY, fix_now: bool = False, deadline: dt.date | None = None,
                   steps: Sequence[dict[str, Any]] = (), life_meeting_item: Any = None,
                   note: str = "") -> Problem:
    """Register a problem of `organization` (已登记). Every way a problem comes in — the form, the API, a ledger
    import, a life meeting's criticism item, a liaison group's finding — comes through here.

    `steps`: rectification steps to add at once, each {measure, owner, deadline}. `note`: said on the
    registration in the problem's history (e.g. how an import read its deadline)."""
    if not can_raise_problem(actor, organization):
        raise PermissionDenied("无权为该组织登记问题")
    campaign = campaign or current_campaign()
    fields = {"description": description, "source": source, "category": category,
              "special_campaign": special_campaign, "event_ref": event_ref, "case_ref": case_ref,
              "petition_ref": petition_ref, "cause": cause, "responsible_cadre": responsible_cadre,
              "responsible_unit": responsible_unit, "severity": severity, "deadline": deadline}
    errors: dict[str, str] = {}
    if campaign is None:
        errors["campaign"] = "当前没有正在开展的主题教育，无法登记问题"
    elif not campaign.is_current:
        errors["campaign"] = f"“{campaign}”不是当前开展的主题教育，不能再登记问题"
    elif not campaigns_of(organization).filter(pk=campaign.pk).exists():
        errors["organization"] = f"“{organization.name}”不参加“{campaign}”，不能为它登记问题"
    errors.update({k: v for k, v in _field_errors(organization=organization, campaign=campaign,
                                                  fields=fields).items() if k not in errors})
    if (refusal := source_refusal(actor, source)) and "source" not in errors:
        errors["source"] = refusal
    if life_meeting_item is not None and life_meeting_item.meeting.organization_id != organization.pk:
        errors["life_meeting_item"] = "生活会意见不属于该组织"
    for i, step in enumerate(steps, start=1):
        reason = _step_errors(step, campaign)
        if reason:
            errors.setdefault("steps", f"第{i}项整改措施：{reason}")
    _raise(errors)
    assert campaign is not None
    today = timezone.localdate()
    problem = Problem(
        campaign=campaign, organization=organization, org_path=organization.path,
        description=clean_text(description), source=source, category=category, special_campaign=special_campaign,
        event_ref=clean_text(event_ref), case_ref=clean_text(case_ref), petition_ref=clean_text(petition_ref),
        life_meeting_item=life_meeting_item, cause=clean_text(cause), responsible_cadre=responsible_cadre,
        responsible_unit=clean_text(responsible_unit) or organization.name, severity=severity,
        fix_now=bool(fix_now), deadline=deadline, registered_on=today,
        due_on=due_date(registered_on=today, deadline=deadline, severity=severity, fix_now=bool(fix_now),
                        campaign=campaign),
        created_by=user_or_none(actor),
    )
    problem.save()
    for step in steps:
        RectificationStep.objects.create(problem=problem, measure=clean_text(step["measure"]),
                                         owner=clean_text(step.get("owner")), deadline=step.get("deadline"))
    if steps:
        Problem.objects.filter(pk=problem.pk).update(step_count=len(steps))
        problem.step_count = len(steps)
    _record(problem, ProblemAction.REGISTER, actor, to_status=ProblemStatus.REGISTERED, note=clean_text(note))
    return problem


@transaction.atomic
def problem_update(*, actor: Actor, problem: Problem, version: int | None, **fields: Any) -> Problem:
    """Change a problem's record (not its status: see `problem_act`). The deadline can be changed while the
    problem is only registered; after that, only an approved extension moves it."""
    unknown = set(fields) - set(RECORD_FIELDS)
    assert not unknown, f"unknown fields {unknown}"
    problem = _locked(problem)
    ensure_problem_editable(actor, problem)
    _check_version(problem, version)
    errors = _field_errors(organization=problem.organization, campaign=problem.campaign, fields=fields,
                           partial=True)
    if "source" in fields and fields["source"] != problem.source:
        # Where a problem came from is a fact of its registration: relabelling a problem the masses raised as
        # self-found would credit its leader with 检视问题 and close the masses' feedback page.
        errors["source"] = "问题来源登记后不能修改"
    due_fields = {"deadline", "severity", "fix_now"}
    if any(name in fields and fields[name] != getattr(problem, name) for name in due_fields):
        if problem.status != ProblemStatus.REGISTERED:
            errors.setdefault("deadline", "整改开始后不能直接修改完成时限，请申请延期")
        elif problem.due_on < timezone.localdate():
            errors.setdefault("deadline", "问题已逾期，不能直接修改完成时限，请申请延期")
    _raise(errors)
    changed = False
    for name, value in fields.items():
        if isinstance(value, str):
            value = clean_text(value)
        if name == "responsible_unit" and not value:
            value = problem.organization.name
        if getattr(problem, name) != value:
            setattr(problem, name, value)
            changed = True
    if not changed:
        return problem
    old_due = problem.due_on
    if problem.status == ProblemStatus.REGISTERED:
        problem.due_on = due_date(registered_on=problem.registered_on, deadline=problem.deadline,
                                  severity=problem.severity, fix_now=problem.fix_now, campaign=problem.campaign)
    _bump(problem)
    problem.save()
    if problem.due_on != old_due:  # a moved due date is visible on the timeline, not only in the audit log
        _record(problem, ProblemAction.REGISTER, actor, from_status=problem.status, to_status=problem.status,
                note=f"修改完成时限：到期日由{cn_date(old_due)}改为{cn_date(problem.due_on)}",
                data={"old_due_on": old_due.isoformat(), "new_due_on": problem.due_on.isoformat()})
    return problem
