"""Actions on the ladder: taken by a group or the office, proposed for the office, decided, dismissed,
followed up.
"""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.actors import Actor, user_or_none
from campaigns.models import Campaign
from campaigns.selectors import current_campaign, liaison_group_of
from core import audit
from core.cn import cn_date
from core.notify import notify
from core.validation import clean_text
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from orgs.models import Cadre, Organization
from supervision.choices import FOLLOW_UP_DAYS, LADDER, ActionStatus, Level, level_phrase, rung
from supervision.models import Action, Finding
from supervision.permissions import can_act_on_unit, can_decide_action, can_follow_up_action, levels_for
from supervision.services._common import TEXT_MAX, _in_subtree, _notify_office, _target, _unit_contacts
from supervision.services.ladder import ladder_position, skips


def _action_errors(*, actor: Actor, campaign: Campaign | None, organization: Organization, cadre: Cadre | None,
                   level: str, reason: str, skip_reason: str, findings: Sequence[Finding],
                   follow_up_on: dt.date | None, deciding: bool, exclude: Action | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if campaign is None or not campaign.is_current:
        errors["campaign"] = "当前没有正在开展的主题教育"
    if level not in Level.values:
        errors["level"] = "请选择处置方式"
    elif deciding and level not in levels_for(actor):
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


def _notify_decided(action: Action) -> None:
    notify(users=_unit_contacts(action.organization), key=f"supervision-action-{action.pk}",
           text=f"督导处置：对{_target(action)}{level_phrase(action.level)}。{action.reason[:60]}",
           url=f"/supervision/actions/{action.pk}/")


@transaction.atomic
def action_record(*, actor: Actor, organization: Organization, level: str, reason: str,
                  findings: Sequence[Finding] = (), cadre: Cadre | None = None, skip_reason: str = "",
                  follow_up_on: dt.date | None = None) -> Action:
    """Take a step on the ladder now (the unit's group: 指出促改, 纠正; the city's office: any). Skipping a rung
    needs a reason; every step has a follow-up date."""
    campaign = current_campaign()
    if not can_act_on_unit(actor, organization, campaign):
        raise PermissionDenied("无权处置该单位")
    findings = list(findings)
    _raise(_action_errors(actor=actor, campaign=campaign, organization=organization, cadre=cadre, level=level,
                          reason=reason, skip_reason=skip_reason, findings=findings, follow_up_on=follow_up_on,
                          deciding=True))
    assert campaign is not None
    today = timezone.localdate()
    action = Action.objects.create(
        campaign=campaign, organization=organization, org_path=organization.path, cadre=cadre,
        group=liaison_group_of(organization, campaign), level=level, status=ActionStatus.DECIDED,
        reason=clean_text(reason), skip_reason=clean_text(skip_reason), proposed_at=timezone.now(),
        proposed_by=user_or_none(actor), decided_by=user_or_none(actor), decided_on=today,
        follow_up_on=follow_up_on or default_follow_up(campaign, today),
    )
    audit.set_links(action, "findings", [f.pk for f in findings])
    _withdraw_stale_proposals(campaign, organization, cadre)
    _notify_decided(action)
    return action


@transaction.atomic
def action_propose(*, actor: Actor, organization: Organization, level: str, reason: str,
                   findings: Sequence[Finding] = (), cadre: Cadre | None = None) -> Action:
    """The unit's group (or the city's office) proposes a step for the office to decide — typically 严肃批评 or
    组织处理, which a group does not take itself. It replaces the system's open proposal for the same target, or
    the proposer's own; someone else's stands until the office decides it."""
    campaign = current_campaign()
    if not can_act_on_unit(actor, organization, campaign):
        raise PermissionDenied("无权处置该单位")
    findings = list(findings)
    errors = _action_errors(actor=actor, campaign=campaign, organization=organization, cadre=cadre, level=level,
                            reason=reason, skip_reason="", findings=findings, follow_up_on=None, deciding=False)
    assert campaign is not None or errors
    existing = (Action.objects.select_for_update().filter(campaign=campaign, organization=organization, cadre=cadre,
                                                          status=ActionStatus.PROPOSED).first() if campaign else None)
    if existing is not None and existing.proposed_by_id not in (None, actor.pk):
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
                reason=clean_text(reason), proposed_at=timezone.now(), proposed_by=user_or_none(actor),
            )
    except IntegrityError:  # another proposal for the same target was made meanwhile
        raise ValidationError({"organization": "该单位刚有新的处置建议，请刷新后再看"}) from None
    audit.set_links(action, "findings", [f.pk for f in findings])
    _notify_office(action)
    return action


def _locked(action: Action) -> Action:
    return Action.objects.select_for_update().select_related("organization", "campaign").get(pk=action.pk)


@transaction.atomic
def action_decide(*, actor: Actor, action: Action, level: str | None = None, reason: str | None = None,
                  skip_reason: str = "", follow_up_on: dt.date | None = None, note: str = "") -> Action:
    """The office takes up a proposal (it may change the level or the reason): the action is in force."""
    if not can_decide_action(actor, action):
        raise PermissionDenied("处置建议由市委教育办决定")
    action = _locked(action)
    if action.status != ActionStatus.PROPOSED:
        raise ValidationError({"status": f"该处置{action.get_status_display()}，不是待决定的建议"})
    level = level or action.level
    reason = reason if reason is not None else action.reason
    findings = list(action.findings.all())
    errors = _action_errors(actor=actor, campaign=action.campaign, organization=action.organization,
                            cadre=action.cadre, level=level, reason=reason, skip_reason=skip_reason,
                            findings=findings, follow_up_on=follow_up_on, deciding=True, exclude=action)
    _put(errors, "decision_note", _text_error(note, "决定意见", TEXT_MAX, required=False))
    _raise(errors)
    action.level, action.reason, action.skip_reason = level, clean_text(reason), clean_text(skip_reason)
    action.status, action.decided_on = ActionStatus.DECIDED, timezone.localdate()
    action.decided_by = user_or_none(actor)
    action.follow_up_on = follow_up_on or default_follow_up(action.campaign)
    action.decision_note = clean_text(note)
    action.save()
    _withdraw_stale_proposals(action.campaign, action.organization, action.cadre)
    _notify_decided(action)
    return action


@transaction.atomic
def action_dismiss(*, actor: Actor, action: Action, note: str) -> Action:
    """The office does not take a proposal up, and says why."""
    if not can_decide_action(actor, action):
        raise PermissionDenied("处置建议由市委教育办决定")
    action = _locked(action)
    errors: dict[str, str] = {}
    if action.status != ActionStatus.PROPOSED:
        errors["status"] = f"该处置{action.get_status_display()}，不是待决定的建议"
    _put(errors, "decision_note", _text_error(note, "不予采纳的理由", TEXT_MAX))
    _raise(errors)
    action.status, action.decided_on = ActionStatus.DISMISSED, timezone.localdate()
    action.decided_by = user_or_none(actor)
    action.decision_note = clean_text(note)
    action.save()
    return action


@transaction.atomic
def action_follow_up(*, actor: Actor, action: Action, result: str) -> Action:
    """Record what came of an action (整改了没有, 领导小组怎么决定的): it is done."""
    if not can_follow_up_action(actor, action):
        raise PermissionDenied("只有本联络组成员和市委教育办可以登记处置结果")
    action = _locked(action)
    errors: dict[str, str] = {}
    if action.status != ActionStatus.DECIDED:
        errors["status"] = f"该处置{action.get_status_display()}，不能登记结果"
    _put(errors, "result", _text_error(result, "处置结果", TEXT_MAX))
    _raise(errors)
    action.status, action.result, action.result_on = ActionStatus.DONE, clean_text(result), timezone.localdate()
    action.result_by = user_or_none(actor)
    action.save()
    return action
