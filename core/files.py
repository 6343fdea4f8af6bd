"""Uploaded files kept as records (evidence, visit materials, submissions): one rule for what may be uploaded
and one way to fingerprint it, so every app checks files the same way."""

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

# Office documents, PDFs and photos: what units and groups keep as proof; nothing executable.
DOCUMENT_SUFFIXES = frozenset({".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".jpg", ".jpeg", ".png"})
DOCUMENT_KINDS = "PDF、Word（.doc、.docx、.wps）、Excel（.xls、.xlsx、.et）或JPG、PNG图片"


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
    return None


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
