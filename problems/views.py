"""Placeholder until this module is written (this session): every view answers 404."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def ledger(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def problem_new(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def filter_save(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def filter_delete(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def special_list(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def special_edit(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def problem_page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def problem_edit(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def problem_action(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def step_new(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def step_edit(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def step_done(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def evidence_new(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def evidence_download(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def evidence_remove(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
