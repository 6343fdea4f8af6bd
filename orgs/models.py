from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from core import cn
from core.models import AuditedModel
from core.scoping import ScopedQuerySet
from orgs.choices import RANK_COUNTY, Gender, MemberCategory, OrgKind, Rank, Sector, Tier

if TYPE_CHECKING:
    from accounts.actors import MaybeActor


class PathField(models.CharField):
    """A materialized path. On PostgreSQL it uses the "C" collation so that byte order holds and path
    ranges use the index (a locale-aware collation breaks both); SQLite compares bytes already."""

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class OrganizationQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    pass


class OrganizationManager(MP_NodeManager):
    def get_queryset(self) -> OrganizationQuerySet:
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, user: "MaybeActor", action: str = "view") -> OrganizationQuerySet:
        """The organisations `user` sees ("view") or may change ("change"): core.scoping.ScopedQuerySet.visible_to."""
        return self.get_queryset().visible_to(user, action)

    def in_subtree(self, path: str) -> OrganizationQuerySet:
        return self.get_queryset().in_subtree(path)


class Organization(AuditedModel, MP_Node):
    """A party organisation: one node of the tree. Create, move and delete through `orgs.services`,
    which keep the roll-up counters exact."""

    path = PathField(max_length=255, unique=True)
    code = models.CharField("组织编码", max_length=32, unique=True)
    name = models.CharField("组织名称", max_length=100, db_index=True)
    initials = models.CharField("拼音首字母", max_length=100, blank=True, db_index=True, editable=False)
    kind = models.CharField("组织类别", max_length=20, choices=OrgKind.choices)
    sector = models.CharField("单位类别", max_length=20, choices=Sector.choices)
    tier = models.CharField("层级", max_length=10, choices=Tier.choices)
    unit_name = models.CharField("单位名称", max_length=100, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    division_code = models.CharField("行政区划代码", max_length=6, blank=True)

    objects = OrganizationManager()
    scope_path_field = "path"
    audit_exclude = ("created_at", "updated_at", "initials", "numchild")

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.initials = cn.pinyin_initials_readings(self.name)
        super().save(*args, **kwargs)

    def ancestor_paths(self) -> list[str]:
        """Paths of this node and every ancestor, root first."""
        return [self.path[:i] for i in range(self.steplen, len(self.path) + 1, self.steplen)]


class MemberQuerySet(ScopedQuerySet):
    pass


class Member(AuditedModel):
    """A party member (党员), registered in one organisation."""

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    joined_on = models.DateField("入党日期", null=True, blank=True)
    category = models.CharField("人员类别", max_length=20, choices=MemberCategory.choices,
                                default=MemberCategory.FULL)
    is_mobile = models.BooleanField("流动党员", default=False)
    is_frail = models.BooleanField("年老体弱", default=False)
    organization = models.ForeignKey(Organization, verbose_name="所在党组织", on_delete=models.PROTECT,
                                     related_name="members")

    objects = MemberQuerySet.as_manager()
    scope_path_field = "organization__path"

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        indexes = [models.Index(fields=["organization", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return cn.mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return cn.mask_phone(self.phone)


class CadreQuerySet(ScopedQuerySet):
    def county_level(self) -> "CadreQuerySet":
        return self.filter(rank__gte=RANK_COUNTY)


class Cadre(AuditedModel):
    """A leading cadre (领导干部). Rank 县处级副职 and above counts as 县处级以上."""

    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    position = models.CharField("职务", max_length=100)
    rank = models.PositiveSmallIntegerField("职级", choices=Rank.choices)
    organization = models.ForeignKey(Organization, verbose_name="所在党组织", on_delete=models.PROTECT,
                                     related_name="cadres")

    objects = CadreQuerySet.as_manager()
    scope_path_field = "organization__path"

    class Meta:
        verbose_name = "领导干部"
        verbose_name_plural = "领导干部"

    def __str__(self) -> str:
        return self.name

    @property
    def is_county_level(self) -> bool:
        return self.rank >= RANK_COUNTY

    def label(self, *, with_org: bool = False) -> str:
        """郭德亮（区长）, or with the organisation apart: 郭德亮（区长）· 大坊区委 (core.cn.person_text)."""
        return cn.person_text(self.name, self.position, self.organization.name if with_org else None)

    @property
    def id_number_masked(self) -> str:
        return cn.mask_id_number(self.id_number)


class Rollup(models.Model):
    """Counts for one organisation's whole subtree (itself included), split by the sector and tier of the
    organisations in it. Kept exact on every write by `orgs.services`; a subtree's statistics are read from
    a handful of these rows, never by scanning members (DESIGN §6)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="rollups")
    sector = models.CharField("单位类别", max_length=20, choices=Sector.choices)
    tier = models.CharField("层级", max_length=10, choices=Tier.choices)
    orgs = models.IntegerField("党组织数", default=0)
    members = models.IntegerField("党员数", default=0)
    mobile = models.IntegerField("流动党员数", default=0)
    frail = models.IntegerField("年老体弱党员数", default=0)
    cadres = models.IntegerField("县处级以上领导干部数", default=0)

    COUNTERS = ("orgs", "members", "mobile", "frail", "cadres")

    class Meta:
        verbose_name = "汇总计数"
        verbose_name_plural = "汇总计数"
        constraints = [
            models.UniqueConstraint(fields=["organization", "sector", "tier"], name="rollup_unique_node_class")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.sector}/{self.tier}"


class ImportJob(models.Model):
    """One upload on the import page: validated in the background, then applied after the user confirms."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        VALIDATING = "validating", "正在校验"
        INVALID = "invalid", "校验未通过"
        READY = "ready", "校验通过，待确认"
        APPLYING = "applying", "正在导入"
        DONE = "done", "导入完成"
        FAILED = "failed", "出错"

    FINISHED = frozenset({Status.INVALID, Status.READY, Status.DONE, Status.FAILED})

    kind = models.CharField("导入类型", max_length=20)
    user = models.ForeignKey("accounts.User", verbose_name="上传人", on_delete=models.CASCADE,
                             related_name="import_jobs")
    file_path = models.CharField("文件位置", max_length=255)
    original_name = models.CharField("文件名", max_length=255)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField("总行数", default=0)
    processed = models.PositiveIntegerField("已处理行数", default=0)
    report = models.JSONField("结果", null=True, blank=True)
    message = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def awaiting_mapping(self) -> bool:
        """Uploaded, its columns shown, waiting for the user to confirm how they are read (the mapping step)."""
        report = self.report or {}
        return self.status == self.Status.PENDING and "layout" in report and "mapping" not in report

    @property
    def percent(self) -> int:
        if self.status in (self.Status.READY, self.Status.DONE, self.Status.INVALID):
            return 100
        return min(100, self.processed * 100 // self.total) if self.total else 0
