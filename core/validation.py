"""The small pieces every app's services validate with, so a rule such as "a required text, at most N characters,
control characters removed" reads and answers the same everywhere. Services collect `{field: 中文原因}` and raise
them all at once (forms show each under its field)."""

from typing import Any

from django.core.exceptions import ValidationError

_CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\n\t")


def raise_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def put_error(errors: dict[str, str], field: str, reason: str | None) -> None:
    """Keep the first reason for a field."""
    if reason and field not in errors:
        errors[field] = reason


def clean_text(value: str | None) -> str:
    """Text as stored: control characters (but line breaks and tabs) removed, ends trimmed."""
    return (value or "").translate(_CONTROL).strip()


def text_error(value: str | None, label: str, max_length: int, *, required: bool = True) -> str | None:
    value = clean_text(value)
    if required and not value:
        return f"请填写{label}"
    if len(value) > max_length:
        return f"{label}不能超过{max_length}个字"
    return None


def choice_error(value: str, choices: Any, label: str) -> str | None:
    if value not in choices.values:
        return f"{label}应为：{'、'.join(str(x) for x in choices.labels)}"
    return None
