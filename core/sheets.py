"""Spreadsheets in and out, shared by every import and export (the registry's, the problem ledger's …).

Reading: .xlsx with python-calamine (streamed, 10× openpyxl) or .csv in UTF-8 / GBK / GB18030; the header row is
found by its titles (a title or notice row may stand above it), rows come back as {field: raw cell} numbered as in
the spreadsheet. Every problem with the file as a whole is an `ImportFileError` with a Chinese message; problems
with one cell are `RowError`s collected in an `ImportReport`.

Writing: XlsxWriter in constant-memory mode (`SheetWriter`), with a fast path for long exports (`write_fast` with a
`RowPlan`) that encodes a row's XML in one go instead of one call per cell and splices the rows into the sheet.
"""

import codecs
import contextlib
import csv
import datetime as dt
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.conf import settings
from django.http import FileResponse
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from core.files import content_matches
from core.http import attachment_disposition

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YES, NO = "是", "否"
DATE_FORMATS = "2023-09-01、2023/9/1、2023年9月1日 或 20230901"
CN_DATE_FORMAT = 'yyyy"年"m"月"d"日"'
# How many non-empty rows above the header a file may have (a title, a notice, a note row).
HEADER_SEARCH = 8

Progress = Callable[[int, int], None]


class ImportFileError(Exception):
    """The file as a whole cannot be imported (type, size, encoding, corrupt, missing columns …)."""


@dataclass
class RowError:
    row: int  # spreadsheet row number; the first row is 1
    column: str
    value: str
    reason: str
    letter: str = ""  # the column's letter in the file (A, B …), when known

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column} “{self.value}” {self.reason}"


@dataclass
class ImportReport:
    kind: str
    label: str = ""  # what was imported, in Chinese (党员, 问题 …)
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    applied: bool = False
    # What each row would do or did, for the preview: {row, action, key, columns} (imports that list it).
    changes: list[dict[str, Any]] = field(default_factory=list)
    # How the file's columns were read ({column index as text: field}), so that applying reads them the same way.
    mapping: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def summary(self) -> str:
        return (f"{self.label or self.kind}：共{self.rows}行，新增{self.created}，更新{self.updated}，"
                f"未变{self.unchanged}" + ("" if self.applied else "（未写入）"))


# ---------------------------------------------------------------------------------------------------------
# Cells.


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value: Any) -> tuple[dt.date | None, str | None]:
    """(date, None), (None, None) for an empty cell, or (None, reason)."""
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 19000101 <= value <= 99991231 and float(value).is_integer():
            value = str(int(value))
        elif 1 <= value < 2958466:  # an Excel serial day number
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value)), None
    text = cell_text(value).split(" ")[0] if isinstance(value, str) else cell_text(value)
    if not text:
        return None, None
    for pattern in _DATE_PATTERNS:
        if m := pattern.match(text):
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3])), None
            except ValueError:
                return None, "日期不存在"
    return None, f"日期格式应为 {DATE_FORMATS}"


FIX_NOW, LONG_TERM = "fix_now", "long_term"
_FIX_NOW_WORDS = frozenset({"立行立改", "立查立改", "即知即改", "立知立改", "立即整改", "马上就改", "立改"})
_LONG_TERM_WORDS = frozenset({"长期坚持", "长期", "持续整改", "持续推进", "长期整改", "常态化", "常态长效"})
_DEADLINE_TAIL = ("前完成", "完成", "到位", "之前", "以前", "前", "止", "底")
_FULL = re.compile(r"^(\d{4})[年.\-/](\d{1,2})[月.\-/](\d{1,2})[日号]?$")
_MONTH = re.compile(r"^(\d{4})[年.\-/](\d{1,2})月?$")
_DAY_NO_YEAR = re.compile(r"^(\d{1,2})[月.\-/](\d{1,2})[日号]?$")
_MONTH_NO_YEAR = re.compile(r"^(\d{1,2})月$")
_YEAR = re.compile(r"^(\d{4})?年$")
DEADLINE_FORMATS = ("日期（如 2023年12月31日、2023-12-31、2023.12.31），"
                    "或“2023年12月底前”“12月31日前”“立行立改”“长期坚持”")


def _month_end(year: int, month: int) -> dt.date:
    if not 1 <= month <= 12:
        raise ValueError(f"month {month}")
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def parse_deadline(value: Any, *, since: dt.date) -> tuple[dt.date | None, str, str | None]:
    """A deadline as offices write it → (date, flag, reason). The flag is FIX_NOW (立行立改 and its like: no date),
    LONG_TERM (长期坚持 …: no date) or "". A date without a year (12月31日前, 12月底) is the first such day on or
    after `since`; a month without a day (2023年12月底前) is its last day, a year alone
    (2023年底) its 31 December. (None, "", None) is an empty cell; a reason says why a cell cannot be read."""
    if not isinstance(value, str):
        day, reason = parse_date(value)
        return day, "", (f"无法识别：应为{DEADLINE_FORMATS}" if reason and "格式" in reason else reason)
    text = re.sub(r"[\s\u3000]", "", value)
    if not text:
        return None, "", None
    if text in _FIX_NOW_WORDS:
        return None, FIX_NOW, None
    if text in _LONG_TERM_WORDS:
        return None, LONG_TERM, None
    day, reason = parse_date(text)
    if day is not None:
        return day, "", None
    core = text
    changed = True
    while changed:
        changed = False
        for tail in _DEADLINE_TAIL:
            if core.endswith(tail) and len(core) > len(tail):
                core, changed = core[:-len(tail)], True
    if core in _FIX_NOW_WORDS:
        return None, FIX_NOW, None
    if core in _LONG_TERM_WORDS:
        return None, LONG_TERM, None

    def this_or_next(month: int, day: int | None) -> dt.date:
        # The first such day from `since` on: 2月29日 looks as far as the next leap year; a day no year has
        # (2月30日) raises ValueError, read as "no such date".
        for year in range(since.year, since.year + 5):
            try:
                found = dt.date(year, month, day) if day else _month_end(year, month)
            except ValueError:
                continue
            if found >= since:
                return found
        raise ValueError(f"{month}月{day}日")

    try:
        if m := _FULL.match(core):
            return dt.date(int(m[1]), int(m[2]), int(m[3])), "", None
        if m := _MONTH.match(core):
            return _month_end(int(m[1]), int(m[2])), "", None
        if m := _DAY_NO_YEAR.match(core):
            return this_or_next(int(m[1]), int(m[2])), "", None
        if m := _MONTH_NO_YEAR.match(core):
            return this_or_next(int(m[1]), None), "", None
        if m := _YEAR.match(core):
            year = int(m[1]) if m[1] else this_or_next(12, 31).year
            return dt.date(year, 12, 31), "", None
    except ValueError:
        return None, "", "日期不存在"
    return None, "", f"无法识别：应为{DEADLINE_FORMATS}"


def label_lookup(choices: Any) -> dict[str, Any]:
    """Chinese label → value of a TextChoices (what a sheet holds → what the database stores)."""
    return {str(label): value for value, label in choices.choices}


# ---------------------------------------------------------------------------------------------------------
# Reading.


def file_size(fh: IO[bytes]) -> int:
    pos = fh.tell()
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    fh.seek(pos)
    return size


NOT_XLSX = "文件不是有效的 .xlsx 文件，或文件已损坏，请用 Excel 另存为 .xlsx 后重试"


def _xlsx_rows(fh: IO[bytes]) -> tuple[Iterator[list[Any]], int]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(fh)
        sheet = workbook.get_sheet_by_index(0)
        total = sheet.total_height
        rows = sheet.iter_rows()
    except (CalamineError, OSError, ValueError) as exc:
        raise ImportFileError(NOT_XLSX) from exc
    return rows, total


def csv_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"  # a superset of GBK: what Chinese Excel writes for "CSV"
    return "utf-8"


def _csv_rows(fh: IO[bytes]) -> tuple[Iterator[list[Any]], int]:
    head = fh.read(65536)
    encoding = csv_encoding(head)
    # A cheap count of lines for the progress bar (rows may span lines; it is an estimate).
    total = head.count(b"\n")
    while chunk := fh.read(1 << 20):
        total += chunk.count(b"\n")
    fh.seek(0)
    text = io.TextIOWrapper(fh, encoding=encoding, newline="")

    def rows() -> Iterator[list[Any]]:
        try:
            yield from csv.reader(text)
        except UnicodeDecodeError as exc:
            raise ImportFileError("无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV 文件") from exc
        except csv.Error as exc:
            raise ImportFileError(f"CSV 文件格式错误：{exc}") from exc
        finally:
            text.detach()

    return rows(), total


@dataclass
class SheetColumn:
    """One column of a file's header, as the mapping step shows it."""

    index: int  # from 0
    title: str  # as written (a two-row header's group and title joined by "·")
    target: str  # the field it is read as; "" = not imported
    samples: list[str] = field(default_factory=list)

    @property
    def letter(self) -> str:
        return xl_col_to_name(self.index)


@dataclass
class Layout:
    """Where a file's header is and how its columns are read: found by `sheet_layout`, shown to the user, who
    confirms or corrects `mapping` (column index → field) before anything is validated."""

    header_row: int  # the header's last row (a two-row header ends on its second)
    header_rows: int  # 1 or 2
    columns: list[SheetColumn]

    @property
    def mapping(self) -> dict[int, str]:
        return {c.index: c.target for c in self.columns if c.target}

    @property
    def unknown(self) -> list[SheetColumn]:
        """Titled columns that no field's title or synonym names (序号 is known, and never read)."""
        return [c for c in self.columns if c.title and not c.target and header_key(c.title) not in NEVER_READ]

    def as_dict(self) -> dict[str, Any]:
        return {"header_row": self.header_row, "header_rows": self.header_rows,
                "columns": [asdict(c) for c in self.columns]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Layout":
        return cls(header_row=data["header_row"], header_rows=data["header_rows"],
                   columns=[SheetColumn(**c) for c in data["columns"]])


@dataclass
class Sheet:
    rows: Iterator[tuple[int, dict[str, Any]]]  # (row number, {field: raw cell}); blank rows skipped
    total: int  # rows below the header (an estimate for CSV), for progress bars
    header_row: int
    columns: dict[str, str]  # field → the title of its column in the file
    letters: dict[str, str] = field(default_factory=dict)  # field → its column's letter (A, B …)
    positions: dict[str, int] = field(default_factory=dict)  # field → its column's index (from 0)

    @property
    def mapping(self) -> dict[str, str]:
        """How the columns were read, as an `ImportReport` keeps it: {column index as text: field}."""
        return {str(i): name for name, i in self.positions.items()}


# A header's title is compared without spaces, line breaks, asterisks, colons or a trailing note in brackets
# ("完成时限（年月日）" is 完成时限).
_TITLE_NOISE = re.compile(r"[\s\u3000*＊※:：\ufeff]")
_TITLE_NOTE = re.compile(r"[（(][^（()）]*[)）]$")


# Titles every register may have that no import reads.
NEVER_READ = frozenset({"序号", "序"})


def header_key(text: str) -> str:
    key = _TITLE_NOISE.sub("", text)
    while (bare := _TITLE_NOTE.sub("", key)) and bare != key:
        key = bare
    return key


def _title(text: str) -> str:
    return header_key(text)


def title_lookup(columns: dict[str, str], synonyms: Mapping[str, Sequence[str]] | None = None) -> dict[str, str]:
    """Every title a field may have (its own and its synonyms), as compared → field."""
    lookup: dict[str, str] = {}
    for name, titles in (synonyms or {}).items():
        for title in titles:
            lookup.setdefault(header_key(title), name)
    for name, title in columns.items():
        lookup[header_key(title)] = name
    return lookup


def _open_rows(fh: IO[bytes], filename: str, suffixes: tuple[str, ...]) -> tuple[Iterator[list[Any]], int]:
    ext = Path(filename).suffix.lower()
    if ext not in suffixes:
        kinds = " 或 ".join(suffixes)
        raise ImportFileError(f"不支持的文件类型“{ext or filename}”：请上传 {kinds} 文件")
    size = file_size(fh)
    if size == 0:
        raise ImportFileError("文件是空的")
    limit = settings.JYB_IMPORT_MAX_MB
    if size > limit * 1024 * 1024:
        raise ImportFileError(f"文件太大（{size / 1024 / 1024:.1f} MB），不能超过 {limit} MB，请分成几个文件导入")
    if ext == ".xlsx":
        if not content_matches(fh, ext):  # a zip declaring a workbook, not a program or a document renamed
            raise ImportFileError(NOT_XLSX)
        return _xlsx_rows(fh)
    if not content_matches(fh, ext):
        raise ImportFileError("文件内容不是文本，不是有效的 .csv 文件（可能是改了扩展名的其他文件），"
                              "请用 Excel 另存为 .xlsx 或 .csv 后重试")
    return _csv_rows(fh)


def _score(texts: list[str], lookup: dict[str, str]) -> int:
    return len({lookup[k] for t in texts if (k := header_key(t)) in lookup})


def _header(raw_rows: Iterator[list[Any]], lookup: dict[str, str],
            refuse: Callable[[list[str]], str | None] | None) -> tuple[Layout, list[tuple[int, list[Any]]], int]:
    """Find the header among the first rows: the first of the rows with most recognised titles (none: the first
    of the widest), and the row under it too when that row holds titles under cells left empty above (a two-row
    header with merged cells).
    Returns the layout (fields guessed), the rows read past the header (data, to be yielded first) and the
    number of the last row read."""
    seen: list[tuple[int, list[Any], list[str]]] = []
    number = 0
    for cells in raw_rows:
        number += 1
        texts = [cell_text(c) for c in cells]
        if not any(texts):
            continue
        if refuse is not None and (reason := refuse(texts)):
            raise ImportFileError(reason)
        seen.append((number, cells, texts))
        if len(seen) > HEADER_SEARCH:
            break
    if not seen:
        raise ImportFileError("文件是空的：没有表头和数据")
    scores = [_score(texts, lookup) for _, _, texts in seen]
    if max(scores):
        at = scores.index(max(scores))
    else:  # no title known: the widest of the first rows (a title row above is one merged cell)
        widths = [sum(1 for t in texts if t) for _, _, texts in seen]
        at = widths.index(max(widths))
    header_number, _, upper = seen[at]
    lower: list[str] | None = None
    if at + 1 < len(seen) and seen[at + 1][0] == header_number + 1 and scores[at + 1]:
        below = seen[at + 1][2]
        if any(text and (i >= len(upper) or not upper[i]) for i, text in enumerate(below)):
            lower = below
    titles: list[tuple[str, list[str]]] = []  # (title shown, candidate titles)
    width = max(len(upper), len(lower or []))
    group = ""
    for i in range(width):
        up = upper[i] if i < len(upper) else ""
        low = (lower[i] if i < len(lower) else "") if lower is not None else ""
        if up:
            group = up if low else ""
            above = up
        else:
            above = group if low else ""
        if low:
            titles.append((f"{above}·{low}" if above else low, [low, above + low]))
        else:
            titles.append((above, [above]))
    columns: list[SheetColumn] = []
    taken: set[str] = set()
    for i, (shown, candidates) in enumerate(titles):
        guess = ""
        for candidate in candidates:
            name = lookup.get(header_key(candidate)) if candidate else None
            if name is not None and name not in taken:
                guess = name
                taken.add(name)
                break
        columns.append(SheetColumn(index=i, title=shown, target=guess))
    header_rows = 2 if lower is not None else 1
    last = at + header_rows
    layout = Layout(header_row=header_number + header_rows - 1, header_rows=header_rows, columns=columns)
    return layout, [(n, cells) for n, cells, _ in seen[last:]], number


def sheet_layout(fh: IO[bytes], filename: str, columns: dict[str, str], *,
                 synonyms: Mapping[str, Sequence[str]] | None = None,
                 refuse: Callable[[list[str]], str | None] | None = None,
                 suffixes: tuple[str, ...] = (".xlsx", ".csv"), samples: int = 3) -> Layout:
    """The header of the first sheet of `fh` and how each of its columns would be read (field guessed from its
    title and the synonyms), with a few values of each column: what the mapping step shows."""
    raw_rows, _total = _open_rows(fh, filename, suffixes)
    layout, pending, _ = _header(raw_rows, title_lookup(columns, synonyms), refuse)

    def data() -> Iterator[list[Any]]:
        for _, cells in pending:
            yield cells
        yield from raw_rows

    found = 0
    for cells in data():
        texts = [cell_text(c) for c in cells]
        if not any(texts):
            continue
        for column in layout.columns:
            if column.index < len(texts) and texts[column.index]:
                column.samples.append(texts[column.index][:40])
        found += 1
        if found >= samples:
            break
    # Columns with neither a title nor a value are not shown.
    layout.columns = [c for c in layout.columns if c.title or c.samples]
    return layout


def read_sheet(fh: IO[bytes], filename: str, columns: dict[str, str], *, label: str,
               optional: frozenset[str] = frozenset(), refuse: Callable[[list[str]], str | None] | None = None,
               suffixes: tuple[str, ...] = (".xlsx", ".csv"), synonyms: Mapping[str, Sequence[str]] | None = None,
               mapping: dict[int, str] | None = None, strict: bool = False) -> Sheet:
    """Open the first sheet of `fh`, find its header (see `_header`: title or notice rows may stand above it, it
    may take two rows) and read its columns as `mapping` says (column index → field, as the user confirmed it),
    or else as their titles say (`columns`: field → title, and `synonyms`). Every field not in `optional` must
    be read from some column. `strict`: a titled column that is neither mapped nor recognised refuses the file
    (the commands, which cannot ask). `refuse(cells)` may reject the file by one of its first rows (e.g. a
    masked export) by returning the reason."""
    raw_rows, total = _open_rows(fh, filename, suffixes)
    layout, pending, last_read = _header(raw_rows, title_lookup(columns, synonyms), refuse)
    shown = {c.index: c for c in layout.columns}
    if mapping is None:
        positions = {name: index for index, name in layout.mapping.items()}
        unknown = [c for c in layout.unknown if c.title]
        if strict and unknown:
            names = "、".join(f"{c.letter}列“{c.title}”" for c in unknown)
            raise ImportFileError(f"第{layout.header_row}行表头中{names}无法识别。请在网页上导入并确认各列的对应关系，"
                                  f"或把表头改为：{'、'.join(columns.values())}")
    else:
        positions = {}
        for index, name in sorted(mapping.items()):
            if name not in columns:
                raise ImportFileError(f"未知的列“{name}”")
            if name in positions:
                first, second = positions[name], index
                raise ImportFileError(f"{xl_col_to_name(first)}列和{xl_col_to_name(second)}列都读作“{columns[name]}”，"
                                      "一项内容只能对应一列")
            positions[name] = index
    missing = [title for name, title in columns.items() if name not in positions and name not in optional]
    if missing:
        expected = "、".join(columns.values())
        how = ("请在列的对应关系中指定" if mapping is not None
               else f"{label}导入文件的表头应为：{expected}（可下载导入模板）")
        raise ImportFileError(f"第{layout.header_row}行表头缺少列：{'、'.join(missing)}。{how}")
    header_row = layout.header_row

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        def numbered() -> Iterator[tuple[int, list[Any]]]:
            yield from pending
            n = last_read
            for cells in raw_rows:
                n += 1
                yield n, cells

        for n, cells in numbered():
            record = {name: (cells[i] if i < len(cells) else None) for name, i in positions.items()}
            if all(cell_text(v) == "" for v in record.values()):
                continue
            yield n, record

    def title_of(name: str) -> str:
        column = shown.get(positions[name])
        title = column.title.split("·")[-1] if column is not None and column.title else ""
        return title or columns[name]

    return Sheet(rows=rows(), total=max(total - header_row, 0), header_row=header_row,
                 columns={name: title_of(name) for name in columns if name in positions},
                 letters={name: xl_col_to_name(i) for name, i in positions.items()}, positions=dict(positions))


def mapping_from(data: Any) -> dict[int, str] | None:
    """A mapping kept as JSON ({column index as text: field}) back as {index: field}; None when there is none."""
    if not isinstance(data, dict) or not data:
        return None
    return {int(index): str(name) for index, name in data.items()}


def mapping_chosen(layout: Layout, data: Mapping[str, Any], fields: Mapping[str, str],
                   required: frozenset[str] | set[str]) -> tuple[dict[int, str], list[str]]:
    """The mapping the user chose on the mapping step (a select `col_<index>` per column, "" = not imported), and
    what is wrong with it in Chinese. The layout's columns take the choices, so that a refused form shows them."""
    errors: list[str] = []
    mapping: dict[int, str] = {}
    first: dict[str, SheetColumn] = {}
    for column in layout.columns:
        name = str(data.get(f"col_{column.index}", "") or "")
        if name and name not in fields:
            errors.append(f"{column.letter}列的选项无效，请重新选择")
            name = ""
        column.target = name
        if not name:
            continue
        if name in first:
            errors.append(f"“{fields[name]}”对应了{first[name].letter}列和{column.letter}列：一项内容只能对应一列")
            continue
        first[name] = column
        mapping[column.index] = name
    for name in fields:
        if name in required and name not in first:
            errors.append(f"请指定哪一列是“{fields[name]}”（必须导入）")
    return mapping, errors


@contextlib.contextmanager
def opened(file: IO[bytes] | str | Path) -> Iterator[IO[bytes]]:
    """`file` as an open binary file at its start: a path is opened (and closed after), a file object is used as
    it is."""
    if isinstance(file, str | Path):
        try:
            fh: IO[bytes] = open(file, "rb")
        except FileNotFoundError as exc:
            raise ImportFileError(f"文件不存在：{file}") from exc
        except OSError as exc:
            raise ImportFileError(f"无法打开文件 {file}：{exc.strerror}") from exc
        with fh:
            yield fh
    else:
        file.seek(0)
        yield file


# ---------------------------------------------------------------------------------------------------------
# Writing.

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    if not _SPECIAL.search(text):  # the usual case: one scan in C
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _CONTROL.sub("", text)


class RowPlan:
    """How the columns of a fast row are written: for each column its kind — "s" text, "n" number, "d" date (a
    `datetime.date`, or ISO text) — and its format index (`Format._get_xf_index()`, or None). Precomputed once so
    that a row costs a few string joins: rows whose texts need nothing escaped (the usual case) are one
    `str.format` of a template kept per set of non-empty columns."""

    def __init__(self, kinds: Sequence[str], styles: Sequence[int | None]) -> None:
        if len(kinds) != len(styles) or set(kinds) - {"s", "n", "d"}:
            raise ValueError("one kind (s, n or d) and one style per column")
        letters = _letters(len(kinds))
        # (kind, '<c r="B', '" s="3" t="inlineStr"><is><t>' or '" s="3"><v>', closing tags)
        self.columns: list[tuple[str, str, str, str]] = []
        for col, (kind, style) in enumerate(zip(kinds, styles, strict=True)):
            s = f' s="{style}"' if style else ""
            if kind == "s":
                self.columns.append((kind, f'<c r="{letters[col]}', f'"{s} t="inlineStr"><is><t>', "</t></is></c>"))
            else:
                self.columns.append((kind, f'<c r="{letters[col]}', f'"{s}><v>', "</v></c>"))
        self.width = len(kinds)
        # non-empty columns → (template, indexes of its texts, indexes of its dates)
        self.templates: dict[tuple[bool, ...], tuple[str, list[int], list[int]]] = {}

    def _template(self, present: tuple[bool, ...]) -> tuple[str, list[int], list[int]]:
        parts = ['<row r="{0}">']
        for col, ((_kind, head, middle, tail), here) in enumerate(zip(self.columns, present, strict=True)):
            if here:
                esc = lambda text: text.replace("{", "{{").replace("}", "}}")  # noqa: E731
                parts.append(f"{esc(head)}{{0}}{esc(middle)}{{{col + 1}}}{esc(tail)}")
        parts.append("</row>")
        kinds = [kind for kind, *_ in self.columns]
        found = ("".join(parts), [i for i, here in enumerate(present) if here and kinds[i] == "s"],
                 [i for i, here in enumerate(present) if here and kinds[i] == "d"])
        self.templates[present] = found
        return found

    def encode(self, n: int, values: Sequence[Any]) -> str:
        """Row `n` (1-based) as XML. None or "" leaves a cell empty; text loses the characters XML cannot hold
        and keeps its leading and trailing spaces."""
        if len(values) != self.width:
            raise ValueError(f"{len(values)} values for {self.width} columns")
        present = tuple(map(_present, values))
        template, texts, dates = self.templates.get(present) or self._template(present)
        cells = [values[i] for i in texts]
        try:
            joined = "".join(cells)
        except TypeError:  # a text column holding something else
            return self._encode_each(n, values)
        # Characters to escape or drop, or a text starting or ending with white space: a cell at a time.
        if _SPECIAL.search(joined) or len(joined) != sum(map(len, map(str.strip, cells))):
            return self._encode_each(n, values)
        if dates:
            values = list(values)
            for i in dates:
                values[i] = _serial_of(values[i])
        return template.format(n, *values)

    def _encode_each(self, n: int, values: Sequence[Any]) -> str:
        """A row whose texts need escaping, spaces kept or are not all text, a cell at a time."""
        parts = [f'<row r="{n}">']
        append = parts.append
        for (kind, head, middle, tail), value in zip(self.columns, values, strict=True):
            if value is None or value == "":
                continue
            if kind == "s":
                text = _xml_text(str(value))
                if not text:  # nothing left once characters XML cannot hold are dropped
                    continue
                if text[0].isspace() or text[-1].isspace():
                    middle = middle.replace("<t>", '<t xml:space="preserve">')
                append(f"{head}{n}{middle}{text}{tail}")
            elif kind == "d":
                append(f"{head}{n}{middle}{_serial_of(value)}{tail}")
            else:
                append(f"{head}{n}{middle}{value}{tail}")
        append("</row>")
        return "".join(parts)


def _present(value: Any) -> bool:
    return value is not None and value != ""


def _serial_of(value: dt.date | str) -> int:
    if isinstance(value, str):
        return _serial(value[:10])
    return ((value.date() if isinstance(value, dt.datetime) else value) - _EXCEL_EPOCH).days


@lru_cache(maxsize=8192)
def _serial(iso: str) -> int:
    """Excel's serial day number of an ISO date."""
    return (dt.date.fromisoformat(iso) - _EXCEL_EPOCH).days


_LETTERS: list[str] = []


def _letters(count: int) -> list[str]:
    while len(_LETTERS) < count:
        _LETTERS.append(xl_col_to_name(len(_LETTERS)))
    return _LETTERS


class SheetWriter:
    """A one-sheet workbook in constant-memory mode with what every export has: an optional title or notice row,
    a bold header row that stays in view (frozen), column widths and text-formatted code columns. Rows are then
    written in order with `write` (ordinary) or `write_fast` (long exports, after every ordinary row).

    Fast rows are encoded by a `RowPlan`, joined a batch at a time and kept as UTF-8 in a temporary file; `close`
    lets XlsxWriter write the workbook without them (styles, widths, frozen header, merged title …) into memory,
    then copies it to `out`, splicing the fast rows into the first sheet's XML and compressing with zlib level 1
    (XlsxWriter's level 6 takes three times as long for files a few percent smaller)."""

    BATCH = 500

    def __init__(self, out: IO[bytes], sheet_name: str, headers: Sequence[str], *,
                 widths: dict[str, int] | None = None, text_columns: frozenset[str] | set[str] = frozenset(),
                 notice: str = "", notice_style: dict[str, Any] | None = None, merge_notice: bool = False,
                 notice_height: float | None = None) -> None:
        self.out = out
        self.buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(self.buffer, {"constant_memory": True, "strings_to_numbers": False,
                                                          "strings_to_formulas": False, "strings_to_urls": False})
        self.sheet: Worksheet = self.workbook.add_worksheet(sheet_name)
        self.headers = list(headers)
        self.fast_rows: IO[bytes] | None = None  # the fast rows' XML, once there are some
        self.pending: list[str] = []
        self.fast_width = 0
        bold = self.workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "valign": "vcenter",
                                         "text_wrap": True})
        text = self.workbook.add_format({"num_format": "@"})
        widths = widths or {}
        for col, title in enumerate(self.headers):
            self.sheet.set_column(col, col, widths.get(title, 12), text if title in text_columns else None)
        self.row = 0
        if notice:
            style = self.workbook.add_format(notice_style or {"bold": True, "font_color": "#C00000"})
            if notice_height:
                self.sheet.set_row(0, notice_height)
            if merge_notice and len(self.headers) > 1:
                self.sheet.merge_range(0, 0, 0, len(self.headers) - 1, notice, style)
            else:
                self.sheet.write_string(0, 0, notice, style)
            self.row = 1
        for col, title in enumerate(self.headers):
            self.sheet.write_string(self.row, col, title, bold)
        self.sheet.freeze_panes(self.row + 1, 0)
        self.row += 1

    def format(self, properties: dict[str, Any]) -> Format:
        return self.workbook.add_format(properties)

    def write(self, values: Sequence[Any]) -> None:
        if self.fast_rows is not None:
            raise ValueError("ordinary rows come before the fast ones")
        for col, value in enumerate(values):
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.sheet.write_number(self.row, col, value)
            elif value not in ("", None):
                self.sheet.write_string(self.row, col, str(value))
        self.row += 1

    def write_fast(self, values: Sequence[Any], plan: RowPlan) -> None:
        """Write `values` as the next row, as `plan` says (one kind and format per column)."""
        if self.fast_rows is None:
            self.fast_rows = tempfile.TemporaryFile()
        self.row += 1
        self.pending.append(plan.encode(self.row, values))
        self.fast_width = max(self.fast_width, plan.width)
        if len(self.pending) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.pending and self.fast_rows is not None:
            self.fast_rows.write("".join(self.pending).encode())
            self.pending.clear()

    def notes(self, rules: dict[str, str], *, title: str = "填写说明", footer: Sequence[str] = ()) -> None:
        """A second sheet: what each column accepts, then free notes."""
        notes = self.workbook.add_worksheet(title)
        bold = self.workbook.add_format({"bold": True})
        wrap = self.workbook.add_format({"text_wrap": True, "valign": "top"})
        notes.set_column(0, 0, 18)
        notes.set_column(1, 1, 90)
        notes.write_string(0, 0, "列", bold)
        notes.write_string(0, 1, "填写要求", bold)
        for i, (column, rule) in enumerate(rules.items(), start=1):
            notes.write_string(i, 0, column)
            notes.write_string(i, 1, rule, wrap)
        for i, line in enumerate(footer, start=len(rules) + 2):
            notes.write_string(i, 0, "说明" if i == len(rules) + 2 else "")
            notes.write_string(i, 1, line, wrap)

    def close(self) -> None:
        self.workbook.close()
        if self.fast_rows is None:
            self.out.write(self.buffer.getbuffer())
            return
        self._flush()
        try:
            _splice(self.buffer, self.out, self.fast_rows, self.row,
                    max(self.fast_width, len(self.headers), 1))
        finally:
            self.fast_rows.close()


_FIRST_SHEET = "xl/worksheets/sheet1.xml"
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')


def _splice(book: io.BytesIO, out: IO[bytes], rows: IO[bytes], last_row: int, columns: int) -> None:
    """Copy the workbook `book` to `out`, with the XML of `rows` (rows numbered up to `last_row`, at most `columns`
    wide) added at the end of the first sheet's data."""
    book.seek(0)
    rows.seek(0)
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != _FIRST_SHEET:
                target.writestr(info.filename, data)
                continue
            xml = data.decode()
            if "</sheetData>" not in xml:
                xml = xml.replace("<sheetData/>", "<sheetData></sheetData>", 1)
            head, tail = xml.split("</sheetData>", 1)
            head = _DIMENSION.sub(f'<dimension ref="A1:{_letters(columns)[columns - 1]}{last_row}"/>', head, count=1)
            with target.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(head.encode())
                shutil.copyfileobj(rows, sheet, 1 << 20)
                sheet.write(f"</sheetData>{tail}".encode())


def xlsx_attachment(data: io.BytesIO, filename: str) -> FileResponse:
    """A download of an .xlsx written to `data`, named `filename` (Chinese names survive every browser)."""
    data.seek(0)
    response = FileResponse(data, content_type=XLSX)
    response["Content-Disposition"] = attachment_disposition(filename, "export.xlsx")
    return response


def store_upload(upload: Any) -> Path:
    """Save an uploaded import file under MEDIA_ROOT/imports/ for its background job; returns where."""
    import uuid

    from django.utils import timezone

    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / f"{timezone.now():%Y%m%d%H%M%S}-{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    # Only this user reads it (0600), like every upload (FILE_UPLOAD_PERMISSIONS).
    with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target
