"""API shapes of supervision: visits and what the groups saw, findings, actions on the escalation ladder,
feedback letters, the groups and their units. Organisations are named by their code (and name); labels (状态、
基本要求、处置方式 …) come from the models' choices; people are given by name only."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from accounts.models import User
from core.schemas import ErrorOut, ValidationErrorOut, caller
from supervision.choices import (
    LEVEL_GROUNDS,
    ActionStatus,
    Judgement,
    LetterStatus,
    Level,
    Requirement,
    VisitStatus,
    rung,
)
from supervision.models import Action, FeedbackLetter, Finding, Observation, Visit, VisitAttachment

__all__ = ["ErrorOut", "ValidationErrorOut"]


def _name(user: User | None) -> str:
    return str(user) if user is not None else ""


def _choices_text(choices: Any) -> str:
    return " / ".join(f"{value} {label}" for value, label in choices.choices)


def _scope_roots(context: Any) -> list[str]:
    """The roots of what the caller sees (empty for none)."""
    request = (context or {}).get("request")
    user = getattr(request, "auth", None)
    scope = getattr(user, "data_scope_paths", None)
    return (scope() if callable(scope) else None) or []


LEVELS_TEXT = " / ".join(f"{value} {Level(value).label}（{LEVEL_GROUNDS[value]}）" for value in Level.values)


class OrgRefOut(Schema):
    code: str = Field(description="党组织编码")
    name: str = Field(description="党组织名称")


class PersonOut(Schema):
    id: int
    username: str
    name: str = Field(description="姓名")

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return _name(obj)


# ---------------------------------------------------------------------------------------------------------
# Methods, groups and their units.


class MethodOut(Schema):
    id: int
    name: str = Field(description="指导方式")
    is_active: bool = Field(description="启用（停用的方式不能用于新的活动）")
    order: int = Field(description="排序")


class GroupOut(Schema):
    """A liaison group (联络组，履行指导组职责) of the current campaign."""

    id: int
    name: str = Field(description="联络组名称")
    campaign_id: int = Field(description="主题教育编号")
    members: list[PersonOut] = Field(description="成员")
    units: list[OrgRefOut] = Field(description="联系的单位（调用者管辖范围内的）")

    @staticmethod
    def resolve_members(obj: Any) -> list[Any]:
        return [m.user for m in obj.memberships.all()]

    @staticmethod
    def resolve_units(obj: Any, context: Any) -> list[Any]:
        roots = _scope_roots(context)
        return [a.organization for a in obj.assignments.all()
                if any(a.organization.path.startswith(root) for root in roots)]


class UnitRowOut(Schema):
    """One unit of a group's workspace, at a glance."""

    organization_code: str = Field(description="党组织编码")
    organization_name: str = Field(description="党组织名称")
    overdue_problems: int = Field(description="逾期未销号的问题数（含下级）")
    open_problems: int = Field(description="未销号的问题数（含下级）")
    leaders: int = Field(description="县处级以上领导干部人数")
    leaders_behind: int = Field(description="带头事项尚未完成的领导干部人数")
    open_lead_actions: int = Field(description="尚未完成的带头事项数")
    last_visit: dt.date | None = Field(description="最近一次开展督促指导的日期")
    days_since_visit: int | None = Field(description="距最近一次督促指导的天数；未开展过为空")
    planned_visits: int = Field(description="今天及以后计划开展的活动数")
    open_actions: int = Field(description="已决定、尚未办结的处置数")
    proposals: int = Field(description="待决定的处置建议数")
    findings: int = Field(description="督导发现问题数")
    unfiled_findings: int = Field(description="需要整改、尚未列入问题清单的发现数")

    @staticmethod
    def resolve_organization_code(obj: Any) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_organization_name(obj: Any) -> str:
        return obj.organization.name


# ---------------------------------------------------------------------------------------------------------
# Visits.


class VisitQuery(Schema):
    """Filters of the visit list. Several statuses: repeat it (?status=planned&status=done)."""

    group: int | None = Field(None, description="联络组编号")
    org: str | None = Field(None, description="党组织编码：只列该组织及其下级的活动")
    status: list[VisitStatus] = Field(default_factory=list, description="状态")
    method: int | None = Field(None, description="指导方式编号")
    date_from: dt.date | None = Field(None, description="日期起（开展日期，未开展的按计划日期）")
    date_to: dt.date | None = Field(None, description="日期止（含）")
    campaign: int | None = Field(None, description="主题教育编号，不填为当前开展的")


class ObservationOut(Schema):
    requirement: str = Field(description=_choices_text(Requirement))
    requirement_label: str
    judgement: str = Field(description="现场评价：" + _choices_text(Judgement) + "；可为空")
    judgement_label: str
    note: str = Field(description="了解到的情况")

    @staticmethod
    def resolve_requirement_label(obj: Observation) -> str:
        return str(obj.get_requirement_display())

    @staticmethod
    def resolve_judgement_label(obj: Observation) -> str:
        return str(obj.get_judgement_display()) if obj.judgement else ""


class AttachmentOut(Schema):
    id: int
    filename: str = Field(description="文件名")
    size: int = Field(description="字节")
    sha256: str = Field(description="上传时计算的SHA-256")
    uploaded_by_name: str = Field(description="上传人")
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_uploaded_by_name(obj: VisitAttachment) -> str:
        return _name(obj.uploaded_by)

    @staticmethod
    def resolve_uploaded_at(obj: VisitAttachment) -> dt.datetime:
        return obj.created_at


class VisitRowOut(Schema):
    id: int
    campaign_id: int
    group_id: int
    group_name: str = Field(description="联络组")
    organization_code: str = Field(description="指导单位的党组织编码")
    organization_name: str = Field(description="指导单位")
    method_id: int
    method_name: str = Field(description="指导方式")
    subject: str = Field(description="活动内容")
    planned_on: dt.date = Field(description="计划日期")
    visited_on: dt.date | None = Field(description="开展日期")
    day: dt.date = Field(description="开展日期，未开展的为计划日期")
    status: str = Field(description=_choices_text(VisitStatus))
    status_label: str

    @staticmethod
    def resolve_group_name(obj: Visit) -> str:
        return obj.group.name

    @staticmethod
    def resolve_organization_code(obj: Visit) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_organization_name(obj: Visit) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_method_name(obj: Visit) -> str:
        return obj.method.name

    @staticmethod
    def resolve_status_label(obj: Visit) -> str:
        return str(obj.get_status_display())


class VisitDetailOut(VisitRowOut):
    """A visit with who went, what the group saw against each basic requirement, its files and its findings."""

    participants: list[PersonOut] = Field(description="参加人员（本组成员）")
    others: str = Field(description="其他参加人员")
    summary: str = Field(description="总体情况")
    cancel_reason: str = Field(description="取消原因")
    created_by_name: str = Field(description="登记人")
    observations: list[ObservationOut] = Field(description="对照基本要求了解到的情况")
    attachments: list[AttachmentOut] = Field(description="活动附件（只含文件信息）")
    finding_ids: list[int] = Field(description="本次活动发现的问题编号")

    @staticmethod
    def resolve_participants(obj: Visit) -> list[Any]:
        return list(obj.participants.all())

    @staticmethod
    def resolve_created_by_name(obj: Visit) -> str:
        return _name(obj.created_by)

    @staticmethod
    def resolve_observations(obj: Visit) -> list[Observation]:
        return list(obj.observations.all())

    @staticmethod
    def resolve_attachments(obj: Visit) -> list[VisitAttachment]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_finding_ids(obj: Visit) -> list[int]:
        return sorted(f.pk for f in obj.findings.all())


class ObservationIn(Schema):
    requirement: str = Field(description=_choices_text(Requirement))
    judgement: str = Field("", description="现场评价：" + _choices_text(Judgement) + "；可不填")
    note: str = Field("", description="了解到的情况（评价和情况都不填的，删除该项）")


class VisitIn(Schema):
    """Plans a visit; with `visited_on` (and `summary`) it records a visit already held, planned and done the
    same day."""

    org: str = Field(description="党组织编码：指导的单位（本组联系的单位或其下级）")
    group: int | None = Field(None, description="联络组编号，不填为该单位所属的联络组")
    method: int = Field(description="指导方式编号（GET /supervision/methods）")
    subject: str = Field("", description="活动内容，不填则为“指导方式·单位”，如：个别访谈·城关镇党委")
    planned_on: dt.date | None = Field(None, description="计划日期（登记已开展的活动时不填）")
    participants: list[int] = Field(default_factory=list, description="参加人员：本组成员的用户编号")
    others: str = Field("", description="其他参加人员")
    visited_on: dt.date | None = Field(None, description="开展日期：填写则登记为已开展的活动（不晚于今天）")
    summary: str = Field("", description="总体情况（登记已开展的活动时必填）")
    observations: list[ObservationIn] = Field(default_factory=list, description="对照基本要求了解到的情况")


class VisitRecordIn(Schema):
    """Marks a planned visit done (or corrects the record of a done one)."""

    visited_on: dt.date | None = Field(None, description="开展日期（不晚于今天）")
    summary: str = Field("", description="总体情况")
    observations: list[ObservationIn] = Field(default_factory=list, description="对照基本要求了解到的情况")
    participants: list[int] | None = Field(None, description="参加人员：本组成员的用户编号；不填保持不变")
    others: str | None = Field(None, description="其他参加人员；不填保持不变")


class VisitCancelIn(Schema):
    reason: str = Field(description="取消原因")


# ---------------------------------------------------------------------------------------------------------
# Findings.


class FindingQuery(Schema):
    group: int | None = Field(None, description="联络组编号")
    org: str | None = Field(None, description="党组织编码：只列该组织及其下级的发现")
    requirement: list[Requirement] = Field(default_factory=list, description="基本要求")
    filed: bool | None = Field(None, description="true 只列已列入问题清单的，false 只列需要整改而尚未列入的")
    visit: int | None = Field(None, description="督促指导活动编号")
    campaign: int | None = Field(None, description="主题教育编号，不填为当前开展的")


class FindingRowOut(Schema):
    id: int
    visit_id: int
    visit_day: dt.date = Field(description="发现日期（活动开展日期）")
    group_id: int
    group_name: str = Field(description="联络组")
    organization_code: str = Field(description="所在单位的党组织编码")
    organization_name: str = Field(description="所在单位")
    requirement: str = Field(description=_choices_text(Requirement))
    requirement_label: str
    description: str = Field(description="发现的问题")
    cadre_id: int | None = Field(description="涉及领导干部编号")
    cadre_name: str = Field(description="涉及领导干部")
    needs_fix: bool = Field(description="需要整改（否则为指导意见）")
    problem_id: int | None = Field(description="列入的问题编号")
    problem_number: str = Field(description="列入的问题编号，如 WT0000123")
    is_relapse: bool = Field(description="问题反弹：重新打开了已销号的问题")
    created_at: dt.datetime

    @staticmethod
    def resolve_visit_day(obj: Finding) -> dt.date:
        return obj.visit.day

    @staticmethod
    def resolve_group_id(obj: Finding) -> int:
        return obj.visit.group_id

    @staticmethod
    def resolve_group_name(obj: Finding) -> str:
        return obj.visit.group.name

    @staticmethod
    def resolve_organization_code(obj: Finding) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_organization_name(obj: Finding) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_requirement_label(obj: Finding) -> str:
        return str(obj.get_requirement_display())

    @staticmethod
    def resolve_cadre_name(obj: Finding) -> str:
        return obj.cadre.name if obj.cadre_id and obj.cadre else ""

    @staticmethod
    def resolve_problem_number(obj: Finding) -> str:
        return obj.problem.number if obj.problem_id and obj.problem else ""


class FindingDetailOut(FindingRowOut):
    visit_subject: str = Field(description="活动内容")
    method_name: str = Field(description="指导方式")
    problem_status: str = Field(description="列入的问题的状态；未列入为空")
    problem_status_label: str
    created_by_name: str = Field(description="登记人")
    action_ids: list[int] = Field(description="以此为依据的处置编号")

    @staticmethod
    def resolve_visit_subject(obj: Finding) -> str:
        return obj.visit.subject

    @staticmethod
    def resolve_method_name(obj: Finding) -> str:
        return obj.visit.method.name

    @staticmethod
    def resolve_problem_status(obj: Finding) -> str:
        return obj.problem.status if obj.problem_id and obj.problem else ""

    @staticmethod
    def resolve_problem_status_label(obj: Finding) -> str:
        return str(obj.problem.get_status_display()) if obj.problem_id and obj.problem else ""

    @staticmethod
    def resolve_created_by_name(obj: Finding) -> str:
        return _name(obj.created_by)

    @staticmethod
    def resolve_action_ids(obj: Finding, context: Any) -> list[int]:
        """The actions the caller sees (a unit: those decided, not proposals)."""
        return sorted(Action.objects.visible_to(caller(context)).filter(findings=obj).values_list("pk", flat=True))


class FindingIn(Schema):
    description: str = Field(description="发现的问题")
    requirement: str = Field(description=_choices_text(Requirement))
    org: str | None = Field(None, description="所在单位的党组织编码（本次指导的单位或其下级），不填为本次指导的单位")
    cadre: int | None = Field(None, description="涉及领导干部编号")
    needs_fix: bool = Field(True, description="需要整改：true 列入问题清单办理；false 为指导意见")


class ProblemStepIn(Schema):
    measure: str = Field(description="整改措施")
    owner: str = Field("", description="责任人")
    deadline: dt.date | None = Field(None, description="完成时限（不早于今天）")


class FindingProblemIn(Schema):
    """Puts a finding into the unit's problem ledger (source 督导发现) through the problems service."""

    category: str = Field(description="问题类别（见问题清单接口）")
    severity: str = Field("ordinary", description="严重程度（见问题清单接口）")
    fix_now: bool = Field(False, description="立查立改")
    deadline: dt.date | None = Field(None, description="完成时限（不早于今天）；不填按严重程度默认")
    cause: str = Field("", description="原因分析")
    responsible_cadre: int | None = Field(None, description="责任领导（领导干部编号），不填为发现涉及的领导干部")
    responsible_unit: str = Field("", description="责任单位，不填为问题所属的单位")
    special_campaign: int | None = Field(None, description="专项整治编号")
    description: str = Field("", description="问题表现，不填为发现的问题")
    steps: list[ProblemStepIn] = Field(default_factory=list, description="同时登记的整改措施")


class FindingRelapseIn(Schema):
    problem: int = Field(description="已销号的问题的编号（数字）：作为问题反弹重新打开")
    note: str = Field("", description="说明，不填为“督导发现问题反弹：发现的问题”")


class FindingProblemOut(Schema):
    finding_id: int
    problem_id: int = Field(description="问题编号（数字）")
    problem_number: str = Field(description="问题编号，如 WT0000123")
    problem_status: str = Field(description="问题的状态")
    is_relapse: bool = Field(description="问题反弹")


# ---------------------------------------------------------------------------------------------------------
# Actions on the escalation ladder.


class ActionQuery(Schema):
    status: list[ActionStatus] = Field(default_factory=list, description="状态")
    level: list[Level] = Field(default_factory=list, description="处置方式")
    org: str | None = Field(None, description="党组织编码：只列该组织及其下级的处置")
    group: int | None = Field(None, description="联络组编号")
    campaign: int | None = Field(None, description="主题教育编号，不填为当前开展的")


class ActionRowOut(Schema):
    id: int
    organization_code: str = Field(description="处置单位的党组织编码")
    organization_name: str = Field(description="处置单位")
    cadre_id: int | None = Field(description="处置对象（领导干部）编号")
    cadre_name: str = Field(description="处置对象（领导干部）")
    group_id: int | None
    group_name: str = Field(description="联络组")
    level: str = Field(description=_choices_text(Level))
    level_label: str
    rung: int = Field(description="在处置程序中的位次：1 指出促改 … 4 组织处理")
    status: str = Field(description=_choices_text(ActionStatus))
    status_label: str
    reason: str = Field(description="事实和理由")
    skip_reason: str = Field(description="越级处置理由")
    is_recommendation: bool = Field(description="组织处理：作为建议报领导小组决定")
    by_system: bool = Field(description="系统提出的建议")
    proposed_at: dt.datetime | None
    proposed_by_name: str = Field(description="提出人")
    decided_by_name: str = Field(description="决定人")
    decided_on: dt.date | None = Field(description="决定日期")
    follow_up_on: dt.date | None = Field(description="跟踪日期")
    result_on: dt.date | None = Field(description="办结日期")

    @staticmethod
    def resolve_organization_code(obj: Action) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_organization_name(obj: Action) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_cadre_name(obj: Action) -> str:
        return obj.cadre.name if obj.cadre_id and obj.cadre else ""

    @staticmethod
    def resolve_group_name(obj: Action) -> str:
        return obj.group.name if obj.group_id and obj.group else ""

    @staticmethod
    def resolve_level_label(obj: Action) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_rung(obj: Action) -> int:
        return rung(obj.level)

    @staticmethod
    def resolve_status_label(obj: Action) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_by_system(obj: Action) -> bool:
        return obj.proposed_by_id is None and bool(obj.basis)

    @staticmethod
    def resolve_proposed_by_name(obj: Action) -> str:
        return _name(obj.proposed_by)

    @staticmethod
    def resolve_decided_by_name(obj: Action) -> str:
        return _name(obj.decided_by)


class ActionDetailOut(ActionRowOut):
    finding_ids: list[int] = Field(description="依据的督导发现编号")
    basis: dict[str, Any] = Field(description="系统建议的依据：重复发现的基本要求及条数、逾期问题数")
    decision_note: str = Field(description="决定意见（不予采纳时为理由）")
    result: str = Field(description="处置结果")
    result_by_name: str = Field(description="办结登记人")

    @staticmethod
    def resolve_finding_ids(obj: Action) -> list[int]:
        return sorted(f.pk for f in obj.findings.all())

    @staticmethod
    def resolve_result_by_name(obj: Action) -> str:
        return _name(obj.result_by)


class ActionIn(Schema):
    """Takes a step on the ladder now: liaison groups 指出促改 and 纠正; the office any step."""

    org: str = Field(description="处置单位的党组织编码")
    level: str = Field(description=LEVELS_TEXT)
    reason: str = Field(description="事实和理由")
    findings: list[int] = Field(default_factory=list, description="依据的督导发现编号")
    cadre: int | None = Field(None, description="处置对象（该单位的领导干部编号），不填为单位")
    skip_reason: str = Field("", description="越级处置理由（跳过程序中的一步时必填）")
    follow_up_on: dt.date | None = Field(None, description="跟踪日期（不早于今天）")


class ProposalIn(Schema):
    """Proposes a step for the office to decide (严肃批评、组织处理 are the office's decision)."""

    org: str = Field(description="处置单位的党组织编码")
    level: str = Field(description=LEVELS_TEXT)
    reason: str = Field(description="事实和理由")
    findings: list[int] = Field(default_factory=list, description="依据的督导发现编号")
    cadre: int | None = Field(None, description="处置对象（该单位的领导干部编号），不填为单位")


class DecideIn(Schema):
    level: str | None = Field(None, description="处置方式，不填按建议：" + LEVELS_TEXT)
    reason: str | None = Field(None, description="事实和理由，不填按建议")
    skip_reason: str = Field("", description="越级处置理由（跳过程序中的一步时必填）")
    follow_up_on: dt.date | None = Field(None, description="跟踪日期（不早于今天）")
    note: str = Field("", description="决定意见")


class DismissIn(Schema):
    note: str = Field(description="不予采纳的理由")


class ResultIn(Schema):
    result: str = Field(description="处置结果")


# ---------------------------------------------------------------------------------------------------------
# Feedback letters.


class LetterQuery(Schema):
    status: list[LetterStatus] = Field(default_factory=list, description="状态")
    group: int | None = Field(None, description="联络组编号")
    org: str | None = Field(None, description="党组织编码：只列该组织及其下级的反馈意见")
    campaign: int | None = Field(None, description="主题教育编号，不填为当前开展的")
    q: str = Field("", max_length=100,
                   description="按文号（教育办督〔2023〕1号、督〔2023〕1号、2023 1）查找，或在标题、单位名称中查找")


class LetterRowOut(Schema):
    id: int
    group_id: int
    group_name: str = Field(description="联络组")
    organization_code: str = Field(description="反馈单位的党组织编码")
    organization_name: str = Field(description="反馈单位")
    title: str = Field(description="标题")
    status: str = Field(description=_choices_text(LetterStatus))
    status_label: str
    number: str = Field(description="文号（印发后）")
    issued_on: dt.date | None = Field(description="印发日期")
    reply_due_on: dt.date | None = Field(description="整改情况报送时限")
    created_at: dt.datetime

    @staticmethod
    def resolve_group_name(obj: FeedbackLetter) -> str:
        return obj.group.name

    @staticmethod
    def resolve_organization_code(obj: FeedbackLetter) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_organization_name(obj: FeedbackLetter) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_status_label(obj: FeedbackLetter) -> str:
        return str(obj.get_status_display())


class LetterDetailOut(LetterRowOut):
    recipient: str = Field(description="主送")
    body: str = Field(description="正文（纯文本；以“一、”“（一）”开头的行是标题）")
    finding_ids: list[int] = Field(description="反馈的问题（督导发现）编号")
    action_ids: list[int] = Field(description="反馈的处置编号")
    created_by_name: str = Field(description="起草人")
    issued_by_name: str = Field(description="印发人")

    @staticmethod
    def resolve_finding_ids(obj: FeedbackLetter) -> list[int]:
        return sorted(f.pk for f in obj.findings.all())

    @staticmethod
    def resolve_action_ids(obj: FeedbackLetter) -> list[int]:
        return sorted(a.pk for a in obj.actions.all())

    @staticmethod
    def resolve_created_by_name(obj: FeedbackLetter) -> str:
        return _name(obj.created_by)

    @staticmethod
    def resolve_issued_by_name(obj: FeedbackLetter) -> str:
        return _name(obj.issued_by)


class LetterIn(Schema):
    """Drafts a feedback letter; title, recipient and body not given are composed from the records."""

    org: str = Field(description="反馈单位的党组织编码（联络组联系的单位）")
    group: int | None = Field(None, description="联络组编号，不填为该单位所属的联络组")
    findings: list[int] = Field(default_factory=list, description="反馈的问题（督导发现）编号")
    actions: list[int] = Field(default_factory=list, description="反馈的处置编号（已决定的）")
    reply_due_on: dt.date | None = Field(None, description="整改情况报送时限（不早于今天）")
    title: str = Field("", description="标题，不填按记录生成")
    recipient: str = Field("", description="主送，不填为反馈单位")
    body: str = Field("", description="正文，不填按记录生成")
