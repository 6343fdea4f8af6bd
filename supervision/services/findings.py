"""Findings, and the problems they become (through `problems.services`, source 督导发现)."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.actors import Actor, user_or_none
from core.cn import cn_date
from core.validation import clean_text
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from orgs.models import Cadre, Organization
from orgs.permissions import can_view_org
from problems import services as problem_services
from problems.choices import ProblemStatus, Source
from problems.models import Problem, SpecialCampaign, number_of
from supervision.choices import Requirement, VisitStatus
from supervision.models import Finding, Visit
from supervision.permissions import can_change_finding, can_change_visit
from supervision.services._common import TEXT_MAX, _in_subtree


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
def finding_add(*, actor: Actor, visit: Visit, description: str, requirement: str,
                organization: Organization | None = None, cadre: Cadre | None = None,
                needs_fix: bool = True) -> Finding:
    """Record something the visit found, at the visited unit or a unit below it."""
    if not can_change_visit(actor, visit):
        raise PermissionDenied("无权处理该指导活动")
    organization = organization or visit.organization
    if not can_view_org(actor, organization):
        raise PermissionDenied("无权为该单位登记")
    _raise(_finding_errors(visit=visit, organization=organization, requirement=requirement,
                           description=description, cadre=cadre))
    return Finding.objects.create(visit=visit, organization=organization, org_path=organization.path,
                                  requirement=requirement, description=clean_text(description), cadre=cadre,
                                  needs_fix=bool(needs_fix), created_by=user_or_none(actor))


def _check_finding(actor: Actor, finding: Finding) -> None:
    if not can_change_finding(actor, finding):
        raise PermissionDenied("无权处理该问题")


@transaction.atomic
def finding_update(*, actor: Actor, finding: Finding, description: str, requirement: str,
                   cadre: Cadre | None = None, needs_fix: bool = True) -> Finding:
    """Correct a finding not yet in the ledger (once a problem carries it, the problem is the record)."""
    _check_finding(actor, finding)
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
def finding_delete(*, actor: Actor, finding: Finding) -> None:
    _check_finding(actor, finding)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.problem_id:
        raise ValidationError({"finding": "该发现已列入问题清单，不能删除"})
    if finding.actions.exists() or finding.letters.exists():
        raise ValidationError({"finding": "该发现已作为处置或反馈意见的依据，不能删除"})
    finding.delete()


@transaction.atomic
def finding_raise_problem(*, actor: Actor, finding: Finding, category: str, severity: str = "ordinary",
                          fix_now: bool = False, deadline: dt.date | None = None, cause: str = "",
                          responsible_cadre: Cadre | None = None, responsible_unit: str = "",
                          special_campaign: SpecialCampaign | None = None, description: str = "",
                          steps: Sequence[dict[str, Any]] = ()) -> Problem:
    """Put a finding the unit must fix into its ledger: a problem with source 督导发现, registered through the
    problems service (which keeps every rule), linked to the finding. The unit then rectifies it; the group
    verifies the closure."""
    _check_finding(actor, finding)
    finding = Finding.objects.select_for_update().select_related("organization", "visit").get(pk=finding.pk)
    if finding.problem_id:
        raise ValidationError({"finding": f"该发现已列入问题清单（{number_of(finding.problem_id)}）"})
    if not finding.needs_fix:
        raise ValidationError({"finding": "该发现是指导意见，不需要整改；如需整改请先改为“需要整改”"})
    problem = problem_services.problem_create(
        actor=actor, organization=finding.organization, description=description or finding.description,
        source=Source.VISIT, category=category, special_campaign=special_campaign, cause=cause,
        responsible_cadre=responsible_cadre if responsible_cadre is not None else finding.cadre,
        responsible_unit=responsible_unit, severity=severity, fix_now=fix_now, deadline=deadline, steps=steps,
    )
    finding.problem = problem
    finding.save()
    return problem


@transaction.atomic
def finding_reopen_problem(*, actor: Actor, finding: Finding, problem: Problem, note: str = "") -> Problem:
    """A closed problem found again on a visit: reopen it as a relapse (反弹) through the problems service, and
    link the finding to it."""
    _check_finding(actor, finding)
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
    problem = problem_services.problem_act(actor=actor, problem=problem, action="reopen",
                                           note=f"{cn_date(finding.visit.day)}{finding.visit.group.name}"
                                                f"督导发现：{reason}"[:1000])
    finding.problem, finding.is_relapse = problem, True
    finding.save()
    return problem
