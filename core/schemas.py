"""Schemas and helpers every app's API shares: the error bodies (one definition, so the OpenAPI document has one
`ErrorOut` and one `ValidationErrorOut`) and small resolvers."""

from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Schema
from ninja.responses import Status


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


def error_lists(exc: ValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as {field: [reasons]} ("__all__" when it names no field)."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": list(exc.messages)}


def refusal_body(errors: dict[str, list[str]], *, detail: str | None = None) -> dict[str, Any]:
    """The one refusal body (`ValidationErrorOut`): the reasons by field, and a summary line (default: the
    reasons). A service's refusals (`refused`) and the API's own validation (`api.errors`) both answer with it."""
    return {"detail": detail or "；".join(m for messages in errors.values() for m in messages), "errors": errors}


def refused(exc: ValidationError, *, detail: str | None = None) -> Status:
    """A service's refusal: 422 with the reasons by field. `detail`: the summary line (default: the reasons)."""
    return Status(422, refusal_body(error_lists(exc), detail=detail))
