"""Uploaded files kept as records (evidence, visit materials, submissions): one rule for what may be uploaded
and one way to fingerprint it, so every app checks files the same way.

A file is judged by its content, not only its name: its first bytes (or, for .docx and .xlsx, the zip's
[Content_Types].xml) must be those of the kind its extension names (`content_matches`), so a program renamed
报告.pdf or 名册.xlsx is refused."""

import hashlib
import re
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

# Office documents, PDFs and photos: what units and groups keep as proof; nothing executable.
DOCUMENT_SUFFIXES = frozenset({".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".jpg", ".jpeg", ".png"})
DOCUMENT_KINDS = "PDF、Word（.doc、.docx、.wps）、Excel（.xls、.xlsx、.et）或JPG、PNG图片"


# What a file of each kind begins with.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office 97–2003 and WPS: .doc, .xls, .wps, .et
_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".doc": (_OLE2,),
    ".xls": (_OLE2,),
    ".wps": (_OLE2,),
    ".et": (_OLE2,),
}
# Office Open XML: a zip whose [Content_Types].xml declares the main part of a document or a workbook (a macro-
# enabled .docm or .xlsm declares another type, and is refused).
_OOXML_MAIN = {
    ".docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ".xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_CONTENT_TYPES_MAX = 1024 * 1024
# The kind of file each extension names, as the refusal says it.
KIND_NAMES = {".pdf": "PDF文件", ".doc": "Word文档", ".docx": "Word文档", ".wps": "WPS文字文档", ".xls": "Excel表格",
              ".xlsx": "Excel表格", ".et": "WPS表格", ".jpg": "JPG图片", ".jpeg": "JPG图片", ".png": "PNG图片",
              ".csv": "CSV文本文件"}


def _ooxml_declares(fh: Any, main: bytes) -> bool:
    try:
        with zipfile.ZipFile(fh) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_MAX:
                return False
            types = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, NotImplementedError):
        return False
    return re.search(rb'ContentType\s*=\s*"' + re.escape(main) + rb'"', types) is not None


def _is_text(head: bytes) -> bool:
    """A CSV: text, with no NUL byte and no control characters but tab, line breaks and form feed."""
    return not re.search(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]", head)


def content_matches(fh: Any, suffix: str) -> bool:
    """Whether the content of `fh` (an upload or a binary file object) is a file of the kind `suffix` names. An
    extension without a rule here is not matched. The position in `fh` is left at the start."""
    suffix = suffix.lower()
    if hasattr(fh, "seek"):
        fh.seek(0)
    try:
        if suffix in _OOXML_MAIN:
            return _ooxml_declares(fh, _OOXML_MAIN[suffix])
        head = fh.read(65536)
        if suffix == ".csv":
            return _is_text(head)
        return any(head.startswith(magic) for magic in _MAGIC.get(suffix, ()))
    finally:
        if hasattr(fh, "seek"):
            fh.seek(0)


def content_error(upload: UploadedFile, *, label: str = "附件") -> str | None:
    """Why `upload`'s content is not what its extension says, in Chinese, or None."""
    suffix = Path(upload.name or "").suffix.lower()
    if content_matches(upload, suffix):
        return None
    kind = KIND_NAMES.get(suffix, suffix)
    return f"{label}“{upload_name(upload)}”的内容不是{kind}，与扩展名不符（可能是改了扩展名的其他文件），不能上传"


def upload_max_mb() -> int:
    return int(settings.JYB_IMPORT_MAX_MB)


def upload_error(upload: UploadedFile | None, *, label: str = "附件",
                 suffixes: frozenset[str] = DOCUMENT_SUFFIXES, kinds: str = DOCUMENT_KINDS) -> str | None:
    """Why `upload` can't be kept, in Chinese, or None."""
    if not upload:
        return "请选择文件"
    if Path(upload.name or "").suffix.lower() not in suffixes:
        return f"{label}只能是{kinds}"
    if (upload.size or 0) > upload_max_mb() * 1024 * 1024:
        return f"{label}不能超过{upload_max_mb()}MB"
    if not upload.size:
        return "文件是空的"
    return content_error(upload, label=label)


def file_sha256(fh: Any) -> str:
    digest = hashlib.sha256()
    if hasattr(fh, "seek"):
        fh.seek(0)
    for chunk in iter(lambda: fh.read(1024 * 1024), b""):
        digest.update(chunk)
    if hasattr(fh, "seek"):
        fh.seek(0)
    return digest.hexdigest()


def upload_name(upload: UploadedFile) -> str:
    return Path(upload.name or "file").name[:200]


def stored_file_fields(upload: UploadedFile, user: Any) -> dict[str, Any]:
    """The fields of a `core.models.StoredFile` row for `upload` by `user`."""
    return {"file": upload, "filename": upload_name(upload), "size": upload.size or 0,
            "sha256": file_sha256(upload),
            "uploaded_by": user if getattr(user, "is_authenticated", False) else None}
