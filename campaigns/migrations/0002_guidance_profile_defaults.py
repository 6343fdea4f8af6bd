"""The default guidance profiles (分级分类指导), in the words of the speech's 一.3 and 二.5. The office edits them
afterwards; reversing removes only the rows this migration wrote (by sector × tier)."""

from typing import Any

from django.db import migrations

# 一.3: 引导市、县（区）及其直属单位聚焦精神不振、能力不足、作风不实等问题检视整改
FOCUS_ORGANS = "聚焦精神不振、能力不足、作风不实等问题检视整改"
# 一.3: 乡镇（街道）、村（社区）突出服务群众这个着力点
FOCUS_GRASSROOTS = "突出服务群众这个着力点，把指导工作的针对性抓实抓到点子上"
MEMBER_FLEXIBILITY = "对流动党员、年老体弱党员的学习教育要灵活施策、讲求实效，不能大而化之，搞一刀切、一锅煮。"
METHOD_ORGANS = ("抓住县处级以上领导班子和领导干部这个“关键少数”，带头抓好学习教育，带头开展调研并认真撰写调研报告，"
                 "带头讲好党课，带头查摆检视问题，带头整改落实；开好专题民主生活会，严肃认真开展批评和自我批评。")
METHOD_TOWNSHIP = "发挥基层党支部主体作用，将党员干部紧密联系起来、有效组织起来，深入推进主题教育在基层做实奏效。"
METHOD_SIMPLIFIED = "鼓励探索创新，给基层留出空间，对村和社区等基层组织要适当简化程序性要求。"
METHOD_SMALL = "对非公有制经济组织和社会组织可采取小型、业余、分散的方式来开展。"
METHOD_OTHER = "区分不同层级、着眼不同领域、针对不同对象，鼓励探索创新，给基层留出空间。"

ORGAN_SECTORS = ("organ", "affiliated", "institution", "state_enterprise")
OTHER_SECTORS = ("non_public", "social", "other")


def default_profiles() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    # 市、县（区）机关及直属单位和企事业单位: 县处级以上领导班子开专题民主生活会，党支部开组织生活会.
    for tier in ("city", "county"):
        for sector in ORGAN_SECTORS:
            rows.append({"sector": sector, "tier": tier, "focus": FOCUS_ORGANS, "applies_democratic_meeting": True,
                         "method_notes": METHOD_ORGANS})
    for sector in ("township", "street"):
        rows.append({"sector": sector, "tier": "township", "focus": FOCUS_GRASSROOTS, "method_notes": METHOD_TOWNSHIP})
    for sector in ("village", "community"):
        rows.append({"sector": sector, "tier": "village", "focus": FOCUS_GRASSROOTS, "simplified": True,
                     "method_notes": METHOD_SIMPLIFIED})
    for tier in ("county", "township", "village"):
        for sector in OTHER_SECTORS:
            small = sector in ("non_public", "social")
            rows.append({"sector": sector, "tier": tier,
                         "focus": "" if tier == "county" else FOCUS_GRASSROOTS,
                         "small_dispersed": small, "simplified": tier == "village",
                         "method_notes": METHOD_SMALL if small else METHOD_OTHER})
    for row in rows:
        row.setdefault("applies_democratic_meeting", False)
        row.setdefault("applies_organisational_meeting", True)
        row.setdefault("simplified", False)
        row.setdefault("small_dispersed", False)
        row["member_flexibility"] = MEMBER_FLEXIBILITY
    return rows


def load(apps: Any, schema_editor: Any) -> None:
    GuidanceProfile = apps.get_model("campaigns", "GuidanceProfile")
    for row in default_profiles():
        key = {"sector": row["sector"], "tier": row["tier"]}
        if not GuidanceProfile.objects.filter(**key).exists():
            GuidanceProfile.objects.create(**row)


def unload(apps: Any, schema_editor: Any) -> None:
    GuidanceProfile = apps.get_model("campaigns", "GuidanceProfile")
    for row in default_profiles():
        GuidanceProfile.objects.filter(sector=row["sector"], tier=row["tier"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
