"""Schemas and helpers every app's API shares: the error bodies (one definition, so the OpenAPI document has one
`ErrorOut` and one `ValidationErrorOut`) and small resolvers."""

from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(description="字段 → 错误原因（中文）")


def name_of(user: Any) -> str:
    return str(user) if user is not None else ""


def choices_text(choices: Any) -> str:
    """“value label / …” of a TextChoices, for a field's description."""
    return " / ".join(f"{value} {label}" for value, label in choices.choices)


def caller(context: Any) -> Any:
    """The authenticated user of the request a schema is resolved for."""
    request = (context or {}).get("request")
    return getattr(request, "auth", None)
