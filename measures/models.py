"""The four key measures' records (四项重点措施): study, research, development (public-service commitments),
lectures and life meetings. Every record belongs to one campaign and one organisation of the tree; the rules
(the organisation takes part in the campaign, dates inside the campaign) live in `measures.services`.

Nothing here is a score: records are facts a unit entered once; what they mean for a leader (lead actions)
and for the office (coverage) is derived in `measures.selectors`.
"""

from django.db import models

from core.cn import cn_date
from core.models import AuditedModel
from core.scoping import ScopedQuerySet
from measures.choices import LifeMeetingItemKind, LifeMeetingKind, StudyKind

UPLOAD_TO = "measures/%Y/%m/"


class RecordQuerySet(ScopedQuerySet):
    pass


class CampaignRecord(AuditedModel):
    """A record of one organisation in one campaign (placed in the tree through its organisation)."""

    organization = models.ForeignKey("orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name="主题教育", on_delete=models.PROTECT,
                                 related_name="+")

    objects = RecordQuerySet.as_manager()
    scope_path_field = "organization__path"
    # Attachments are files, not JSON: core.audit snapshots their field as is, so they stay out of the snapshot
    # (the file itself is kept under MEDIA_ROOT/measures/).
    audit_exclude = ("created_at", "updated_at")

    class Meta:
        abstract = True


class StudySession(CampaignRecord):
    kind = models.CharField("学习形式", max_length=20, choices=StudyKind.choices)
    topic = models.CharField("学习主题", max_length=200)
    held_on = models.DateField("日期")
    participant_count = models.PositiveIntegerField("参加人数")
    leaders = models.ManyToManyField("orgs.Cadre", verbose_name="参加的班子成员", blank=True,
                                     related_name="study_sessions")
    notes = models.TextField("情况说明", blank=True)
    attachment = models.FileField("附件", upload_to=UPLOAD_TO, blank=True)

    class Meta:
        verbose_name = "学习研讨"
        verbose_name_plural = "学习研讨"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["campaign", "organization"], name="study_campaign_org")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.topic}"


class ResearchTopic(CampaignRecord):
    """A research topic (调研课题) of a unit, or of one of its leaders (`lead_cadre`)."""

    title = models.CharField("课题名称", max_length=200)
    description = models.TextField("课题说明", blank=True)
    lead_cadre = models.ForeignKey("orgs.Cadre", verbose_name="牵头领导干部", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="research_topics")

    class Meta:
        verbose_name = "调研课题"
        verbose_name_plural = "调研课题"
        ordering = ["-id"]
        indexes = [models.Index(fields=["campaign", "organization"], name="topic_campaign_org")]

    def __str__(self) -> str:
        return self.title


class ResearchReportQuerySet(ScopedQuerySet):
    pass


class ResearchReport(AuditedModel):
    """A research report (调研报告) on a topic; placed in the tree through the topic's organisation."""

    topic = models.ForeignKey(ResearchTopic, verbose_name="调研课题", on_delete=models.CASCADE,
                              related_name="reports")
    title = models.CharField("报告标题", max_length=200)
    author_cadre = models.ForeignKey("orgs.Cadre", verbose_name="撰写的领导干部", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="research_reports")
    submitted_on = models.DateField("形成日期")
    attachment = models.FileField("附件", upload_to=UPLOAD_TO, blank=True)
    summary = models.TextField("内容摘要", blank=True)

    objects = ResearchReportQuerySet.as_manager()
    scope_path_field = "topic__organization__path"
    audit_exclude = ("created_at", "updated_at")

    class Meta:
        verbose_name = "调研报告"
        verbose_name_plural = "调研报告"
        ordering = ["-submitted_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def attachment_filename(self) -> str:
        return (self.attachment.name or "").rsplit("/", 1)[-1]


class ResultsExchange(CampaignRecord):
    """A results-exchange meeting (调研成果交流会)."""

    held_on = models.DateField("日期")
    topics = models.ManyToManyField(ResearchTopic, verbose_name="交流的课题", blank=True,
                                    related_name="exchanges")
    notes = models.TextField("情况说明", blank=True)

    class Meta:
        verbose_name = "调研成果交流会"
        verbose_name_plural = "调研成果交流会"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"调研成果交流会（{cn_date(self.held_on)}）"


class PublicService(CampaignRecord):
    """A public-service commitment (为民办实事). Its progress is computed from its milestones, never typed
    (`progress` below, and `measures.selectors.public_services` for lists)."""

    title = models.CharField("实事项目", max_length=200)
    target = models.TextField("目标")
    owner = models.CharField("责任单位或责任人", max_length=100)
    owner_cadre = models.ForeignKey("orgs.Cadre", verbose_name="牵头领导干部", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="public_services")
    deadline = models.DateField("完成时限")

    class Meta:
        verbose_name = "为民办实事"
        verbose_name_plural = "为民办实事"
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["campaign", "organization"], name="service_campaign_org")]

    def __str__(self) -> str:
        return self.title

    @property
    def progress(self) -> int:
        """Per cent of milestones done (0 without milestones). Lists annotate `done_count`/`milestone_count`
        (selectors.public_services) so this costs no query per row."""
        total = getattr(self, "milestone_count", None)
        done = getattr(self, "done_count", None)
        if total is None or done is None:
            total = self.milestones.count()
            done = self.milestones.filter(done_on__isnull=False).count()
        return round(done * 100 / total) if total else 0


class ResearchUseQuerySet(ScopedQuerySet):
    pass


class ResearchUse(AuditedModel):
    """How a research result was used (成果运用): in words, and optionally through a public-service commitment
    or the problem of the ledger it led to (a problem found by research)."""

    report = models.ForeignKey(ResearchReport, verbose_name="调研报告", on_delete=models.CASCADE,
                               related_name="uses")
    text = models.TextField("运用情况")
    public_service = models.ForeignKey(PublicService, verbose_name="转化为为民办实事", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="research_uses")
    problem = models.ForeignKey("problems.Problem", verbose_name="列入问题清单的问题", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="research_uses")

    objects = ResearchUseQuerySet.as_manager()
    scope_path_field = "report__topic__organization__path"

    class Meta:
        verbose_name = "调研成果运用"
        verbose_name_plural = "调研成果运用"

    def __str__(self) -> str:
        return self.text[:50]


class MilestoneQuerySet(ScopedQuerySet):
    pass


class Milestone(AuditedModel):
    public_service = models.ForeignKey(PublicService, verbose_name="实事项目", on_delete=models.CASCADE,
                                       related_name="milestones")
    title = models.CharField("节点", max_length=200)
    due_on = models.DateField("计划完成日期")
    done_on = models.DateField("实际完成日期", null=True, blank=True)

    objects = MilestoneQuerySet.as_manager()
    scope_path_field = "public_service__organization__path"

    class Meta:
        verbose_name = "实事项目节点"
        verbose_name_plural = "实事项目节点"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class PartyLecture(CampaignRecord):
    """A thematic party lecture (专题党课). The speaker is a cadre or a member, exactly one (services)."""

    title = models.CharField("党课题目", max_length=200)
    held_on = models.DateField("日期")
    speaker_cadre = models.ForeignKey("orgs.Cadre", verbose_name="主讲领导干部", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="lectures")
    speaker_member = models.ForeignKey("orgs.Member", verbose_name="主讲党员", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="lectures")
    audience = models.CharField("听课对象", max_length=200, blank=True)
    audience_count = models.PositiveIntegerField("听课人数")
    attachment = models.FileField("附件", upload_to=UPLOAD_TO, blank=True)

    class Meta:
        verbose_name = "专题党课"
        verbose_name_plural = "专题党课"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["campaign", "organization"], name="lecture_campaign_org")]

    def __str__(self) -> str:
        return self.title

    @property
    def speaker_name(self) -> str:
        speaker = self.speaker_cadre or self.speaker_member
        return speaker.name if speaker else ""


class LifeMeeting(CampaignRecord):
    """A special democratic life meeting (专题民主生活会, leadership teams) or organisational life meeting
    (专题组织生活会, branches)."""

    kind = models.CharField("会议类型", max_length=20, choices=LifeMeetingKind.choices)
    topic = models.CharField("会议主题", max_length=200, blank=True)
    held_on = models.DateField("日期")
    attendance = models.PositiveIntegerField("参会人数")
    notes = models.TextField("情况说明", blank=True)
    attachment = models.FileField("附件", upload_to=UPLOAD_TO, blank=True)

    class Meta:
        verbose_name = "专题生活会"
        verbose_name_plural = "专题生活会"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["campaign", "organization"], name="meeting_campaign_org")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{cn_date(self.held_on)}）"


class LifeMeetingItemQuerySet(ScopedQuerySet):
    pass


class LifeMeetingItem(AuditedModel):
    """One item of criticism or self-criticism raised at a life meeting, and whom it concerns. An item becomes a
    problem of the ledger through `problems.services.problem_create(life_meeting_item=…)` (Problem holds the
    link, `item.problems`)."""

    meeting = models.ForeignKey(LifeMeeting, verbose_name="会议", on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("类型", max_length=20, choices=LifeMeetingItemKind.choices)
    text = models.TextField("内容")
    cadre = models.ForeignKey("orgs.Cadre", verbose_name="涉及的领导干部", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="life_meeting_items")

    objects = LifeMeetingItemQuerySet.as_manager()
    scope_path_field = "meeting__organization__path"

    class Meta:
        verbose_name = "批评和自我批评意见"
        verbose_name_plural = "批评和自我批评意见"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text[:40]}"
