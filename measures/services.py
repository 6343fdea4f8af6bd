"""Every write of the measures app, and its rules, in one place: pages, the quick-record form, the API and
the demo generator all call these.

Rules every record keeps:
- it is written by an actor who records measures, for an organisation inside the actor's jurisdiction
  (`measures.permissions.can_record_measures`); anyone else is refused with PermissionDenied (a 404 on pages and in
  the API, as for anything out of reach) before any other rule is checked;
- its organisation takes part in its campaign (campaigns.selectors.campaigns_of);
- it is created in the current campaign only: a past campaign is history, read only. Only code that builds
  history on purpose (tests) passes `allow_past=True` to a create service;
- a cadre it names is one of `nameable_cadres` (its own, or a county-level+ leader above it), a member it names
  belongs to its own organisation (`_named_error`, on create and on update alike) — the forms offer exactly these;
- its dates lie inside the campaign (no phases: every measure is open from the first day to the last, DESIGN
  §4.3), and what already happened is not dated in the future;
- bad input raises ValidationError({field: Chinese reason}) and writes nothing.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.actors import Actor
from campaigns.models import Campaign
from campaigns.selectors import campaigns_of
from core import audit
from core.cn import cn_date
from core.files import content_error
from core.models import AuditEntry
from core.validation import choice_error as _choice_error
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from measures.choices import LifeMeetingItemKind, LifeMeetingKind, StudyKind
from measures.models import (
    LifeMeeting,
    LifeMeetingItem,
    Milestone,
    PartyLecture,
    PublicService,
    ResearchReport,
    ResearchTopic,
    ResearchUse,
    ResultsExchange,
    StudySession,
)
from measures.permissions import can_record_measures
from orgs.choices import RANK_COUNTY
from orgs.models import Cadre, CadreQuerySet, Member, Organization

# Attachments: documents and pictures only, up to settings.JYB_IMPORT_MAX_MB MB (the same limit as imports).
ATTACHMENT_SUFFIXES = frozenset({".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".png"})
MAX_COUNT = 100_000


def _check_recorder(actor: Actor, organization: Organization) -> None:
    """Every write of a record: the actor records measures, for an organisation inside their jurisdiction (else
    PermissionDenied, which pages and the API answer with 404 like anything out of reach)."""
    if not can_record_measures(actor, organization):
        raise PermissionDenied("不能为该党组织记录四项重点措施")


# ---------------------------------------------------------------------------------------------------------
# Field rules shared by every record.


def _campaign_errors(organization: Organization, campaign: Campaign | None) -> dict[str, str]:
    if campaign is None:
        return {"campaign": "当前没有正在开展的主题教育，无法记录"}
    if not campaigns_of(organization).filter(pk=campaign.pk).exists():
        return {"organization": f"“{organization.name}”不参加“{campaign}”，不能为它记录"}
    return {}


def _period(campaign: Campaign) -> str:
    end = cn_date(campaign.ends_on) if campaign.ends_on else "结束"
    return f"{cn_date(campaign.starts_on)}至{end}"


def _date_error(value: dt.date | None, campaign: Campaign | None, *, label: str = "日期",
                past: bool = True) -> str | None:
    """`value` must be given and lie inside the campaign; `past`: it already happened (not after today)."""
    if value is None:
        return f"请填写{label}"
    if not isinstance(value, dt.date):
        return f"{label}格式不正确"
    if campaign is not None:
        if value < campaign.starts_on or (campaign.ends_on is not None and value > campaign.ends_on):
            return f"{label}应在主题教育期间（{_period(campaign)}）"
    if past and value > timezone.localdate():
        return f"{label}不能晚于今天"
    return None


def _count_error(value: Any, label: str) -> str | None:
    if value is None or value == "":
        return f"请填写{label}"
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or value > MAX_COUNT:
        return f"{label}应为1至{MAX_COUNT}之间的整数"
    return None


def attachment_max_mb() -> int:
    return int(settings.JYB_IMPORT_MAX_MB)


def _attachment_error(upload: UploadedFile | None) -> str | None:
    if not upload:
        return None
    if Path(upload.name or "").suffix.lower() not in ATTACHMENT_SUFFIXES:
        return "附件只能是PDF、Word（.doc、.docx）、Excel（.xls、.xlsx）或JPG、PNG图片"
    if (upload.size or 0) > attachment_max_mb() * 1024 * 1024:
        return f"附件不能超过{attachment_max_mb()}MB"
    return content_error(upload)


def _current_errors(campaign: Campaign | None) -> dict[str, str]:
    """Records of a campaign that is not (or no longer) current are history: read only."""
    if campaign is not None and not campaign.is_current:
        return {"campaign": f"“{campaign}”不是当前开展的主题教育，它的记录只能查看，不能修改或补充"}
    return {}


def _new_record_errors(campaign: Campaign | None, allow_past: bool) -> dict[str, str]:
    """A new record goes into the current campaign; `allow_past` (tests building history only) lifts that."""
    return {} if allow_past else _current_errors(campaign)


def nameable_cadres(organization: Organization, *, county_level: bool = False) -> CadreQuerySet:
    """The cadres a record of `organization` may name — the one rule the forms offer and the services check:
    its own leadership-team members (班子成员), and the county-level+ leaders of the organisations above it
    (联系点领导: a county secretary lecturing or studying at a village of his county, his contact point, is doing
    his own lead action). Never a cadre of a unit elsewhere, nor a cadre above it below county level.
    `county_level`: only county-level+ cadres (a leader's research topic)."""
    above = organization.ancestor_paths()[:-1]
    qs = Cadre.objects.filter(Q(organization=organization)
                              | Q(organization__path__in=above, rank__gte=RANK_COUNTY))
    return qs.county_level() if county_level else qs


def _cadre_error(organization: Organization, cadre: Cadre | None, label: str, *,
                 county_level: bool = False) -> str | None:
    """`cadre` is one of `nameable_cadres(organization)` (else the reason, in Chinese)."""
    if cadre is None:
        return None
    if county_level and not cadre.is_county_level:
        return f"{label}应为县处级以上领导干部"
    return _named_error(organization, label, cadres=[cadre])


def _not_nameable(organization: Organization, label: str) -> str:
    return f"{label}应为“{organization.name}”的班子成员，或其上级党组织县处级以上的联系点领导"


def _member_error(organization: Organization, member: Member | None, label: str) -> str | None:
    """A member named on a record belongs to the record's organisation."""
    if member is not None and member.organization_id != organization.pk:
        return f"{label}应为“{organization.name}”的党员"
    return None


def _named_error(organization: Organization, label: str, *, cadres: Iterable[Cadre | None] = (),
                 members: Iterable[Member | None] = ()) -> str | None:
    """The reason (in Chinese) a cadre or member named on a record (as `label`) may not be named there: a cadre
    not among `nameable_cadres`, a member of another organisation. Every create and update of a record that names
    people goes through here: naming someone of another unit would make a lead action true for him from a record
    that is not his unit's. One query for the cadres, whatever their number."""
    ids = {c.pk for c in cadres if c is not None}
    if ids and nameable_cadres(organization).filter(pk__in=ids).count() != len(ids):
        return _not_nameable(organization, label)
    for member in members:
        reason = _member_error(organization, member, label)
        if reason:
            return reason
    return None


def _duplicate_errors(model: type[StudySession | PartyLecture | LifeMeeting], *, organization: Organization,
                      campaign: Campaign | None, held_on: dt.date | None, what: str, title_field: str, title: str,
                      confirm: bool, **same: Any) -> dict[str, str]:
    """A new record identical to one already saved (same organisation, date, kind and title) is asked about
    before it is saved again: refused under `duplicate` unless the user confirmed it is another one (the pages'
    "仍然保存", the API's `confirm_duplicate`)."""
    if confirm or campaign is None or not isinstance(held_on, dt.date) or not isinstance(title, str):
        return {}
    title = title.strip()
    found = model.objects.filter(organization=organization, campaign=campaign, held_on=held_on,
                                 **{title_field: title}, **same).exists()
    if not found:
        return {}
    named = f"“{title}”" if title else ""
    return {"duplicate": f"{cn_date(held_on)}已记录过{what}{named}，这是否是同一次？如确是另外一次，请点“仍然保存”"}


def cadres_named(*, organization: Organization, ids: Iterable[int | None], field: str, label: str) -> list[Cadre]:
    """The cadres of `ids` (None: nobody) that a record of `organization` names, for callers that receive ids (the
    API): each one of `nameable_cadres`, else ValidationError({field: reason}) — an id outside is refused, never
    dropped, and answers like one that does not exist."""
    wanted = [pk for pk in ids if pk is not None]
    found = {c.pk: c for c in nameable_cadres(organization).filter(pk__in=wanted)}
    if len(found) != len(set(wanted)):
        raise ValidationError({field: _not_nameable(organization, label)})
    return [found[pk] for pk in dict.fromkeys(wanted)]


def _same_title_errors(model: type[ResearchTopic | PublicService], *, organization: Organization,
                        campaign: Campaign | None, what: str, title: str, confirm: bool) -> dict[str, str]:
    """An undated record (a research topic, a public-service commitment) with the title of one the unit already
    has in the campaign is asked about the same way before it is saved again."""
    if confirm or campaign is None or not isinstance(title, str) or not title.strip():
        return {}
    if not model.objects.filter(organization=organization, campaign=campaign, title=title.strip()).exists():
        return {}
    return {"duplicate": f"本单位已有{what}“{title.strip()}”，这是否是同一个？如确是另外一个，请点“仍然保存”"}


def _audit_links(obj: models.Model, field: str, ids: Sequence[int], before: Sequence[int] = ()) -> None:
    """Many-to-many links are not in the row's snapshot: log them as a change of the row."""
    audit.record(AuditEntry.Action.UPDATE, object_type=audit.type_label(obj), object_id=str(obj.pk),
                 object_repr=str(obj)[:200], before={field: sorted(before)}, after={field: sorted(ids)})


def _set_links(obj: Any, field: str, ids: Iterable[int]) -> None:
    audit.set_links(obj, field, ids)


# ---------------------------------------------------------------------------------------------------------
# Theory study


def study_session_errors(*, organization: Organization, campaign: Campaign | None, kind: str, topic: str,
                         held_on: dt.date | None, participant_count: Any, leaders: Iterable[Cadre] = (),
                         attachment: UploadedFile | None = None, notes: str = "") -> dict[str, str]:
    errors = _campaign_errors(organization, campaign)
    _put(errors, "kind", _choice_error(kind, StudyKind, "学习形式"))
    _put(errors, "topic", _text_error(topic, "学习主题", 200))
    _put(errors, "held_on", _date_error(held_on, campaign))
    _put(errors, "participant_count", _count_error(participant_count, "参加人数"))
    _put(errors, "leaders", _named_error(organization, "参加的班子成员", cadres=leaders))
    _put(errors, "notes", _text_error(notes, "情况说明", 5000, required=False))
    _put(errors, "attachment", _attachment_error(attachment))
    return errors


@transaction.atomic
def study_session_create(*, actor: Actor, organization: Organization, campaign: Campaign | None, kind: str, topic: str,
                         held_on: dt.date | None, participant_count: Any, leaders: Iterable[Cadre] = (),
                         notes: str = "", attachment: UploadedFile | None = None,
                         allow_past: bool = False, confirm_duplicate: bool = False) -> StudySession:
    """A study session (自学、集中学习、专题研讨). `leaders`: the leaders who took part, by name (each one of
    `nameable_cadres`: the session's own team, or a leader above it at his contact point). The same session
    already saved (date and topic) is refused unless `confirm_duplicate`."""
    _check_recorder(actor, organization)
    leaders = list(leaders)
    errors = _new_record_errors(campaign, allow_past)
    errors.update(study_session_errors(organization=organization, campaign=campaign, kind=kind, topic=topic,
                                       held_on=held_on, participant_count=participant_count, leaders=leaders,
                                       attachment=attachment, notes=notes))
    if not errors:
        errors.update(_duplicate_errors(StudySession, organization=organization, campaign=campaign,
                                        held_on=held_on, what="学习研讨", title_field="topic", title=topic,
                                        confirm=confirm_duplicate))
    _raise(errors)
    assert campaign is not None and held_on is not None
    session = StudySession.objects.create(
        organization=organization, campaign=campaign, kind=kind, topic=topic.strip(), held_on=held_on,
        participant_count=participant_count, notes=(notes or "").strip(), attachment=attachment or "")
    leader_ids = sorted({c.pk for c in leaders})
    if leader_ids:
        session.leaders.set(leader_ids)
        _audit_links(session, "leaders", leader_ids)
    return session


@transaction.atomic
def study_session_update(*, actor: Actor, session: StudySession, kind: str, topic: str, held_on: dt.date | None,
                         participant_count: Any, leaders: Iterable[Cadre] = (), notes: str = "",
                         attachment: UploadedFile | None = None) -> StudySession:
    """Correct a study session of the current campaign. `attachment`: a new file replaces the old one (None keeps
    it)."""
    _check_recorder(actor, session.organization)
    leader_list = list(leaders)
    errors = _current_errors(session.campaign)
    errors.update(study_session_errors(organization=session.organization, campaign=session.campaign, kind=kind,
                                       topic=topic, held_on=held_on, participant_count=participant_count,
                                       leaders=leader_list, attachment=attachment, notes=notes))
    _raise(errors)
    assert held_on is not None
    session.kind, session.topic, session.held_on = kind, topic.strip(), held_on
    session.participant_count, session.notes = participant_count, (notes or "").strip()
    if attachment:
        session.attachment = attachment  # type: ignore[assignment]
    session.save()
    _set_links(session, "leaders", [c.pk for c in leader_list])
    return session


# ---------------------------------------------------------------------------------------------------------
# Research


def _topic_errors(*, organization: Organization, campaign: Campaign | None, title: str, description: str,
                  lead_cadre: Cadre | None) -> dict[str, str]:
    errors = _campaign_errors(organization, campaign)
    _put(errors, "title", _text_error(title, "课题名称", 200))
    _put(errors, "description", _text_error(description, "课题说明", 5000, required=False))
    _put(errors, "lead_cadre", _cadre_error(organization, lead_cadre, "牵头领导干部", county_level=True))
    return errors


@transaction.atomic
def research_topic_create(*, actor: Actor, organization: Organization, campaign: Campaign | None, title: str,
                          description: str = "", lead_cadre: Cadre | None = None,
                          allow_past: bool = False, confirm_duplicate: bool = False) -> ResearchTopic:
    """A research topic of a unit, or of one of its county-level+ leaders (`lead_cadre`). A title the unit already
    has in the campaign is refused unless `confirm_duplicate`."""
    _check_recorder(actor, organization)
    errors = _new_record_errors(campaign, allow_past)
    errors.update(_topic_errors(organization=organization, campaign=campaign, title=title, description=description,
                                lead_cadre=lead_cadre))
    if not errors:
        errors.update(_same_title_errors(ResearchTopic, organization=organization, campaign=campaign, what="调研课题",
                                         title=title, confirm=confirm_duplicate))
    _raise(errors)
    assert campaign is not None
    return ResearchTopic.objects.create(organization=organization, campaign=campaign, title=title.strip(),
                                        description=(description or "").strip(), lead_cadre=lead_cadre)


@transaction.atomic
def research_topic_update(*, actor: Actor, topic: ResearchTopic, title: str, description: str = "",
                          lead_cadre: Cadre | None = None) -> ResearchTopic:
    _check_recorder(actor, topic.organization)
    errors = _current_errors(topic.campaign)
    errors.update(_topic_errors(organization=topic.organization, campaign=topic.campaign, title=title,
                                description=description, lead_cadre=lead_cadre))
    _raise(errors)
    topic.title, topic.description, topic.lead_cadre = title.strip(), (description or "").strip(), lead_cadre
    topic.save()
    return topic


@transaction.atomic
def research_report_create(*, actor: Actor, topic: ResearchTopic, title: str, submitted_on: dt.date | None,
                           author_cadre: Cadre | None = None, summary: str = "",
                           attachment: UploadedFile | None = None, allow_past: bool = False) -> ResearchReport:
    _check_recorder(actor, topic.organization)
    errors = (_new_record_errors(topic.campaign, allow_past)
              or _campaign_errors(topic.organization, topic.campaign))
    _put(errors, "title", _text_error(title, "报告标题", 200))
    _put(errors, "author_cadre", _named_error(topic.organization, "撰写的领导干部", cadres=[author_cadre]))
    _put(errors, "submitted_on", _date_error(submitted_on, topic.campaign, label="形成日期"))
    _put(errors, "summary", _text_error(summary, "内容摘要", 5000, required=False))
    _put(errors, "attachment", _attachment_error(attachment))
    _raise(errors)
    assert submitted_on is not None
    return ResearchReport.objects.create(topic=topic, title=title.strip(), submitted_on=submitted_on,
                                         author_cadre=author_cadre, summary=(summary or "").strip(),
                                         attachment=attachment or "")


@transaction.atomic
def results_exchange_create(*, actor: Actor, organization: Organization, campaign: Campaign | None,
                            held_on: dt.date | None,
                            topics: Iterable[ResearchTopic] = (), notes: str = "",
                            allow_past: bool = False) -> ResultsExchange:
    """A results-exchange meeting (调研成果交流会) on some of the unit's topics of the same campaign."""
    _check_recorder(actor, organization)
    errors = _new_record_errors(campaign, allow_past)
    errors.update(_campaign_errors(organization, campaign))
    _put(errors, "held_on", _date_error(held_on, campaign))
    topic_list = list(topics)
    if campaign is not None and any(t.campaign_id != campaign.pk for t in topic_list):
        _put(errors, "topics", "交流的课题应属于同一次主题教育")
    if any(t.organization_id != organization.pk for t in topic_list):
        _put(errors, "topics", f"交流的课题应是“{organization.name}”的课题")
    _put(errors, "notes", _text_error(notes, "情况说明", 5000, required=False))
    _raise(errors)
    assert campaign is not None and held_on is not None
    exchange = ResultsExchange.objects.create(organization=organization, campaign=campaign, held_on=held_on,
                                              notes=(notes or "").strip())
    topic_ids = sorted({t.pk for t in topic_list})
    if topic_ids:
        exchange.topics.set(topic_ids)
        _audit_links(exchange, "topics", topic_ids)
    return exchange


@transaction.atomic
def research_use_create(*, actor: Actor, report: ResearchReport, text: str, public_service: PublicService | None = None,
                        problem: Any = None, allow_past: bool = False) -> ResearchUse:
    """How a report's results were used: in words, optionally through a public-service commitment or a problem
    of the ledger (a `problems.Problem`) of the same campaign and organisation."""
    _check_recorder(actor, report.topic.organization)
    errors = _new_record_errors(report.topic.campaign, allow_past)
    _put(errors, "text", _text_error(text, "运用情况", 5000))
    if public_service is not None and public_service.campaign_id != report.topic.campaign_id:
        errors["public_service"] = "为民办实事项目应属于同一次主题教育"
    elif public_service is not None and public_service.organization_id != report.topic.organization_id:
        errors["public_service"] = "为民办实事项目应是本组织的项目"
    if problem is not None and (problem.campaign_id != report.topic.campaign_id
                                or problem.organization_id != report.topic.organization_id):
        errors["problem"] = "关联的问题应是本组织在同一次主题教育中的问题"
    _raise(errors)
    return ResearchUse.objects.create(report=report, text=text.strip(), public_service=public_service,
                                      problem=problem)


# ---------------------------------------------------------------------------------------------------------
# Development: public-service commitments (为民办实事) and their milestones


def _public_service_errors(*, organization: Organization, campaign: Campaign | None, title: str, target: str,
                           owner: str, deadline: dt.date | None, owner_cadre: Cadre | None) -> dict[str, str]:
    errors = _campaign_errors(organization, campaign)
    _put(errors, "title", _text_error(title, "实事项目", 200))
    _put(errors, "target", _text_error(target, "目标", 5000))
    _put(errors, "owner", _text_error(owner, "责任单位或责任人", 100))
    _put(errors, "owner_cadre", _named_error(organization, "牵头领导干部", cadres=[owner_cadre]))
    _put(errors, "deadline", _date_error(deadline, campaign, label="完成时限", past=False))
    return errors


@transaction.atomic
def public_service_create(*, actor: Actor, organization: Organization, campaign: Campaign | None, title: str,
                          target: str,
                          owner: str, deadline: dt.date | None, owner_cadre: Cadre | None = None,
                          allow_past: bool = False, confirm_duplicate: bool = False) -> PublicService:
    """A public-service commitment (为民办实事). A title the unit already has in the campaign is refused unless
    `confirm_duplicate`."""
    _check_recorder(actor, organization)
    errors = _new_record_errors(campaign, allow_past)
    errors.update(_public_service_errors(organization=organization, campaign=campaign, title=title, target=target,
                                         owner=owner, deadline=deadline, owner_cadre=owner_cadre))
    if not errors:
        errors.update(_same_title_errors(PublicService, organization=organization, campaign=campaign,
                                         what="为民办实事项目", title=title, confirm=confirm_duplicate))
    _raise(errors)
    assert campaign is not None and deadline is not None
    return PublicService.objects.create(organization=organization, campaign=campaign, title=title.strip(),
                                        target=target.strip(), owner=owner.strip(), deadline=deadline,
                                        owner_cadre=owner_cadre)


@transaction.atomic
def public_service_update(*, actor: Actor, public_service: PublicService, title: str, target: str, owner: str,
                          deadline: dt.date | None, owner_cadre: Cadre | None = None) -> PublicService:
    """Correct a commitment of the current campaign. Its progress is not a field: it follows the milestones."""
    _check_recorder(actor, public_service.organization)
    errors = _current_errors(public_service.campaign)
    errors.update(_public_service_errors(organization=public_service.organization, campaign=public_service.campaign,
                                         title=title, target=target, owner=owner, deadline=deadline,
                                         owner_cadre=owner_cadre))
    _raise(errors)
    assert deadline is not None
    public_service.title, public_service.target, public_service.owner = title.strip(), target.strip(), owner.strip()
    public_service.deadline, public_service.owner_cadre = deadline, owner_cadre
    public_service.save()
    return public_service


@transaction.atomic
def milestone_create(*, actor: Actor, public_service: PublicService, title: str, due_on: dt.date | None,
                     done_on: dt.date | None = None, allow_past: bool = False) -> Milestone:
    _check_recorder(actor, public_service.organization)
    campaign = public_service.campaign
    errors = _new_record_errors(campaign, allow_past)
    _put(errors, "title", _text_error(title, "节点", 200))
    _put(errors, "due_on", _date_error(due_on, campaign, label="计划完成日期", past=False))
    if done_on is not None:
        _put(errors, "done_on", _date_error(done_on, campaign, label="实际完成日期"))
    _raise(errors)
    assert due_on is not None
    return Milestone.objects.create(public_service=public_service, title=title.strip(), due_on=due_on,
                                    done_on=done_on)


@transaction.atomic
def milestone_set_done(*, actor: Actor, milestone: Milestone, done_on: dt.date | None) -> Milestone:
    """Mark a milestone done on `done_on` (None: not done after all). The commitment's progress follows."""
    _check_recorder(actor, milestone.public_service.organization)
    campaign = milestone.public_service.campaign
    errors = _current_errors(campaign)
    if done_on is not None:
        _put(errors, "done_on", _date_error(done_on, campaign, label="实际完成日期"))
    _raise(errors)
    milestone.done_on = done_on
    milestone.save()
    return milestone


# ---------------------------------------------------------------------------------------------------------
# Thematic party lectures


def party_lecture_errors(*, organization: Organization, campaign: Campaign | None, title: str,
                         held_on: dt.date | None, audience_count: Any, speaker_cadre: Cadre | None,
                         speaker_member: Member | None, audience: str = "",
                         attachment: UploadedFile | None = None) -> dict[str, str]:
    errors = _campaign_errors(organization, campaign)
    _put(errors, "title", _text_error(title, "党课题目", 200))
    _put(errors, "held_on", _date_error(held_on, campaign))
    if speaker_cadre is not None and speaker_member is not None:
        errors["speaker"] = "主讲人只能是一位：领导干部或党员，不能同时填写"
    elif speaker_cadre is None and speaker_member is None:
        errors["speaker"] = "请选择主讲人（领导干部或党员）"
    _put(errors, "speaker", _named_error(organization, "主讲领导干部", cadres=[speaker_cadre]))
    _put(errors, "speaker", _named_error(organization, "主讲党员", members=[speaker_member]))
    _put(errors, "audience", _text_error(audience, "听课对象", 200, required=False))
    _put(errors, "audience_count", _count_error(audience_count, "听课人数"))
    _put(errors, "attachment", _attachment_error(attachment))
    return errors


@transaction.atomic
def party_lecture_create(*, actor: Actor, organization: Organization, campaign: Campaign | None, title: str,
                         held_on: dt.date | None, audience_count: Any, speaker_cadre: Cadre | None = None,
                         speaker_member: Member | None = None, audience: str = "",
                         attachment: UploadedFile | None = None, allow_past: bool = False,
                         confirm_duplicate: bool = False) -> PartyLecture:
    """A thematic party lecture. Its speaker is exactly one cadre (one of `nameable_cadres`: of the lecture's
    organisation, or a leader above it at his contact point) or one member of the organisation: a cadre's lecture
    is what makes "讲专题党课" true for him (assessment.lead_actions). The same lecture already saved (date and
    title) is refused unless `confirm_duplicate`."""
    _check_recorder(actor, organization)
    errors = _new_record_errors(campaign, allow_past)
    errors.update(party_lecture_errors(organization=organization, campaign=campaign, title=title, held_on=held_on,
                                       audience_count=audience_count, speaker_cadre=speaker_cadre,
                                       speaker_member=speaker_member, audience=audience, attachment=attachment))
    if not errors:
        errors.update(_duplicate_errors(PartyLecture, organization=organization, campaign=campaign,
                                        held_on=held_on, what="专题党课", title_field="title", title=title,
                                        confirm=confirm_duplicate))
    _raise(errors)
    assert campaign is not None and held_on is not None
    return PartyLecture.objects.create(
        organization=organization, campaign=campaign, title=title.strip(), held_on=held_on,
        audience_count=audience_count, speaker_cadre=speaker_cadre, speaker_member=speaker_member,
        audience=(audience or "").strip(), attachment=attachment or "")


@transaction.atomic
def party_lecture_update(*, actor: Actor, lecture: PartyLecture, title: str, held_on: dt.date | None,
                         audience_count: Any,
                         speaker_cadre: Cadre | None = None, speaker_member: Member | None = None,
                         audience: str = "", attachment: UploadedFile | None = None) -> PartyLecture:
    """Correct a lecture of the current campaign. `attachment`: a new file replaces the old one (None keeps it)."""
    _check_recorder(actor, lecture.organization)
    org = lecture.organization
    errors = _current_errors(lecture.campaign)
    errors.update(party_lecture_errors(organization=org, campaign=lecture.campaign, title=title, held_on=held_on,
                                       audience_count=audience_count, speaker_cadre=speaker_cadre,
                                       speaker_member=speaker_member, audience=audience, attachment=attachment))
    _raise(errors)
    assert held_on is not None
    lecture.title, lecture.held_on, lecture.audience_count = title.strip(), held_on, audience_count
    lecture.speaker_cadre, lecture.speaker_member = speaker_cadre, speaker_member
    lecture.audience = (audience or "").strip()
    if attachment:
        lecture.attachment = attachment  # type: ignore[assignment]
    lecture.save()
    return lecture


# ---------------------------------------------------------------------------------------------------------
# Life meetings and their items of criticism and self-criticism


def life_meeting_errors(*, organization: Organization, campaign: Campaign | None, kind: str,
                        held_on: dt.date | None, attendance: Any, topic: str = "", notes: str = "",
                        attachment: UploadedFile | None = None) -> dict[str, str]:
    errors = _campaign_errors(organization, campaign)
    _put(errors, "kind", _choice_error(kind, LifeMeetingKind, "会议类型"))
    _put(errors, "topic", _text_error(topic, "会议主题", 200, required=False))
    _put(errors, "held_on", _date_error(held_on, campaign))
    _put(errors, "attendance", _count_error(attendance, "参会人数"))
    _put(errors, "notes", _text_error(notes, "情况说明", 5000, required=False))
    _put(errors, "attachment", _attachment_error(attachment))
    return errors


@transaction.atomic
def life_meeting_create(*, actor: Actor, organization: Organization, campaign: Campaign | None, kind: str,
                        held_on: dt.date | None, attendance: Any, topic: str = "", notes: str = "",
                        attachment: UploadedFile | None = None,
                        items: Iterable[dict[str, Any]] = (), allow_past: bool = False,
                        confirm_duplicate: bool = False) -> LifeMeeting:
    """A special democratic or organisational life meeting, with its items (each {kind, text, cadre}). The items
    are checked with the meeting: nothing is written unless all are valid. The same meeting already saved (kind,
    date and topic) is refused unless `confirm_duplicate`."""
    _check_recorder(actor, organization)
    items = list(items)
    errors = _new_record_errors(campaign, allow_past)
    errors.update(life_meeting_errors(organization=organization, campaign=campaign, kind=kind, held_on=held_on,
                                      attendance=attendance, topic=topic, notes=notes, attachment=attachment))
    for number, item in enumerate(items, start=1):
        item_errors = _item_errors(organization, kind=item.get("kind", ""), text=item.get("text", ""),
                                   cadre=item.get("cadre"))
        if item_errors:
            _put(errors, "items", f"第{number}条意见：{'；'.join(item_errors.values())}")
    if not errors:
        what = LifeMeetingKind(kind).label
        errors.update(_duplicate_errors(LifeMeeting, organization=organization, campaign=campaign,
                                        held_on=held_on, what=str(what), title_field="topic", title=topic or "",
                                        confirm=confirm_duplicate, kind=kind))
    _raise(errors)
    assert campaign is not None and held_on is not None
    meeting = LifeMeeting.objects.create(
        organization=organization, campaign=campaign, kind=kind, topic=(topic or "").strip(), held_on=held_on,
        attendance=attendance, notes=(notes or "").strip(), attachment=attachment or "")
    for item in items:
        LifeMeetingItem.objects.create(meeting=meeting, kind=item.get("kind", ""), text=item.get("text", "").strip(),
                                       cadre=item.get("cadre"))
    return meeting


@transaction.atomic
def life_meeting_update(*, actor: Actor, meeting: LifeMeeting, kind: str, held_on: dt.date | None, attendance: Any,
                        topic: str = "", notes: str = "") -> LifeMeeting:
    """Correct a life meeting of the current campaign (its items are added one by one)."""
    _check_recorder(actor, meeting.organization)
    errors = _current_errors(meeting.campaign)
    errors.update(life_meeting_errors(organization=meeting.organization, campaign=meeting.campaign, kind=kind,
                                      held_on=held_on, attendance=attendance, topic=topic, notes=notes))
    _raise(errors)
    assert held_on is not None
    meeting.kind, meeting.held_on, meeting.attendance = kind, held_on, attendance
    meeting.topic, meeting.notes = (topic or "").strip(), (notes or "").strip()
    meeting.save()
    return meeting


def _item_errors(organization: Organization, *, kind: str, text: str, cadre: Cadre | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    _put(errors, "kind", _choice_error(kind, LifeMeetingItemKind, "类型"))
    _put(errors, "text", _text_error(text, "内容", 5000))
    _put(errors, "cadre", _named_error(organization, "涉及的领导干部", cadres=[cadre]))
    return errors


@transaction.atomic
def life_meeting_item_create(*, actor: Actor, meeting: LifeMeeting, kind: str, text: str, cadre: Cadre | None = None,
                             allow_past: bool = False) -> LifeMeetingItem:
    """An item of criticism or self-criticism; `cadre`: whom it concerns (of the meeting's organisation). A
    self-criticism of a cadre is what makes "检视问题" true for him: he examined his own problems; a criticism by
    others does not. (The problem ledger will let an item become a problem.)"""
    _check_recorder(actor, meeting.organization)
    errors = _new_record_errors(meeting.campaign, allow_past)
    errors.update(_item_errors(meeting.organization, kind=kind, text=text, cadre=cadre))
    _raise(errors)
    return LifeMeetingItem.objects.create(meeting=meeting, kind=kind, text=text.strip(), cadre=cadre)


# ---------------------------------------------------------------------------------------------------------


DELETABLE = (StudySession, ResearchTopic, ResearchReport, ResultsExchange, ResearchUse, PublicService, Milestone,
             PartyLecture, LifeMeeting, LifeMeetingItem)


@transaction.atomic
def record_delete(*, actor: Actor, record: models.Model) -> None:
    """Remove a record entered by mistake (audited; what was derived from it changes with it)."""
    if not isinstance(record, DELETABLE):
        raise TypeError(f"record_delete cannot delete {type(record).__name__}")
    _check_recorder(actor, _organization_of(record))
    record.delete()


def _organization_of(record: models.Model) -> Organization:
    """The organisation a record belongs to, through whatever it hangs on."""
    if isinstance(record, ResearchReport):
        return record.topic.organization
    if isinstance(record, ResearchUse):
        return record.report.topic.organization
    if isinstance(record, Milestone):
        return record.public_service.organization
    if isinstance(record, LifeMeetingItem):
        return record.meeting.organization
    organization = getattr(record, "organization", None)
    assert isinstance(organization, Organization)
    return organization
