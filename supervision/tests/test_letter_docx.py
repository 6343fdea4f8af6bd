"""The feedback letter's .docx: the letter's own words in the GB/T 9704 layout, and a file LibreOffice opens."""

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from campaigns.selectors import office_name
from core.docs import convert_to_pdf
from supervision import services
from supervision.letters import letter_document, letter_docx

OFFICE = "示范市委主题教育领导小组办公室"


@pytest.fixture
def letter(people: dict[str, Any], tree: Any, make_finding: Any) -> Any:
    """A draft to county A with two findings of one visit (one of them on the problem list)."""
    first = make_finding()
    second = make_finding(visit=first.visit, description="调研蹲点时间不足，调研报告问题分析不深",
                          requirement="research")
    return services.letter_create(actor=people["liaison"], group=people["group_a"], organization=tree.county_a,
                                  findings=[first, second], reply_due_on=dt.date(2023, 10, 31))


def texts_of(data: bytes) -> list[str]:
    """The paragraphs' texts, line breaks (the title's) aside."""
    return [p.text.replace("\n", "") for p in Document(io.BytesIO(data)).paragraphs if p.text]


def test_an_issued_letter_renders_its_number_title_recipient_findings_and_signature_in_order(
        letter: Any, people: dict[str, Any]) -> None:
    letter = services.letter_issue(actor=people["liaison"], letter=letter)
    texts = texts_of(letter_docx(letter))

    def at(text: str) -> int:
        return next(i for i, line in enumerate(texts) if text in line)

    def last(text: str) -> int:
        return max(i for i, line in enumerate(texts) if line == text)

    order = [at(OFFICE), at("教育办督〔2023〕1号"), at(letter.title), at("城关区委："),
             at("专题研讨发言照本宣科，联系思想和工作实际不够"), at("调研蹲点时间不足，调研报告问题分析不深"),
             at("请于2023年10月31日前"), last(OFFICE), last("第一联络组"), last("2023年10月10日")]
    assert order == sorted(order)
    assert texts[0] == OFFICE
    assert "教育办督〔2023〕1号" in texts
    assert texts[at(letter.title)] == letter.title
    # 落款: the office over the group, then the date; the 版记 names the office and the day it was issued.
    assert texts[last(OFFICE):] == [OFFICE, "第一联络组", "2023年10月10日"]
    imprint = Document(io.BytesIO(letter_docx(letter))).tables[0]
    assert imprint.rows[-1].cells[0].text == f"{OFFICE}\t2023年10月10日印发"


def test_a_draft_letter_carries_no_number_and_is_dated_today(letter: Any) -> None:
    document = letter_document(letter)
    assert document.draft and document.number == ""
    assert document.date == dt.date(2023, 10, 10)
    texts = texts_of(letter_docx(letter))
    assert "（草稿）" in texts
    assert not any("〔2023〕" in text for text in texts)


def test_the_letter_is_issued_by_the_office_over_the_groups_name(letter: Any, people: dict[str, Any]) -> None:
    letter = services.letter_issue(actor=people["liaison"], letter=letter)
    document = letter_document(letter)
    assert document.issuer == office_name(letter.organization) == OFFICE
    assert document.number == letter.number
    assert (document.title, document.recipient, document.body) == (letter.title, letter.recipient, letter.body)
    assert list(document.signature) == [OFFICE, "第一联络组"]
    assert document.date == document.printed_on == letter.issued_on
    assert document.printed_by == OFFICE


def test_libreoffice_converts_the_letter_to_a_pdf_that_shows_its_title(letter: Any, people: dict[str, Any]) -> None:
    if not shutil.which("soffice"):
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        if os.environ.get("JYB_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(f"JYB_REQUIRE_LIBREOFFICE=1 but {message}")
        pytest.skip(message)
    letter = services.letter_issue(actor=people["liaison"], letter=letter)
    pdf = convert_to_pdf(letter_docx(letter), timeout=120)
    assert pdf.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        return  # poppler-utils missing: the PDF exists, its text is not checked
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "letter.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True,
                              timeout=60).stdout.decode()
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", letter.title) in flat
    assert "教育办督〔2023〕1号" in flat
    assert "—1—" in flat  # the page number's field, laid out
