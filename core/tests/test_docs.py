"""The official-document writer: the .docx opens with python-docx and is laid out by GB/T 9704-2012."""

import datetime as dt
import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from core.docs import (
    OfficialDocument,
    document_date,
    heading_level,
    level3_heading_end,
    render_docx,
    title_lines,
)

BODY = "\n".join([
    "根据市委主题教育领导小组部署，第一联络组对城关区委开展主题教育情况进行了督促指导。现将有关情况反馈如下。",
    "一、发现的主要问题",
    "（一）理论学习方面",
    "1. 专题研讨发言照本宣科。联系思想和工作实际不够。",
    "二、整改要求",
    "请对照反馈的问题逐条整改。",
])


def sample(**changes: Any) -> OfficialDocument:
    values: dict[str, Any] = {
        "issuer": "示范市委主题教育领导小组办公室",
        "number": "教育办督〔2023〕1号",
        "title": "关于对城关区委主题教育督促指导情况的反馈意见",
        "recipient": "城关区委",
        "body": BODY,
        "signature": ("示范市委主题教育领导小组办公室", "第一联络组"),
        "date": dt.date(2023, 10, 10),
        "copies_to": ("市委组织部",),
        "printed_by": "示范市委主题教育领导小组办公室",
        "printed_on": dt.date(2023, 10, 10),
    }
    values.update(changes)
    return OfficialDocument(**values)


def opened(document: OfficialDocument | None = None) -> Any:
    return Document(io.BytesIO(render_docx(document or sample())))


def paragraph(doc: Any, text: str) -> Paragraph:
    """The body paragraph whose text is `text` (or starts with it), line breaks aside."""
    for p in doc.paragraphs:
        flat = p.text.replace("\n", "")
        if flat == text or (text and flat.startswith(text)):
            return p
    raise AssertionError(f"no paragraph {text!r} in {[p.text for p in doc.paragraphs]}")


def east_asian_font(run: Any) -> str | None:
    fonts = run._r.rPr.rFonts
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def effective_alignment(doc: Any, p: Paragraph) -> Any:
    return p.alignment if p.alignment is not None else doc.styles["Normal"].paragraph_format.alignment


def near_mm(length: int | None, mm: float) -> bool:
    return length is not None and abs(Mm(mm) - length) <= Mm(0.5)


def test_the_page_is_a4_with_the_standards_margins() -> None:
    section = opened().sections[0]
    assert near_mm(section.page_width, 210) and near_mm(section.page_height, 297)
    assert near_mm(section.top_margin, 37)
    assert near_mm(section.bottom_margin, 35)
    assert near_mm(section.left_margin, 28)
    assert near_mm(section.right_margin, 26)
    # The 版心 is 156 × 225 mm.
    assert near_mm(section.page_width - section.left_margin - section.right_margin, 156)
    assert near_mm(section.page_height - section.top_margin - section.bottom_margin, 225)


def test_the_body_is_3hao_fangsong_in_its_east_asian_font_indented_two_characters_and_justified() -> None:
    doc = opened()
    p = paragraph(doc, "根据市委主题教育领导小组部署")
    assert p.runs
    for run in p.runs:
        assert east_asian_font(run) == "仿宋_GB2312"
        assert run.font.name == "仿宋_GB2312"
        assert run.font.size == Pt(16)
    assert p.paragraph_format.first_line_indent is not None
    assert abs(p.paragraph_format.first_line_indent - Pt(31.5)) <= Pt(0.6)  # two characters of 3号
    assert effective_alignment(doc, p) == WD_ALIGN_PARAGRAPH.JUSTIFY
    # The Normal style says so too, in every script, not through the theme's fonts.
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert fonts.get(qn("w:eastAsiaTheme")) is None
    defaults = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert defaults.get(qn("w:eastAsia")) == "仿宋_GB2312" and defaults.get(qn("w:eastAsiaTheme")) is None


def test_lines_are_a_fixed_28_95_points_so_22_fit_the_page() -> None:
    doc = opened()
    normal = doc.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.line_spacing == Pt(28.95)
    assert 22 * Pt(28.95) <= Mm(225) < 23 * Pt(28.95)
    body = paragraph(doc, "根据市委主题教育领导小组部署")
    assert body.paragraph_format.line_spacing in (None, Pt(28.95))
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"


def test_28_characters_of_3hao_fit_a_line_of_the_type_area() -> None:
    doc = opened()
    spacing = doc.styles["Normal"].element.rPr.find(qn("w:spacing"))
    per_character = Pt(16 + int(spacing.get(qn("w:val"))) / 20)
    assert 28 * per_character <= Mm(156) < 29 * per_character


def test_the_head_is_the_issuer_in_red_centred_xiaobiaosong() -> None:
    doc = opened()
    head = doc.paragraphs[0]
    assert head.text == "示范市委主题教育领导小组办公室"
    assert head.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = head.runs[0]
    assert run.font.color.rgb == RGBColor(0xFF, 0x00, 0x00)
    assert east_asian_font(run) == "方正小标宋简体"
    # As large as fits one line of the 版心.
    assert Pt(22) <= run.font.size and len(head.text) * run.font.size <= Mm(156)


def test_the_number_is_centred_3hao_fangsong_above_a_red_line() -> None:
    doc = opened()
    number = paragraph(doc, "教育办督〔2023〕1号")
    assert number.text == "教育办督〔2023〕1号"
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert number.runs[0].font.size == Pt(16) and east_asian_font(number.runs[0]) == "仿宋_GB2312"
    ppr = number._p.pPr
    assert ppr is not None
    line = ppr.find(f"{qn('w:pBdr')}/{qn('w:bottom')}")
    assert line is not None and line.get(qn("w:color")) == "FF0000" and line.get(qn("w:val")) == "single"
    # The number comes after the head and before the title.
    texts = [p.text.replace("\n", "") for p in doc.paragraphs]
    assert texts.index("示范市委主题教育领导小组办公室") < texts.index("教育办督〔2023〕1号") < texts.index(
        "关于对城关区委主题教育督促指导情况的反馈意见")
    # 空二行 between the head and the number.
    assert texts[texts.index("教育办督〔2023〕1号") - 2:texts.index("教育办督〔2023〕1号")] == ["", ""]


def test_a_draft_has_no_number_but_says_draft() -> None:
    doc = opened(sample(number="", draft=True))
    texts = [p.text for p in doc.paragraphs]
    assert "（草稿）" in texts
    assert not any("〔" in text for text in texts)


def test_the_title_is_2hao_xiaobiaosong_centred() -> None:
    doc = opened()
    title = paragraph(doc, "关于对城关区委主题教育督促指导情况的反馈意见")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.paragraph_format.first_line_indent == 0
    for run in title.runs:
        assert run.font.size == Pt(22)
        assert east_asian_font(run) == "方正小标宋简体"


def test_a_long_title_breaks_between_words_into_balanced_lines() -> None:
    doc = opened()
    # Too long for one line (20 characters of 2号): cut before 主题教育, not where the line happens to fill.
    assert paragraph(doc, "关于对城关区委").text == "关于对城关区委\n主题教育督促指导情况的反馈意见"
    assert title_lines("关于对东关村党支部主题教育督促指导情况的反馈意见") == [
        "关于对东关村党支部", "主题教育督促指导情况的反馈意见"]
    assert title_lines("关于进一步加强主题教育期间调查研究成果转化运用工作的通知") == [
        "关于进一步加强主题教育期间", "调查研究成果转化运用工作的通知"]
    for title in ("关于开展专题党课的通知", "第一行\n第二行"):
        assert title_lines(title) == title.split("\n")
    # No line is wider than the 版心.
    for line in title_lines("关于对示范市市场监督管理局党组和河西县委主题教育督促指导情况的反馈意见"):
        assert 0 < len(line) <= 20


def test_the_recipient_stands_flush_left_and_ends_with_a_full_width_colon() -> None:
    doc = opened(sample(recipient="城关区委:"))
    recipient = paragraph(doc, "城关区委：")
    assert recipient.text == "城关区委："
    assert recipient.paragraph_format.first_line_indent == 0


def test_headings_are_heiti_kaiti_and_bold_fangsong_by_level() -> None:
    doc = opened()
    level1 = paragraph(doc, "一、发现的主要问题")
    assert east_asian_font(level1.runs[0]) == "黑体" and not level1.runs[0].font.bold
    level2 = paragraph(doc, "（一）理论学习方面")
    assert east_asian_font(level2.runs[0]) == "楷体_GB2312"
    level3 = paragraph(doc, "1. 专题研讨发言照本宣科。")
    assert level3.runs[0].text == "1. 专题研讨发言照本宣科。"
    assert level3.runs[0].font.bold and east_asian_font(level3.runs[0]) == "仿宋_GB2312"
    assert level3.runs[1].text == "联系思想和工作实际不够。" and not level3.runs[1].font.bold
    for p in (level1, level2, level3):
        assert p.runs[0].font.size == Pt(16)
        assert p.paragraph_format.first_line_indent > 0


def test_a_level3_item_too_long_for_a_heading_bolds_only_its_number() -> None:
    short = "1. 学习不深入"
    long = "2. 专题研讨发言照本宣科，联系思想和工作实际不够，会前准备不充分（已列入问题清单）"
    assert level3_heading_end(short) == len(short)
    assert long[:level3_heading_end(long)] == "2."
    assert [heading_level(line) for line in ("一、要求", "（二）方面", "3. 事项", "正文")] == [1, 2, 3, 0]


def test_page_numbers_are_page_fields_right_on_odd_pages_and_left_on_even_ones() -> None:
    doc = opened()
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for footer in (odd, even):
        instructions = "".join(t.text for t in footer._p.iter(qn("w:instrText")))
        assert instructions.strip() == "PAGE"
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert all(run.font.size == Pt(14) for run in footer.runs)  # 4号
        assert east_asian_font(footer.runs[0]) == "宋体"
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert odd.paragraph_format.right_indent == Pt(14) and even.paragraph_format.left_indent == Pt(14)


def test_the_signature_stands_right_above_the_date_in_arabic_numerals() -> None:
    doc = opened()
    texts = [p.text for p in doc.paragraphs]
    office = len(texts) - 1 - texts[::-1].index("示范市委主题教育领导小组办公室")
    assert texts[office + 1] == "第一联络组"
    assert texts[office + 2] == "2023年10月10日"
    date = doc.paragraphs[office + 2]
    signature = doc.paragraphs[office]
    assert date.alignment == WD_ALIGN_PARAGRAPH.RIGHT and signature.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # 署名右空二字; the date starts two characters right of the 署名's start.
    assert abs(signature.paragraph_format.right_indent - Pt(31.5)) <= Pt(0.6)
    assert date.paragraph_format.right_indent > signature.paragraph_format.right_indent
    assert document_date(dt.date(2023, 1, 5)) == "2023年1月5日"


def test_the_imprint_floats_at_the_foot_of_the_page_between_thick_and_thin_lines() -> None:
    doc = opened()
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert [row.cells[0].text for row in table.rows] == ["抄送：市委组织部。",
                                                         "示范市委主题教育领导小组办公室\t2023年10月10日印发"]
    tbl_pr = table._tbl.tblPr
    position = tbl_pr.find(qn("w:tblpPr"))
    assert position.get(qn("w:vertAnchor")) == "margin" and position.get(qn("w:tblpYSpec")) == "bottom"
    borders = tbl_pr.find(qn("w:tblBorders"))
    assert borders.find(qn("w:top")).get(qn("w:sz")) == "8"      # 0.35 mm
    assert borders.find(qn("w:bottom")).get(qn("w:sz")) == "8"
    assert borders.find(qn("w:insideH")).get(qn("w:sz")) == "4"  # 0.25 mm
    for row in table.rows:
        run = row.cells[0].paragraphs[0].runs[0]
        assert run.font.size == Pt(14) and east_asian_font(run) == "仿宋_GB2312"


def test_a_document_without_imprint_or_attachments_has_no_table() -> None:
    doc = opened(sample(copies_to=(), printed_by="", printed_on=None))
    assert doc.tables == []


def test_attachments_follow_the_body_numbered_after_a_blank_line() -> None:
    doc = opened(sample(attachments=("问题清单", "整改台账")))
    texts = [p.text for p in doc.paragraphs]
    first = texts.index("附件：1.问题清单")
    assert texts[first - 1] == ""
    assert texts[first + 1] == "2.整改台账"
    assert texts.index("请对照反馈的问题逐条整改。") < first


def test_the_font_table_names_alternates_for_machines_without_the_gb2312_fonts() -> None:
    doc = opened()
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable"))
    xml = part.blob.decode()
    assert 'w:name="仿宋_GB2312"' in xml and 'w:val="仿宋"' in xml


def test_the_files_properties_carry_the_title_and_issuer() -> None:
    properties = opened().core_properties
    assert properties.title == "关于对城关区委主题教育督促指导情况的反馈意见"
    assert properties.author == "示范市委主题教育领导小组办公室"
