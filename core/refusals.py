"""A service's refusal (django's ValidationError) as the API's answer, in one place for the whole API (`api.api`
registers `refusal_response` as the exception handler; endpoints no longer catch it):

- a stale version (the error names the field `version`: the record changed since the caller read it) → 409 with
  the reasons as `detail`;
- anything else → 422 with the one refusal body (`core.schemas.refusal_body`).

The summary line of the 422 body is the reasons themselves, unless the endpoint is marked `@summarised(…)` (the
forms that save a record answer with a fixed line such as “数据有误，未保存”)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja.decorators import decorate_view

from core.schemas import error_lists, refusal_body

_SUMMARY = "_jyb_refusal_summary"


def summarised(detail: str) -> Callable[[Any], Any]:
    """Mark an endpoint (below its `@router.…` line) whose refusals carry `detail` as their summary line."""

    def mark(run: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(run)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            setattr(request, _SUMMARY, detail)
            return run(request, *args, **kwargs)

        return wrapper

    return decorate_view(mark)


def refusal_of(request: HttpRequest, exc: ValidationError) -> tuple[int, dict[str, Any]]:
    """(status, body) answering a service's refusal raised during `request`."""
    errors = error_lists(exc)
    if "version" in errors:
        return 409, {"detail": "；".join(errors["version"])}
    return 422, refusal_body(errors, detail=getattr(request, _SUMMARY, None))
