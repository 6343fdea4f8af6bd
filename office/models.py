"""The office's own work: the communication log (请示报告) — reports and requests for instructions up to the office
or the province, replies and instructions down, experiences and typical cases reported by units, letters from
outside — logged, assigned to a team (分办), answered and closed (办结). Later: tasks, meetings and staff.

Only `office.services` writes these rows.
"""

import datetime as dt
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.actors import MaybeActor
from accounts.models import User
from campaigns.models import LiaisonMembership, TeamMembership
from core.models import AuditedModel, StoredFile
from core.scoping import ScopedQuerySet
from office.choices import OPEN, Direction, Kind, Origin, SubmissionStatus
from office.permissions import can_read_submissions, can_read_whole_log, reports_for_liaison_group
from orgs.models import PathField

UPLOAD_TO = "office/%Y/%m/"


def _submitted_q(user: User) -> Q:
    """Items `user`'s side submitted: the user; for a liaison member, any member of a group it shares in the item's
    campaign reporting as a liaison group; for anyone else (a unit contact, a county's office), any account of its
    own organisation reporting as a unit. Never a letter the office logged from outside."""
    q = Q(created_by_id=user.pk) & ~Q(origin=Origin.OUTSIDE)
    if reports_for_liaison_group(user):
        co_member = LiaisonMembership.objects.filter(
            user_id=OuterRef("created_by_id"), group__campaign_id=OuterRef("campaign_id"),
            group__memberships__user_id=user.pk)
        return q | Q(Q(origin=Origin.LIAISON), Exists(co_member))
    return q | Q(origin=Origin.UNIT, created_by__organization_id=user.organization_id)


class SubmissionQuerySet(ScopedQuerySet):
    """Items of the log. Inside the jurisdiction (`visible_to`), who reads which — and the services act only on
    what their caller reads, so "change" is the same rule:

    - the city's office and the leaders read everything (`can_read_whole_log`);
    - a unit contact, or a county's office, reads what it reported (the user, or an account of its own organisation)
      and what the office sent down to it (to its unit or a unit below it), with the office's replies to its items;
    - a liaison member reads what its groups reported and what the office sent down to its groups' units, with the
      office's replies to them;
    - anyone reads what the office assigned to them or to their team (within their jurisdiction);
    - the three administrators read nothing (`can_read_submissions`).

    What is reported or logged ABOUT a unit — a liaison group's request concerning it, a letter from the masses the
    office logged, the office's requests up to the province — is never shown to that unit: a complainant could be
    exposed."""

    def for_action(self, user: MaybeActor, action: str) -> Self:
        if not can_read_submissions(user):
            return self.none()
        if can_read_whole_log(user):
            return self
        if not isinstance(user, User):  # only a signed-in user reads part of the log (a system actor reads it all)
            return self.none()
        submitted = _submitted_q(user)
        # What the office sent down (to a unit in the jurisdiction) — but not its reply to someone else's item: the
        # office's 批复 to a liaison group's request about a unit is not the unit's to read.
        sent_down = Q(origin=Origin.OFFICE, direction=Direction.DOWN) & ~Q(kind=Kind.REPLY, parent__isnull=False)
        office_replies = Q(origin=Origin.OFFICE,
                           parent_id__in=Submission.objects.filter(submitted).values("pk"))
        teams_of = TeamMembership.objects.filter(user_id=user.pk).values("team_id")
        assigned = Q(assignee_id=user.pk) | Q(team_id__in=teams_of)
        return self.filter(submitted | sent_down | office_replies | assigned)


class SubmissionAttachmentQuerySet(ScopedQuerySet):
    """Files of the items a user reads: the items' own rule (`SubmissionQuerySet.for_action`)."""

    def for_action(self, user: MaybeActor, action: str) -> Self:
        if not can_read_submissions(user):
            return self.none()
        if can_read_whole_log(user):
            return self
        readable = Submission.objects.all().for_action(user, action).values("pk")
        return self.filter(submission_id__in=readable)


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

    objects = SubmissionAttachmentQuerySet.as_manager()
    scope_path_field = "submission__org_path"

    class Meta:
        verbose_name = "请示报告附件"
        verbose_name_plural = "请示报告附件"
        ordering = ["submission", "id"]
