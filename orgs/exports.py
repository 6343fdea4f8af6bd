"""Organisation, member and cadre registers as .xlsx, with the import headers so that export → import changes
nothing; an organisation's name stands beside its code (所在党组织名称, 上级组织名称: read back only when the code is
blank).

Written with XlsxWriter in constant-memory mode (rows streamed from the database in chunks). A masked export
(ID and phone numbers masked) says so on its first line, and the importer refuses it."""

import datetime as dt
from typing import Any, BinaryIO

import xlsxwriter
from django.db.models import QuerySet

from core import cn
from orgs.choices import Gender, MemberCategory, OrgKind, Rank, Sector, Tier
from orgs.imports import DATE_FORMATS, HEADERS, MASKED_NOTICE, NO, YES, ImportKind
from orgs.models import Organization, OrganizationQuerySet

CHUNK = 2000
SHEET_NAMES: dict[str, str] = {
    ImportKind.ORGS: "党组织", ImportKind.MEMBERS: "党员名册", ImportKind.CADRES: "领导干部名册",
}
_WIDTHS = {"姓名": 10, "公民身份号码": 22, "手机号码": 14, "组织名称": 28, "单位名称": 28, "职务": 24,
           "所在党组织名称": 28, "上级组织名称": 28,
           "统一社会信用代码": 22, "所在党组织编码": 16, "组织编码": 16, "上级组织编码": 16}
_TEXT_COLUMNS = {"公民身份号码", "手机号码", "组织编码", "上级组织编码", "所在党组织编码", "统一社会信用代码",
                 "行政区划代码", "出生日期", "入党日期"}


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _flag(value: bool) -> str:
    return YES if value else NO


class _Sheet:
    def __init__(self, out: BinaryIO, kind: str, masked: bool) -> None:
        self.workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False,
                                                  "strings_to_formulas": False, "strings_to_urls": False})
        self.sheet = self.workbook.add_worksheet(SHEET_NAMES[kind])
        bold = self.workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
        text = self.workbook.add_format({"num_format": "@"})
        headers = HEADERS[kind]
        for col, title in enumerate(headers):
            self.sheet.set_column(col, col, _WIDTHS.get(title, 12), text if title in _TEXT_COLUMNS else None)
        self.row = 0
        if masked:
            notice = self.workbook.add_format({"bold": True, "font_color": "#C00000"})
            self.sheet.write_string(0, 0, MASKED_NOTICE, notice)
            self.row = 1
        for col, title in enumerate(headers):
            self.sheet.write_string(self.row, col, title, bold)
        self.sheet.freeze_panes(self.row + 1, 0)
        self.row += 1

    def write(self, values: list[Any]) -> None:
        for col, value in enumerate(values):
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.sheet.write_number(self.row, col, value)
            elif value not in ("", None):
                self.sheet.write_string(self.row, col, str(value))
        self.row += 1

    def close(self) -> None:
        self.workbook.close()


def export_members(*, queryset: QuerySet, out: BinaryIO, masked: bool) -> int:
    """Write the members of `queryset` to `out`; returns the number of rows written."""
    sheet = _Sheet(out, ImportKind.MEMBERS, masked)
    genders = dict(Gender.choices)
    categories = dict(MemberCategory.choices)
    count = 0
    rows = queryset.values_list("name", "gender", "ethnicity", "birth_date", "id_number", "phone", "joined_on",
                                "category", "is_mobile", "is_frail", "organization__code", "organization__name")
    for name, gender, ethnicity, birth, id_number, phone, joined, category, mobile, frail, code, org_name in (
        rows.iterator(chunk_size=CHUNK)
    ):
        sheet.write([
            name, genders.get(gender, gender), ethnicity, _date(birth),
            cn.mask_id_number(id_number) if masked else id_number,
            cn.mask_phone(phone) if masked else phone,
            _date(joined), categories.get(category, category), _flag(mobile), _flag(frail), code, org_name,
        ])
        count += 1
    sheet.close()
    return count


def export_orgs(*, queryset: OrganizationQuerySet, out: BinaryIO) -> int:
    """Write the organisations of `queryset` (a subtree, scoped) to `out` in tree order, each with its parent's
    code and name; returns the number of rows written."""
    sheet = _Sheet(out, ImportKind.ORGS, masked=False)
    kinds, sectors, tiers = dict(OrgKind.choices), dict(Sector.choices), dict(Tier.choices)
    rows = queryset.order_by("path").values_list("code", "name", "path", "kind", "sector", "tier", "unit_name",
                                                 "credit_code", "division_code")
    seen: dict[str, tuple[str, str]] = {}  # path → (code, name), of the rows written (parents come first)
    count = 0
    for code, name, path, kind, sector, tier, unit_name, credit_code, division_code in rows.iterator(
        chunk_size=CHUNK
    ):
        parent_path = path[:-Organization.steplen]
        if parent_path and parent_path not in seen:  # the subtree's root: its parent is outside the file
            parent = Organization.objects.filter(path=parent_path).values_list("code", "name").first()
            seen[parent_path] = parent or ("", "")
        parent_code, parent_name = seen.get(parent_path, ("", ""))
        seen[path] = (code, name)
        sheet.write([code, name, parent_code, parent_name, str(kinds.get(kind, kind)),
                     str(sectors.get(sector, sector)), str(tiers.get(tier, tier)), unit_name, credit_code,
                     division_code])
        count += 1
    sheet.close()
    return count


def export_cadres(*, queryset: QuerySet, out: BinaryIO, masked: bool) -> int:
    sheet = _Sheet(out, ImportKind.CADRES, masked)
    ranks = dict(Rank.choices)
    count = 0
    rows = queryset.values_list("name", "id_number", "position", "rank", "organization__code", "organization__name")
    for name, id_number, position, rank, code, org_name in rows.iterator(chunk_size=CHUNK):
        sheet.write([name, cn.mask_id_number(id_number) if masked else id_number, position,
                     str(ranks.get(rank, rank)), code, org_name])
        count += 1
    sheet.close()
    return count


_ORG_CODE_RULE = "您管辖范围内的组织编码（与“所在党组织名称”填一项即可，都填时以编码为准）"
_ORG_NAME_RULE = "编码为空时按名称查找您管辖范围内的党组织（名称须与系统中的一致且唯一）"
_ALLOWED: dict[str, dict[str, str]] = {
    ImportKind.ORGS: {
        "组织编码": "必填，唯一；已有编码的组织将被更新",
        "组织名称": "必填",
        "上级组织编码": "已有组织的编码，或本文件中的组织编码；为空表示顶级组织（仅命令行）",
        "组织类别": "、".join(OrgKind.labels),
        "单位类别": "、".join(Sector.labels),
        "层级": "、".join(Tier.labels),
        "单位名称": "选填",
        "统一社会信用代码": "选填，18位，按 GB 32100 校验",
        "行政区划代码": "选填，6位数字（GB/T 2260）",
        "上级组织名称": "选填：上级组织编码为空时，按名称在本文件和您的管辖范围内查找（须唯一）",
    },
    ImportKind.MEMBERS: {
        "姓名": "必填",
        "性别": "男、女（为空时取自公民身份号码）",
        "民族": "如：汉族（为空时为汉族）",
        "出生日期": f"{DATE_FORMATS}，须与公民身份号码一致（为空时取自号码）",
        "公民身份号码": "必填，18位，按 GB 11643 校验；已登记的党员将被更新",
        "手机号码": "选填，以1开头的11位数字",
        "入党日期": f"选填，{DATE_FORMATS}",
        "人员类别": "、".join(MemberCategory.labels) + "（为空时为正式党员）",
        "流动党员": "是、否（为空时为否）",
        "年老体弱": "是、否（为空时为否）",
        "所在党组织编码": _ORG_CODE_RULE,
        "所在党组织名称": _ORG_NAME_RULE,
    },
    ImportKind.CADRES: {
        "姓名": "必填",
        "公民身份号码": "必填，18位，按 GB 11643 校验；已登记的领导干部将被更新",
        "职务": "必填",
        "职级": "、".join(Rank.labels),
        "所在党组织编码": _ORG_CODE_RULE,
        "所在党组织名称": _ORG_NAME_RULE,
    },
}


def write_template(*, kind: str, out: BinaryIO) -> None:
    """An empty import file: the headers on the first sheet, what each column accepts on the second."""
    if kind not in ImportKind.values:
        raise ValueError(f"unknown import kind {kind!r}")
    sheet = _Sheet(out, kind, masked=False)
    notes = sheet.workbook.add_worksheet("填写说明")
    bold = sheet.workbook.add_format({"bold": True})
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 90)
    notes.write_string(0, 0, "列", bold)
    notes.write_string(0, 1, "填写要求", bold)
    for i, (title, rule) in enumerate(_ALLOWED[kind].items(), start=1):
        notes.write_string(i, 0, title)
        notes.write_string(i, 1, rule)
    notes.write_string(len(_ALLOWED[kind]) + 2, 0, "说明")
    notes.write_string(len(_ALLOWED[kind]) + 2, 1, "只导入第一个工作表；表头之上可以有标题行，列的顺序可以调整；"
                                                   "单位自己的名册（如“身份证号”“所在党支部”“联系电话”等列名）也能识别，"
                                                   "网页导入时会先列出各列的对应关系请您核对。")
    sheet.close()
