"""Feedback letters (反馈意见): composed from the records, drafted, changed, issued with a document number."""

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.actors import Actor, user_or_none
from campaigns.models import LiaisonGroup
from campaigns.selectors import liaison_group_of, office_name
from core import audit
from core.cn import cn_date
from core.notify import notify
from core.validation import clean_text
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from orgs.models import Organization
from orgs.permissions import can_view_org
from problems.models import number_of
from supervision.choices import IN_FORCE, LetterStatus, Requirement, level_phrase
from supervision.models import Action, FeedbackLetter, Finding
from supervision.permissions import can_change_letter, can_guide_group
from supervision.services._common import _in_subtree, _target, _unit_contacts

LETTER_MAX = 20000


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
def letter_create(*, actor: Actor, group: LiaisonGroup, organization: Organization,
                  findings: Sequence[Finding] = (), actions: Sequence[Action] = (),
                  reply_due_on: dt.date | None = None, title: str = "", recipient: str = "",
                  body: str = "") -> FeedbackLetter:
    """Draft a feedback letter; title, recipient and body default to `letter_compose` of the records."""
    if not can_guide_group(actor, group):
        raise PermissionDenied("只有本联络组成员和市委教育办可以办理")
    if not can_view_org(actor, organization):
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
        created_by=user_or_none(actor),
    )
    audit.set_links(letter, "findings", [f.pk for f in findings])
    audit.set_links(letter, "actions", [a.pk for a in actions])
    return letter


def _check_letter(actor: Actor, letter: FeedbackLetter) -> FeedbackLetter:
    if not can_change_letter(actor, letter):
        raise PermissionDenied("无权处理该反馈意见")
    return FeedbackLetter.objects.select_for_update().select_related("group", "organization").get(pk=letter.pk)


@transaction.atomic
def letter_update(*, actor: Actor, letter: FeedbackLetter, title: str, recipient: str, body: str,
                  reply_due_on: dt.date | None = None, findings: Sequence[Finding] | None = None,
                  actions: Sequence[Action] | None = None) -> FeedbackLetter:
    letter = _check_letter(actor, letter)
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
def letter_issue(*, actor: Actor, letter: FeedbackLetter) -> FeedbackLetter:
    """Issue a draft: it takes the next document number of the year (发文字号 “代字〔年份〕序号号”), is locked,
    and the unit is told."""
    letter = _check_letter(actor, letter)
    if letter.status != LetterStatus.DRAFT:
        raise ValidationError({"status": "该反馈意见已印发"})
    today = timezone.localdate()
    letter.status, letter.issued_on, letter.issued_by = LetterStatus.ISSUED, today, user_or_none(actor)
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
