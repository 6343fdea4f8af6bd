"""API shapes of the communication log (请示报告). Labels come from the models' choices; who did something is given
by name only."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from core.schemas import caller as _caller
from core.schemas import choices_text as _choices_text
from core.schemas import name_of as _name
from office import permissions, selectors
from office.choices import Direction, Kind, Origin, SubmissionStatus
from office.models import Submission, SubmissionAttachment


class SubmissionRowOut(Schema):
    """One row of the log."""

    id: int
    campaign_id: int
    kind: str
    kind_label: str
    origin: str
    origin_label: str
    direction: str
    direction_label: str
    organization_code: str
    organization_name: str
    counterpart: str = Field(description="对方单位（省委主题教育办、市直部门……）")
    number: str = Field(description="文号")
    title: str
    sent_on: dt.date | None
    received_on: dt.date | None
    due_on: dt.date | None = Field(description="办理时限")
    status: str
    status_label: str
    overdue: bool = Field(description="未答复且已过办理时限")
    team_id: int | None
    team_name: str
    assignee_name: str
    parent_id: int | None = Field(description="答复的事项编号（调用者看得到时）")

    @staticmethod
    def resolve_parent_id(obj: Submission, context: Any) -> int | None:
        """Only when the caller may read what it answers (else its existence alone would say too much)."""
        if obj.parent_id is None:
            return None
        seen = getattr(obj, "parent_seen", None)  # annotated by the selectors; an item just written is asked
        if seen is None:
            seen = Submission.objects.visible_to(_caller(context)).filter(pk=obj.parent_id).exists()
        return obj.parent_id if seen else None

    @staticmethod
    def resolve_kind_label(obj: Submission) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_origin_label(obj: Submission) -> str:
        return str(obj.get_origin_display())

    @staticmethod
    def resolve_direction_label(obj: Submission) -> str:
        return str(obj.get_direction_display())

    @staticmethod
    def resolve_status_label(obj: Submission) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_organization_code(obj: Submission) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_organization_name(obj: Submission) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_overdue(obj: Submission) -> bool:
        return obj.is_overdue

    @staticmethod
    def resolve_team_name(obj: Submission) -> str:
        return obj.team.name if obj.team_id and obj.team else ""

    @staticmethod
    def resolve_assignee_name(obj: Submission) -> str:
        return _name(obj.assignee)


class AttachmentOut(Schema):
    id: int
    filename: str
    size: int = Field(description="字节")
    sha256: str = Field(description="上传时计算的SHA-256")
    uploaded_by_name: str
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_uploaded_by_name(obj: SubmissionAttachment) -> str:
        return _name(obj.uploaded_by)

    @staticmethod
    def resolve_uploaded_at(obj: SubmissionAttachment) -> dt.datetime:
        return obj.created_at


class SubmissionDetailOut(SubmissionRowOut):
    """An item with its content, answer, attachments, the items answering it and what the caller may do now."""

    body: str
    created_by_name: str
    created_at: dt.datetime
    assigned_by_name: str
    assigned_at: dt.datetime | None
    answer: str
    answered_by_name: str
    answered_at: dt.datetime | None
    close_note: str
    closed_by_name: str
    closed_at: dt.datetime | None
    attachments: list[AttachmentOut]
    reply_ids: list[int] = Field(description="答复本事项的事项编号（调用者看得到的）")
    allowed_actions: list[str] = Field(description="调用者现在可以做的操作：assign 分办、answer 答复、close 办结、"
                                                   "attach 上传附件")

    @staticmethod
    def resolve_created_by_name(obj: Submission) -> str:
        return _name(obj.created_by)

    @staticmethod
    def resolve_assigned_by_name(obj: Submission) -> str:
        return _name(obj.assigned_by)

    @staticmethod
    def resolve_answered_by_name(obj: Submission) -> str:
        return _name(obj.answered_by)

    @staticmethod
    def resolve_closed_by_name(obj: Submission) -> str:
        return _name(obj.closed_by)

    @staticmethod
    def resolve_attachments(obj: Submission) -> list[SubmissionAttachment]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_reply_ids(obj: Submission, context: Any) -> list[int]:
        user = _caller(context)
        return list(selectors.replies_of(user, obj).values_list("pk", flat=True))

    @staticmethod
    def resolve_allowed_actions(obj: Submission, context: Any) -> list[str]:
        user = _caller(context)
        return permissions.allowed_actions(user, obj) if user is not None else []


class SubmissionQuery(Schema):
    kind: Kind | None = Field(None, description="类别")
    direction: Direction | None = Field(None, description="行文方向")
    origin: Origin | None = Field(None, description="来源")
    status: SubmissionStatus | None = Field(None, description="状态")
    overdue: bool = Field(False, description="只列逾期未答复的")
    team: int | None = Field(None, description="承办组编号")
    mine: bool = Field(False, description="只列分给调用者、尚未答复的")
    q: str = Field("", description="在标题、内容、文号、对方单位、单位名称中查找")
    campaign: int | None = Field(None, description="主题教育编号，不填为当前开展的")


class SubmissionIn(Schema):
    kind: str = Field(description=_choices_text(Kind))
    title: str = Field(description="标题")
    body: str = Field("", description="内容摘要（不填时须在页面上传文件）")
    org: str | None = Field(None, description="相关单位的党组织编码，不填为调用者本单位")
    origin: str = Field("", description="来源（市委教育办填写）：office 本办发文 / outside 收文登记；单位和联络组不填")
    direction: str = Field("", description=f"行文方向，不填按类别：{_choices_text(Direction)}")
    counterpart: str = Field("", description="对方单位；收文登记必填")
    number: str = Field("", description="文号")
    sent_on: dt.date | None = Field(None, description="发文日期（本办发文不填为今天；收文为来文落款日期）")
    received_on: dt.date | None = Field(None, description="收文日期（收文登记，不填为今天）")
    due_on: dt.date | None = Field(None, description="办理时限：需要在此日期前答复或反馈")
    parent: int | None = Field(None, description="答复的事项编号；类别为批复（答复）时，该事项即为已答复")


class AssignIn(Schema):
    team: int = Field(description="承办组编号")
    assignee: int | None = Field(None, description="承办人（用户编号，须为该组成员）；不填则告知全组")


class AnswerIn(Schema):
    answer: str = Field(description="答复意见")


class CloseIn(Schema):
    note: str = Field("", description="办结说明")
