"""Importing organisations, members and cadres from .xlsx or .csv files (read with `core.sheets`).

Files may be the import template, an export, or a register in an office's own layout: a title row above the
header, a 序号 column, its own column names (`SYNONYMS`: 身份证号, 所在党支部, 联系电话 …). The pages show how each
column is read for the user to confirm or correct (the mapping step); the commands read recognised columns and
refuse a file with a column they do not know. A person's organisation is given by code or by name (所在党组织名称 /
所在党支部: the one organisation of that name in the actor's jurisdiction). Columns a register may lack are optional:
a new row gets the default, an existing person keeps what is recorded.

Every row is read (streamed), parsed and validated with the field rules of `orgs.services` before anything is
written; a file with any error writes nothing. Members and cadres are matched by ID number, organisations by
code. Writes happen in one transaction: bulk for members and cadres (roll-up kept exact with `rollup_apply`,
audit entries with `record_many`), through the services for organisations (files are small).
"""

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from xlsxwriter.utility import xl_cell_to_rowcol

from accounts.actors import Actor
from core import audit, cn
from core.models import AuditEntry
from core.scoping import user_scope_paths
from core.sheets import DATE_FORMATS as DATE_FORMATS  # re-exported for the registry's exports
from core.sheets import (
    NO,
    YES,
    ImportFileError,
    ImportReport,
    Layout,
    Progress,
    RowError,
    Sheet,
    cell_text,
    opened,
    parse_date,
    read_sheet,
    sheet_layout,
)
from orgs import services
from orgs.choices import Gender, MemberCategory, OrgKind, Rank, Sector, Tier, label_to_value
from orgs.counters import cadre_delta, member_delta, rollup_apply
from orgs.models import Cadre, Member, Organization, OrganizationQuerySet
from orgs.permissions import can_add_org, can_edit_org, can_edit_registry


class ImportKind(models.TextChoices):
    ORGS = "orgs", "党组织"
    MEMBERS = "members", "党员"
    CADRES = "cadres", "领导干部"


# Field name → column header: the wording and order of the import templates and of the registers' exports.
COLUMNS: dict[str, dict[str, str]] = {
    ImportKind.ORGS: {
        "code": "组织编码", "name": "组织名称", "parent": "上级组织编码", "parent_name": "上级组织名称",
        "kind": "组织类别", "sector": "单位类别", "tier": "层级", "unit_name": "单位名称",
        "credit_code": "统一社会信用代码", "division_code": "行政区划代码",
    },
    ImportKind.MEMBERS: {
        "name": "姓名", "gender": "性别", "ethnicity": "民族", "birth_date": "出生日期", "id_number": "公民身份号码",
        "phone": "手机号码", "joined_on": "入党日期", "category": "人员类别", "is_mobile": "流动党员",
        "is_frail": "年老体弱", "organization": "所在党组织编码", "organization_name": "所在党组织名称",
    },
    ImportKind.CADRES: {
        "name": "姓名", "id_number": "公民身份号码", "position": "职务", "rank": "职级",
        "organization": "所在党组织编码", "organization_name": "所在党组织名称",
    },
}
# Columns a file may lack (a person's organisation: its code or its name, one of them).
OPTIONAL: dict[str, frozenset[str]] = {
    ImportKind.ORGS: frozenset({"unit_name", "credit_code", "division_code", "parent", "parent_name"}),
    ImportKind.MEMBERS: frozenset({"gender", "ethnicity", "birth_date", "phone", "joined_on", "category",
                                   "is_mobile", "is_frail", "organization", "organization_name"}),
    ImportKind.CADRES: frozenset({"organization", "organization_name"}),
}
_PERSON_ORG = "“所在党组织编码”或“所在党组织名称”"
# Titles offices give the columns, besides the template's own.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    ImportKind.ORGS: {
        "code": ("组织编码", "党组织编码", "党组织代码", "组织代码"),
        "name": ("组织名称", "党组织名称", "党组织全称", "名称"),
        "parent": ("上级组织编码", "上级党组织编码", "上级党组织代码"),
        "parent_name": ("上级组织名称", "上级党组织", "上级党组织名称", "隶属党组织", "上级组织"),
        "kind": ("组织类别", "党组织类别", "组织类型", "党组织类型"),
        "sector": ("单位类别", "单位性质", "单位类型"),
        "tier": ("层级", "组织层级", "所属层级"),
        "unit_name": ("单位名称", "所在单位"),
        "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
        "division_code": ("行政区划代码", "区划代码"),
    },
    ImportKind.MEMBERS: {
        "name": ("姓名", "党员姓名"),
        "gender": ("性别",),
        "ethnicity": ("民族",),
        "birth_date": ("出生日期", "出生年月", "出生年月日"),
        "id_number": ("公民身份号码", "身份证号", "身份证号码", "公民身份证号码", "身份证"),
        "phone": ("手机号码", "联系电话", "手机号", "联系方式", "手机", "电话"),
        "joined_on": ("入党日期", "入党时间", "入党年月"),
        "category": ("人员类别", "党员类别", "党员身份"),
        "is_mobile": ("流动党员", "是否流动党员"),
        "is_frail": ("年老体弱", "是否年老体弱"),
        "organization": ("所在党组织编码", "党组织编码", "组织编码"),
        "organization_name": ("所在党组织名称", "所在党组织", "所在党支部", "党组织名称", "所属党组织", "所在支部",
                              "党支部", "所属党支部"),
    },
    ImportKind.CADRES: {
        "name": ("姓名",),
        "id_number": ("公民身份号码", "身份证号", "身份证号码", "公民身份证号码", "身份证"),
        "position": ("职务", "现任职务", "职务名称"),
        "rank": ("职级", "职务层次", "级别", "职务级别"),
        "organization": ("所在党组织编码", "党组织编码", "组织编码"),
        "organization_name": ("所在党组织名称", "所在党组织", "党组织名称", "所属党组织", "所在单位党组织"),
    },
}
HEADERS: dict[str, list[str]] = {kind: list(cols.values()) for kind, cols in COLUMNS.items()}

MASKED_NOTICE = "本表身份证号码、手机号码已脱敏，不能用于导入"
BATCH = 2000
PROGRESS_EVERY = 1000

_KIND_LABELS = label_to_value(OrgKind)
_SECTOR_LABELS = label_to_value(Sector)
_TIER_LABELS = label_to_value(Tier)
_GENDER_LABELS = label_to_value(Gender)
_CATEGORY_LABELS = label_to_value(MemberCategory)
_RANK_LABELS = label_to_value(Rank)


def _report(kind: str, **values: Any) -> ImportReport:
    return ImportReport(kind=kind, label=str(ImportKind(kind).label), **values)


# ---------------------------------------------------------------------------------------------------------
# Reading: the shared reader (core.sheets), with the registry's columns.

_cell_text = cell_text

_YEAR_MONTH = re.compile(r"^(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*月?$")
NUMERIC_ID = "公民身份号码被 Excel 存成了数字，末几位已经丢失；请把该列设为“文本”格式后重新填写"


def _id_cell(value: Any) -> tuple[str, str | None]:
    """An ID-number cell as text, or the reason it cannot be trusted. Excel keeps 15 significant digits, so an
    18-digit number stored as a number has already lost its last digits: never turn it back into an ID."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "", NUMERIC_ID
    return cn.normalize_id_number(_cell_text(value)), None


def _refuse_masked(cells: list[str]) -> str | None:
    if "已脱敏" in cells[0] or cells[0].startswith("本表身份证号码"):
        return "该文件是脱敏导出的文件，不能用于导入：请使用完整身份证号码的导出文件或导入模板"
    return None


def _open_sheet(kind: str, fh: IO[bytes], filename: str, mapping: dict[int, str] | None = None,
                strict: bool = False) -> Sheet:
    sheet = read_sheet(fh, filename, COLUMNS[kind], label=str(ImportKind(kind).label), refuse=_refuse_masked,
                       optional=OPTIONAL[kind], synonyms=SYNONYMS[kind], mapping=mapping, strict=strict)
    if kind != ImportKind.ORGS and not {"organization", "organization_name"} & set(sheet.columns):
        raise ImportFileError(f"第{sheet.header_row}行表头缺少列：{_PERSON_ORG}（填写其中一列即可）")
    return sheet


def import_layout(*, kind: str, file: IO[bytes] | str | Path, filename: str) -> Layout:
    """The file's header and how each column would be read: the mapping step of the import page."""
    if kind not in ImportKind.values:
        raise ImportFileError(f"未知的导入类型“{kind}”")
    with opened(file) as fh:
        return sheet_layout(fh, filename, COLUMNS[kind], synonyms=SYNONYMS[kind], refuse=_refuse_masked)


# ---------------------------------------------------------------------------------------------------------
# Validation helpers shared by the three kinds.


class _Rows:
    """Accumulates parsed rows and their errors (each naming the column as the file titles it, and its letter)."""

    def __init__(self, kind: str, sheet: Sheet) -> None:
        self.kind = kind
        self.columns = {name: sheet.columns.get(name, title) for name, title in COLUMNS[kind].items()}
        self.letters = sheet.letters
        self.present = frozenset(sheet.columns)
        self.errors: list[RowError] = []
        self.count = 0

    def error(self, row: int, name: str, value: Any, reason: str) -> None:
        self.errors.append(RowError(row=row, column=self.columns.get(name, name), value=_cell_text(value),
                                    reason=reason, letter=self.letters.get(name, "")))


def _label_key(text: str) -> str:
    """A label as compared: full-width brackets as half-width, no spaces (村（社区） is 村(社区))."""
    return text.replace("（", "(").replace("）", ")").replace(" ", "").replace("\u3000", "")


def _choice(rows: _Rows, n: int, name: str, raw: Any, labels: dict[str, Any], bad: dict[str, Any]) -> Any:
    text = _cell_text(raw)
    if text in labels:
        return labels[text]
    if not text:
        return None
    for label, value in labels.items():
        if _label_key(label) == _label_key(text):
            return value
    bad[name] = raw
    return None


def _flag(rows: _Rows, n: int, name: str, raw: Any, errs: dict[str, str]) -> bool:
    text = _cell_text(raw)
    if text in ("", NO):
        return False
    if text == YES:
        return True
    errs[name] = "应填写“是”或“否”"
    return False


def _out_of_scope(code: str) -> str:
    return f"组织编码 {code} 不存在或不在您的管辖范围内"


def _changeable(actor: Actor | None) -> OrganizationQuerySet:
    """The organisations `actor` may change (None: the whole tree)."""
    qs = Organization.objects if actor is None else Organization.objects.visible_to(actor, "change")
    return qs.order_by()


def _org_lookup(codes: set[str], actor: Actor | None) -> dict[str, tuple[int, str, str, str]]:
    """code → (id, path, sector, tier) for the codes that exist (inside the actor's jurisdiction; None: anywhere)."""
    qs = _changeable(actor)
    found: dict[str, tuple[int, str, str, str]] = {}
    codes_list = sorted(codes)
    for i in range(0, len(codes_list), 900):
        for code, pk, path, sector, tier in qs.filter(code__in=codes_list[i:i + 900]).values_list(
            "code", "id", "path", "sector", "tier"
        ):
            found[code] = (pk, path, sector, tier)
    return found


def _org_names(names: set[str], actor: Actor) -> dict[str, list[tuple[int, str, str, str]]]:
    """name → [(id, path, sector, tier)] of the organisations (inside the actor's jurisdiction) of that name."""
    qs = _changeable(actor)
    found: dict[str, list[tuple[int, str, str, str]]] = {}
    names_list = sorted(names)
    for i in range(0, len(names_list), 900):
        for name, pk, path, sector, tier in qs.filter(name__in=names_list[i:i + 900]).values_list(
            "name", "id", "path", "sector", "tier"
        ):
            found.setdefault(name, []).append((pk, path, sector, tier))
    return found


def _names_of(codes: set[str]) -> dict[str, str]:
    """code → name of these organisations."""
    names: dict[str, str] = {}
    codes_list = sorted(codes)
    for i in range(0, len(codes_list), 900):
        names.update(Organization.objects.order_by().filter(code__in=codes_list[i:i + 900])
                     .values_list("code", "name"))
    return names


def _sorted(errors: list[RowError]) -> list[RowError]:
    """By row, then as the columns stand in the file."""
    def column(error: RowError) -> int:
        return xl_cell_to_rowcol(f"{error.letter}1")[1] if error.letter else 10_000
    return sorted(errors, key=lambda e: (e.row, column(e)))


def _check_actor(actor: Actor) -> None:
    if not can_edit_registry(actor):
        raise PermissionDenied("您的角色不能导入党组织、党员或领导干部信息")


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# ---------------------------------------------------------------------------------------------------------
# Members and cadres: matched by ID number, written in bulk.


_Person = TypeVar("_Person", Member, Cadre)


@dataclass
class _PersonSpec(Generic[_Person]):
    model: type[_Person]
    fields: tuple[str, ...]  # model fields compared and written (organization as organization_id)
    duplicate_reason: str

    def delta(self, values: dict[str, Any], sign: int) -> dict[str, int]:
        if self.model is Member:
            return member_delta(mobile=values["is_mobile"], frail=values["is_frail"], sign=sign)
        return cadre_delta(rank=values["rank"], sign=sign)

    @transaction.atomic
    def write(self, creates: list[dict[str, Any]], updates: list[tuple[dict[str, Any], dict[str, Any]]],
              report: ImportReport, filename: str) -> None:
        model = self.model
        changes: list[tuple[str, str, str, dict[str, int]]] = []
        now = timezone.now()
        for i in range(0, len(creates), BATCH):
            batch = creates[i:i + BATCH]
            objs = [model(**{f: v[f] for f in self.fields}) for v in batch]
            model.objects.bulk_create(objs, batch_size=BATCH)
            if any(o.pk is None for o in objs):  # a backend that cannot return keys
                pks = dict(model.objects.filter(id_number__in=[o.id_number for o in objs])
                           .values_list("id_number", "id"))
                for o in objs:
                    o.pk = pks[o.id_number]
            audit.record_many(AuditEntry.Action.CREATE, model,
                              ((o.pk, str(o), None, audit.snapshot(o)) for o in objs))
            for v in batch:
                path, sector, tier = v["_org"][1:]
                changes.append((path, sector, tier, self.delta(v, +1)))
        for i in range(0, len(updates), BATCH):
            pairs = updates[i:i + BATCH]
            objs = []
            entries = []
            for old, new in pairs:
                obj = model(pk=old["id"], **{f: new[f] for f in self.fields}, updated_at=now)
                objs.append(obj)
                changed = [f for f in self.fields if old[f] != new[f]]
                entries.append((old["id"], new["name"], {f: _jsonable(old[f]) for f in changed},
                                {f: _jsonable(new[f]) for f in changed}))
                changes.append((old["organization__path"], old["organization__sector"], old["organization__tier"],
                                self.delta(old, -1)))
                path, sector, tier = new["_org"][1:]
                changes.append((path, sector, tier, self.delta(new, +1)))
            model.objects.bulk_update(objs, [*self.fields, "updated_at"], batch_size=500)
            audit.record_many(AuditEntry.Action.UPDATE, model, entries)
        rollup_apply(changes)
        _record_summary(model, report, filename)


_MEMBER_SPEC = _PersonSpec(Member, ("name", "gender", "ethnicity", "birth_date", "id_number", "phone", "joined_on",
                                    "category", "is_mobile", "is_frail", "organization_id"), "公民身份号码")
_CADRE_SPEC = _PersonSpec(Cadre, ("name", "id_number", "position", "rank", "organization_id"), "公民身份号码")


def _parse_member(rows: _Rows, n: int, raw: dict[str, Any]) -> dict[str, Any] | None:
    errs: dict[str, str] = {}
    bad: dict[str, Any] = {}
    id_number, id_reason = _id_cell(raw.get("id_number"))
    if id_reason:
        errs["id_number"] = id_reason
    gender = _choice(rows, n, "gender", raw.get("gender"), _GENDER_LABELS, bad)
    category = _choice(rows, n, "category", raw.get("category"), _CATEGORY_LABELS, bad)
    birth_date, reason = parse_date(raw.get("birth_date"))
    if reason and (month := _YEAR_MONTH.match(_cell_text(raw.get("birth_date")))):
        # 出生年月 as registers write it (1980.05, 1980年5月): the day comes from the ID number, if it agrees.
        born = cn.id_birth_date(id_number) if id_number and cn.id_number_error(id_number) is None else None
        if born is not None and (born.year, born.month) == (int(month[1]), int(month[2])):
            birth_date, reason = born, None
        elif born is not None:
            reason = "出生年月与公民身份号码不一致"
    if reason:
        errs["birth_date"] = reason
    joined_on, reason = parse_date(raw.get("joined_on"))
    if reason and _YEAR_MONTH.match(_cell_text(raw.get("joined_on"))):
        reason = f"{rows.columns['joined_on']}要写到日（如 2005年7月1日，以党员档案为准），只有年月无法导入"
    if reason:
        errs["joined_on"] = reason
    id_ok = bool(id_number) and cn.id_number_error(id_number) is None
    # Blank birth date or gender: taken from the ID number.
    if birth_date is None and "birth_date" not in errs and id_ok:
        birth_date = cn.id_birth_date(id_number)
    if gender is None and "gender" not in bad and id_ok:
        gender = cn.id_gender(id_number)
    if category is None and "category" not in bad:
        category = MemberCategory.FULL
    ethnicity = _cell_text(raw.get("ethnicity")) or "汉族"
    is_mobile = _flag(rows, n, "is_mobile", raw.get("is_mobile"), errs)
    is_frail = _flag(rows, n, "is_frail", raw.get("is_frail"), errs)
    phone = _cell_text(raw.get("phone")).replace(" ", "").replace("-", "")
    person_name = _cell_text(raw.get("name"))
    values = {
        "name": person_name, "gender": gender or "", "ethnicity": ethnicity,
        "birth_date": birth_date, "id_number": id_number, "phone": phone, "joined_on": joined_on,
        "category": category or "", "is_mobile": is_mobile, "is_frail": is_frail,
    }
    rule_errors = services.member_field_errors(
        name=person_name, gender=gender or "", birth_date=birth_date, id_number=id_number, phone=phone,
        joined_on=joined_on, category=category or "", ethnicity=ethnicity,
    )
    for name, reason in rule_errors.items():
        if name in errs:
            continue
        if name in bad:
            reason = f"未知的{rows.columns[name]}：{reason}"
        elif name in ("birth_date", "gender") and not values[name] and ("id_number" in rule_errors or id_reason):
            continue  # left blank to be read from the ID number, whose own error says what is wrong
        errs[name] = reason
    for name, reason in errs.items():
        rows.error(n, name, raw.get(name), reason)
    return None if errs else values


def _parse_cadre(rows: _Rows, n: int, raw: dict[str, Any]) -> dict[str, Any] | None:
    bad: dict[str, Any] = {}
    rank = _choice(rows, n, "rank", raw.get("rank"), _RANK_LABELS, bad)
    id_number, id_reason = _id_cell(raw.get("id_number"))
    values = {
        "name": _cell_text(raw.get("name")), "id_number": id_number,
        "position": _cell_text(raw.get("position")), "rank": rank,
    }
    errs = services.cadre_field_errors(**values)
    if id_reason:
        errs["id_number"] = id_reason
    for name, reason in errs.items():
        if name in bad:
            reason = f"未知的职级：{reason}"
        rows.error(n, name, raw.get(name), reason)
    return None if errs else values


def _import_people(kind: str, sheet: Sheet, actor: Actor, dry_run: bool, progress: Progress | None,
                   filename: str) -> ImportReport:
    spec = _MEMBER_SPEC if kind == ImportKind.MEMBERS else _CADRE_SPEC
    parse = _parse_member if kind == ImportKind.MEMBERS else _parse_cadre
    rows = _Rows(kind, sheet)
    parsed: list[tuple[int, dict[str, Any], str, str]] = []  # (row, values, org code, org name)
    first_row: dict[str, int] = {}
    for n, raw in sheet.rows:
        rows.count += 1
        if progress and rows.count % PROGRESS_EVERY == 0:
            progress(rows.count, max(sheet.total, rows.count))
        values = parse(rows, n, raw)
        code = _cell_text(raw.get("organization"))
        org_name = _cell_text(raw.get("organization_name"))
        if not code and not org_name:
            which = "organization" if "organization" in rows.present else "organization_name"
            rows.error(n, which, "", f"{rows.columns[which]}不能为空")
            values = None
        id_number, _ = _id_cell(raw.get("id_number"))
        if id_number:
            if id_number in first_row:
                rows.error(n, "id_number", id_number,
                           f"与第{first_row[id_number]}行的公民身份号码重复（第{first_row[id_number]}行、第{n}行）")
                values = None
            else:
                first_row[id_number] = n
        if values is not None:
            parsed.append((n, values, code, org_name))
    if progress:
        progress(rows.count, rows.count)
    if rows.count == 0:
        raise ImportFileError("文件中没有数据行")

    orgs = _org_lookup({code for _, _, code, _ in parsed if code}, actor)
    named = _org_names({name for _, _, code, name in parsed if not code}, actor)
    # Existing people with these ID numbers: (pk, compared values…, org path, sector, tier).
    existing: dict[str, dict[str, Any]] = {}
    ids = [values["id_number"] for _, values, _, _ in parsed]
    scopes = user_scope_paths(actor) or []
    for i in range(0, len(ids), 900):
        for row in spec.model.objects.order_by().filter(id_number__in=ids[i:i + 900]).values(
            "id", *spec.fields, "organization__path", "organization__sector", "organization__tier"
        ):
            existing[row["id_number"]] = row

    creates: list[dict[str, Any]] = []
    updates: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (before row, new values)
    unchanged = 0
    # Columns the file lacks: an existing person keeps what is recorded.
    kept = [f for f in spec.fields if f != "organization_id" and f not in rows.present]
    # Both given: the name must be the code's (a mistyped code would otherwise file the person elsewhere).
    code_names = _names_of({code for _, _, code, name in parsed if code and name})
    for n, values, code, org_name in parsed:
        if code:
            org = orgs.get(code)
            if org is None:
                rows.error(n, "organization", code, _out_of_scope(code))
                continue
            if org_name and code_names.get(code, org_name) != org_name:
                rows.error(n, "organization_name", org_name,
                           f"与所在党组织编码 {code}（{code_names[code]}）不一致：请核对，或只填其中一项")
                continue
        else:
            found = named.get(org_name, [])
            if len(found) != 1:
                rows.error(n, "organization_name", org_name,
                           f"您的管辖范围内有{len(found)}个名为“{org_name}”的党组织：请改填所在党组织编码" if found
                           else f"党组织“{org_name}”不存在或不在您的管辖范围内（名称须与系统中的党组织名称一致）")
                continue
            org = found[0]
        values["organization_id"] = org[0]
        values["_org"] = org
        old = existing.get(values["id_number"])
        if old is None:
            creates.append(values)
            continue
        if not any(old["organization__path"].startswith(scope) for scope in scopes):
            rows.error(n, "id_number", values["id_number"], "该公民身份号码已在您管辖范围以外的党组织登记，不能导入")
            continue
        values.update({f: old[f] for f in kept})
        if all(old[f] == values[f] for f in spec.fields):
            unchanged += 1
        else:
            updates.append((old, values))

    report = _report(kind, rows=rows.count, errors=_sorted(rows.errors), mapping=sheet.mapping,
                     created=len(creates), updated=len(updates), unchanged=unchanged)
    if report.errors:
        report.created = report.updated = report.unchanged = 0
        return report
    if dry_run:
        return report
    spec.write(creates, updates, report, filename)
    report.applied = True
    return report


def _record_summary(model: type[models.Model], report: ImportReport, filename: str) -> None:
    audit.record(
        AuditEntry.Action.IMPORT, object_type=audit.type_label(model), object_repr=filename[:200],
        after={"kind": report.kind, "file": filename, "rows": report.rows, "created": report.created,
               "updated": report.updated, "unchanged": report.unchanged},
    )


# ---------------------------------------------------------------------------------------------------------
# Organisations: matched by code; parents may come later in the file or be defined in it.

_ORG_FIELDS = ("name", "kind", "sector", "tier", "unit_name", "credit_code", "division_code")


def _parse_org(rows: _Rows, n: int, raw: dict[str, Any]) -> dict[str, Any] | None:
    bad: dict[str, Any] = {}
    values = {
        "code": _cell_text(raw.get("code")), "name": _cell_text(raw.get("name")),
        "parent": _cell_text(raw.get("parent")), "parent_name": _cell_text(raw.get("parent_name")),
        "kind": _choice(rows, n, "kind", raw.get("kind"), _KIND_LABELS, bad) or "",
        "sector": _choice(rows, n, "sector", raw.get("sector"), _SECTOR_LABELS, bad) or "",
        "tier": _choice(rows, n, "tier", raw.get("tier"), _TIER_LABELS, bad) or "",
        "unit_name": _cell_text(raw.get("unit_name")),
        "credit_code": _cell_text(raw.get("credit_code")).upper(),
        "division_code": _cell_text(raw.get("division_code")),
    }
    errs = services.org_field_errors(**{k: v for k, v in values.items() if k not in ("parent", "parent_name")})
    for name, reason in errs.items():
        if name in bad:
            reason = f"未知的{rows.columns[name]}：{reason}"
        rows.error(n, name, raw.get(name), reason)
    return None if errs else values


def _parents_by_name(file_orgs: dict[str, tuple[int, dict[str, Any]]], rows: _Rows, actor: Actor) -> None:
    """A row without 上级组织编码 but with 上级组织名称 (registers name the parent, not its code): the parent is the one
    organisation of that name in the file, else in the actor's jurisdiction."""
    wanted = {v["parent_name"] for _, v in file_orgs.values() if v and not v["parent"] and v["parent_name"]}
    if not wanted:
        return
    in_file: dict[str, list[str]] = {}
    for code, (_, values) in file_orgs.items():
        if values:
            in_file.setdefault(values["name"], []).append(code)
    qs = _changeable(actor)
    known: dict[str, list[str]] = {}
    for name, code in qs.filter(name__in=sorted(wanted)).values_list("name", "code"):
        known.setdefault(name, []).append(code)
    for code, (n, values) in file_orgs.items():
        if not values or values["parent"] or not values["parent_name"]:
            continue
        name = values["parent_name"]
        found = in_file.get(name) or known.get(name, [])
        if len(found) == 1:
            values["parent"] = found[0]
        else:
            rows.error(n, "parent_name", name, f"有{len(found)}个名为“{name}”的党组织：请改填上级组织编码" if found
                       else f"党组织“{name}”不存在或不在您的管辖范围内（名称须与系统中的一致）")
            file_orgs[code] = (n, {})


def _import_orgs(sheet: Sheet, actor: Actor, dry_run: bool, progress: Progress | None,
                 filename: str) -> ImportReport:
    kind = ImportKind.ORGS
    rows = _Rows(kind, sheet)
    file_orgs: dict[str, tuple[int, dict[str, Any]]] = {}  # code → (row, values)
    for n, raw in sheet.rows:
        rows.count += 1
        if progress and rows.count % PROGRESS_EVERY == 0:
            progress(rows.count, max(sheet.total, rows.count))
        values = _parse_org(rows, n, raw)
        code = _cell_text(raw.get("code"))
        if code and code in file_orgs:
            first = file_orgs[code][0]
            rows.error(n, "code", code, f"与第{first}行的组织编码重复（第{first}行、第{n}行）")
            continue
        if code:
            file_orgs[code] = (n, values or {})
    if progress:
        progress(rows.count, rows.count)
    if rows.count == 0:
        raise ImportFileError("文件中没有数据行")
    _parents_by_name(file_orgs, rows, actor)

    referenced = set(file_orgs) | {v["parent"] for _, v in file_orgs.values() if v.get("parent")}
    everywhere = _org_lookup(referenced, None)
    visible = _org_lookup(referenced, actor)
    # Current parents of existing organisations, by path.
    paths = {everywhere[c][1] for c in file_orgs if c in everywhere}
    parent_paths = {p[:-Organization.steplen] for p in paths if len(p) > Organization.steplen}
    code_by_path = dict(Organization.objects.order_by().filter(path__in=sorted(parent_paths))
                        .values_list("path", "code")) if parent_paths else {}
    file_code_by_path = {everywhere[c][1]: c for c in file_orgs if c in everywhere}

    valid: dict[str, dict[str, Any]] = {}
    for code, (n, values) in file_orgs.items():
        if not values:
            continue
        ok = True
        existing = everywhere.get(code)
        if existing is not None and code not in visible:
            rows.error(n, "code", code, _out_of_scope(code))
            continue
        current_parent = None
        if existing is not None and len(existing[1]) > Organization.steplen:
            current_parent = code_by_path.get(existing[1][:-Organization.steplen])
        parent = values["parent"]
        if not parent:
            if existing is not None and current_parent is not None:
                rows.error(n, "parent", "", "上级组织编码不能为空（该组织已有上级组织）")
                ok = False
            elif existing is None and not can_add_org(actor, None):
                rows.error(n, "parent", "", "上级组织编码不能为空：只能在您管辖范围内的组织之下新增组织")
                ok = False
        elif parent == code:
            rows.error(n, "parent", parent, "上级组织编码不能是组织自己")
            ok = False
        elif parent not in file_orgs and parent not in visible:
            if not (existing is not None and parent == current_parent):
                rows.error(n, "parent", parent, _out_of_scope(parent))
                ok = False
        elif parent in file_orgs and not file_orgs[parent][1]:
            rows.error(n, "parent", parent, f"上级组织（第{file_orgs[parent][0]}行）有错误")
            ok = False
        if ok:
            values["_existing"] = existing
            values["_current_parent"] = current_parent
            valid[code] = values

    # Final depth of each valid row (parents first); a parent chain that returns to itself is a cycle.
    depth: dict[str, int] = {}

    def final_parent(code: str) -> str | None:
        """The parent `code` will have after the import, skipping organisations the file does not move."""
        values = valid[code]
        parent = values["parent"] or None
        if parent is None or parent in valid or parent in file_orgs:
            return parent
        # An existing organisation outside the file: its nearest ancestor that the file lists decides.
        path = everywhere[parent][1]
        for end in range(len(path), 0, -Organization.steplen):
            if (c := file_code_by_path.get(path[:end])) is not None:
                return c
        return None

    for code in valid:
        chain: list[str] = []
        cur: str | None = code
        while cur is not None and cur not in depth:
            if cur in chain:
                cycle = [*chain[chain.index(cur):], cur]
                for c in set(cycle):
                    if c in valid:
                        rows.error(file_orgs[c][0], "parent", valid[c]["parent"],
                                   f"上级组织编码形成循环：{' → '.join(cycle)}")
                for c in chain:
                    depth[c] = -1
                break
            if cur not in valid:
                depth[cur] = -1 if cur in file_orgs else 0  # an invalid row, or an existing root chain
                break
            chain.append(cur)
            cur = final_parent(cur)
        base = 0 if cur is None else depth.get(cur, 0)
        for c in reversed(chain):
            if depth.get(c) == -1 or base == -1:
                depth[c] = -1
                base = -1
                continue
            base += 1
            depth[c] = base

    created = updated = unchanged = 0
    plan: list[str] = []
    for code, values in valid.items():
        if depth.get(code, -1) == -1:
            if not any(e.row == file_orgs[code][0] and e.column == COLUMNS[kind]["parent"] for e in rows.errors):
                rows.error(file_orgs[code][0], "parent", values["parent"], "上级组织有错误或形成循环")
            continue
        plan.append(code)
        existing = values["_existing"]
        if existing is None:
            created += 1
        else:
            values["_move"] = bool(values["parent"]) and values["parent"] != values["_current_parent"]
            org = Organization.objects.get(pk=existing[0])
            values["_changed"] = {f: values[f] for f in _ORG_FIELDS
                                  if f in rows.present and getattr(org, f) != values[f]}
            if values["_changed"] and not can_edit_org(actor, org):
                # The record of one's own jurisdiction (its name, kind, sector, tier …) decides what is asked of
                # it: the level above keeps it, not the unit itself.
                for name in values["_changed"]:
                    rows.error(file_orgs[code][0], name, values[name],
                               f"“{org.name}”是您所在的党组织，其{COLUMNS[kind][name]}由上级组织维护，不能由本级导入修改")
                continue
            if values["_changed"] or values["_move"]:
                updated += 1
            else:
                unchanged += 1
    report = _report(kind, rows=rows.count, errors=_sorted(rows.errors), mapping=sheet.mapping,
                     created=created, updated=updated, unchanged=unchanged)
    if report.errors:
        report.created = report.updated = report.unchanged = 0
        return report
    if dry_run:
        return report
    plan.sort(key=lambda c: (depth[c], file_orgs[c][0]))
    _write_orgs(actor, [(c, valid[c]) for c in plan], report, filename)
    report.applied = True
    return report


@transaction.atomic
def _write_orgs(actor: Actor, plan: list[tuple[str, dict[str, Any]]], report: ImportReport, filename: str) -> None:
    for code, values in plan:
        parent = Organization.objects.get(code=values["parent"]) if values["parent"] else None
        if values["_existing"] is None:
            services.org_create(actor=actor, parent=parent, code=code, **{f: values[f] for f in _ORG_FIELDS})
            continue
        org = Organization.objects.get(code=code)
        if values["_changed"]:
            org = services.org_update(actor=actor, org=org, **values["_changed"])
        if values["_move"] and parent is not None:
            services.org_move(actor=actor, org=org, new_parent=parent)
    _record_summary(Organization, report, filename)


# ---------------------------------------------------------------------------------------------------------


def import_file(*, kind: str, file: IO[bytes] | str | Path, filename: str, actor: Actor,
                dry_run: bool = False, progress: Progress | None = None, mapping: dict[int, str] | None = None,
                strict: bool = False) -> ImportReport:
    """Validate every row of `file`, then (unless `dry_run` or any error) write all of it in one transaction.

    `actor` must be allowed to edit the registry (`orgs.permissions.can_edit_registry`, else PermissionDenied) and
    every organisation the file touches must be inside their jurisdiction (a command's system actor: the whole
    tree). `mapping` (column index → field) is
    how the user confirmed the columns are read; without it they are read by their titles (`strict`: a column
    no title names refuses the file). Raises ImportFileError when the file as a whole cannot be read."""
    if kind not in ImportKind.values:
        raise ImportFileError(f"未知的导入类型“{kind}”")
    _check_actor(actor)
    with opened(file) as fh:
        sheet = _open_sheet(kind, fh, filename, mapping, strict)
        if kind == ImportKind.ORGS:
            return _import_orgs(sheet, actor, dry_run, progress, filename)
        return _import_people(kind, sheet, actor, dry_run, progress, filename)
