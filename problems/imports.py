"""Importing a problem ledger (.xlsx, or .csv in UTF-8 / GBK): the export's columns, or an office's own ledger.

An office's own ledger (a title row above the header, perhaps a two-row header with merged cells, its own column
names: 具体问题, 整改举措, 责任部门, 完成情况 …) is read through `core.sheets`: the header is found, known titles and
`SYNONYMS` are mapped, and the pages show the mapping for the user to confirm or correct before validating. Only
问题表现 is required: without a 问题来源 column new problems are 自己找 (what a 检视问题 list is), without 问题类别
they are 其他; a column the file lacks leaves an existing problem's value as it is. 完成时限 may be a date or words
(`core.sheets.parse_deadline`): 立行立改 registers a 立查立改 problem (due by the service's rule), 长期坚持 is due
at the campaign's end and says so in the problem's history, 2023年12月底前 / 12月31日前 are read as dates (a date
without a year: the next such day from today, as a deadline is never in the past).

A row with 问题编号 updates that problem (it must be visible to the importing user); a row without it registers
a new problem in the organisation of 组织编码 (empty: the one organisation named in 组织名称 in the user's
jurisdiction; both empty: the user's own organisation). Every write goes through
`problems.services` (problem_create, problem_update, step_add / step_update / step_delete), so an import keeps
every rule the pages keep; a row that changes nothing calls nothing, so export → import changes nothing.
整改进展 and 销号情况 are output only: the lifecycle is never driven by a file (steps are never marked done, no
problem is closed by an import).

All or nothing: the whole file runs in one transaction, each row in its own savepoint; every row's errors are
collected as (row, column, value, Chinese reason), and if any row failed — or on a dry run — everything is rolled
back.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from xlsxwriter.utility import xl_cell_to_rowcol

from accounts.actors import Actor
from campaigns.selectors import current_campaign
from core import audit
from core.cn import cn_date
from core.models import AuditEntry
from core.sheets import (
    FIX_NOW,
    LONG_TERM,
    ImportFileError,
    ImportReport,
    Layout,
    Progress,
    RowError,
    Sheet,
    cell_text,
    label_lookup,
    opened,
    parse_date,
    parse_deadline,
    read_sheet,
    sheet_layout,
)
from orgs.models import Cadre, Organization
from problems import permissions, services
from problems.choices import Category, Source
from problems.exports import COLUMNS, NOTES_START
from problems.models import Problem, RectificationStep, parse_number

KIND = "problems"
LABEL = "问题"
# Only 问题表现 must be in a file (see the module's note for what a missing column means).
REQUIRED = frozenset({"description"})
OPTIONAL = frozenset(COLUMNS) - REQUIRED
# Titles offices give the columns, besides the export's own.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号序号"),
    "description": ("问题表现", "具体问题", "存在问题", "存在的问题", "问题", "问题描述", "主要问题", "检视问题",
                    "问题内容", "具体表现", "问题清单"),
    "source": ("问题来源", "来源"),
    "category": ("问题类别", "类别", "问题类型", "问题分类"),
    "steps": ("整改措施", "整改举措", "措施", "具体措施", "整改方案", "整改措施及目标"),
    "responsible_cadre": ("责任领导", "牵头领导", "分管领导", "责任领导干部", "牵头责任领导"),
    "responsible_unit": ("责任单位", "责任部门", "牵头单位", "牵头部门", "责任科室", "牵头单位部门", "责任主体"),
    "deadline": ("完成时限", "整改时限", "完成时间", "时限", "整改期限", "完成期限", "时限要求"),
    "progress": ("整改进展", "完成情况", "整改情况", "进展情况", "整改进度", "整改完成情况"),
    "closure": ("销号情况", "是否销号", "销号"),
    "organization": ("组织编码", "党组织编码"),
    "organization_name": ("组织名称", "党组织名称", "所属党组织", "所在党组织", "党组织"),
    "number": ("问题编号",),
    "version": ("版本",),
}
IGNORED_NOTE = "“整改进展”“销号情况”两列只用于导出，导入时不读取：问题状态、措施完成和销号只能在系统中办理。"
LONG_TERM_NOTE = "导入时完成时限为“{word}”，按主题教育结束日期（{end}）计"
PROGRESS_EVERY = 50

_SOURCES = label_lookup(Source)
_CATEGORIES = label_lookup(Category)
DEFAULT_SOURCE, DEFAULT_CATEGORY = Source.SELF, Category.OTHER


def _norm(text: str | None) -> str:
    """Text as compared: whitespace (line breaks included) collapsed, as the export writes it."""
    return " ".join((text or "").split())


# ---------------------------------------------------------------------------------------------------------
# 整改措施: one step per line.


@dataclass
class StepLine:
    index: int  # position in the cell, from 1
    number: int | None  # the number the line starts with ("2." → 2), None when unnumbered
    measure: str
    owner: str = ""
    deadline: dt.date | None = None


_NUMBERED = re.compile(r"^\s*(?:[（(]\s*(\d{1,3})\s*[)）]|(\d{1,3})\s*(?:[.．](?!\d)|[、)）]))\s*(.*)$")
_OWNER = re.compile(r"^责任人\s*[：:]\s*(.*)$")
_DEADLINE = re.compile(r"^时限\s*[：:]\s*(.*)$")
_DONE = re.compile(r"^已于.*完成$")


def _split_notes(text: str, index: int) -> tuple[StepLine, str | None]:
    """A step line without its number: the measure and the notes in the trailing parenthesis
    （责任人：…；时限：…；已于…完成）, each part optional. Any other parenthesis is part of the measure. The done note
    is output only."""
    text = text.strip()
    line = StepLine(index=index, number=None, measure=text)
    if not text.endswith(("）", ")")):
        return line, None
    starts = [m.start() for m in NOTES_START.finditer(text)]
    if not starts:
        return line, None
    line.measure = text[:starts[-1]].rstrip()
    owner: list[str] = []
    in_owner = False
    for part in re.split(r"[；;]", text[starts[-1] + 1:-1]):
        part = part.strip()
        if m := _OWNER.match(part):
            owner, in_owner = [m[1].strip()], True
        elif m := _DEADLINE.match(part):
            in_owner = False
            day, reason = parse_date(m[1].strip())
            if reason:
                return line, f"第{index}项的时限“{m[1].strip()}”：{reason}"
            line.deadline = day
        elif _DONE.match(part):
            in_owner = False  # written by the export; completion is recorded in the system, with evidence
        elif in_owner:
            owner.append(part)  # a name with a semicolon in it
        elif part:
            return line, f"第{index}项括号内的“{part}”无法识别：应写成“（责任人：张三；时限：2023年11月30日）”"
    line.owner = "；".join(owner)
    return line, None


def parse_steps(text: str) -> tuple[list[StepLine], str | None]:
    """The steps of an 整改措施 cell, or the reason it cannot be read. Numbered lines ("1. …", "1、…", "（1）…")
    start a step and unnumbered lines under them continue it; in a cell without numbers every line is a step."""
    lines = [ln for ln in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()]
    numbered = [_NUMBERED.match(ln) for ln in lines]
    any_numbered = any(numbered)
    raw: list[tuple[int | None, str]] = []
    for ln, m in zip(lines, numbered, strict=True):
        if m:
            raw.append((int(m[1] or m[2]), m[3]))
        elif any_numbered and raw:
            raw[-1] = (raw[-1][0], f"{raw[-1][1]} {ln.strip()}")
        else:
            raw.append((None, ln))
    steps: list[StepLine] = []
    seen: set[int] = set()
    for index, (number, body) in enumerate(raw, start=1):
        if number is not None:
            if number in seen:
                return [], f"编号{number}出现了两次：每项措施一个编号"
            seen.add(number)
        line, reason = _split_notes(body, index)
        if reason:
            return [], reason
        line.number = number
        line.measure = _norm(line.measure)
        steps.append(line)
    return steps, None


# ---------------------------------------------------------------------------------------------------------
# Rows.


@dataclass
class _Row:
    n: int
    raw: dict[str, Any]
    description: str = ""
    source: str = ""
    category: str = ""
    steps: list[StepLine] = field(default_factory=list)
    cadre_text: str = ""
    unit: str = ""
    deadline: dt.date | None = None
    fix_now: bool = False
    deadline_note: str = ""  # said in the history of a problem registered with a deadline in words
    deadline_read: str = ""  # how a deadline written in words was read, for the preview
    org_code: str = ""
    org_name: str = ""  # a new problem's organisation by name, when the code is blank
    pk: int | None = None
    version: int | None = None
    # Resolved.
    problem: Problem | None = None
    existing_steps: list[RectificationStep] = field(default_factory=list)
    organization: Organization | None = None
    cadre: Cadre | None = None
    ok: bool = True


class _Errors:
    """Row errors, each naming the column as the file titles it and its letter."""

    def __init__(self, sheet: Sheet | None = None) -> None:
        self.items: list[RowError] = []
        titles = sheet.columns if sheet is not None else {}
        self.titles = {name: titles.get(name, title) for name, title in COLUMNS.items()}
        self.letters = sheet.letters if sheet is not None else {}

    def add(self, row: _Row, name: str, reason: str, value: Any = None) -> None:
        shown = cell_text(row.raw.get(name)) if value is None else cell_text(value)
        self.items.append(RowError(row=row.n, column=self.titles[name], value=shown, reason=reason,
                                   letter=self.letters.get(name, "")))
        row.ok = False

    def child(self) -> "_Errors":
        other = _Errors()
        other.titles, other.letters = self.titles, self.letters
        return other

    def order(self, error: RowError) -> tuple[int, int]:
        """Errors by row, then as their columns stand in the file (columns it lacks last, in the export's order)."""
        if error.letter:
            return error.row, xl_cell_to_rowcol(f"{error.letter}1")[1]
        names = list(self.titles.values())
        return error.row, 10_000 + (names.index(error.column) if error.column in names else 99)


@dataclass
class _Context:
    """What reading a row depends on beyond its cells: who imports, which columns the file has, the campaign."""

    user: Actor
    present: frozenset[str]
    since: dt.date  # a date without a year is the first such day on or after this (today, within the campaign)
    ends_on: dt.date | None  # the campaign's end: 长期坚持


def _parse(n: int, raw: dict[str, Any], errors: _Errors, context: _Context) -> _Row:
    row = _Row(n=n, raw=raw)
    row.description = cell_text(raw.get("description"))
    allowed_sources = {label: value for label, value in _SOURCES.items()
                       if value in permissions.raisable_sources(context.user)}
    for name, labels, label, default in (("source", _SOURCES, "问题来源", DEFAULT_SOURCE),
                                         ("category", _CATEGORIES, "问题类别", DEFAULT_CATEGORY)):
        if name not in context.present:
            setattr(row, name, default)
            continue
        text = cell_text(raw.get(name))
        if text and text not in labels:
            offered = allowed_sources if name == "source" else labels
            errors.add(row, name, f"未知的{label}：应为 {'、'.join(offered)} 之一")
        setattr(row, name, labels.get(text, ""))
    row.steps, reason = parse_steps(cell_text(raw.get("steps")))
    if reason:
        errors.add(row, "steps", reason)
    row.cadre_text = cell_text(raw.get("responsible_cadre"))
    row.unit = cell_text(raw.get("responsible_unit"))
    written = raw.get("deadline")
    row.deadline, flag, reason = parse_deadline(written, since=context.since)
    if reason:
        errors.add(row, "deadline", reason)
    elif flag == FIX_NOW:
        row.fix_now = True
        row.deadline_read = f"完成时限“{cell_text(written)}”：登记为立查立改问题"
    elif flag == LONG_TERM:
        if context.ends_on is None:
            errors.add(row, "deadline", "当前主题教育没有结束日期，无法换算“长期坚持”：请填写具体的完成时限")
        else:
            row.deadline = context.ends_on
            row.deadline_note = LONG_TERM_NOTE.format(word=cell_text(written), end=cn_date(context.ends_on))
            row.deadline_read = row.deadline_note.removeprefix("导入时")
    elif row.deadline is not None and isinstance(written, str) and parse_date(written)[0] is None:
        row.deadline_read = f"完成时限“{cell_text(written)}”读作{cn_date(row.deadline)}"
    row.org_code = cell_text(raw.get("organization"))
    row.org_name = cell_text(raw.get("organization_name"))
    number = cell_text(raw.get("number"))
    if number:
        row.pk = parse_number(number)
        if row.pk is None:
            errors.add(row, "number", "问题编号格式不正确：应为导出文件中的编号，如 WT0000123；新登记的问题请留空")
    version = cell_text(raw.get("version"))
    if version:
        row.version = int(version) if version.isdigit() else None
        if row.version is None:
            errors.add(row, "version", "版本应为导出文件中的数字，请不要修改")
    return row


def _cadre_parts(text: str) -> tuple[str, str]:
    """责任领导 as 姓名（职务） or 姓名 → (name, position)."""
    m = re.match(r"^(.*?)\s*[（(](.*)[)）]$", text)
    return (m[1].strip(), m[2].strip()) if m else (text.strip(), "")


def _chunked(values: Iterable[Any], size: int = 900) -> Iterable[list[Any]]:
    items = sorted(values)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _resolve(rows: list[_Row], user: Actor, errors: _Errors) -> None:
    """Find the problems, organisations and leaders the rows name (a few queries for the whole file)."""
    first_row: dict[int, int] = {}
    for row in rows:
        if row.pk is not None:
            if row.pk in first_row:
                errors.add(row, "number", f"与第{first_row[row.pk]}行的问题编号重复：一个问题只能出现一次")
            else:
                first_row[row.pk] = row.n
    problems: dict[int, Problem] = {}
    for ids in _chunked(first_row):
        for problem in (Problem.objects.visible_to(user).filter(pk__in=ids)
                        .select_related("organization", "responsible_cadre")):
            problems[problem.pk] = problem
    steps: dict[int, list[RectificationStep]] = {}
    for ids in _chunked(problems):
        for step in RectificationStep.objects.filter(problem_id__in=ids).order_by("problem_id", "id"):
            steps.setdefault(step.problem_id, []).append(step)

    codes = {row.org_code for row in rows if row.org_code}
    orgs: dict[str, Organization] = {}
    for chunk in _chunked(codes):
        for org in Organization.objects.visible_to(user).filter(code__in=chunk):
            orgs[org.code] = org
    names = {row.org_name for row in rows if row.pk is None and not row.org_code and row.org_name}
    named: dict[str, list[Organization]] = {}
    for chunk in _chunked(names):
        for org in Organization.objects.visible_to(user).filter(name__in=chunk).order_by("path"):
            named.setdefault(org.name, []).append(org)

    for row in rows:
        if row.pk is not None:
            known = problems.get(row.pk)
            if known is None:
                if row.ok or first_row.get(row.pk) == row.n:
                    errors.add(row, "number", "问题编号不存在或不在您的管辖范围内")
                continue
            if row.version is not None and row.version != known.version:
                # Optimistic concurrency, as on the pages: the file was exported before someone changed the problem.
                errors.add(row, "version", f"该问题在导出后已被修改（导出时版本{row.version}，现为{known.version}），"
                                           "请重新导出，在新文件上修改后再导入，以免覆盖别人的修改")
            row.problem, row.organization = known, known.organization
            row.existing_steps = steps.get(known.pk, [])
            org = known.organization
            if row.org_code and row.org_code != org.code:
                errors.add(row, "organization", f"该问题属于“{org.name}”（{org.code}），问题所属组织不能通过导入修改")
        elif row.org_code:
            row.organization = orgs.get(row.org_code)
            if row.organization is None:
                errors.add(row, "organization", f"组织编码 {row.org_code} 不存在或不在您的管辖范围内")
            elif row.org_name and row.org_name != row.organization.name:
                errors.add(row, "organization_name", f"与组织编码 {row.org_code}（{row.organization.name}）不一致："
                                                     "请核对，或只填其中一项")
                row.organization = None
        elif row.org_name:
            namesakes = named.get(row.org_name, [])
            if len(namesakes) == 1:
                row.organization = namesakes[0]
            else:
                errors.add(row, "organization_name",
                           f"您的管辖范围内有{len(namesakes)}个名为“{row.org_name}”的党组织：请改填组织编码"
                           if namesakes
                           else f"党组织“{row.org_name}”不存在或不在您的管辖范围内（名称须与系统中的一致）")
        else:
            row.organization = getattr(user, "organization", None)

    # 责任领导: a cadre of the problem's organisation or one above it, by name (and position when given).
    names = {_cadre_parts(row.cadre_text)[0] for row in rows if row.cadre_text and row.organization is not None}
    cadres: dict[str, list[Cadre]] = {}
    for chunk in _chunked(names):
        for cadre in Cadre.objects.filter(name__in=chunk).select_related("organization").order_by("id"):
            cadres.setdefault(cadre.name, []).append(cadre)
    for row in rows:
        if not row.cadre_text or row.organization is None:
            continue
        name, position = _cadre_parts(row.cadre_text)
        current = row.problem.responsible_cadre if row.problem is not None else None
        if current is not None and current.name == name and position in ("", current.position):
            row.cadre = current
            continue
        path = row.organization.path
        found = [c for c in cadres.get(name, []) if path.startswith(c.organization.path)]
        if position:
            found = [c for c in found if c.position == position]
        if len(found) == 1:
            row.cadre = found[0]
        elif not found:
            errors.add(row, "responsible_cadre", f"“{row.organization.name}”及其上级组织中没有这名领导干部"
                                                 "（填写姓名，同名时写成“姓名（职务）”）")
        else:
            errors.add(row, "responsible_cadre", f"有{len(found)}名同名的领导干部：请写成“姓名（职务）”")


# ---------------------------------------------------------------------------------------------------------
# Writing, through the services.

# Where a service's error goes: the field it names → the column of the file.
_FIELD_COLUMN = {
    "description": "description", "source": "source", "category": "category",
    "responsible_cadre": "responsible_cadre", "responsible_unit": "responsible_unit", "deadline": "deadline",
    "steps": "steps", "organization": "organization", "campaign": "organization",
}


def _service_errors(row: _Row, exc: ValidationError | PermissionDenied, errors: _Errors, *,
                    column: str | None = None, prefix: str = "") -> None:
    # The column that named the problem's organisation: its number, its code, or its name.
    org_column = "organization_name" if row.org_name and not row.org_code else "organization"
    fallback = "number" if row.problem is not None else org_column
    if isinstance(exc, PermissionDenied):
        errors.add(row, fallback, str(exc) or "无权修改")
        return
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
    for name, messages in items:
        target = column or _FIELD_COLUMN.get(name, fallback)
        if target == "organization" and row.problem is None:
            target = org_column
        for message in messages:
            errors.add(row, target, f"{prefix}{message}")


def _step_payload(step: StepLine) -> dict[str, Any]:
    return {"measure": step.measure, "owner": step.owner, "deadline": step.deadline}


def _create(row: _Row, user: Actor, errors: _Errors) -> list[str]:
    assert row.organization is not None
    services.problem_create(
        actor=user, organization=row.organization, description=row.description, source=row.source,
        category=row.category, responsible_cadre=row.cadre, responsible_unit=row.unit, deadline=row.deadline,
        fix_now=row.fix_now, steps=[_step_payload(s) for s in row.steps], note=row.deadline_note,
    )
    return [errors.titles[n] for n in ("description", "source", "category", "steps", "responsible_cadre",
                                        "responsible_unit", "deadline") if cell_text(row.raw.get(n))]


def _record_changes(row: _Row, present: frozenset[str]) -> dict[str, Any]:
    """The fields a row changes; a column the file lacks changes nothing."""
    problem = row.problem
    assert problem is not None
    fields: dict[str, Any] = {}
    if _norm(row.description) != _norm(problem.description):
        fields["description"] = row.description
    if "source" in present and row.source != problem.source:
        fields["source"] = row.source
    if "category" in present and row.category != problem.category:
        fields["category"] = row.category
    if "responsible_cadre" in present and (row.cadre.pk if row.cadre else None) != problem.responsible_cadre_id:
        fields["responsible_cadre"] = row.cadre
    if "responsible_unit" in present and (_norm(row.unit or problem.organization.name)
                                          != _norm(problem.responsible_unit)):
        fields["responsible_unit"] = row.unit
    if row.fix_now and not problem.fix_now:
        fields["fix_now"] = True
    if row.deadline is not None and row.deadline != problem.due_on:
        fields["deadline"] = row.deadline
    return fields


# A changed record field → the column that changed it.
_FIELD_NAMES = {"fix_now": "deadline"}


def _step_plan(row: _Row) -> tuple[list[tuple[RectificationStep, StepLine]], list[StepLine], list[RectificationStep]]:
    """(steps to change, lines to add, steps to delete). A line matches an existing step with the same measure
    first, else the step its number names; the rest are new, and steps no line matches are deleted."""
    existing = row.existing_steps
    matched: dict[int, StepLine] = {}  # index in existing → line
    free = list(row.steps)
    for line in list(free):
        same = [i for i, s in enumerate(existing) if i not in matched and _norm(s.measure) == line.measure]
        if same:
            best = (line.number - 1) if line.number is not None and (line.number - 1) in same else same[0]
            matched[best] = line
            free.remove(line)
    for line in list(free):
        i = (line.number or 0) - 1
        if 0 <= i < len(existing) and i not in matched:
            matched[i] = line
            free.remove(line)
    changes = [(existing[i], line) for i, line in sorted(matched.items())
               if (_norm(existing[i].measure), existing[i].owner.strip(), existing[i].deadline)
               != (line.measure, line.owner.strip(), line.deadline)]
    deletes = [s for i, s in enumerate(existing) if i not in matched]
    return changes, free, deletes


def _update(row: _Row, user: Actor, errors: _Errors, present: frozenset[str]) -> list[str]:
    problem = row.problem
    assert problem is not None
    fields = _record_changes(row, present)
    changes, adds, deletes = _step_plan(row) if "steps" in present else ([], [], [])
    if not fields and not changes and not adds and not deletes:
        return []
    if fields:
        problem = services.problem_update(actor=user, problem=problem, version=None, **fields)
    failed = False

    def step_error(exc: ValidationError, where: str) -> None:
        nonlocal failed
        if "status" in getattr(exc, "error_dict", {}):  # the problem is locked: say it once, on the row
            _service_errors(row, exc, errors)
            raise _RowFailed from exc
        _service_errors(row, exc, errors, column="steps", prefix=where)
        failed = True

    for step, line in changes:
        try:
            services.step_update(actor=user, step=step, measure=line.measure, owner=line.owner,
                                 deadline=line.deadline)
        except ValidationError as exc:
            step_error(exc, f"第{line.index}项：")
    for line in adds:
        try:
            services.step_add(actor=user, problem=problem, measure=line.measure, owner=line.owner,
                              deadline=line.deadline)
        except ValidationError as exc:
            step_error(exc, f"第{line.index}项：")
    for step in deletes:
        try:
            services.step_delete(actor=user, step=step)
        except ValidationError as exc:
            step_error(exc, f"原有措施“{_norm(step.measure)[:20]}”：")
    if failed:
        raise _RowFailed
    titles = dict.fromkeys(errors.titles[_FIELD_NAMES.get(f, f)] for f in fields)
    return [*titles, *([errors.titles["steps"]] if changes or adds or deletes else [])]


class _RowFailed(Exception):
    """A row's errors are already collected; roll its savepoint back."""


def _apply(rows: list[_Row], user: Actor, errors: _Errors, report: ImportReport, progress: Progress | None,
           present: frozenset[str]) -> None:
    """Run each row through the services in its own savepoint. A row that already has errors (a label, a date, a
    number …) is still run, to find its other errors, and then rolled back; an error of the services in a column
    that already has one is not repeated."""
    earlier: dict[int, set[str]] = {}
    for error in errors.items:
        earlier.setdefault(error.row, set()).add(error.column)
    for i, row in enumerate(rows, start=1):
        if progress and i % PROGRESS_EVERY == 0:
            progress(i, len(rows))
        if row.organization is None:  # an unknown number or organisation: nothing to run the row against
            continue
        marked = earlier.get(row.n, set())
        found = errors.child()
        change: dict[str, Any] | None = None
        try:
            with transaction.atomic():
                if row.problem is None:
                    change = {"row": row.n, "action": "新增", "key": row.description[:40],
                              "columns": _create(row, user, found), "note": row.deadline_read}
                else:
                    columns = _update(row, user, found, present)
                    if columns:
                        change = {"row": row.n, "action": "更新", "key": row.problem.number, "columns": columns,
                                  "note": row.deadline_read}
                if marked or found.items:
                    raise _RowFailed
        except _RowFailed:
            pass
        except (ValidationError, PermissionDenied) as exc:
            _service_errors(row, exc, found)
        fresh = [e for e in found.items if e.column not in marked]
        errors.items.extend(fresh)
        if marked or found.items:
            continue
        if change is None:
            report.unchanged += 1
        else:
            report.changes.append(change)
            if change["action"] == "新增":
                report.created += 1
            else:
                report.updated += 1
    if progress:
        progress(len(rows), len(rows))


def _check_user(user: Actor) -> None:
    if not permissions.can_import_problems(user):
        raise PermissionError("您的角色不能导入问题清单：只有基层单位和主题教育办公室可以导入")


def _open(fh: IO[bytes], filename: str, mapping: dict[int, str] | None, strict: bool) -> Sheet:
    return read_sheet(fh, filename, COLUMNS, label="问题清单", optional=OPTIONAL, synonyms=SYNONYMS,
                      mapping=mapping, strict=strict)


def ledger_layout(*, file: IO[bytes] | str | Path, filename: str) -> Layout:
    """The file's header and how each column would be read: the mapping step of the import page."""
    with opened(file) as fh:
        return sheet_layout(fh, filename, COLUMNS, synonyms=SYNONYMS)


def import_ledger(*, file: IO[bytes] | str | Path, filename: str, user: Actor, dry_run: bool = False,
                  progress: Progress | None = None, mapping: dict[int, str] | None = None,
                  strict: bool = False) -> ImportReport:
    """Read every row of `file`, run it through the services inside one transaction, and keep it only if no row
    failed and this is not a dry run. `mapping` (column index → field) is how the user confirmed the columns are
    read; without it they are read by their titles (`strict`: a column no title names refuses the file). Raises
    ImportFileError when the file as a whole cannot be read and PermissionError when `user` may not import
    problems."""
    _check_user(user)
    rows: list[_Row] = []
    campaign = current_campaign()
    with opened(file) as fh:
        sheet = _open(fh, filename, mapping, strict)
        errors = _Errors(sheet)
        present = frozenset(sheet.columns)
        # 12月31日前: the first 31 December from today on (a deadline is never in the past), and never before
        # the campaign's start.
        today = timezone.localdate()
        context = _Context(user=user, present=present,
                           since=max(today, campaign.starts_on) if campaign is not None else today,
                           ends_on=campaign.ends_on if campaign is not None else None)
        for n, raw in sheet.rows:
            rows.append(_parse(n, raw, errors, context))
    if not rows:
        raise ImportFileError("文件中没有数据行")
    _resolve(rows, user, errors)
    report = ImportReport(kind=KIND, label=LABEL, rows=len(rows),
                          mapping=sheet.mapping)
    with transaction.atomic():
        _apply(rows, user, errors, report, progress, present)
        if errors.items or dry_run:
            transaction.set_rollback(True)
        else:
            audit.record(AuditEntry.Action.IMPORT, object_type=audit.type_label(Problem), object_repr=filename[:200],
                         after={"kind": KIND, "file": filename, "rows": report.rows, "created": report.created,
                                "updated": report.updated, "unchanged": report.unchanged})
            report.applied = True
    if errors.items:
        report.errors = sorted(errors.items, key=errors.order)
        report.created = report.updated = report.unchanged = 0
        report.changes = []
    return report
