"""Placeholder until this module is written (this session): every view answers 404."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def qr(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def public_feedback(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
