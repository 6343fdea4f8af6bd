from django.db import models


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", "党委"
    WORKING_COMMITTEE = "working_committee", "党工委"
    PARTY_GROUP = "party_group", "党组"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint_branch", "联合党支部"


class Sector(models.TextChoices):
    ORGAN = "organ", "机关"
    AFFILIATED = "affiliated", "直属单位"
    INSTITUTION = "institution", "事业单位"
    STATE_ENTERPRISE = "state_enterprise", "国有企业"
    TOWNSHIP = "township", "乡镇"
    STREET = "street", "街道"
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    NON_PUBLIC = "non_public", "非公有制经济组织"
    SOCIAL = "social", "社会组织"
    OTHER = "other", "其他基层组织"


class Tier(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县(区)"
    TOWNSHIP = "township", "乡镇(街道)"
    VILLAGE = "village", "村(社区)"


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class MemberCategory(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class Rank(models.IntegerChoices):
    """Cadre ranks, ordered: a higher number is a higher rank."""

    BUREAU_CHIEF = 70, "厅局级正职"
    BUREAU_DEPUTY = 60, "厅局级副职"
    COUNTY_CHIEF = 50, "县处级正职"
    COUNTY_DEPUTY = 40, "县处级副职"
    SECTION_CHIEF = 30, "乡科级正职"
    SECTION_DEPUTY = 20, "乡科级副职"
    OTHER = 10, "其他"


# 县处级以上 = 县处级副职 and above.
RANK_COUNTY = Rank.COUNTY_DEPUTY


def label_to_value(choices: type[models.Choices]) -> dict[str, object]:
    """Chinese label → stored value, for imports."""
    return {str(label): value for value, label in choices.choices}
