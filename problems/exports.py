"""The problem ledger as .xlsx, in the columns offices use (序号 … 销号情况) and two trailing system columns the
import matches on (组织编码, 问题编号), so that export → import changes nothing.

Fast enough for 100,000 rows in seconds (`make bench`): one query gives each problem with its rectification steps
(aggregated as JSON in the problem's row), streamed as plain tuples (on PostgreSQL straight from psycopg, so that the
server works while the sheet is written), and whole rows are encoded as XML by `core.sheets.RowPlan`.

整改措施 holds one step per line, in a form `problems.imports` reads back:
    1. 修订村务公开制度（责任人：张三；时限：2023年11月30日；已于2023年10月12日完成）
整改进展 and 销号情况 are written for people and never read back (the lifecycle is never driven by a file).
"""

import contextlib
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import islice
from typing import IO, Any

import psycopg
from django.db import connections
from django.db.models import QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.cn import cn_date, person_text
from core.sheets import CN_DATE_FORMAT, RowPlan, SheetWriter
from problems.choices import Category, ProblemStatus, Source
from problems.models import Problem, RectificationStep, number_of

CHUNK = 2000
SHEET_NAME = "问题清单"

# Field → column title, in the order of the sheet.
COLUMNS: dict[str, str] = {
    "seq": "序号", "description": "问题表现", "source": "问题来源", "category": "问题类别", "steps": "整改措施",
    "responsible_cadre": "责任领导", "responsible_unit": "责任单位", "deadline": "完成时限",
    "progress": "整改进展", "closure": "销号情况", "organization_name": "组织名称", "organization": "组织编码",
    "number": "问题编号",
    "version": "版本",
}
HEADERS: list[str] = list(COLUMNS.values())
# Columns written for people, never read back by the import.
OUTPUT_ONLY = frozenset({"seq", "progress", "closure"})

_WIDTHS = {"序号": 6, "问题表现": 40, "问题来源": 10, "问题类别": 12, "整改措施": 50, "责任领导": 16, "责任单位": 20,
           "完成时限": 16, "整改进展": 22, "销号情况": 30, "组织名称": 20, "组织编码": 14, "问题编号": 12, "版本": 6}
_TEXT_COLUMNS = frozenset({"组织编码", "问题编号"})

# The values the sheet holds, and the order of the tuple each problem is read as.
_FIELDS = ("id", "description", "source", "category", "responsible_unit", "due_on", "status", "step_count",
           "steps_done", "closed_at", "closed_on_time", "relapse_count", "extension_count",
           "organization__code", "organization__name", "responsible_cadre__name", "responsible_cadre__position",
           "closed_by__username", "closed_by__first_name", "closed_by__last_name", "version")
_Row = tuple[Any, ...]


def cadre_text(name: str | None, position: str | None) -> str:
    """责任领导 as written: 姓名（职务）."""
    return person_text(name, position)


@lru_cache(maxsize=4096)
def _day(value: dt.date | str) -> str:
    """2023年11月30日, of a date or of the ISO text a raw cursor may return for one (SQLite)."""
    return cn_date(dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value)


_STATUS_LABELS = {value: str(label) for value, label in ProblemStatus.choices}
# Where the notes of a step line start: a parenthesis opening on one of their labels.
NOTES_START = re.compile(r"[（(](?=\s*(?:责任人\s*[：:]|时限\s*[：:]|已于))")


def step_line(index: int, measure: str, owner: str = "", deadline: dt.date | str | None = None,
              done_on: dt.date | str | None = None) -> str:
    """One line of 整改措施: "1. 措施（责任人：张三；时限：2023年11月30日；已于2023年10月12日完成）". Line breaks in the
    measure become spaces (the import compares measures with whitespace collapsed)."""
    notes = []
    if owner:
        notes.append(f"责任人：{' '.join(owner.split())}")
    if deadline:
        notes.append(f"时限：{_day(deadline)}")
    if done_on:
        notes.append(f"已于{_day(done_on)}完成")
    text = f"{index}. {' '.join(measure.split())}"
    if not notes and text.endswith(("）", ")")) and NOTES_START.search(text):
        notes.append("责任人：")  # the measure's own last parenthesis must not be read as its notes
    return text + (f"（{'；'.join(notes)}）" if notes else "")


def progress_text(status: str, step_count: int, steps_done: int, due_on: dt.date, today: dt.date) -> str:
    """整改进展: the state and the steps done, and how late an open problem is."""
    parts = [_STATUS_LABELS.get(status, status)]
    parts.append(f"已完成{steps_done}/{step_count}项" if step_count else "未列整改措施")
    if status != ProblemStatus.CLOSED and due_on < today:
        parts.append(f"已逾期{(today - due_on).days}天")
    return "，".join(parts)


def closure_text(status: str, closed_at: dt.datetime | None, closed_on_time: bool | None, closer: str,
                 relapse_count: int, extension_count: int, tz: dt.tzinfo | None = None) -> str:
    """销号情况: closed or not (when — the day in `tz`, default the current time zone —, by whom, on time or late),
    and the 反弹 / 延期 marks."""
    if status == ProblemStatus.CLOSED and closed_at is not None:
        details = [_day(closed_at.astimezone(tz or timezone.get_current_timezone()).date())]
        if closer:
            details.append(f"核验人：{closer}")
        if closed_on_time is not None:
            details.append("按期" if closed_on_time else "逾期")
        text = f"已销号（{'，'.join(details)}）"
    elif status == ProblemStatus.CLAIMED:
        text = "已申请销号，待核验"
    else:
        text = "未销号"
    if relapse_count:
        text += f"；反弹{relapse_count}次"
    if extension_count:
        text += f"；延期{extension_count}次"
    return text


def _person(username: str | None, first: str | None, last: str | None) -> str:
    """A user as `User.__str__` shows one (full name, else user name)."""
    full = f"{first or ''} {last or ''}".strip()
    return full or (username or "")


def _steps_column(vendor: str) -> RawSQL:
    """Each problem's steps in the problem's own row, in the order of their ids, as JSON text:
    [[measure, owner, deadline, done_on], …] with ISO dates, or NULL without steps. One correlated index lookup per
    problem inside the same query (and snapshot) as the problems, instead of a second query merged in Python."""
    steps, problems = RectificationStep._meta.db_table, Problem._meta.db_table
    if vendor == "postgresql":
        sql = (f'(SELECT json_agg(json_build_array(s.measure, s.owner, s.deadline, s.done_on) ORDER BY s.id) '
               f'FROM "{steps}" s WHERE s.problem_id = "{problems}".id)')
    else:  # SQLite (before 3.44 an aggregate takes no ORDER BY: it follows the ordered subquery)
        sql = (f'(SELECT json_group_array(json_array(s.measure, s.owner, s.deadline, s.done_on)) FROM '
               f'(SELECT measure, owner, deadline, done_on FROM "{steps}" WHERE problem_id = "{problems}".id '
               f'ORDER BY id) s)')
    return RawSQL(sql, (), output_field=TextField())


def _step_lines(steps: str | list[list[Any]] | None) -> list[str]:
    if not steps:
        return []
    if isinstance(steps, str):
        steps = json.loads(steps)
    return [step_line(i, measure, owner, deadline, done_on)
            for i, (measure, owner, deadline, done_on) in enumerate(steps, start=1)]


def _stream(rows: QuerySet[Problem]) -> Iterator[_Row]:
    """The problems of `rows` as tuples of _FIELDS and their steps (JSON), in the order of `rows`, by one query.
    On PostgreSQL the query's rows are streamed by psycopg (chunked mode, no server-side cursor, no ORM
    conversions): the server computes the next rows while these are written, on the other core."""
    connection = connections[rows.db]
    query = rows.values_list(*_FIELDS, _steps_column(connection.vendor))
    if connection.vendor != "postgresql":
        yield from query.iterator(chunk_size=CHUNK)
        return
    sql, params = query.query.sql_with_params()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        # The planner's cost of 100,000 correlated lookups passes jit_optimize_above_cost, and compiling the query
        # takes two seconds of the four it runs: the query runs without JIT, and the setting is put back after.
        cursor.execute("SELECT current_setting('jit')")
        (jit,) = cursor.fetchone() or ("on",)
        cursor.execute("SET jit = off")
        try:
            yield from cursor.stream(sql, params, size=CHUNK)
        finally:
            with contextlib.suppress(psycopg.Error):  # in a failed transaction, the rollback puts it back
                cursor.execute("SELECT set_config('jit', %s, false)", [jit])


def _steps_of(ids: Sequence[int]) -> dict[int, list[str]]:
    """The 整改措施 lines of these problems, in one query."""
    lines: dict[int, list[str]] = {}
    steps = (RectificationStep.objects.filter(problem_id__in=ids).order_by("problem_id", "id")
             .values_list("problem_id", "measure", "owner", "deadline", "done_on"))
    for problem_id, measure, owner, deadline, done_on in steps:
        own = lines.setdefault(problem_id, [])
        own.append(step_line(len(own) + 1, measure, owner, deadline, done_on))
    return lines


def _with_steps(rows: Iterable[Problem] | QuerySet[Problem]) -> Iterator[tuple[_Row, list[str]]]:
    """Each problem with its 整改措施 lines: a queryset by one query (`_stream`), problems already in memory
    (callers should select_related what they show) with the steps of each CHUNK of them looked up by id."""
    if isinstance(rows, QuerySet):
        for row in _stream(rows):
            yield row[:-1], _step_lines(row[-1])
        return
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        lines = _steps_of([p.pk for p in chunk])
        for p in chunk:
            cadre, closer = p.responsible_cadre, p.closed_by
            yield ((p.pk, p.description, p.source, p.category, p.responsible_unit, p.due_on, p.status, p.step_count,
                    p.steps_done, p.closed_at, p.closed_on_time, p.relapse_count, p.extension_count,
                    p.organization.code, p.organization.name, cadre.name if cadre else None,
                    cadre.position if cadre else None,
                    closer.username if closer else None, closer.first_name if closer else None,
                    closer.last_name if closer else None, p.version), lines.get(p.pk, []))


def write_ledger(rows: Iterable[Problem] | QuerySet[Problem], out: IO[bytes], *, title: str = "") -> int:
    """Write the problems `rows` (a queryset already scoped with `visible_to` and filtered, in the order wanted)
    to `out` as .xlsx; returns the number of problems written. `title` heads the sheet (default: 问题清单 and the
    date)."""
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    sheet = SheetWriter(out, SHEET_NAME, HEADERS, widths=_WIDTHS, text_columns=_TEXT_COLUMNS,
                        notice=title or f"问题清单（{cn_date(today)}导出）",
                        notice_style={"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"},
                        merge_notice=True, notice_height=24)
    wrap = sheet.format({"text_wrap": True, "valign": "top"})._get_xf_index()
    top = sheet.format({"valign": "top"})._get_xf_index()
    date = sheet.format({"num_format": CN_DATE_FORMAT, "valign": "top"})._get_xf_index()
    text = sheet.format({"num_format": "@", "valign": "top"})._get_xf_index()
    plan = RowPlan("nssssssdsssssn", (top, wrap, top, top, wrap, top, wrap, date, wrap, wrap, wrap, text, text, top))
    sources, categories = dict(Source.choices), dict(Category.choices)
    count = 0
    for row, lines in _with_steps(rows):
        (pk, description, source, category, unit, due_on, status, step_count, steps_done, closed_at, on_time,
         relapse_count, extension_count, org_code, org_name, cadre_name, cadre_position,
         closer_username, closer_first, closer_last, version) = row
        count += 1
        sheet.write_fast((
            count, description, str(sources.get(source, source)), str(categories.get(category, category)),
            "\n".join(lines), cadre_text(cadre_name, cadre_position), unit, due_on,
            progress_text(status, step_count, steps_done, due_on, today),
            closure_text(status, closed_at, on_time, _person(closer_username, closer_first, closer_last),
                         relapse_count, extension_count, tz),
            org_name, org_code, number_of(pk), version,
        ), plan)
    sheet.close()
    return count


TEMPLATE_NOTE = ("填写说明：每行一个问题。“问题编号”为空的行登记新问题，有编号的行更新该问题（编号来自导出文件）；"
                 "“整改进展”“销号情况”两列只用于导出，导入时不读取——措施完成、申请销号和销号核验只能在系统中办理。"
                 "本行可以保留，也可以删除。")


def template_rules() -> dict[str, str]:
    """What each column of an import accepts (the template's second sheet, and the import page)."""
    return {
        "序号": "选填，导入时不读取",
        "问题表现": "必填，不超过2000字",
        "问题来源": "、".join(Source.labels) + "（“督导发现”只由联络组登记，基层单位不能填写）；"
                    "没有这一列时，新登记的问题为“自己找”",
        "问题类别": "、".join(Category.labels) + "；没有这一列时，新登记的问题为“其他”",
        "整改措施": "选填，每行一项，如“1. 修订村务公开制度（责任人：张三；时限：2023年11月30日）”；时限不能早于今天。"
                    "更新已有问题时，删去的一行即删除该项措施（已完成的措施不能删除）；“已于…完成”只用于导出",
        "责任领导": "选填，问题所属组织或其上级组织的领导干部姓名；同名时写成“姓名（职务）”",
        "责任单位": "选填，为空时为问题所属党组织的名称",
        "完成时限": "选填，日期，如 2023年11月30日、2023-11-30、2023.11.30，或“2023年12月底前”“12月31日前”"
                    "（年份按主题教育开始的年份）；“立行立改”登记为立查立改问题，“长期坚持”按主题教育结束日期计；"
                    "不能早于今天；为空时按严重程度确定。整改开始后不能直接修改，请在系统中申请延期",
        "整改进展": "只用于导出，导入时不读取",
        "销号情况": "只用于导出，导入时不读取",
        "组织名称": "新登记问题所属党组织的名称：组织编码为空时，按名称在您的管辖范围内查找（须唯一）；"
                    "都填时以编码为准",
        "组织编码": "新登记问题所属党组织的编码（须在您的管辖范围内），编码和名称都为空时为您所在的党组织；"
                    "已有问题的组织不能修改",
        "问题编号": "为空：登记新问题；填写导出文件中的编号（如 WT0000123）：更新该问题",
        "版本": "导出时问题的版本，不要修改：导出后问题在系统中又被修改过的，导入时该行会被拒绝，以免覆盖别人的修改",
    }


def write_template(out: IO[bytes]) -> None:
    """An empty import file: a note row, the header, and what each column accepts on a second sheet."""
    sheet = SheetWriter(out, SHEET_NAME, HEADERS, widths=_WIDTHS, text_columns=_TEXT_COLUMNS, notice=TEMPLATE_NOTE,
                        notice_style={"font_color": "#C00000", "text_wrap": True, "valign": "top"},
                        merge_notice=True, notice_height=48)
    sheet.notes(template_rules(), footer=["只导入第一个工作表；表头所在行之上可以有标题或说明行，列的顺序可以调整。",
                                          "整个文件全部无误才会导入；有任何错误，不写入任何数据。"])
    sheet.close()
