"""Chinese conventions: national-standard check digits, masking, dates, pinyin initials.

Each checker returns None when the value is valid, or the reason in Chinese, so imports and forms can
show it as is.
"""

import datetime as dt
import re
from functools import lru_cache

# GB 11643-1999 公民身份号码: 17 digits + ISO 7064 MOD 11-2 check character.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")

# GB 32100-2015 统一社会信用代码: 18 characters from 31 symbols (no I, O, S, V, Z), MOD 31 check.
_CC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

# GB/T 2260 province-level codes (the first two digits of a division code).
_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}


def id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def id_number_error(value: str) -> str | None:
    """Why `value` is not a valid 18-digit 公民身份号码, or None."""
    v = normalize_id_number(value)
    if not _ID_RE.match(v):
        return "公民身份号码应为18位，前17位为数字，末位为数字或X"
    if v[:2] not in _PROVINCES:
        return "公民身份号码前两位不是有效的省级行政区划代码"
    if id_birth_date(v) is None:
        return "公民身份号码中的出生日期不存在"
    if id_check_char(v[:17]) != v[17]:
        return f"公民身份号码校验位错误（应为{id_check_char(v[:17])}）"
    return None


def id_birth_date(value: str) -> dt.date | None:
    v = normalize_id_number(value)
    try:
        return dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return None


def id_gender(value: str) -> str:
    """'M' or 'F': the 17th digit is odd for men, even for women."""
    return "M" if int(normalize_id_number(value)[16]) % 2 else "F"


def credit_check_char(first17: str) -> str:
    total = sum(_CC_ALPHABET.index(c) * w for c, w in zip(first17, _CC_WEIGHTS, strict=True))
    return _CC_ALPHABET[(31 - total % 31) % 31]


def credit_code_error(value: str) -> str | None:
    """Why `value` is not a valid 统一社会信用代码, or None."""
    v = value.strip().upper()
    if len(v) != 18:
        return "统一社会信用代码应为18位"
    if not _CC_RE.match(v):
        return "统一社会信用代码含有不允许的字符（不使用I、O、S、V、Z）或第3至8位不是行政区划代码"
    if credit_check_char(v[:17]) != v[17]:
        return f"统一社会信用代码校验位错误（应为{credit_check_char(v[:17])}）"
    return None


def division_code_error(value: str) -> str | None:
    """Why `value` is not a 6-digit GB/T 2260 administrative division code, or None."""
    v = value.strip()
    if not re.fullmatch(r"\d{6}", v):
        return "行政区划代码应为6位数字"
    if v[:2] not in _PROVINCES:
        return "行政区划代码前两位不是有效的省级代码"
    if v[2:4] == "00" and v[4:6] != "00":
        return "行政区划代码格式错误：市级为00时县级也应为00"
    return None


def mask_id_number(value: str) -> str:
    """1101**********002X: keep the first four and last four characters."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****1234."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def cn_date(value: dt.date | dt.datetime | None) -> str:
    """2023年9月1日 (no leading zeros), as official documents write dates."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


@lru_cache(maxsize=65536)
def person_text(name: str | None, position: str | None = None, organization: str | None = None) -> str:
    """How a person is named everywhere: the name, then the position exactly as recorded (郭德亮（区长）), and the
    organisation, when given, apart after a dot (郭德亮（区长）· 大坊区委). Never the organisation glued to the
    position: "大坊区委" + "区长" reads as a title that does not exist."""
    if not name:
        return ""
    text = f"{name}（{position}）" if position else name
    if not organization:
        return text
    return f"{text}{'· ' if position else ' · '}{organization}"


_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_ORDINAL_RE = re.compile(r"第\s*([0-9]+|[〇零一二两三四五六七八九十百]+)")


def chinese_number(text: str) -> int | None:
    """A whole number written in Chinese numerals below 1000 (十二 → 12, 二十 → 20, 一百零五 → 105) or digits."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in "十百":
            total += (1 if digit is None else digit) * (10 if ch == "十" else 100)
            digit = None
        else:
            return None
    return total + (digit or 0)


def ordinal_of(name: str) -> int | None:
    """The ordinal a name carries (第三联络组 → 3, 第12组 → 12), for ordering by number rather than by character."""
    found = _ORDINAL_RE.search(name)
    return chinese_number(found.group(1)) if found else None


def pinyin_initials(text: str) -> str:
    """城关镇 → cgz. Letters and digits are kept, lowercased; other symbols are dropped."""
    from pypinyin import Style, lazy_pinyin

    parts = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default", strict=False)
    return "".join(ch for part in parts for ch in part.lower() if ch.isalnum())


def pinyin_initials_readings(text: str, *, limit: int = 4, max_length: int = 100) -> str:
    """The initials as usually read, then, space-separated, up to `limit` - 1 other readings of a character that
    has several (长宁市委 → "znsw cnsw …": people type cnsw for the city whose name pypinyin reads zhang), within
    `max_length`. The usual reading comes first, so a prefix search on it stays an index range."""
    from pypinyin import Style, lazy_pinyin, pinyin

    def clean(part: str) -> str:
        return "".join(ch for ch in part.lower() if ch.isalnum())

    usual = [clean(p) for p in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default", strict=False)]
    every = pinyin(text, style=Style.FIRST_LETTER, heteronym=True, errors="default", strict=False)
    readings = ["".join(usual)]
    if len(every) == len(usual):
        for i, options in enumerate(every):
            for option in map(clean, options):
                reading = "".join([*usual[:i], option, *usual[i + 1:]])
                if option and reading not in readings and len(readings) < limit:
                    readings.append(reading)
    text_out = readings[0][:max_length]
    for reading in readings[1:]:
        if len(text_out) + 1 + len(reading) <= max_length:
            text_out += " " + reading
    return text_out


def make_id_number(division: str, birth: dt.date, seq: int, gender: str) -> str:
    """A valid 公民身份号码 for generated data: division code, birth date, a 3-digit sequence whose last
    digit is odd for men ('M') and even for women ('F'), and the check character."""
    seq = seq % 500
    order = seq * 2 + (1 if gender == "M" else 0)
    first17 = f"{division}{birth:%Y%m%d}{order:03d}"
    return first17 + id_check_char(first17)


def make_credit_code(division: str, serial: int, kind: str = "51") -> str:
    """A valid 统一社会信用代码: registration authority and kind (e.g. 51 = 民政 社会团体), division code,
    a 9-character organisation code, and the check character."""
    body = ""
    n = serial
    for _ in range(9):
        body = _CC_ALPHABET[n % 31] + body
        n //= 31
    first17 = f"{kind}{division}{body}"
    return first17 + credit_check_char(first17)
