"""API shapes of the problem ledger. Labels (状态、来源、类别 …) come from the models' choices; who did something is
given by name only."""

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, Schema

from core.schemas import caller as _caller
from core.schemas import choices_text as _choices_text
from core.schemas import name_of as _name
from problems import services
from problems.choices import Category, ProblemAction, ProblemStatus, Severity, Source
from problems.models import (
    Closure,
    Evidence,
    Extension,
    Problem,
    RectificationStep,
    Satisfaction,
    TransitionRecord,
)


class ProblemRowOut(Schema):
    """One row of the ledger."""

    id: int
    number: str = Field(description="问题编号，如 WT0000123")
    organization_code: str
    organization_name: str
    description: str
    source: str
    source_label: str
    category: str
    category_label: str
    severity: str
    severity_label: str
    fix_now: bool = Field(description="立查立改")
    special_campaign_id: int | None
    special_campaign_name: str
    responsible_cadre_id: int | None
    responsible_cadre_name: str
    responsible_unit: str
    registered_on: dt.date
    deadline: dt.date | None
    due_on: dt.date = Field(description="到期日：完成时限，未填时按严重程度默认")
    status: str
    status_label: str
    overdue: bool = Field(description="未销号且已过到期日")
    relapsed: bool = Field(description="销号后反弹、重新打开过")
    relapse_count: int
    extension_count: int
    step_count: int
    steps_done: int
    progress: int = Field(description="已完成的整改措施占全部措施的百分比（由措施计算，不可填写）")
    claimed_at: dt.datetime | None
    closed_at: dt.datetime | None
    closed_on_time: bool | None
    version: int = Field(description="版本号：修改和操作时原样带回，他人已修改时返回409")

    @staticmethod
    def resolve_number(obj: Problem) -> str:
        return obj.number

    @staticmethod
    def resolve_organization_code(obj: Problem) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_organization_name(obj: Problem) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_source_label(obj: Problem) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_category_label(obj: Problem) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_severity_label(obj: Problem) -> str:
        return str(obj.get_severity_display())

    @staticmethod
    def resolve_status_label(obj: Problem) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_special_campaign_name(obj: Problem) -> str:
        return obj.special_campaign.name if obj.special_campaign_id and obj.special_campaign else ""

    @staticmethod
    def resolve_responsible_cadre_name(obj: Problem) -> str:
        return obj.responsible_cadre.name if obj.responsible_cadre_id and obj.responsible_cadre else ""

    @staticmethod
    def resolve_overdue(obj: Problem) -> bool:
        return obj.status != ProblemStatus.CLOSED and obj.due_on < timezone.localdate()

    @staticmethod
    def resolve_progress(obj: Problem) -> int:
        return obj.progress


class StepOut(Schema):
    id: int
    measure: str
    owner: str
    deadline: dt.date | None
    done_on: dt.date | None
    done_note: str
    cited_evidence: list[int] = Field(
        description="该措施引用的已上传佐证材料编号（上传时就对应该措施的，见佐证材料的step_id）")

    @staticmethod
    def resolve_cited_evidence(obj: RectificationStep) -> list[int]:
        return [e.pk for e in obj.cited_evidence.all()]


class StepWriteOut(StepOut):
    problem_version: int = Field(description="修改后问题的版本号")

    @staticmethod
    def resolve_problem_version(obj: RectificationStep) -> int:
        return obj.problem.version


class EvidenceOut(Schema):
    id: int
    step_id: int | None
    filename: str
    size: int = Field(description="字节")
    sha256: str = Field(description="上传时计算的SHA-256，销号时据此核对")
    note: str
    uploaded_by_name: str
    uploaded_at: dt.datetime
    frozen: bool = Field(description="已固定：已销号问题的核验依据，不能删除")

    @staticmethod
    def resolve_uploaded_by_name(obj: Evidence) -> str:
        return _name(obj.uploaded_by)

    @staticmethod
    def resolve_uploaded_at(obj: Evidence) -> dt.datetime:
        return obj.created_at


class EvidenceWriteOut(EvidenceOut):
    problem_version: int = Field(description="上传后问题的版本号")

    @staticmethod
    def resolve_problem_version(obj: Evidence) -> int:
        return obj.problem.version


class TransitionOut(Schema):
    id: int
    action: str
    action_label: str
    from_status: str
    to_status: str
    actor_name: str
    at: dt.datetime
    note: str
    data: dict[str, Any]

    @staticmethod
    def resolve_action_label(obj: TransitionRecord) -> str:
        return str(obj.get_action_display())


class ClosureOut(Schema):
    id: int
    closed_by_name: str
    closed_at: dt.datetime
    note: str
    feedback_override: str
    evidence: list[dict[str, Any]] = Field(description="销号时核对的佐证材料：编号、文件名、SHA-256、大小")
    on_time: bool

    @staticmethod
    def resolve_evidence(obj: Closure) -> list[dict[str, Any]]:
        return list(obj.evidence or [])


class ExtensionOut(Schema):
    id: int
    requested_by_name: str
    requested_at: dt.datetime
    reason: str
    old_due_on: dt.date
    new_due_on: dt.date
    status: str
    status_label: str
    decided_by_name: str
    decided_at: dt.datetime | None
    decision_note: str

    @staticmethod
    def resolve_requested_by_name(obj: Extension) -> str:
        return _name(obj.requested_by)

    @staticmethod
    def resolve_decided_by_name(obj: Extension) -> str:
        return _name(obj.decided_by)

    @staticmethod
    def resolve_status_label(obj: Extension) -> str:
        return str(obj.get_status_display())


class ProblemDetailOut(ProblemRowOut):
    """A problem with its steps, evidence, full timeline, closures, extensions and what the caller may do now."""

    campaign_id: int
    event_ref: str
    case_ref: str
    petition_ref: str
    life_meeting_item_id: int | None
    cause: str
    created_by_name: str
    claimed_by_name: str
    closed_by_name: str
    steps: list[StepOut]
    evidence: list[EvidenceOut]
    timeline: list[TransitionOut]
    closures: list[ClosureOut]
    extensions: list[ExtensionOut]
    allowed_actions: list[str] = Field(description="调用者现在可以做的操作（POST …/actions/{action}）")

    @staticmethod
    def resolve_created_by_name(obj: Problem) -> str:
        return _name(obj.created_by)

    @staticmethod
    def resolve_claimed_by_name(obj: Problem) -> str:
        return _name(obj.claimed_by)

    @staticmethod
    def resolve_closed_by_name(obj: Problem) -> str:
        return _name(obj.closed_by)

    @staticmethod
    def resolve_steps(obj: Problem) -> list[RectificationStep]:
        return list(obj.steps.all())

    @staticmethod
    def resolve_evidence(obj: Problem) -> list[Evidence]:
        return list(obj.evidence.all())

    @staticmethod
    def resolve_timeline(obj: Problem) -> list[TransitionRecord]:
        return list(obj.timeline.all())

    @staticmethod
    def resolve_closures(obj: Problem) -> list[Closure]:
        return list(obj.closures.all())

    @staticmethod
    def resolve_extensions(obj: Problem) -> list[Extension]:
        return list(obj.extensions.all())

    @staticmethod
    def resolve_allowed_actions(obj: Problem, context: Any) -> list[str]:
        user = _caller(context)
        return services.allowed_actions(user, obj) if user is not None else []


class StepIn(Schema):
    measure: str = Field(description="整改措施")
    owner: str = Field("", description="责任人")
    deadline: dt.date | None = Field(None, description="完成时限（不早于今天）")
    version: int | None = Field(None, description="问题的版本号（可不填；填了而不是最新的返回409）")


class StepUpdateIn(Schema):
    measure: str | None = None
    owner: str | None = None
    deadline: dt.date | None = Field(None, description="完成时限；原有的完成时限可以保留不变")
    version: int = Field(description="问题的版本号（必填，不是最新的返回409）")


class LedgerQuery(Schema):
    """The ledger's filters. Several values of one filter: repeat it (?status=registered&status=in_progress)."""

    status: list[ProblemStatus] = Field(default_factory=list, description="状态")
    source: list[Source] = Field(default_factory=list, description="问题来源")
    category: list[Category] = Field(default_factory=list, description="问题类别")
    severity: list[Severity] = Field(default_factory=list, description="严重程度")
    special_campaign: int | None = Field(None, description="专项整治编号")
    overdue: bool = Field(False, description="只列逾期未销号的")
    relapsed: bool = Field(False, description="只列反弹过的")
    fix_now: bool | None = Field(None, description="立查立改：true 只列立查立改的，false 只列其他的")
    org: str | None = Field(None, description="党组织编码：只列该组织及其下级的问题")
    liaison_group: int | None = Field(None, description="联络组编号：只列该组联系单位的问题")
    q: str = Field("", description="按问题编号（WT0000594、594）查找，或在问题表现、责任单位、组织名称中查找")
    campaign: int | None = Field(None, description="主题教育编号，不填为当前开展的")


class ProblemIn(Schema):
    org: str = Field(description="党组织编码：问题所属的单位")
    description: str = Field(description="问题表现")
    source: str = Field(description=_choices_text(Source))
    category: str = Field(description=_choices_text(Category))
    special_campaign: int | None = Field(None, description="专项整治编号（当前主题教育的）")
    event_ref: str = Field("", description="关联重大事项")
    case_ref: str = Field("", description="关联典型案例")
    petition_ref: str = Field("", description="关联信访积案")
    life_meeting_item: int | None = Field(None, description="来源于生活会的批评意见编号")
    cause: str = Field("", description="原因分析")
    responsible_cadre: int | None = Field(None, description="责任领导（领导干部编号）")
    responsible_unit: str = Field("", description="责任单位，不填为问题所属的单位")
    severity: str = Field("ordinary", description=_choices_text(Severity))
    fix_now: bool = Field(False, description="立查立改")
    deadline: dt.date | None = Field(None, description="完成时限（不早于今天）；不填按严重程度默认")
    steps: list[StepIn] = Field(default_factory=list, description="同时登记的整改措施")


class ProblemUpdateIn(Schema):
    """Only the fields given are changed. Status is not a field: it changes only through the actions."""

    version: int = Field(description="读取时的版本号（必填）：他人已修改时返回409，不覆盖")
    description: str | None = None
    source: str | None = None
    category: str | None = None
    special_campaign: int | None = Field(None, description="专项整治编号；null 为不属于专项整治")
    event_ref: str | None = None
    case_ref: str | None = None
    petition_ref: str | None = None
    cause: str | None = None
    responsible_cadre: int | None = Field(None, description="领导干部编号；null 为清空")
    responsible_unit: str | None = None
    severity: str | None = None
    fix_now: bool | None = None
    deadline: dt.date | None = Field(None, description="只有登记后、开始整改前可以直接修改；之后请申请延期")


class ActionIn(Schema):
    """The body of a lifecycle action (form or multipart, so that evidence files can come along). Who acts and
    when come from the caller's session and the server's clock: anything else sent is ignored."""

    note: str = Field("", description="说明或理由（核验销号时为核验意见）："
                                      "核验销号、退回、重新打开、申请延期、不批准延期时必填")
    version: int = Field(description="读取时的版本号（必填）：他人已修改时返回409")
    new_due_on: dt.date | None = Field(None, description="申请延期：申请延至的日期；重新打开：新的完成时限（可不填）")
    feedback_override: str = Field("", description="核验销号：群众“不满意”评价尚未答复时仍予销号的理由")


class StepDoneIn(Schema):
    done_note: str = Field("", description="完成情况（可不填；完成日期为今天，由服务器记录）")
    cite: list[int] = Field(default_factory=list,
                            description="引用该问题已上传的佐证材料编号（可多个）：一份材料可以证明多项措施，不必重复上传")
    version: int | None = Field(None, description="问题的版本号（可不填；填了而不是最新的返回409）")


class EvidenceIn(Schema):
    note: str = Field("", description="说明")
    step: int | None = Field(None, description="对应的整改措施编号")
    version: int | None = Field(None, description="问题的版本号（可不填；填了而不是最新的返回409）")


class SatisfactionOut(Schema):
    id: int
    rating: str
    rating_label: str
    comment: str
    at: dt.datetime
    answer: str
    answered_by_name: str
    answered_at: dt.datetime | None

    @staticmethod
    def resolve_rating_label(obj: Satisfaction) -> str:
        return str(obj.get_rating_display())

    @staticmethod
    def resolve_answered_by_name(obj: Satisfaction) -> str:
        return _name(obj.answered_by)


class AnswerIn(Schema):
    answer: str = Field(description="对群众评价的答复")


class SpecialCampaignOut(Schema):
    id: int
    campaign_id: int
    name: str
    description: str
    is_active: bool


ACTION_DESCRIPTION = " / ".join(f"{value} {label}" for value, label in ProblemAction.choices
                                if value != ProblemAction.REGISTER)
