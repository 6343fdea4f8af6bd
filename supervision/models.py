"""Supervision and guidance (督促指导) by the liaison groups: visits and what they saw, findings, actions on the
escalation ladder, and feedback letters.

Only `supervision.services` writes these rows. A finding the unit must fix becomes a `problems.Problem` through
`problems.services.problem_create` (source 督导发现) and stays linked to it; supervision never writes problems.
"""

import datetime as dt
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models

from core.models import AuditedModel, StoredFile
from core.scoping import ScopedQuerySet
from orgs.models import PathField
from supervision.choices import (
    IN_FORCE,
    ActionStatus,
    Judgement,
    LetterStatus,
    Level,
    Requirement,
    VisitStatus,
    level_title,
)
from supervision.permissions import can_answer_for_unit

if TYPE_CHECKING:
    from accounts.actors import MaybeActor

UPLOAD_TO = "supervision/%Y/%m/"


class VisitMethod(AuditedModel):
    """How a group guides (指导方式): the speech's six (二.2), and others the office adds. Not deleted once used:
    deactivated, so old visits keep their method."""

    name = models.CharField("指导方式", max_length=50, unique=True)
    is_active = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = "指导方式"
        verbose_name_plural = "指导方式"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class SupervisionQuerySet(ScopedQuerySet):
    pass


class VisitQuerySet(SupervisionQuerySet):
    def for_action(self, user: "MaybeActor", action: str) -> Self:
        """A unit's contact sees the visits that took place at the unit, not the groups' plans."""
        return self.filter(status=VisitStatus.DONE) if can_answer_for_unit(user) else self

    def with_related(self) -> Self:
        """With what lists and pages show of each visit: its group, unit and method."""
        return self.select_related("group", "organization", "method")


class FindingQuerySet(SupervisionQuerySet):
    def with_related(self) -> Self:
        return self.select_related("visit", "visit__group", "visit__method", "organization", "cadre", "problem")


class ActionQuerySet(SupervisionQuerySet):
    def for_action(self, user: "MaybeActor", action: str) -> Self:
        """A unit's contact sees the actions in force on the unit, not proposals (the office's to decide)."""
        return self.filter(status__in=IN_FORCE) if can_answer_for_unit(user) else self

    def with_related(self) -> Self:
        return self.select_related("organization", "cadre", "group", "decided_by", "proposed_by")


class LetterQuerySet(SupervisionQuerySet):
    def for_action(self, user: "MaybeActor", action: str) -> Self:
        """A unit's contact sees the letters issued to the unit, not the groups' drafts."""
        return self.filter(status=LetterStatus.ISSUED) if can_answer_for_unit(user) else self

    def with_related(self) -> Self:
        return self.select_related("group", "organization")


class Visit(AuditedModel):
    """One guidance activity of a liaison group at a unit (督促指导活动): planned, then done (or cancelled)."""

    campaign = models.ForeignKey("campaigns.Campaign", verbose_name="主题教育", on_delete=models.PROTECT,
                                 related_name="+")
    group = models.ForeignKey("campaigns.LiaisonGroup", verbose_name="联络组", on_delete=models.PROTECT,
                              related_name="visits")
    organization = models.ForeignKey("orgs.Organization", verbose_name="指导单位", on_delete=models.PROTECT,
                                     related_name="visits")
    org_path = PathField("组织路径", max_length=255, editable=False)
    method = models.ForeignKey(VisitMethod, verbose_name="指导方式", on_delete=models.PROTECT,
                               related_name="visits")
    subject = models.CharField("活动内容", max_length=200)
    planned_on = models.DateField("计划日期")
    status = models.CharField("状态", max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    visited_on = models.DateField("开展日期", null=True, blank=True)
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="参加人员", blank=True,
                                          related_name="visits")
    others = models.CharField("其他参加人员", max_length=200, blank=True)
    summary = models.TextField("总体情况", blank=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = VisitQuerySet.as_manager()
    scope_path_field = "org_path"

    class Meta:
        verbose_name = "督促指导活动"
        verbose_name_plural = "督促指导活动"
        ordering = ["-planned_on", "-id"]
        indexes = [
            models.Index(fields=["campaign", "org_path", "planned_on"], name="visit_campaign_path"),
            models.Index(fields=["group", "planned_on"], name="visit_group_date"),
        ]

    def __str__(self) -> str:
        return f"{self.planned_on:%Y-%m-%d} {self.subject}"

    @property
    def day(self) -> dt.date:
        """The date it happened, or is planned for."""
        return self.visited_on or self.planned_on


class Observation(AuditedModel):
    """What the group saw of one basic requirement on a visit (二.2), and how it judged it."""

    visit = models.ForeignKey(Visit, verbose_name="督促指导活动", on_delete=models.CASCADE,
                              related_name="observations")
    requirement = models.CharField("基本要求", max_length=20, choices=Requirement.choices)
    judgement = models.CharField("现场评价", max_length=20, choices=Judgement.choices, blank=True)
    note = models.TextField("了解到的情况", blank=True)

    objects = SupervisionQuerySet.as_manager()
    scope_path_field = "visit__org_path"

    class Meta:
        verbose_name = "现场了解情况"
        verbose_name_plural = "现场了解情况"
        ordering = ["visit", "id"]
        constraints = [models.UniqueConstraint(fields=["visit", "requirement"], name="observation_unique")]

    def __str__(self) -> str:
        return f"{self.get_requirement_display()} {self.get_judgement_display()}"


class VisitAttachment(StoredFile):
    """A file kept with a visit (会议材料、访谈记录、照片), stored with its SHA-256."""

    visit = models.ForeignKey(Visit, verbose_name="督促指导活动", on_delete=models.CASCADE,
                              related_name="attachments")
    file = models.FileField("文件", upload_to=UPLOAD_TO)

    objects = SupervisionQuerySet.as_manager()
    scope_path_field = "visit__org_path"

    class Meta:
        verbose_name = "活动附件"
        verbose_name_plural = "活动附件"
        ordering = ["visit", "id"]


class Finding(AuditedModel):
    """Something a visit found (发现问题) at the unit or a unit below it. `needs_fix`: the unit must fix it, and
    it becomes (or reopens) a problem of the ledger, linked here; otherwise it is guidance (指导意见) only."""

    visit = models.ForeignKey(Visit, verbose_name="督促指导活动", on_delete=models.PROTECT,
                              related_name="findings")
    organization = models.ForeignKey("orgs.Organization", verbose_name="所在单位", on_delete=models.PROTECT,
                                     related_name="findings")
    org_path = PathField("组织路径", max_length=255, editable=False)
    requirement = models.CharField("基本要求", max_length=20, choices=Requirement.choices)
    description = models.TextField("发现的问题")
    cadre = models.ForeignKey("orgs.Cadre", verbose_name="涉及领导干部", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="findings")
    needs_fix = models.BooleanField("需要整改", default=True)
    problem = models.ForeignKey("problems.Problem", verbose_name="列入的问题", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="findings")
    is_relapse = models.BooleanField("问题反弹", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = FindingQuerySet.as_manager()
    scope_path_field = "org_path"

    class Meta:
        verbose_name = "督导发现问题"
        verbose_name_plural = "督导发现问题"
        ordering = ["-id"]
        indexes = [models.Index(fields=["org_path", "requirement"], name="finding_path_requirement")]

    def __str__(self) -> str:
        return self.description[:50]


class Action(AuditedModel):
    """One step on the escalation ladder (处置) taken on a unit, or on a leader of it: its level, reason, the
    findings it rests on, who decided, a follow-up date and its result. A step that skips a rung carries the
    written reason; the system (or a liaison group) proposes, the office decides."""

    campaign = models.ForeignKey("campaigns.Campaign", verbose_name="主题教育", on_delete=models.PROTECT,
                                 related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name="处置单位", on_delete=models.PROTECT,
                                     related_name="supervision_actions")
    org_path = PathField("组织路径", max_length=255, editable=False)
    cadre = models.ForeignKey("orgs.Cadre", verbose_name="处置对象（领导干部）", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="supervision_actions")
    group = models.ForeignKey("campaigns.LiaisonGroup", verbose_name="联络组", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="actions")
    level = models.CharField("处置方式", max_length=20, choices=Level.choices)
    status = models.CharField("状态", max_length=20, choices=ActionStatus.choices)
    reason = models.TextField("事实和理由")
    skip_reason = models.TextField("越级处置理由", blank=True)
    findings = models.ManyToManyField(Finding, verbose_name="依据的督导发现", blank=True, related_name="actions")
    # Why the system proposed it (counts and which requirement repeated); empty for proposals made by people.
    basis = models.JSONField("建议依据", default=dict, blank=True)
    proposed_at = models.DateTimeField("提出时间", null=True, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_note = models.TextField("决定意见", blank=True)
    follow_up_on = models.DateField("跟踪日期", null=True, blank=True)
    result = models.TextField("处置结果", blank=True)
    result_on = models.DateField("办结日期", null=True, blank=True)
    result_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办结登记人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    objects = ActionQuerySet.as_manager()
    scope_path_field = "org_path"

    class Meta:
        verbose_name = "处置"
        verbose_name_plural = "处置"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["campaign", "org_path", "status"], name="action_campaign_path"),
            models.Index(fields=["status", "follow_up_on"], name="action_follow_up"),
        ]
        constraints = [
            # At most one open proposal per unit and leader: proposals are refreshed, not piled up.
            # (Two constraints, not nulls_distinct=False, which SQLite lacks.)
            models.UniqueConstraint(fields=["campaign", "organization"],
                                    condition=models.Q(status="proposed", cadre__isnull=True),
                                    name="action_one_unit_proposal"),
            models.UniqueConstraint(fields=["campaign", "organization", "cadre"],
                                    condition=models.Q(status="proposed", cadre__isnull=False),
                                    name="action_one_cadre_proposal"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.organization_id}"

    @property
    def level_title(self) -> str:
        return level_title(self.level)

    @property
    def is_recommendation(self) -> bool:
        """组织处理 is recorded as a recommendation to the leading group, which decides it."""
        return self.level == Level.DISCIPLINE


class FeedbackLetter(AuditedModel):
    """A feedback letter (督导反馈意见) to a unit after visits: findings, actions and the rectification required.
    Drafted from the records, edited, then issued with a document number; exported in the GB/T 9704 layout."""

    campaign = models.ForeignKey("campaigns.Campaign", verbose_name="主题教育", on_delete=models.PROTECT,
                                 related_name="+")
    group = models.ForeignKey("campaigns.LiaisonGroup", verbose_name="联络组", on_delete=models.PROTECT,
                              related_name="letters")
    organization = models.ForeignKey("orgs.Organization", verbose_name="反馈单位", on_delete=models.PROTECT,
                                     related_name="feedback_letters")
    org_path = PathField("组织路径", max_length=255, editable=False)
    title = models.CharField("标题", max_length=200)
    recipient = models.CharField("主送", max_length=100)
    body = models.TextField("正文")
    findings = models.ManyToManyField(Finding, verbose_name="反馈的问题", blank=True, related_name="letters")
    actions = models.ManyToManyField(Action, verbose_name="处置", blank=True, related_name="letters")
    reply_due_on = models.DateField("整改情况报送时限", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=LetterStatus.choices, default=LetterStatus.DRAFT)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    serial = models.PositiveIntegerField("序号", null=True, blank=True)
    number = models.CharField("文号", max_length=50, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="印发人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="起草人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = LetterQuerySet.as_manager()
    scope_path_field = "org_path"

    class Meta:
        verbose_name = "督导反馈意见"
        verbose_name_plural = "督导反馈意见"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["year", "serial"], name="letter_unique_number")]

    def __str__(self) -> str:
        return self.title
