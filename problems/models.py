"""The problem ledger (问题清单): problems, their rectification steps, evidence, the timeline of transitions,
closures (对账销号), extensions, what the masses say, special campaigns and saved filters.

Only `problems.services` writes these rows; `status` changes only in `services.problem_act`, driven by the
transition table in `problems.choices.TRANSITIONS`.
"""

import secrets
from typing import Any

from django.conf import settings
from django.db import models

from core.models import AuditedModel
from core.scoping import ScopedQuerySet
from orgs.models import PathField
from problems.choices import Category, ExtensionStatus, ProblemAction, ProblemStatus, Rating, Severity, Source

UPLOAD_TO = "problems/%Y/%m/"


NUMBER_PREFIX = "WT"


def number_of(pk: int | None) -> str:
    return f"{NUMBER_PREFIX}{pk:07d}" if pk else ""


def parse_number(text: str) -> int | None:
    """The id in a ledger number ("WT0000123", or a bare "123"), or None."""
    text = (text or "").strip().upper()
    if text.startswith(NUMBER_PREFIX):
        text = text[len(NUMBER_PREFIX):]
    return int(text) if text.isdigit() and int(text) > 0 else None


def new_feedback_token() -> str:
    return secrets.token_urlsafe(16)


class SpecialCampaign(AuditedModel):
    """A special rectification theme (专项整治) of a campaign, set up by the office."""

    campaign = models.ForeignKey("campaigns.Campaign", verbose_name="主题教育", on_delete=models.CASCADE,
                                 related_name="special_campaigns")
    name = models.CharField("专项整治名称", max_length=100)
    description = models.TextField("说明", blank=True)
    is_active = models.BooleanField("进行中", default=True)

    class Meta:
        verbose_name = "专项整治"
        verbose_name_plural = "专项整治"
        ordering = ["campaign", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="special_campaign_unique_name")]

    def __str__(self) -> str:
        return self.name


class ProblemQuerySet(ScopedQuerySet):
    def overdue(self, today: "object") -> "ProblemQuerySet":
        """Open problems whose due date has passed (a plain query: the due date is a column)."""
        return self.exclude(status=ProblemStatus.CLOSED).filter(due_on__lt=today)

    def open(self) -> "ProblemQuerySet":
        return self.exclude(status=ProblemStatus.CLOSED)


class Problem(AuditedModel):
    """One problem of one unit (问题), from registration to verified closure."""

    campaign = models.ForeignKey("campaigns.Campaign", verbose_name="主题教育", on_delete=models.PROTECT,
                                 related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="problems")
    # A copy of organization.path, kept by services (and on subtree moves): the ledger filters a subtree and
    # sorts by due date on one table, with one index (DESIGN §6.3).
    org_path = PathField("组织路径", max_length=255, editable=False)

    description = models.TextField("问题表现")
    source = models.CharField("问题来源", max_length=20, choices=Source.choices)
    category = models.CharField("问题类别", max_length=20, choices=Category.choices)
    special_campaign = models.ForeignKey(SpecialCampaign, verbose_name="专项整治", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="problems")
    # Links by reference to what lives elsewhere or outside the system.
    event_ref = models.CharField("关联重大事项", max_length=200, blank=True)
    case_ref = models.CharField("关联典型案例", max_length=200, blank=True)
    petition_ref = models.CharField("关联信访积案", max_length=200, blank=True)
    life_meeting_item = models.ForeignKey("measures.LifeMeetingItem", verbose_name="来源于生活会意见", null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="problems")

    cause = models.TextField("原因分析", blank=True)
    responsible_cadre = models.ForeignKey("orgs.Cadre", verbose_name="责任领导", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="problems")
    responsible_unit = models.CharField("责任单位", max_length=100)
    severity = models.CharField("严重程度", max_length=20, choices=Severity.choices, default=Severity.ORDINARY)
    fix_now = models.BooleanField("立查立改", default=False)
    deadline = models.DateField("完成时限", null=True, blank=True)
    due_on = models.DateField("到期日")

    status = models.CharField("状态", max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.REGISTERED)
    registered_on = models.DateField("登记日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    claimed_at = models.DateTimeField("申请销号时间", null=True, blank=True)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请销号人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="销号核验人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_on_time = models.BooleanField("按期销号", null=True, blank=True)
    relapsed = models.BooleanField("反弹", default=False)
    relapse_count = models.PositiveSmallIntegerField("反弹次数", default=0)
    extension_count = models.PositiveSmallIntegerField("延期次数", default=0)
    # Steps done / all steps, kept by the step services so lists need no aggregate.
    step_count = models.PositiveSmallIntegerField("整改措施数", default=0)
    steps_done = models.PositiveSmallIntegerField("已完成措施数", default=0)
    # Optimistic concurrency: every write bumps it; a write based on an older version is refused.
    version = models.PositiveIntegerField("版本", default=1)
    feedback_token = models.CharField("群众评价码", max_length=32, unique=True, default=new_feedback_token,
                                      editable=False)

    objects = ProblemQuerySet.as_manager()
    scope_path_field = "org_path"
    audit_exclude = ("created_at", "updated_at", "version", "feedback_token")

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题"
        ordering = ["due_on", "id"]
        indexes = [
            # The ledger's lists: one campaign, a subtree, maybe a status, by due date (DESIGN §6.3; measured by
            # `make bench` at province scale on PostgreSQL and city scale on SQLite). The campaign leads so that
            # the list's COUNT(*) is an index-only scan. A county (a narrow path range) is read by path and
            # sorted; a city or the whole province (where most rows match) is read in due-date order, the path
            # filtered inside the index (org_path last), so either plan the planner picks stays cheap.
            models.Index(fields=["campaign", "org_path", "due_on", "id"], name="problem_campaign_path"),
            models.Index(fields=["campaign", "status", "org_path", "due_on", "id"],
                         name="problem_campaign_status_path"),
            models.Index(fields=["campaign", "status", "due_on", "id", "org_path"],
                         name="problem_campaign_status_due"),
            models.Index(fields=["campaign", "organization"], name="problem_campaign_org"),
            models.Index(fields=["due_on"], name="problem_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.description[:40]}"

    @property
    def number(self) -> str:
        """The ledger number (问题编号) people quote and imports match on: the id, zero-padded."""
        return number_of(self.pk)

    @property
    def progress(self) -> int:
        """Per cent of rectification steps done (0 without steps)."""
        return round(self.steps_done * 100 / self.step_count) if self.step_count else 0

    @property
    def is_closed(self) -> bool:
        return self.status == ProblemStatus.CLOSED


class ProblemChildQuerySet(ScopedQuerySet):
    pass


class RectificationStep(AuditedModel):
    """One rectification measure (整改措施) of a problem: what, who, by when, and when it was done."""

    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="steps")
    measure = models.TextField("整改措施")
    owner = models.CharField("责任人", max_length=100, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    done_note = models.TextField("完成情况", blank=True)
    # Evidence the problem already holds that also proves this step (one piece may prove several steps; the
    # pieces uploaded for this step are `evidence`).
    cited_evidence: "models.ManyToManyField[Evidence, Any]" = models.ManyToManyField(
        "Evidence", verbose_name="引用的佐证材料", blank=True, related_name="cited_by")

    objects = ProblemChildQuerySet.as_manager()
    scope_path_field = "problem__org_path"

    class Meta:
        verbose_name = "整改措施"
        verbose_name_plural = "整改措施"
        ordering = ["problem", "id"]

    def __str__(self) -> str:
        return self.measure[:50]


class Evidence(AuditedModel):
    """A file that proves rectification (整改佐证材料), stored with its SHA-256. Frozen when the problem is
    closed: it can no longer be removed, and the closure keeps the list of hashes it was verified on."""

    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="evidence")
    step = models.ForeignKey(RectificationStep, verbose_name="整改措施", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="evidence")
    file = models.FileField("文件", upload_to=UPLOAD_TO)
    filename = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    frozen = models.BooleanField("已固定", default=False)

    objects = ProblemChildQuerySet.as_manager()
    scope_path_field = "problem__org_path"

    class Meta:
        verbose_name = "整改佐证材料"
        verbose_name_plural = "整改佐证材料"
        ordering = ["problem", "id"]

    def __str__(self) -> str:
        return self.filename


class TransitionRecord(models.Model):
    """One line of a problem's timeline: who did what, when, why — written by `services.problem_act` (and
    registration) only, never changed."""

    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="timeline")
    action = models.CharField("操作", max_length=30, choices=ProblemAction.choices)
    from_status = models.CharField("原状态", max_length=20, choices=ProblemStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=ProblemStatus.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("操作人姓名", max_length=150)
    at = models.DateTimeField("时间")
    note = models.TextField("说明", blank=True)
    data = models.JSONField("附加信息", default=dict, blank=True)

    objects = ProblemChildQuerySet.as_manager()
    scope_path_field = "problem__org_path"

    class Meta:
        verbose_name = "问题处理记录"
        verbose_name_plural = "问题处理记录"
        ordering = ["problem", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("问题处理记录只能追加，不能修改。")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Closure(AuditedModel):
    """A verified closure (对账销号): who verified, when, on which evidence (the hashes at that moment), and the
    written reason where the masses' dissatisfaction was left unanswered. A reopened problem keeps its old
    closures."""

    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="closures")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核验人", null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_by_name = models.CharField("核验人姓名", max_length=150)
    closed_at = models.DateTimeField("销号时间")
    note = models.TextField("核验意见", blank=True)
    feedback_override = models.TextField("对不满意评价的说明", blank=True)
    evidence = models.JSONField("佐证材料清单", default=list)
    on_time = models.BooleanField("按期")

    objects = ProblemChildQuerySet.as_manager()
    scope_path_field = "problem__org_path"

    class Meta:
        verbose_name = "销号记录"
        verbose_name_plural = "销号记录"
        ordering = ["problem", "closed_at"]

    def __str__(self) -> str:
        return f"{self.problem.number} 销号 {self.closed_at:%Y-%m-%d}"


class Extension(AuditedModel):
    """A request to move a problem's due date (延期): approved or not by someone other than the requester."""

    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    reason = models.TextField("延期理由")
    old_due_on = models.DateField("原到期日")
    new_due_on = models.DateField("申请延至")
    status = models.CharField("审批状态", max_length=20, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    objects = ProblemChildQuerySet.as_manager()
    scope_path_field = "problem__org_path"

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["problem", "requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["problem"], condition=models.Q(status="pending"),
                                    name="extension_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.problem.number} 延期至 {self.new_due_on:%Y-%m-%d}"


class Satisfaction(AuditedModel):
    """What one person of the masses said of a problem's rectification, from the public feedback page
    (no login). The unit or the office answers it; an unanswered 不满意 blocks closure without a reason."""

    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.CASCADE,
                                related_name="satisfactions")
    rating = models.CharField("评价", max_length=20, choices=Rating.choices)
    comment = models.TextField("意见", blank=True)
    at = models.DateTimeField("评价时间")
    # A keyed hash of the sender's address: enough to rate-limit, not enough to identify anyone.
    source_hash = models.CharField("来源摘要", max_length=64, db_index=True)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    objects = ProblemChildQuerySet.as_manager()
    scope_path_field = "problem__org_path"

    class Meta:
        verbose_name = "群众满意度评价"
        verbose_name_plural = "群众满意度评价"
        ordering = ["problem", "-at"]
        indexes = [models.Index(fields=["source_hash", "at"], name="satisfaction_source_at")]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} {self.at:%Y-%m-%d}"


class SavedFilter(models.Model):
    """A ledger filter a user saved under a name (the query string of the list page)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="problem_filters")
    name = models.CharField("名称", max_length=50)
    query = models.CharField("筛选条件", max_length=1000)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "保存的筛选"
        verbose_name_plural = "保存的筛选"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_filter_unique_name")]

    def __str__(self) -> str:
        return self.name
