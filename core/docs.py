"""Official documents (公文) as .docx in the GB/T 9704-2012 layout, for every app that issues them (feedback
letters now; bulletins and notices later).

An `OfficialDocument` says what a document is — issuer, number, title, recipient, body, signature, date, 附件,
版记 — and `render_docx` lays it out: A4, margins 37/35/28/26 mm (版心 156×225 mm), 3号仿宋 body at 22 lines of
28 characters, 2号小标宋 title, the red head with its red separator line, 4号宋体 page numbers “— 1 —” on the
right of odd pages and the left of even ones, and the 版记 between its lines at the foot of the last page.

The body is plain text, one paragraph a line: “一、” starts a level-1 heading (黑体), “（一）” a level-2 heading
(楷体), “1.” a level-3 heading (仿宋, bold); any other line is a paragraph.
"""

import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

# Fonts by their Chinese names, as Chinese Word templates name them; each with the names a machine without it
# may know it by (w:altName in the font table).
FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
SONGTI = "宋体"
XIAOBIAOSONG = "方正小标宋简体"
FONT_ALTERNATES = {
    FANGSONG: "仿宋",
    KAITI: "楷体",
    HEITI: "SimHei",
    SONGTI: "SimSun",
    XIAOBIAOSONG: "华文中宋",
}

# GB/T 9704-2012 sizes: 2号 22 pt, 3号 16 pt, 4号 14 pt.
SIZE_2 = Pt(22)
SIZE_3 = Pt(16)
SIZE_4 = Pt(14)
RED = RGBColor(0xFF, 0x00, 0x00)

# The 版心 is 156 × 225 mm: 22 lines of 28 characters of 3号 type.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
LINE_PITCH = Pt(28.95)          # 225 mm / 22 lines, rounded down so 22 lines fit
LINE_PITCH_TWIPS = 579          # the same in twentieths of a point, for w:docGrid
CHAR_SPACING = -5               # −¼ pt between characters: 28 × (16 − ¼) pt = 441 pt ≤ 156 mm = 442.2 pt
CHAR_WIDTH = 16 + CHAR_SPACING / 20  # one character of 3号 with that spacing, in points
INDENT_2 = Pt(2 * CHAR_WIDTH)   # 左空二字 at 3号

LEVEL1 = re.compile(r"^[一二三四五六七八九十]+、")
LEVEL2 = re.compile(r"^（[一二三四五六七八九十]+）")
LEVEL3 = re.compile(r"^\d+[.．]")


@dataclass(frozen=True)
class OfficialDocument:
    """What an official document says; `render_docx` lays it out.

    issuer: 发文机关标志 (the red head), e.g. 示范市委主题教育领导小组办公室.
    number: 发文字号, e.g. 教育办督〔2023〕1号; empty for a draft (then `draft` marks it “（草稿）”).
    recipient: 主送机关 (a full-width colon is added when missing).
    body: plain text, one paragraph a line (see the module's doc for headings).
    signature: 发文机关署名, one or more lines; date: 成文日期.
    attachments: 附件说明, one name per attachment.
    copies_to: 抄送机关; printed_by and printed_on: 印发机关 and 印发日期 of the 版记.
    """

    issuer: str
    title: str
    body: str
    number: str = ""
    recipient: str = ""
    signature: Sequence[str] = ()
    date: dt.date | None = None
    attachments: Sequence[str] = ()
    copies_to: Sequence[str] = ()
    printed_by: str = ""
    printed_on: dt.date | None = None
    draft: bool = False
    # Extra words in the file's core properties (the app that made it, its record).
    keywords: Sequence[str] = ()


def document_date(value: dt.date) -> str:
    """成文日期 as GB/T 9704-2012 writes it: Arabic numerals, the year in full, no leading zeros."""
    return f"{value.year}年{value.month}月{value.day}日"


def heading_level(line: str) -> int:
    """1 for “一、…”, 2 for “（一）…”, 3 for “1. …”, 0 for a paragraph."""
    if LEVEL1.match(line):
        return 1
    if LEVEL2.match(line):
        return 2
    if LEVEL3.match(line):
        return 3
    return 0


# ---------------------------------------------------------------------------------------------------------
# Low-level helpers: python-docx has no API for East Asian fonts, borders, the document grid or fields.


def set_font(run: Run, name: str, size: Pt | None = None, *, bold: bool | None = None,
             color: RGBColor | None = None) -> Run:
    """The run's font for Chinese and Latin text alike (w:rFonts ascii, hAnsi, eastAsia and cs)."""
    run.font.name = name  # ascii and hAnsi
    rpr = run._r.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    return run


def _exact_lines(paragraph: Paragraph, pitch: Pt = LINE_PITCH) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = pitch
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _border(paragraph: Paragraph, side: str, *, size_eighths: int, color: str, space_pt: int = 0) -> None:
    """A line on one side of the paragraph (w:pBdr); size in eighths of a point."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # w:pBdr comes before w:spacing, w:ind, w:jc... in CT_PPr's sequence.
        anchor = next((child for child in ppr if child.tag in {qn("w:shd"), qn("w:tabs"), qn("w:spacing"),
                                                                qn("w:ind"), qn("w:jc"), qn("w:rPr")}), None)
        if anchor is not None:
            anchor.addprevious(borders)
        else:
            ppr.append(borders)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), str(space_pt))
    line.set(qn("w:color"), color)
    borders.append(line)


def _add_field(paragraph: Paragraph, instruction: str, font: str, size: Pt) -> None:
    """A complex field (w:fldChar begin / w:instrText / separate / result / end), e.g. PAGE."""
    def part(kind: str) -> None:
        run = set_font(paragraph.add_run(), font, size)
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    part("begin")
    run = set_font(paragraph.add_run(), font, size)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    part("separate")
    set_font(paragraph.add_run("1"), font, size)
    part("end")


def _document_grid(section_pr: BaseOxmlElement) -> None:
    """The line grid of 22 lines a page (w:docGrid type lines). Characters are not snapped to a grid: Word
    squeezes them into the cells, LibreOffice widens each to two, so 28 a line comes from the character spacing."""
    grid = section_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.attrib.pop(qn("w:charSpace"), None)


def _defaults(doc: DocxDocument) -> None:
    """The document's defaults and the Normal style: 3号仿宋 (explicit fonts, not the theme's), Chinese, justified,
    an exact line pitch and the character pitch of 28 to a line; the font table names each font's alternates."""
    defaults = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if defaults is not None:
        _explicit_fonts(defaults, FANGSONG)
        for tag, value in (("w:sz", "32"), ("w:szCs", "32")):
            element = defaults.find(qn(tag))
            if element is not None:
                element.set(qn("w:val"), value)
        lang = defaults.find(qn("w:lang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    normal.font.name = FANGSONG
    normal.font.size = SIZE_3
    rpr = normal.element.get_or_add_rPr()
    _explicit_fonts(rpr, FANGSONG)
    _char_spacing(rpr)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.widow_control = False
    _font_table(doc)


def _explicit_fonts(rpr: BaseOxmlElement, name: str) -> None:
    """w:rFonts naming `name` for every script, with the theme's font references removed (they would win)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _char_spacing(rpr: BaseOxmlElement, twentieths: int = CHAR_SPACING) -> None:
    """Condensed character spacing (w:spacing in a run's properties), so 28 characters of 3号 fill a line."""
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        # CT_RPr's order: rStyle, rFonts, b, ..., color, spacing, w, kern, position, sz...
        anchor = next((child for child in rpr if child.tag in {qn("w:w"), qn("w:kern"), qn("w:position"),
                                                                qn("w:sz"), qn("w:szCs"), qn("w:highlight"),
                                                                qn("w:u"), qn("w:lang")}), None)
        if anchor is not None:
            anchor.addprevious(spacing)
        else:
            rpr.append(spacing)
    spacing.set(qn("w:val"), str(twentieths))


def _font_table(doc: DocxDocument) -> None:
    """Each Chinese font with w:altName, the name a machine without it may have it under (仿宋_GB2312 → 仿宋)."""
    part = next((rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable")), None)
    if part is None:
        return
    root = parse_xml(part.blob)
    for name, alternate in FONT_ALTERNATES.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt = OxmlElement("w:altName")
        alt.set(qn("w:val"), alternate)
        font.append(alt)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        font.append(charset)
        family = OxmlElement("w:family")
        family.set(qn("w:val"), "modern" if name in (FANGSONG, KAITI, HEITI) else "roman")
        font.append(family)
        pitch = OxmlElement("w:pitch")
        pitch.set(qn("w:val"), "fixed" if name in (FANGSONG, KAITI, HEITI) else "variable")
        font.append(pitch)
        root.append(font)
    # The font table is a plain part to python-docx (no XML object to edit): its bytes are replaced.
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------------------------------------------------
# The parts of the document.


def _page_setup(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.gutter = Mm(0)
    # The page number's top edge sits 7 mm under the 版心: 35 − 7 mm from the page's foot, less its own line.
    section.footer_distance = Mm(35 - 7) - SIZE_4 - Pt(3)
    section.header_distance = Mm(15)
    _document_grid(section._sectPr)


def _page_numbers(doc: DocxDocument) -> None:
    """— 1 — in 4号 半角宋体: odd pages on the right, even pages on the left, one character in from the edge."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, alignment in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = alignment
        _exact_lines(paragraph, Pt(16))
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(0)
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = SIZE_4
        else:
            fmt.left_indent = SIZE_4
        set_font(paragraph.add_run("— "), SONGTI, SIZE_4)
        _add_field(paragraph, "PAGE", SONGTI, SIZE_4)
        set_font(paragraph.add_run(" —"), SONGTI, SIZE_4)


def _head(doc: DocxDocument, document: OfficialDocument) -> None:
    """版头: the issuer in red 小标宋 (as large as fits one line, up to 2号×2), two lines lower the number,
    and 4 mm under it the red separator line across the 版心."""
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # 156 mm of 版心 for the name; a little room for the font's own spacing.
    size = Pt(min(44.0, round(156 / 25.4 * 72 / max(len(document.issuer), 1) * 0.92, 1)))
    _exact_lines(head, Pt(max(size.pt * 1.25, LINE_PITCH.pt)))
    head.paragraph_format.first_line_indent = Pt(0)
    head.paragraph_format.space_before = Mm(35)  # its top edge 35 mm under the 版心's
    set_font(head.add_run(document.issuer), XIAOBIAOSONG, size, color=RED)

    doc.add_paragraph()  # 空二行
    doc.add_paragraph()
    number = doc.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.paragraph_format.first_line_indent = Pt(0)
    _exact_lines(number)
    text = document.number or ("（草稿）" if document.draft else "")
    set_font(number.add_run(text), FANGSONG, SIZE_3)
    # The red line: 4 mm (≈ 11 pt) under the number, as wide as the 版心, 0.35 mm (≈ 1 pt) thick.
    _border(number, "bottom", size_eighths=8, color="FF0000", space_pt=11)


def _title(doc: DocxDocument, document: OfficialDocument) -> None:
    """红色分隔线下空二行, the title in 2号小标宋, centred, its lines broken by `title_lines`, then 空一行."""
    doc.add_paragraph()
    doc.add_paragraph()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    _exact_lines(title, Pt(35))
    for i, line in enumerate(title_lines(document.title)):
        run = set_font(title.add_run(), XIAOBIAOSONG, SIZE_2)
        if i:
            run.add_break()
        run.add_text(line)
    doc.add_paragraph()


TITLE_CHARS = 20  # characters of 2号 to a line of the 版心
TITLE_BREAKS_AFTER = "的和与及、，"
TITLE_BREAKS_BEFORE = ("主题教育", "关于")
# Words of official titles a line must not cut (without a segmenter, the ones these documents use).
TITLE_WORDS = tuple("""主题 教育 督促 指导 督导 情况 反馈 意见 整改 问题 工作 学习 调研 调查研究 调查 研究 落实
领导 小组 办公室 党支部 党总支 党委 党组 支部 通知 通报 简报 方案 报告 专题 组织 民主生活会 组织生活会
班子 建设 检视 整治 成果 经验 做法 关于 开展 有关 事项 进一步 加强""".split())
NO_LINE_START = "，。、；：）》”’"


def title_lines(title: str) -> list[str]:
    """The title's lines: as written when it has line breaks; else a title too long for one line is cut into lines
    of nearly equal length, preferring a cut after 的、和、与、及 or a comma, or before 主题教育, near the middle; never
    inside a word it knows, before closing punctuation, nor inside a number."""
    written = [line.strip() for line in title.splitlines() if line.strip()]
    if len(written) != 1 or _width(written[0]) <= TITLE_CHARS:
        return written or [""]
    rest = written[0]
    count = -(-int(_width(rest) + 0.5) // TITLE_CHARS)
    lines: list[str] = []
    for remaining in range(count, 1, -1):
        cut = _title_cut(rest, -(-len(rest) // remaining))
        lines.append(rest[:cut])
        rest = rest[cut:]
    return [*lines, rest]


def _title_cut(text: str, ideal: int) -> int:
    inside = {start + k for word in TITLE_WORDS for start in _occurrences(text, word) for k in range(1, len(word))}

    def allowed(cut: int) -> bool:
        return (0 < cut < len(text) and _width(text[:cut]) <= TITLE_CHARS and text[cut] not in NO_LINE_START
                and not (text[cut - 1].isascii() and text[cut - 1].isalnum()
                         and text[cut].isascii() and text[cut].isalnum()))

    def rank(cut: int) -> tuple[bool, bool, int, int]:
        good = text[cut - 1] in TITLE_BREAKS_AFTER or text.startswith(TITLE_BREAKS_BEFORE, cut)
        return (cut in inside, not good, abs(cut - ideal), -cut)

    window = [cut for cut in range(ideal - 4, ideal + 4) if allowed(cut)]
    if window:
        return min(window, key=rank)
    return next((cut for cut in range(min(len(text) - 1, TITLE_CHARS), 0, -1) if allowed(cut)), ideal)


def _occurrences(text: str, word: str) -> list[int]:
    return [i for i in range(len(text)) if text.startswith(word, i)]


def _recipient(doc: DocxDocument, document: OfficialDocument) -> None:
    if not document.recipient:
        return
    text = document.recipient.strip().rstrip(":：") + "："
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(0)  # 居左顶格
    set_font(paragraph.add_run(text), FANGSONG, SIZE_3)


def _body(doc: DocxDocument, document: OfficialDocument) -> None:
    for raw in document.body.splitlines():
        line = raw.strip()
        if not line:
            continue
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.first_line_indent = INDENT_2
        level = heading_level(line)
        if level == 1:
            set_font(paragraph.add_run(line), HEITI, SIZE_3)
        elif level == 2:
            set_font(paragraph.add_run(line), KAITI, SIZE_3)
        elif level == 3:
            # The heading in bold 仿宋 — “1.” and its first sentence — the rest of the paragraph plain.
            head_end = level3_heading_end(line)
            set_font(paragraph.add_run(line[:head_end]), FANGSONG, SIZE_3, bold=True)
            if head_end < len(line):
                set_font(paragraph.add_run(line[head_end:]), FANGSONG, SIZE_3)
        else:
            set_font(paragraph.add_run(line), FANGSONG, SIZE_3)


def level3_heading_end(line: str) -> int:
    """How much of a “1.” line is its heading (bold): up to its first 。 when text follows; a line that fits on
    one line and has no such sentence is all heading; a longer one is an item, and only “1.” is bold."""
    stop = line.find("。")
    if 0 <= stop < len(line) - 1:
        return stop + 1
    if _width(line) <= CHARS_PER_LINE - 2:
        return len(line)
    number = LEVEL3.match(line)
    return number.end() if number else 0


def _attachments(doc: DocxDocument, document: OfficialDocument) -> None:
    """附件说明: 正文下空一行，左空二字 “附件：”; several are numbered, their names aligned."""
    if not document.attachments:
        return
    doc.add_paragraph()
    names = list(document.attachments)
    for i, name in enumerate(names):
        paragraph = doc.add_paragraph()
        fmt = paragraph.paragraph_format
        if len(names) == 1:
            fmt.first_line_indent = INDENT_2
            set_font(paragraph.add_run(f"附件：{name}"), FANGSONG, SIZE_3)
            continue
        # Names align after “附件：”: the first line hangs from 5 characters in.
        fmt.left_indent = Pt(16 * 5)
        fmt.first_line_indent = Pt(-16 * 3) if i == 0 else Pt(0)
        prefix = "附件：" if i == 0 else ""
        set_font(paragraph.add_run(f"{prefix}{i + 1}.{name}"), FANGSONG, SIZE_3)


def _signature(doc: DocxDocument, document: OfficialDocument) -> None:
    """落款 of a document without a seal (GB/T 9704-2012 7.3.5.2): 正文下空一行右空二字 the 署名 (its lines centred
    on one another), on the next line the 成文日期 starting two characters right of the 署名's start; a date
    longer than that keeps 右空二字 and the 署名 moves left."""
    if not document.signature and not document.date:
        return
    doc.add_paragraph()
    date = document_date(document.date) if document.date else ""
    block = max((_width(line) for line in document.signature), default=0.0)
    date_width = _width(date)
    # Right spaces in characters: the 署名 block's, and the date's.
    if date and 2 + date_width > block:
        date_right = 2.0
        block_right = date_right + date_width + 2 - block
    else:
        block_right = 2.0
        date_right = block_right + block - 2 - date_width if date else 0.0
    for line in document.signature:
        _right_aligned(doc, line, block_right + (block - _width(line)) / 2)
    if date:
        _right_aligned(doc, date, date_right)


def _right_aligned(doc: DocxDocument, text: str, right_chars: float) -> Paragraph:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.right_indent = Pt(round(CHAR_WIDTH * right_chars, 2))
    set_font(paragraph.add_run(text), FANGSONG, SIZE_3)
    return paragraph


def _width(text: str) -> float:
    """Width in 3号 characters: full-width 1, ASCII (a date's digits) ½."""
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


# The 版心's width. The table is placed from the page's left edge, not the margin's: LibreOffice lays a floating
# table as wide as the margins inline, one placed against the page it floats.
IMPRINT_WIDTH = Mm(156)


def _imprint(doc: DocxDocument, document: OfficialDocument) -> Table | None:
    """版记 at the foot of the last page: 抄送 and 印发机关、印发日期 in 4号仿宋, each row between lines, the first
    and last line thick (0.35 mm), those between thin (0.25 mm). A floating table anchored to the bottom of the
    版心 (w:tblpPr), so it sits at the foot of the page whatever the body's length."""
    rows: list[tuple[str, str]] = []
    if document.copies_to:
        rows.append(("抄送：" + "，".join(document.copies_to) + "。", ""))
    if document.printed_by or document.printed_on:
        rows.append((document.printed_by,
                     f"{document_date(document.printed_on)}印发" if document.printed_on else ""))
    if not rows:
        return None
    table = doc.add_table(rows=len(rows), cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    style = tbl_pr.find(qn("w:tblStyle"))
    if style is not None:
        tbl_pr.remove(style)
    # CT_TblPr's order: tblStyle, tblpPr, tblOverlap, bidiVisual, tblStyleRowBandSize, tblStyleColBandSize, tblW,
    # jc, tblCellSpacing, tblInd, tblBorders, shd, tblLayout, tblCellMar, tblLook.
    position = _element("w:tblpPr", leftFromText="0", rightFromText="0", topFromText="0", bottomFromText="0",
                        vertAnchor="margin", tblpYSpec="bottom", horzAnchor="page",
                        tblpX=str(MARGIN_LEFT.twips))
    tbl_pr.insert(0, position)
    position.addnext(_element("w:tblOverlap", val="never"))
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.find(qn("w:tblOverlap")).addnext(_element("w:tblW", w=str(IMPRINT_WIDTH.twips), type="dxa"))
    borders = _element("w:tblBorders")
    for side, size in (("top", 8), ("left", 0), ("bottom", 8), ("right", 0), ("insideH", 4), ("insideV", 0)):
        if size:
            borders.append(_element(f"w:{side}", val="single", sz=str(size), space="0", color="000000"))
        else:
            borders.append(_element(f"w:{side}", val="nil"))
    margins = _element("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(_element(f"w:{side}", w="0", type="dxa"))
    layout = tbl_pr.find(qn("w:tblLayout"))  # python-docx's, from autofit = False
    if layout is None:
        layout = _element("w:tblLayout", type="fixed")
        tbl_pr.append(layout)
    layout.addprevious(borders)
    layout.addnext(margins)
    table.columns[0].width = IMPRINT_WIDTH
    for row, (left, right) in zip(table.rows, rows, strict=True):
        cell = row.cells[0]
        cell.width = IMPRINT_WIDTH
        paragraph = cell.paragraphs[0]
        _exact_lines(paragraph, LINE_PITCH)
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.left_indent = SIZE_4  # 左空一字
        fmt.right_indent = SIZE_4  # 右空一字
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        if right:
            # 印发机关 on the left, 印发日期 on the right: a right tab one character in from the cell's edge.
            fmt.right_indent = Pt(0)
            fmt.tab_stops.add_tab_stop(IMPRINT_WIDTH - SIZE_4, alignment=WD_TAB_ALIGNMENT.RIGHT)
            set_font(paragraph.add_run(f"{left}\t{right}"), FANGSONG, SIZE_4)
        else:
            set_font(paragraph.add_run(left), FANGSONG, SIZE_4)
    return table


def _element(tag: str, **attrs: str) -> BaseOxmlElement:
    """An OOXML element with w: attributes."""
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def render_docx(document: OfficialDocument) -> bytes:
    """The document as .docx bytes, laid out by GB/T 9704-2012."""
    doc = Document()
    _defaults(doc)
    _page_setup(doc)
    _page_numbers(doc)
    body = doc.element.body
    # python-docx's template starts with an empty body; keep it that way (no leading empty paragraph).
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    _head(doc, document)
    _title(doc, document)
    _recipient(doc, document)
    _body(doc, document)
    _attachments(doc, document)
    _signature(doc, document)
    _imprint(doc, document)
    doc.add_paragraph()  # a document ends with a paragraph, after the 版记's table
    properties = doc.core_properties
    properties.title = document.title
    properties.author = document.issuer
    properties.keywords = " ".join(document.keywords)
    properties.language = "zh-CN"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


class ConversionUnavailable(RuntimeError):
    """LibreOffice (soffice) is not installed here."""


def convert_to_pdf(docx: bytes, *, timeout: float = 120) -> bytes:
    """The .docx as PDF, converted by LibreOffice headless in a private profile (so conversions running at the same
    time don't share one). Raises ConversionUnavailable without soffice, RuntimeError when it fails."""
    soffice = shutil.which("soffice")
    if not soffice:
        raise ConversionUnavailable("soffice is not installed (apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="jyb-docs-") as tmp:
        folder = Path(tmp)
        source = folder / "document.docx"
        source.write_bytes(docx)
        done = subprocess.run(
            [soffice, f"-env:UserInstallation={(folder / 'lo').as_uri()}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(folder), str(source)],
            capture_output=True, timeout=timeout, check=False,
        )
        target = folder / "document.pdf"
        if done.returncode != 0 or not target.exists():
            raise RuntimeError(f"soffice failed ({done.returncode}): {done.stderr.decode(errors='replace')[-500:]}")
        return target.read_bytes()
