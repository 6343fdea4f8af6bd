"""Finding a document by its number (发文字号 “代字〔年份〕序号号”) as people type it.

A 文号 is quoted in many forms: 教育办督〔2023〕1号 as printed, 督〔2023〕1号 without the office's part,
督[2023]01号 typed on a PC without the Chinese brackets, or just "2023 1". `doc_number_of` reads what was typed
into (代字, year, serial); `doc_number_q` turns it into a filter on a free-text number column that matches every
way the same number may have been stored (any brackets, leading zeros, 代字 as a part, case ignored). Lists whose
rows keep year and serial apart (feedback letters) filter on those columns instead.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q

_OPEN = "〔[(（【［{｛"
_CLOSE = "〕])）】］}｝"
# 代字, then the year (in brackets, or followed by 年, or bare), then the serial (第…号 optional).
_NUMBER = re.compile(
    r"^\s*(?P<prefix>.*?)\s*[" + re.escape(_OPEN) + r"]?\s*(?P<year>(?:19|20)\d{2})\s*"
    r"(?:[" + re.escape(_CLOSE) + r"]|年)?\s*[-—_/.,，、\s]*\s*第?\s*(?P<serial>\d{1,6})\s*号?\s*$")


@dataclass(frozen=True)
class DocNumber:
    """A document number as typed: its 代字 (may be empty: any), year and serial."""

    prefix: str
    year: int
    serial: int


def doc_number_of(text: str | None) -> DocNumber | None:
    """The (代字, year, serial) a search text means, or None when it is not a document number."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    match = _NUMBER.match(text)
    if match is None:
        return None
    prefix = match.group("prefix").strip()
    if prefix and (prefix[-1].isdigit() or prefix[-1] in _OPEN):
        return None
    serial = int(match.group("serial"))
    if serial == 0:
        return None
    return DocNumber(prefix=prefix, year=int(match.group("year")), serial=serial)


def doc_number_regex(number: DocNumber) -> str:
    """A regular expression (the subset SQLite's Python `re` and PostgreSQL agree on) matching a stored number:
    the 代字 anywhere before the year, the year in any brackets or followed by 年, the serial with leading zeros,
    not followed by another digit."""
    brackets_open = "".join(re.escape(c) for c in _OPEN)
    brackets_close = "".join(re.escape(c) for c in _CLOSE)
    prefix = re.escape(number.prefix) + ".*" if number.prefix else ""
    return (f"{prefix}[{brackets_open}]? *{number.year} *[{brackets_close}年]?"
            f"[^0-9]{{0,3}}0*{number.serial}([^0-9]|$)")


def doc_number_q(field: str, text: str | None) -> Q | None:
    """A filter on the free-text number column `field` matching the number `text` means, or None when `text`
    is not a document number."""
    number = doc_number_of(text)
    if number is None:
        return None
    return Q(**{f"{field}__iregex": doc_number_regex(number)})
