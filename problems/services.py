"""Every write of the problem ledger and its rules, in one place: pages, the API, imports, bulk actions, the
demo generator and supervision's findings all call these.

The lifecycle: `problem_act` is the only function that changes `Problem.status`. It is driven by the
transition table `problems.choices.TRANSITIONS` (from which states, to which, for which roles, whether a
written reason or evidence is needed, whether the actor must be someone other than the owner). Closure is
earned (DESIGN §4.4): the closer is never the owner or of the owner's unit, evidence is required and frozen,
closer and time come from the session, a closed problem is read only and only a visible reopening changes it.

Every write that changes a problem bumps `Problem.version`; a caller that read version N and writes against a
row now at N+1 is refused (two people on one problem cannot overwrite each other silently).

Bad input raises ValidationError({field: Chinese reason}) and writes nothing.
"""

import datetime as dt
import hashlib
import hmac
import ipaddress
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from campaigns.models import Campaign
from campaigns.selectors import campaigns_of, current_campaign, manages_campaigns
from core import audit
from core.cn import cn_date
from core.files import file_sha256, upload_error, upload_max_mb
from core.http import public_url_fault
from core.models import AuditEntry
from core.validation import choice_error as _choice_error
from core.validation import clean_text
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from orgs.models import Cadre, Organization
from problems.choices import (
    DEFAULT_DAYS,
    FIX_NOW_DAYS,
    LIAISON_SOURCES,
    OWNER_ROLES,
    RAISER_ROLES,
    Category,
    ExtensionStatus,
    ProblemAction,
    ProblemStatus,
    Rating,
    Severity,
    Source,
    Transition,
    transitions_for,
)
from problems.models import (
    Closure,
    Evidence,
    Extension,
    Problem,
    RectificationStep,
    Satisfaction,
    SavedFilter,
    SpecialCampaign,
    TransitionRecord,
)

EVIDENCE_SUFFIXES = frozenset({".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png"})
DESCRIPTION_MAX = 2000
TEXT_MAX = 2000
NOTE_MAX = 1000
REF_MAX = 200
# What an action whose note the table requires says when it is missing (else "请写明…的理由").
NOTE_REQUIRED: dict[str, str] = {
    ProblemAction.CLOSE: "请填写核验意见：核对了哪些整改情况和佐证材料，整改是否到位",
}
# The public feedback page: one sender may rate one problem this many times a day, and send this many ratings
# an hour in all (a sender is a keyed hash of the address, see `feedback_source`).
FEEDBACK_PER_PROBLEM_PER_DAY = 3
FEEDBACK_PER_HOUR = 20


def _role(user: Any) -> str | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


# ---------------------------------------------------------------------------------------------------------
# Who may do what (pages use these to show or hide buttons; the services enforce them).


def sees_problem(user: Any, problem: Problem) -> bool:
    return Problem.objects.visible_to(user).filter(pk=problem.pk).exists()


def may_raise(user: Any) -> bool:
    return _role(user) in RAISER_ROLES


def sources_for(user: Any) -> list[str]:
    """The sources (问题来源) `user` may give a problem they register: the one rule of the form, the API and the
    ledger import. 督导发现 records what a liaison group found on a visit: liaison members register only that, the
    office (which runs the liaison groups and raises their findings) any source, and a unit any other — a unit
    cannot label its own problem as found by supervision."""
    role = _role(user)
    if role == Role.LIAISON:
        return sorted(LIAISON_SOURCES)
    if role == Role.OFFICE:
        return list(Source.values)
    return [s for s in Source.values if s not in LIAISON_SOURCES]


def source_refusal(user: Any, source: str) -> str | None:
    """Why `user` may not register a problem with `source` (a known one), or None."""
    if not source or source not in Source.values or source in sources_for(user):
        return None
    if _role(user) == Role.LIAISON:
        return "联络组登记的问题来源应为“督导发现”"
    allowed = "、".join(str(Source(s).label) for s in sources_for(user))
    return f"“{Source(source).label}”只能由联络组根据督导发现登记，本单位登记的问题来源应为{allowed}之一"


def may_edit(user: Any) -> bool:
    """The unit (its own subtree) and the office edit a problem's record and steps; liaison groups and leaders
    do not (不越位、不包办)."""
    return _role(user) in OWNER_ROLES


def owner_reason(user: Any, problem: Problem) -> str | None:
    """Why `user` counts as the problem's owner (and so may not verify it), or None. The owner is the unit the
    problem belongs to and the people who registered it for the unit or claimed its closure."""
    if user.organization_id == problem.organization_id:
        return "整改责任单位的人员不能核验本单位的问题"
    if problem.claimed_by_id == user.pk:
        return "申请销号的人不能核验自己申请的问题"
    if problem.created_by_id == user.pk and user.role in OWNER_ROLES:
        return "登记问题的人不能核验自己登记的问题"
    if problem.evidence.filter(uploaded_by_id=user.pk).exists():
        return "上传佐证材料的人不能核验依据自己材料的问题"
    return None


def allowed_actions(user: Any, problem: Problem) -> list[str]:
    """The actions `user` may take on `problem` now (for buttons; `problem_act` checks again)."""
    actions: list[str] = []
    if not sees_problem(user, problem):
        return actions
    for action in ProblemAction.values:
        if action == ProblemAction.REGISTER:
            continue
        rule = rule_for(problem, action)
        if rule is None or _role(user) not in rule.roles:
            continue
        if rule.verifier and owner_reason(user, problem):
            continue
        if (action in (ProblemAction.APPROVE_EXTENSION, ProblemAction.REJECT_EXTENSION)
                and not _pending_extension(problem)):
            continue
        if action == ProblemAction.REQUEST_EXTENSION and _pending_extension(problem):
            continue
        actions.append(action)
    return actions


# ---------------------------------------------------------------------------------------------------------
# Dates.


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


def _future_date_error(value: Any, label: str, *, campaign: Campaign | None = None,
                       required: bool = False) -> str | None:
    """A deadline is today or later (no back-dating) and, when the campaign has an end, not after it."""
    if value is None:
        return f"请填写{label}" if required else None
    if not isinstance(value, dt.date):
        return f"{label}格式不正确"
    if value < timezone.localdate():
        return f"{label}不能早于今天（{cn_date(timezone.localdate())}）"
    if campaign is not None and campaign.ends_on is not None and value > campaign.ends_on:
        return f"{label}不能晚于主题教育结束日期（{cn_date(campaign.ends_on)}）"
    return None


# ---------------------------------------------------------------------------------------------------------
# Registration and the record.


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


def _record(problem: Problem, action: str, user: Any, *, from_status: str = "", to_status: str = "",
            note: str = "", data: dict[str, Any] | None = None) -> TransitionRecord:
    return TransitionRecord.objects.create(
        problem=problem, action=action, from_status=from_status, to_status=to_status,
        actor=user if getattr(user, "is_authenticated", False) else None,
        actor_name=(str(user) if getattr(user, "is_authenticated", False) else audit.current_actor().name)[:150],
        at=timezone.now(), note=note, data=data or {},
    )


def _visible_org(user: Any, organization: Organization) -> bool:
    return Organization.objects.visible_to(user).filter(pk=organization.pk).exists()


@transaction.atomic
def problem_create(*, user: Any, organization: Organization, description: str, source: str, category: str,
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
    if _role(user) not in RAISER_ROLES or not _visible_org(user, organization):
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
    if (refusal := source_refusal(user, source)) and "source" not in errors:
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
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    problem.save()
    for step in steps:
        RectificationStep.objects.create(problem=problem, measure=clean_text(step["measure"]),
                                         owner=clean_text(step.get("owner")), deadline=step.get("deadline"))
    if steps:
        Problem.objects.filter(pk=problem.pk).update(step_count=len(steps))
        problem.step_count = len(steps)
    _record(problem, ProblemAction.REGISTER, user, to_status=ProblemStatus.REGISTERED, note=clean_text(note))
    return problem


def _locked(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().select_related("organization").get(pk=problem.pk)


def _check_version(problem: Problem, version: int | None) -> None:
    if version is not None and int(version) != problem.version:
        raise ValidationError({"version": "该问题已被他人修改，您看到的不是最新内容。请刷新页面，核对后重新提交。"})


def _editable_errors(user: Any, problem: Problem) -> None:
    """The owner side edits a problem's record, steps and evidence while it is being rectified."""
    if not may_edit(user) or not sees_problem(user, problem):
        raise PermissionDenied("无权修改该问题")
    if problem.status == ProblemStatus.CLOSED:
        raise ValidationError({"status": "问题已销号，记录已锁定，不能修改。确需修改的，由核验人员重新打开后再改。"})
    if problem.status == ProblemStatus.CLAIMED:
        raise ValidationError({"status": "问题已申请销号，核验期间不能修改。如需修改，请核验人员退回后再改。"})


def _bump(problem: Problem) -> None:
    problem.version += 1


@transaction.atomic
def problem_update(*, user: Any, problem: Problem, version: int | None, **fields: Any) -> Problem:
    """Change a problem's record (not its status: see `problem_act`). The deadline can be changed while the
    problem is only registered; after that, only an approved extension moves it."""
    unknown = set(fields) - set(RECORD_FIELDS)
    assert not unknown, f"unknown fields {unknown}"
    problem = _locked(problem)
    _editable_errors(user, problem)
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
        _record(problem, ProblemAction.REGISTER, user, from_status=problem.status, to_status=problem.status,
                note=f"修改完成时限：到期日由{cn_date(old_due)}改为{cn_date(problem.due_on)}",
                data={"old_due_on": old_due.isoformat(), "new_due_on": problem.due_on.isoformat()})
    return problem


# ---------------------------------------------------------------------------------------------------------
# Rectification steps and evidence.


def _step_errors(step: dict[str, Any], campaign: Campaign | None) -> str | None:
    return (_text_error(step.get("measure"), "整改措施", TEXT_MAX)
            or _text_error(step.get("owner"), "责任人", 100, required=False)
            or _future_date_error(step.get("deadline"), "完成时限", campaign=campaign))


def _step_for_write(user: Any, step: RectificationStep, version: int | None) -> tuple[Problem, RectificationStep]:
    """The step's problem locked and checked for an edit by `user` at `version`, and the step read again under
    the lock."""
    problem = _locked(step.problem)
    _editable_errors(user, problem)
    _check_version(problem, version)
    return problem, RectificationStep.objects.get(pk=step.pk, problem=problem)


def _steps_changed(problem: Problem) -> None:
    """After a step was added, changed or removed: the problem's counters exact again and a new version."""
    problem.step_count = problem.steps.count()
    problem.steps_done = problem.steps.filter(done_on__isnull=False).count()
    _bump(problem)
    problem.save()


@transaction.atomic
def step_add(*, user: Any, problem: Problem, measure: str, owner: str = "", deadline: dt.date | None = None,
             version: int | None = None) -> RectificationStep:
    problem = _locked(problem)
    _editable_errors(user, problem)
    _check_version(problem, version)
    reason = _step_errors({"measure": measure, "owner": owner, "deadline": deadline}, problem.campaign)
    if reason:
        field = "owner" if "责任人" in reason else "deadline" if "时限" in reason else "measure"
        raise ValidationError({field: reason})
    step = RectificationStep.objects.create(problem=problem, measure=clean_text(measure), owner=clean_text(owner),
                                            deadline=deadline)
    _steps_changed(problem)
    return step


@transaction.atomic
def step_update(*, user: Any, step: RectificationStep, measure: str, owner: str = "",
                deadline: dt.date | None = None, version: int | None = None) -> RectificationStep:
    problem, step = _step_for_write(user, step, version)
    reason = _step_errors({"measure": measure, "owner": owner, "deadline": deadline}, problem.campaign)
    if reason and not (deadline == step.deadline and "早于今天" in reason):  # an old deadline may stay as it is
        field = "owner" if "责任人" in reason else "deadline" if "时限" in reason else "measure"
        raise ValidationError({field: reason})
    step.measure, step.owner, step.deadline = clean_text(measure), clean_text(owner), deadline
    step.save()
    _bump(problem)
    problem.save()
    return step


@transaction.atomic
def step_done(*, user: Any, step: RectificationStep, done_note: str = "", files: Iterable[UploadedFile] = (),
              cite: Iterable[Evidence] = (), version: int | None = None) -> RectificationStep:
    """Mark a step done on evidence: files uploaded now, evidence already attached to the step, or evidence the
    problem already holds, cited (`cite`: one piece may prove several steps, and is stored once). What was done
    (`done_note`) may be written; the evidence is what is required. The date is today (from the server), never
    typed."""
    problem, step = _step_for_write(user, step, version)
    files, cite = list(files), list(cite)
    errors: dict[str, str] = {}
    if step.done_on is not None:
        errors["step"] = "该整改措施已标记为完成"
    _put(errors, "done_note", _text_error(done_note, "完成情况", NOTE_MAX, required=False))
    for upload in files:
        _put(errors, "files", _evidence_file_error(upload))
    if any(e.problem_id != problem.pk for e in cite):
        errors.setdefault("files", "引用的佐证材料不属于该问题")
    if "files" not in errors:
        _put(errors, "files", _duplicate_error(problem, files))
    if not files and not cite and not step.evidence.exists() and not step.cited_evidence.exists():
        _put(errors, "files", "请上传完成该项措施的佐证材料，或引用已上传的材料")
    _raise(errors)
    for upload in files:
        _evidence_store(problem, upload, user=user, step=step)
    if cite:
        step.cited_evidence.add(*cite)
    step.done_on = timezone.localdate()
    step.done_note = clean_text(done_note)
    step.save()
    _steps_changed(problem)
    return step


@transaction.atomic
def step_undone(*, user: Any, step: RectificationStep, version: int | None = None) -> RectificationStep:
    problem, step = _step_for_write(user, step, version)
    if step.done_on is None:
        return step
    step.done_on = None
    step.save()
    _steps_changed(problem)
    return step


@transaction.atomic
def step_delete(*, user: Any, step: RectificationStep, version: int | None = None) -> None:
    problem, step = _step_for_write(user, step, version)
    if step.done_on is not None:
        raise ValidationError({"step": "已完成的整改措施不能删除"})
    step.delete()
    _steps_changed(problem)


def evidence_max_mb() -> int:
    return upload_max_mb()


def _evidence_file_error(upload: UploadedFile | None) -> str | None:
    return upload_error(upload, label="佐证材料", suffixes=EVIDENCE_SUFFIXES,
                        kinds="PDF、Word（.doc、.docx）、Excel（.xls、.xlsx）或JPG、PNG图片")


def _duplicate_error(problem: Problem, uploads: Sequence[UploadedFile]) -> str | None:
    """One file is one piece of evidence: a file identical (same SHA-256) to one the problem already holds, or
    to another file of the same upload, is refused, naming the piece it repeats. A piece already uploaded serves
    any number of steps (`step_done` cites it) and counts for the claim and the closure."""
    held = {sha: name for sha, name in problem.evidence.values_list("sha256", "filename")}
    for upload in uploads:
        if upload is None:
            continue
        sha, name = file_sha256(upload), Path(upload.name or "file").name[:200]
        if sha in held:
            return (f"“{name}”与已上传的“{held[sha]}”是同一个文件，不重复保存。"
                    "同一份材料可以证明多项整改措施：标记措施完成时勾选它即可")
        held[sha] = name
    return None


def _evidence_store(problem: Problem, upload: UploadedFile, *, user: Any, note: str = "",
                    step: RectificationStep | None = None) -> Evidence:
    sha = file_sha256(upload)
    name = Path(upload.name or "file").name[:200]
    return Evidence.objects.create(
        problem=problem, step=step, file=upload, filename=name, size=upload.size or 0, sha256=sha,
        note=clean_text(note)[:200], uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )


@transaction.atomic
def evidence_add(*, user: Any, problem: Problem, file: UploadedFile, note: str = "",
                 step: RectificationStep | None = None, version: int | None = None) -> Evidence:
    problem = _locked(problem)
    _editable_errors(user, problem)
    _check_version(problem, version)
    errors: dict[str, str] = {}
    _put(errors, "file", _evidence_file_error(file))
    _put(errors, "note", _text_error(note, "说明", 200, required=False))
    if step is not None and step.problem_id != problem.pk:
        errors["step"] = "整改措施不属于该问题"
    if "file" not in errors:
        _put(errors, "file", _duplicate_error(problem, [file]))
    _raise(errors)
    evidence = _evidence_store(problem, file, user=user, note=note, step=step)
    _bump(problem)
    problem.save()
    return evidence


@transaction.atomic
def evidence_remove(*, user: Any, evidence: Evidence, version: int | None = None) -> None:
    problem = _locked(evidence.problem)
    _editable_errors(user, problem)
    _check_version(problem, version)
    evidence = Evidence.objects.get(pk=evidence.pk, problem=problem)
    if evidence.frozen:
        raise ValidationError({"evidence": "该材料是已销号问题的核验依据，已固定，不能删除"})
    evidence.file.delete(save=False)
    evidence.delete()
    _bump(problem)
    problem.save()


def evidence_present(evidence: Evidence) -> bool:
    """Whether the stored file is there with the size recorded at upload (a cheap check for pages; closing
    compares the SHA-256, `evidence_intact`)."""
    try:
        name = evidence.file.name
        return bool(name) and evidence.file.storage.size(name or "") == evidence.size
    except (FileNotFoundError, OSError, ValueError):
        return False


def evidence_intact(evidence: Evidence) -> bool:
    """Whether the stored file still has the hash recorded when it was uploaded."""
    try:
        with evidence.file.open("rb") as fh:
            return hmac.compare_digest(file_sha256(fh), evidence.sha256)
    except (FileNotFoundError, OSError, ValueError):
        return False


# ---------------------------------------------------------------------------------------------------------
# The lifecycle.


def _pending_extension(problem: Problem) -> Extension | None:
    return problem.extensions.filter(status=ExtensionStatus.PENDING).first()


def rule_for(problem: Problem, action: str) -> Transition | None:
    """The row of the transition table that `action` would follow from the problem's state, or None."""
    for rule in transitions_for(action):
        if problem.status in rule.sources and (not rule.fix_now_only or problem.fix_now):
            return rule
    return None


def _unanswered_unsatisfied(problem: Problem) -> int:
    return problem.satisfactions.filter(rating=Rating.UNSATISFIED, answered_at__isnull=True).count()


def action_label(action: str) -> str:
    return str(dict(ProblemAction.choices).get(action, action))


@transaction.atomic
def problem_act(*, user: Any, problem: Problem, action: str, note: str = "", version: int | None = None,
                new_due_on: dt.date | None = None, feedback_override: str = "",
                files: Iterable[UploadedFile] = ()) -> Problem:
    """Take `action` on `problem` as `user`: the one function that changes a problem's status. Who and when
    come from `user` and the clock, never from the caller. `files` are evidence uploaded with the action (a
    claim usually brings its evidence)."""
    if action not in ProblemAction.values or action == ProblemAction.REGISTER:
        raise ValidationError({"action": "未知的操作"})
    if not sees_problem(user, problem):
        raise PermissionDenied("无权处理该问题")
    problem = _locked(problem)
    _check_version(problem, version)
    label = action_label(action)
    rule = rule_for(problem, action)
    if rule is None:
        refusal = f"问题当前为“{problem.get_status_display()}”，不能{label}"
        if action == ProblemAction.CLAIM and problem.status == ProblemStatus.REGISTERED:
            refusal += "：请先开始整改（立查立改的问题可直接申请销号）"
        raise ValidationError({"action": refusal})
    if _role(user) not in rule.roles:
        raise ValidationError({"action": f"{user.get_role_display()}不能{label}"})
    if rule.verifier:
        reason = owner_reason(user, problem)
        if reason:
            raise ValidationError({"action": reason})
    note = clean_text(note)
    files = list(files)
    errors: dict[str, str] = {}
    if rule.needs_note and not note:
        errors["note"] = NOTE_REQUIRED.get(action, f"请写明{label}的理由")
    _put(errors, "note", _text_error(note, "说明", NOTE_MAX, required=False))
    for upload in files:
        _put(errors, "files", _evidence_file_error(upload))
    if files and action != ProblemAction.CLAIM:
        errors.setdefault("files", "佐证材料只能由整改单位在整改中上传或随申请销号提交")
    if files and "files" not in errors:
        _put(errors, "files", _duplicate_error(problem, files))
    if rule.needs_evidence and not files and not problem.evidence.exists():
        errors.setdefault("files", "请上传整改佐证材料")
    handler = _HANDLERS.get(action)
    if handler is not None:
        handler.check(problem, user, errors, note=note, new_due_on=new_due_on, feedback_override=feedback_override)
    _raise(errors)

    for upload in files:
        _evidence_store(problem, upload, user=user)
    from_status = problem.status
    data: dict[str, Any] = {}
    if handler is not None:
        data = handler.apply(problem, user, note=note, new_due_on=new_due_on,
                             feedback_override=clean_text(feedback_override)) or {}
    if rule.target is not None:
        problem.status = rule.target
    _bump(problem)
    problem.save()
    _record(problem, action, user, from_status=from_status, to_status=problem.status, note=note, data=data)
    return problem


class _Handler:
    """What an action checks and does beyond the table's rules."""

    def check(self, problem: Problem, user: Any, errors: dict[str, str], **kw: Any) -> None:
        return None

    def apply(self, problem: Problem, user: Any, **kw: Any) -> dict[str, Any] | None:
        return None


def _withdraw_extension(problem: Problem, why: str) -> None:
    """A pending extension request lapses when the problem leaves rectification (claimed, closed, reopened)."""
    pending = _pending_extension(problem)
    if pending is not None:
        pending.status = ExtensionStatus.REJECTED
        pending.decided_at, pending.decision_note = timezone.now(), why
        pending.save()


class _Claim(_Handler):
    def check(self, problem: Problem, user: Any, errors: dict[str, str], **kw: Any) -> None:
        open_steps = problem.step_count - problem.steps_done
        if open_steps > 0:
            errors.setdefault("action", f"尚有{open_steps}项整改措施未完成，不能申请销号")

    def apply(self, problem: Problem, user: Any, **kw: Any) -> dict[str, Any]:
        problem.claimed_at = timezone.now()
        problem.claimed_by = user
        _withdraw_extension(problem, "已申请销号，延期申请自动撤回")
        return {}


class _Close(_Handler):
    def check(self, problem: Problem, user: Any, errors: dict[str, str], **kw: Any) -> None:
        unanswered = _unanswered_unsatisfied(problem)
        override = clean_text(kw.get("feedback_override"))
        if unanswered and not override:
            errors.setdefault("feedback_override", f"群众有{unanswered}条“不满意”评价尚未答复：请先答复，"
                                                   "或写明仍予销号的理由")
        _put(errors, "feedback_override", _text_error(override, "理由", NOTE_MAX, required=False))
        for evidence in problem.evidence.all():
            if not evidence_intact(evidence):
                errors.setdefault("files", f"佐证材料“{evidence.filename}”与上传时的校验值不符（文件已被改动或丢失），"
                                           "不能据此销号")

    def apply(self, problem: Problem, user: Any, **kw: Any) -> dict[str, Any]:
        now = timezone.now()
        # On time is the unit's doing: it claimed by the due date (a slow verification does not make it late).
        claimed_on = timezone.localdate(problem.claimed_at) if problem.claimed_at else timezone.localdate()
        on_time = claimed_on <= problem.due_on
        manifest = [{"id": e.pk, "filename": e.filename, "sha256": e.sha256, "size": e.size}
                    for e in problem.evidence.order_by("id")]
        problem.evidence.update(frozen=True)
        problem.closed_at, problem.closed_by, problem.closed_on_time = now, user, on_time
        Closure.objects.create(problem=problem, closed_by=user, closed_by_name=str(user)[:150], closed_at=now,
                               note=kw.get("note", ""), feedback_override=kw.get("feedback_override", ""),
                               evidence=manifest, on_time=on_time)
        return {"evidence": [e["sha256"] for e in manifest], "on_time": on_time}


class _Reopen(_Handler):
    def check(self, problem: Problem, user: Any, errors: dict[str, str], **kw: Any) -> None:
        _put(errors, "new_due_on", _future_date_error(kw.get("new_due_on"), "新的完成时限"))

    def apply(self, problem: Problem, user: Any, **kw: Any) -> dict[str, Any]:
        _withdraw_extension(problem, "问题重新打开，原延期申请失效")
        problem.relapsed = True
        problem.relapse_count += 1
        problem.closed_at = problem.closed_by = problem.closed_on_time = None
        problem.claimed_at = problem.claimed_by = None
        today = timezone.localdate()
        new_due = kw.get("new_due_on") or max(problem.due_on, due_date(
            registered_on=today, deadline=None, severity=problem.severity, fix_now=problem.fix_now,
            campaign=problem.campaign))
        old_due, problem.due_on = problem.due_on, new_due
        if new_due == old_due:  # a change that changed nothing is not recorded
            return {}
        return {"old_due_on": old_due.isoformat(), "new_due_on": new_due.isoformat()}


class _Return(_Handler):
    def apply(self, problem: Problem, user: Any, **kw: Any) -> dict[str, Any]:
        problem.claimed_at = problem.claimed_by = None
        return {}


class _RequestExtension(_Handler):
    def check(self, problem: Problem, user: Any, errors: dict[str, str], **kw: Any) -> None:
        new_due = kw.get("new_due_on")
        if _pending_extension(problem):
            errors.setdefault("action", "已有一份延期申请待审批")
        reason = _future_date_error(new_due, "申请延至的日期", campaign=problem.campaign, required=True)
        if not reason and new_due is not None and new_due <= problem.due_on:
            reason = f"申请延至的日期应晚于现在的到期日（{cn_date(problem.due_on)}）"
        _put(errors, "new_due_on", reason)

    def apply(self, problem: Problem, user: Any, **kw: Any) -> dict[str, Any]:
        Extension.objects.create(problem=problem, requested_by=user, requested_at=timezone.now(),
                                 reason=kw["note"], old_due_on=problem.due_on, new_due_on=kw["new_due_on"])
        return {"new_due_on": kw["new_due_on"].isoformat()}


class _DecideExtension(_Handler):
    def __init__(self, approve: bool) -> None:
        self.approve = approve

    def check(self, problem: Problem, user: Any, errors: dict[str, str], **kw: Any) -> None:
        pending = _pending_extension(problem)
        if pending is None:
            errors.setdefault("action", "没有待审批的延期申请")
        elif pending.requested_by_id == user.pk:
            errors.setdefault("action", "延期申请不能由申请人自己审批")
        elif self.approve and (pending.new_due_on < timezone.localdate() or pending.new_due_on <= problem.due_on):
            errors.setdefault("action", f"申请延至的{cn_date(pending.new_due_on)}已过或不晚于现在的到期日，"
                                        "不能批准；请不批准，由整改单位重新申请")

    def apply(self, problem: Problem, user: Any, **kw: Any) -> dict[str, Any]:
        pending = _pending_extension(problem)
        assert pending is not None
        pending.status = ExtensionStatus.APPROVED if self.approve else ExtensionStatus.REJECTED
        pending.decided_by, pending.decided_at, pending.decision_note = user, timezone.now(), kw.get("note", "")
        pending.save()
        data: dict[str, Any] = {"extension": pending.pk, "new_due_on": pending.new_due_on.isoformat()}
        if self.approve:
            moved = _steps_follow_extension(problem, old_due=problem.due_on, new_due=pending.new_due_on)
            problem.due_on = problem.deadline = pending.new_due_on
            problem.extension_count += 1
            if moved:
                data["steps_moved"] = moved
        return data


def _steps_follow_extension(problem: Problem, *, old_due: dt.date, new_due: dt.date) -> int:
    """An approved extension moves the deadline of every step not yet done that was due at or after the old due
    date, or has already passed, to the new due date: the extension was asked for the rectification, and a
    step must not show 已逾期 the day its extension is approved. Open steps still ahead of today and before the
    old due date keep their own milestones; a step due after the new date keeps its date. Returns how many
    steps moved."""
    today = timezone.localdate()
    moving = (problem.steps.filter(done_on__isnull=True, deadline__lt=new_due)
              .filter(Q(deadline__gte=old_due) | Q(deadline__lt=today)).order_by("id"))
    moved = 0
    for step in moving:  # one by one: each change is in the audit log
        step.deadline = new_due
        step.save()
        moved += 1
    return moved


_HANDLERS: dict[str, _Handler] = {
    ProblemAction.CLAIM: _Claim(),
    ProblemAction.CLOSE: _Close(),
    ProblemAction.RETURN: _Return(),
    ProblemAction.REOPEN: _Reopen(),
    ProblemAction.REQUEST_EXTENSION: _RequestExtension(),
    ProblemAction.APPROVE_EXTENSION: _DecideExtension(approve=True),
    ProblemAction.REJECT_EXTENSION: _DecideExtension(approve=False),
}


# ---------------------------------------------------------------------------------------------------------
# What the masses say (the public feedback page, no login).


def feedback_source(ip: str | None) -> str:
    """A keyed hash of the sender's address: rate limiting needs to tell senders apart, nothing more. An IPv6
    sender is its /64 (one subscriber holds a whole /64 and could otherwise take a new address per post)."""
    sender = ip or "-"
    try:
        address = ipaddress.ip_address(sender)
        if address.version == 6:
            sender = str(ipaddress.ip_network(f"{address}/64", strict=False))
    except ValueError:
        pass
    return hmac.new(settings.SECRET_KEY.encode(), sender.encode(), hashlib.sha256).hexdigest()


def feedback_link_refusal() -> str | None:
    """Why the public feedback page's address may not be printed or shown as a QR code, or None. The masses open
    it on their own phones: it must be the address set for them (settings.JYB_PUBLIC_URL), never the intranet
    address the office happens to use, and never this machine (127.0.0.1, localhost)."""
    base = str(getattr(settings, "JYB_PUBLIC_URL", "") or "").strip()
    how = ("请系统管理员在服务器上把环境变量 JYB_PUBLIC_URL 设为群众的手机能打开的地址"
           "（如 https://pingjia.example.gov.cn），重启后即可显示和打印二维码。")
    fault = public_url_fault(base)
    if fault is None:
        return None
    if not base:
        return "二维码未显示：尚未设置群众访问地址（JYB_PUBLIC_URL），现在的链接群众的手机打不开。" + how
    return f"二维码未显示：群众访问地址（JYB_PUBLIC_URL）是“{base}”，{fault}，群众的手机打不开。" + how


def feedback_link(problem: Problem) -> str | None:
    """The public feedback page's address to print or show (the QR code encodes it), or None when
    `feedback_link_refusal` says it would not reach the masses."""
    if feedback_link_refusal() is not None:
        return None
    base = str(settings.JYB_PUBLIC_URL).strip().rstrip("/")
    return base + reverse("feedback:public_feedback", args=[problem.feedback_token])


def feedback_open(problem: Problem) -> bool:
    """Problems raised by the masses take feedback from the masses."""
    return problem.source == Source.MASSES


@transaction.atomic
def satisfaction_submit(*, token: str, rating: str, comment: str = "", ip: str | None) -> Satisfaction:
    """Record what one person says of a problem's rectification. Rate limited per sender (`feedback_source`):
    FEEDBACK_PER_PROBLEM_PER_DAY on one problem, FEEDBACK_PER_HOUR in all."""
    # The row lock makes count-then-insert one step per problem: parallel posts cannot all pass the limit.
    problem = Problem.objects.select_for_update().filter(feedback_token=token).first()
    if problem is None or not feedback_open(problem):
        raise Problem.DoesNotExist("未找到")
    errors: dict[str, str] = {}
    _put(errors, "rating", _choice_error(rating, Rating, "评价"))
    _put(errors, "comment", _text_error(comment, "意见", 500, required=False))
    if rating == Rating.UNSATISFIED and not clean_text(comment):
        errors.setdefault("comment", "请说说哪里不满意，以便整改")
    _raise(errors)
    source = feedback_source(ip)
    now = timezone.now()
    recent = Satisfaction.objects.filter(source_hash=source)
    if recent.filter(problem=problem, at__gte=now - dt.timedelta(days=1)).count() >= FEEDBACK_PER_PROBLEM_PER_DAY:
        raise ValidationError({"rate": "您今天对这个问题的评价次数已达上限，请明天再来"})
    if recent.filter(at__gte=now - dt.timedelta(hours=1)).count() >= FEEDBACK_PER_HOUR:
        raise ValidationError({"rate": "提交过于频繁，请稍后再试"})
    return Satisfaction.objects.create(problem=problem, rating=rating, comment=clean_text(comment), at=now,
                                       source_hash=source)


@transaction.atomic
def satisfaction_answer(*, user: Any, satisfaction: Satisfaction, answer: str) -> Satisfaction:
    """The unit or the office answers what the masses said (answering is not closing: the verifier still
    decides)."""
    problem = satisfaction.problem
    if not may_edit(user) or not sees_problem(user, problem):
        raise PermissionDenied("无权答复该评价")
    _raise({"answer": r} if (r := _text_error(answer, "答复", NOTE_MAX)) else {})
    satisfaction = Satisfaction.objects.select_for_update().get(pk=satisfaction.pk)
    satisfaction.answer = clean_text(answer)
    satisfaction.answered_by = user
    satisfaction.answered_at = timezone.now()
    satisfaction.save()
    return satisfaction


# ---------------------------------------------------------------------------------------------------------
# Special campaigns, saved filters, the registry's moves.


def _manage_check(user: Any) -> None:
    if not manages_campaigns(user):
        raise PermissionDenied("只有市主题教育办公室可以设置专项整治")


@transaction.atomic
def special_campaign_create(*, user: Any, campaign: Campaign, name: str, description: str = "") -> SpecialCampaign:
    _manage_check(user)
    errors: dict[str, str] = {}
    _put(errors, "name", _text_error(name, "专项整治名称", 100))
    if not errors and SpecialCampaign.objects.filter(campaign=campaign, name=clean_text(name)).exists():
        errors["name"] = f"“{clean_text(name)}”已存在"
    _raise(errors)
    return SpecialCampaign.objects.create(campaign=campaign, name=clean_text(name), description=clean_text(description))


@transaction.atomic
def special_campaign_update(*, user: Any, special: SpecialCampaign, name: str, description: str = "",
                            is_active: bool = True) -> SpecialCampaign:
    _manage_check(user)
    errors: dict[str, str] = {}
    _put(errors, "name", _text_error(name, "专项整治名称", 100))
    if not errors and SpecialCampaign.objects.filter(campaign=special.campaign, name=clean_text(name)).exclude(
            pk=special.pk).exists():
        errors["name"] = f"“{clean_text(name)}”已存在"
    _raise(errors)
    special.name, special.description, special.is_active = clean_text(name), clean_text(description), is_active
    special.save()
    return special


def saved_filter_save(*, user: Any, name: str, query: str) -> SavedFilter:
    errors: dict[str, str] = {}
    _put(errors, "name", _text_error(name, "名称", 50))
    _put(errors, "query", _text_error(query, "筛选条件", 1000, required=False))
    _raise(errors)
    saved, _ = SavedFilter.objects.update_or_create(user=user, name=clean_text(name), defaults={"query": query})
    return saved


def saved_filter_delete(*, user: Any, saved: SavedFilter) -> None:
    if saved.user_id != user.pk:
        raise PermissionDenied("只能删除自己保存的筛选")
    saved.delete()


def problems_follow_move(sender: Any, *, old_path: str, new_path: str, **kwargs: Any) -> None:
    """After `orgs.services.org_move`: the copies of the moved subtree's paths follow (same transaction)."""
    from core.scoping import subtree_q

    moved = Problem.objects.filter(subtree_q("org_path", old_path))
    count = moved.update(org_path=Concat(Value(new_path), Substr(F("org_path"), len(old_path) + 1)))
    if count:
        audit.record(AuditEntry.Action.UPDATE, object_type=audit.type_label(Problem), object_id="",
                     object_repr=f"{count}个问题随组织调整", before={"path": old_path}, after={"path": new_path})
