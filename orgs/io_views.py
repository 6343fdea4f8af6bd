"""Placeholder: being written."""

from django.http import Http404, HttpRequest, HttpResponse



def import_start(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def import_template(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def import_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def import_progress(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def import_confirm(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def export_members(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def export_cadres(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
