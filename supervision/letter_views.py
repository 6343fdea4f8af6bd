"""Pages of feedback letters (placeholders until built)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def letter_list(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def letter_new(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def letter_page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def letter_edit(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def letter_issue(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def letter_docx(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
