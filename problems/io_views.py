"""Placeholder until this module is written (this session): every view answers 404."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def export(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def import_upload(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def import_job(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def import_template(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
