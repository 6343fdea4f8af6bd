from django.db import models
from django.db.models import Q

from core.models import AuditedModel
from core.scoping import ScopedQuerySet
from orgs.choices import Sector, Tier


class Campaign(AuditedModel):
    """One theme-education campaign. Earlier ones stay as history; exactly one may be current.
    Nothing is phased (DESIGN §4.3): every measure is open from `starts_on` to `ends_on`."""

    name = models.CharField("名称", max_length=100)
    batch = models.PositiveSmallIntegerField("批次", null=True, blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    is_current = models.BooleanField("当前开展", default=False)

    class Meta:
        verbose_name = "主题教育"
        verbose_name_plural = "主题教育"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.batch}批）" if self.batch else self.name


class ParticipationQuerySet(ScopedQuerySet):
    pass


class Participation(AuditedModel):
    """An organisation whose whole subtree takes part in a campaign."""

    campaign = models.ForeignKey(Campaign, verbose_name="主题教育", on_delete=models.CASCADE,
                                 related_name="participations")
    organization = models.ForeignKey("orgs.Organization", verbose_name="参学组织", on_delete=models.PROTECT,
                                     related_name="participations")

    objects = ParticipationQuerySet.as_manager()
    scope_path_field = "organization__path"

    class Meta:
        verbose_name = "参学范围"
        verbose_name_plural = "参学范围"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization"], name="participation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.organization}"


class Team(AuditedModel):
    """A team of the office (办公室内设组): 综合组, 材料组, 宣传组, 联络组 …"""

    campaign = models.ForeignKey(Campaign, verbose_name="主题教育", on_delete=models.CASCADE, related_name="teams")
    name = models.CharField("名称", max_length=50)
    duties = models.TextField("职责", blank=True)
    members = models.ManyToManyField("accounts.User", verbose_name="成员", through="TeamMembership",
                                     related_name="teams", blank=True)

    class Meta:
        verbose_name = "办公室内设组"
        verbose_name_plural = "办公室内设组"
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class TeamMembership(AuditedModel):
    team = models.ForeignKey(Team, verbose_name="内设组", on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey("accounts.User", verbose_name="成员", on_delete=models.CASCADE,
                             related_name="team_memberships")
    is_leader = models.BooleanField("组长", default=False)

    class Meta:
        verbose_name = "内设组成员"
        verbose_name_plural = "内设组成员"
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_membership_unique")]

    def __str__(self) -> str:
        return f"{self.team} · {self.user}"


class LiaisonGroup(AuditedModel):
    """A liaison group (联络组, acting as 指导组), assigned a set of units. Its members see exactly those units."""

    campaign = models.ForeignKey(Campaign, verbose_name="主题教育", on_delete=models.CASCADE,
                                 related_name="liaison_groups")
    name = models.CharField("名称", max_length=50)
    # Groups are listed 第一, 第二, 第三 …, by number: the name's characters sort 第一, 第三, 第二, 第四.
    number = models.PositiveSmallIntegerField("序号", default=0)
    members = models.ManyToManyField("accounts.User", verbose_name="成员", through="LiaisonMembership",
                                     related_name="liaison_groups", blank=True)

    class Meta:
        verbose_name = "联络组"
        verbose_name_plural = "联络组"
        ordering = ["campaign", "number", "name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="liaison_group_unique_name")]

    def __str__(self) -> str:
        return self.name


class LiaisonMembership(AuditedModel):
    group = models.ForeignKey(LiaisonGroup, verbose_name="联络组", on_delete=models.CASCADE,
                              related_name="memberships")
    user = models.ForeignKey("accounts.User", verbose_name="成员", on_delete=models.CASCADE,
                             related_name="liaison_memberships")
    is_leader = models.BooleanField("组长", default=False)

    class Meta:
        verbose_name = "联络组成员"
        verbose_name_plural = "联络组成员"
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="liaison_membership_unique")]

    def __str__(self) -> str:
        return f"{self.group} · {self.user}"


class LiaisonAssignmentQuerySet(ScopedQuerySet):
    pass


class LiaisonAssignment(AuditedModel):
    """A unit (with its subtree) assigned to a liaison group. A unit has at most one group per campaign."""

    group = models.ForeignKey(LiaisonGroup, verbose_name="联络组", on_delete=models.CASCADE,
                              related_name="assignments")
    campaign = models.ForeignKey(Campaign, verbose_name="主题教育", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name="联系单位", on_delete=models.PROTECT,
                                     related_name="liaison_assignments")

    objects = LiaisonAssignmentQuerySet.as_manager()
    scope_path_field = "organization__path"

    class Meta:
        verbose_name = "联系单位"
        verbose_name_plural = "联系单位"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization"], name="liaison_assignment_one_group"),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.organization}"


class GuidanceProfile(AuditedModel):
    """Tiered and classified guidance (分级分类指导) for one sector × tier: what applies to such units and how.
    Defaults come from the speech (a data migration); the office edits them. A unit's pages show only what its
    profile says applies — nothing is one-size-fits-all."""

    sector = models.CharField("单位类别", max_length=20, choices=Sector.choices)
    tier = models.CharField("层级", max_length=10, choices=Tier.choices)
    focus = models.TextField("检视整改重点", blank=True)
    applies_study = models.BooleanField("开展理论学习", default=True)
    applies_research = models.BooleanField("开展调查研究", default=True)
    applies_public_service = models.BooleanField("为民办实事", default=True)
    applies_lecture = models.BooleanField("讲专题党课", default=True)
    applies_democratic_meeting = models.BooleanField("召开专题民主生活会", default=False)
    applies_organisational_meeting = models.BooleanField("召开专题组织生活会", default=True)
    simplified = models.BooleanField("简化程序性要求", default=False)
    small_dispersed = models.BooleanField("小型、业余、分散开展", default=False)
    method_notes = models.TextField("方式方法", blank=True)
    member_flexibility = models.TextField("流动党员、年老体弱党员", blank=True)
    office_notes = models.TextField("办公室补充说明", blank=True)

    class Meta:
        verbose_name = "分级分类指导"
        verbose_name_plural = "分级分类指导"
        ordering = ["tier", "sector"]
        constraints = [models.UniqueConstraint(fields=["sector", "tier"], name="guidance_profile_unique")]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} · {self.get_sector_display()}"

    # What a profile can switch on, with who it concerns (shown on the unit's page only when it applies).
    APPLIES = (
        ("applies_study", "理论学习（自学、集中学习、专题研讨）"),
        ("applies_research", "调查研究（调研课题、调研报告、成果交流）"),
        ("applies_public_service", "为民办实事"),
        ("applies_lecture", "讲专题党课"),
        ("applies_democratic_meeting", "专题民主生活会（县处级以上领导班子）"),
        ("applies_organisational_meeting", "专题组织生活会（党支部）"),
    )

    def applies_labels(self) -> list[str]:
        """What applies to units of this sector × tier, in the order of the four measures."""
        return [label for name, label in self.APPLIES if getattr(self, name)]
