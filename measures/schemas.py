"""API shapes of the measures app."""

import datetime as dt

from ninja import Field, Schema

from measures.models import LifeMeeting, PartyLecture, PublicService, ResearchReport, ResearchTopic, StudySession


class _RecordOut(Schema):
    id: int
    campaign_id: int
    organization_code: str
    organization_name: str

    @staticmethod
    def resolve_organization_code(obj: StudySession) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_organization_name(obj: StudySession) -> str:
        return obj.organization.name


class PersonOut(Schema):
    id: int
    name: str


class StudySessionOut(_RecordOut):
    kind: str
    kind_label: str
    topic: str
    held_on: dt.date
    participant_count: int
    leaders: list[PersonOut]
    notes: str

    @staticmethod
    def resolve_kind_label(obj: StudySession) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_leaders(obj: StudySession) -> list[dict]:
        return [{"id": c.pk, "name": c.name} for c in obj.leaders.all()]


CONFIRM_SAME_TITLE = ("本单位在本次主题教育中已有同名的记录时，确认这是另外一个"
                      "（否则返回422，errors.duplicate说明已有的记录）")
CONFIRM_DUPLICATE = "同一天已记录过同名的同类记录时，确认这是另外一次（否则返回422，errors.duplicate说明已有的记录）"


class StudySessionIn(Schema):
    org: str = Field(description="党组织编码")
    campaign: int | None = Field(None, description="主题教育编号：只能是当前开展的（可不填），其他编号返回422")
    kind: str = Field(description="self_study 自学 / group_study 集中学习 / seminar 专题研讨")
    topic: str
    held_on: dt.date
    participant_count: int
    leaders: list[int] = Field(default_factory=list,
                               description="参加的班子成员（领导干部编号：本单位的，或上级党组织县处级以上的联系点领导）")
    notes: str = ""
    confirm_duplicate: bool = Field(False, description=CONFIRM_DUPLICATE)


class LectureOut(_RecordOut):
    title: str
    held_on: dt.date
    speaker_cadre_id: int | None
    speaker_member_id: int | None
    speaker_name: str
    audience: str
    audience_count: int

    @staticmethod
    def resolve_speaker_name(obj: PartyLecture) -> str:
        return obj.speaker_name


class LectureIn(Schema):
    org: str = Field(description="党组织编码")
    campaign: int | None = Field(None, description="主题教育编号：只能是当前开展的（可不填），其他编号返回422")
    title: str
    held_on: dt.date
    speaker_cadre: int | None = Field(None, description="主讲领导干部编号（与主讲党员二选一）")
    speaker_member: int | None = Field(None, description="主讲党员编号（与主讲领导干部二选一）")
    audience: str = ""
    audience_count: int
    confirm_duplicate: bool = Field(False, description=CONFIRM_DUPLICATE)


class MeetingItemOut(Schema):
    id: int
    kind: str
    text: str
    cadre_id: int | None


class MeetingItemIn(Schema):
    kind: str = Field(description="criticism 批评 / self_criticism 自我批评")
    text: str
    cadre: int | None = Field(None, description="涉及的领导干部编号")


class LifeMeetingOut(_RecordOut):
    kind: str
    kind_label: str
    topic: str
    held_on: dt.date
    attendance: int
    notes: str
    items: list[MeetingItemOut]

    @staticmethod
    def resolve_kind_label(obj: LifeMeeting) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_items(obj: LifeMeeting) -> list[dict]:
        return [{"id": i.pk, "kind": i.kind, "text": i.text, "cadre_id": i.cadre_id} for i in obj.items.all()]


class LifeMeetingIn(Schema):
    org: str = Field(description="党组织编码")
    campaign: int | None = Field(None, description="主题教育编号：只能是当前开展的（可不填），其他编号返回422")
    kind: str = Field(description="democratic 专题民主生活会 / organisational 专题组织生活会")
    topic: str = ""
    held_on: dt.date
    attendance: int
    notes: str = ""
    items: list[MeetingItemIn] = Field(default_factory=list)
    confirm_duplicate: bool = Field(False, description=CONFIRM_DUPLICATE)


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: dt.date
    done_on: dt.date | None


class PublicServiceOut(_RecordOut):
    title: str
    target: str
    owner: str
    owner_cadre_id: int | None
    deadline: dt.date
    milestone_count: int
    done_count: int
    progress: int = Field(description="完成的节点占全部节点的百分比（由节点计算，不可填写）")
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_progress(obj: PublicService) -> int:
        return obj.progress

    @staticmethod
    def resolve_milestones(obj: PublicService) -> list[dict]:
        return [{"id": m.pk, "title": m.title, "due_on": m.due_on, "done_on": m.done_on}
                for m in obj.milestones.all()]


class PublicServiceIn(Schema):
    org: str = Field(description="党组织编码")
    title: str
    target: str
    owner: str = Field(description="责任单位或责任人")
    owner_cadre: int | None = Field(None,
                                    description="牵头领导干部编号（本组织的，或上级党组织县处级以上的联系点领导）")
    deadline: dt.date
    confirm_duplicate: bool = Field(False, description=CONFIRM_SAME_TITLE)


class PublicServiceUpdateIn(Schema):
    title: str
    target: str
    owner: str
    owner_cadre: int | None = None
    deadline: dt.date


class MilestoneIn(Schema):
    title: str
    due_on: dt.date


class MilestoneDoneIn(Schema):
    done_on: dt.date | None = Field(description="实际完成日期；null 表示改为未完成")


class ResearchTopicIn(Schema):
    org: str = Field(description="党组织编码")
    title: str
    description: str = ""
    lead_cadre: int | None = Field(None, description="牵头领导干部编号（本组织或其联系点领导中的县处级以上领导干部）")
    confirm_duplicate: bool = Field(False, description=CONFIRM_SAME_TITLE)


class ResearchReportOut(Schema):
    id: int
    topic_id: int
    title: str
    author_cadre_id: int | None
    submitted_on: dt.date
    summary: str
    has_attachment: bool

    @staticmethod
    def resolve_has_attachment(obj: ResearchReport) -> bool:
        return bool(obj.attachment)


class ResearchTopicOut(_RecordOut):
    title: str
    description: str
    lead_cadre_id: int | None
    reports: list[ResearchReportOut]

    @staticmethod
    def resolve_reports(obj: ResearchTopic) -> list[ResearchReport]:
        return list(obj.reports.order_by("submitted_on", "id"))


class ResearchReportIn(Schema):
    title: str
    submitted_on: dt.date
    author_cadre: int | None = Field(None, description="撰写的领导干部编号（本组织的领导干部）")
    summary: str = ""
