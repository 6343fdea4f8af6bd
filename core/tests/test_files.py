"""Uploads are judged by their content: the first bytes (or, for .docx and .xlsx, the zip's [Content_Types].xml)
must be those of the kind the extension names, for every extension allowed today."""

import io
import zipfile

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from core.files import DOCUMENT_SUFFIXES, content_matches, upload_error

# A Windows program: what "病毒.exe" renamed 报告.pdf or 名册.xlsx really holds.
EXE = (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
       + b"This program cannot be run in DOS mode.")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


def xlsx_bytes() -> bytes:
    data = io.BytesIO()
    workbook = xlsxwriter.Workbook(data, {"in_memory": True})
    workbook.add_worksheet().write(0, 0, "姓名")
    workbook.close()
    return data.getvalue()


def docx_bytes() -> bytes:
    from docx import Document

    data = io.BytesIO()
    document = Document()
    document.add_paragraph("整改情况报告")
    document.save(data)
    return data.getvalue()


def _retyped(ooxml: bytes, old: bytes, new: bytes) -> bytes:
    """The same package with one content type of its [Content_Types].xml replaced."""
    source, out = zipfile.ZipFile(io.BytesIO(ooxml)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                assert old in content
                content = content.replace(old, new)
            target.writestr(info, content)
    return out.getvalue()


def zip_without_types() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

GENUINE = {".pdf": PDF, ".doc": OLE2, ".wps": OLE2, ".xls": OLE2, ".et": OLE2, ".jpg": JPG, ".jpeg": JPG,
           ".png": PNG}


def test_every_allowed_kind_has_a_content_rule():
    assert set(GENUINE) | {".docx", ".xlsx"} == DOCUMENT_SUFFIXES


@pytest.mark.parametrize("suffix", sorted(GENUINE))
def test_a_genuine_file_matches_its_extension(suffix):
    assert content_matches(io.BytesIO(GENUINE[suffix]), suffix)
    assert content_matches(io.BytesIO(GENUINE[suffix]), suffix.upper())


def test_genuine_office_open_xml_files_match():
    assert content_matches(io.BytesIO(xlsx_bytes()), ".xlsx")
    assert content_matches(io.BytesIO(docx_bytes()), ".docx")
    assert content_matches(io.BytesIO("姓名,性别\r\n张三,男\r\n".encode("gbk")), ".csv")
    assert content_matches(io.BytesIO("姓名,性别\r\n张三,男\r\n".encode("utf-8-sig")), ".csv")


@pytest.mark.parametrize("suffix", sorted(DOCUMENT_SUFFIXES | {".csv"}))
def test_a_renamed_program_matches_no_kind(suffix):
    assert not content_matches(io.BytesIO(EXE), suffix)


@pytest.mark.parametrize(("content", "suffix"), [
    (xlsx_bytes(), ".docx"),  # a workbook named as a document
    (docx_bytes(), ".xlsx"),  # and the other way round
    (_retyped(xlsx_bytes(), XLSX_MAIN, b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"), ".xlsx"),  # .xlsm
    (_retyped(docx_bytes(), DOCX_MAIN, b"application/vnd.ms-word.document.macroEnabled.main+xml"), ".docx"),  # .docm
    (zip_without_types(), ".xlsx"),
    (b"PK\x03\x04 not really a zip", ".xlsx"),
    (PDF, ".jpg"),
    (PNG, ".pdf"),
    (JPG, ".png"),
    (OLE2, ".pdf"),
    (PDF, ".xls"),
    (b"\x00\x01\x02binary", ".csv"),
    (b"", ".pdf"),
])
def test_content_of_another_kind_does_not_match(content, suffix):
    assert not content_matches(io.BytesIO(content), suffix)


def test_an_extension_without_a_rule_never_matches():
    assert not content_matches(io.BytesIO(PDF), ".exe")
    assert not content_matches(io.BytesIO(b"text"), ".txt")


def test_the_file_is_read_again_from_its_start():
    upload = SimpleUploadedFile("名册.xlsx", xlsx_bytes())
    upload.read(10)
    assert content_matches(upload, ".xlsx")
    assert upload.tell() == 0
    assert upload.read() == xlsx_bytes()


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("名册.xlsx", EXE, "Excel表格"),
    ("报告.pdf", EXE, "PDF文件"),
    ("照片.jpg", EXE, "JPG图片"),
    ("整改方案.docx", xlsx_bytes(), "Word文档"),
    ("台账.xls", PDF, "Excel表格"),
])
def test_upload_error_refuses_a_file_whose_content_is_not_its_extension_in_chinese(name, content, kind):
    error = upload_error(SimpleUploadedFile(name, content), label="佐证材料")
    assert error == f"佐证材料“{name}”的内容不是{kind}，与扩展名不符（可能是改了扩展名的其他文件），不能上传"


@pytest.mark.parametrize(("name", "content"), [("名册.xlsx", xlsx_bytes()), ("方案.docx", docx_bytes()),
                                               *[(f"材料{suffix}", content) for suffix, content in GENUINE.items()]])
def test_upload_error_accepts_every_genuine_kind(name, content):
    assert upload_error(SimpleUploadedFile(name, content)) is None


def test_the_extension_rule_still_comes_first():
    assert upload_error(SimpleUploadedFile("病毒.exe", EXE)) == (
        "附件只能是PDF、Word（.doc、.docx、.wps）、Excel（.xls、.xlsx、.et）或JPG、PNG图片")
