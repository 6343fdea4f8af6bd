"""Pages of the escalation ladder (placeholders until built)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def action_list(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def action_new(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def action_page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def action_decide(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def action_dismiss(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def action_result(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
