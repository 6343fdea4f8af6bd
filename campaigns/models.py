from django.db import models
from django.db.models import Q

from core.models import AuditedModel
from core.scoping import ScopedQuerySet


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
