"""The office's own work: the communication log (请示报告) — reports and requests for instructions up to the office
or the province, replies and instructions down, experiences and typical cases reported by units, letters from
outside — logged, assigned to a team (分办), answered and closed (办结). Later: tasks, meetings and staff.

Only `office.services` writes these rows.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import AuditedModel, StoredFile
from core.scoping import ScopedQuerySet
from office.choices import OPEN, Direction, Kind, Origin, SubmissionStatus
from orgs.models import PathField

UPLOAD_TO = "office/%Y/%m/"


class SubmissionQuerySet(ScopedQuerySet):
    pass


class Submission(AuditedModel):
    """One item of the communication log. `organization` is the unit it comes from or concerns (the office's own
    dealings with the province and city departments sit at the root of the tree, seen by the city's office and
    leaders only); `counterpart` names the party outside the tree (省委主题教育办, 市委组织部 …)."""

    campaign = models.ForeignKey("campaigns.Campaign", verbose_name="主题教育", on_delete=models.PROTECT,
                                 related_name="+")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    origin = models.CharField("来源", max_length=20, choices=Origin.choices)
    direction = models.CharField("行文方向", max_length=20, choices=Direction.choices)
    organization = models.ForeignKey("orgs.Organization", verbose_name="相关单位", on_delete=models.PROTECT,
                                     related_name="submissions")
    org_path = PathField("组织路径", max_length=255, editable=False)
    counterpart = models.CharField("对方单位", max_length=100, blank=True)
    number = models.CharField("文号", max_length=50, blank=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容摘要", blank=True)
    sent_on = models.DateField("发文日期", null=True, blank=True)
    received_on = models.DateField("收文日期", null=True, blank=True)
    due_on = models.DateField("办理时限", null=True, blank=True)
    parent = models.ForeignKey("self", verbose_name="答复的事项", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="replies")
    status = models.CharField("状态", max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.LOGGED)
    team = models.ForeignKey("campaigns.Team", verbose_name="承办组", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="submissions")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="分办人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField("分办时间", null=True, blank=True)
    answer = models.TextField("答复意见", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    close_note = models.CharField("办结说明", max_length=500, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办结人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = SubmissionQuerySet.as_manager()
    scope_path_field = "org_path"

    class Meta:
        verbose_name = "请示报告"
        verbose_name_plural = "请示报告"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["campaign", "org_path"], name="submission_campaign_path"),
            models.Index(fields=["status", "due_on"], name="submission_status_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        """Not answered, and the date it had to be answered by has passed."""
        return self.status in OPEN and self.due_on is not None and self.due_on < timezone.localdate()

    @property
    def day(self) -> dt.date | None:
        """The date it was sent or received (what the list shows)."""
        return self.received_on or self.sent_on


class SubmissionAttachment(StoredFile):
    """A file kept with a submission (the document itself, its annexes, the reply), stored with its SHA-256."""

    submission = models.ForeignKey(Submission, verbose_name="请示报告", on_delete=models.CASCADE,
                                   related_name="attachments")
    file = models.FileField("文件", upload_to=UPLOAD_TO)

    objects = SubmissionQuerySet.as_manager()
    scope_path_field = "submission__org_path"

    class Meta:
        verbose_name = "请示报告附件"
        verbose_name_plural = "请示报告附件"
        ordering = ["submission", "id"]
