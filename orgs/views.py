"""Placeholder: being written."""

from django.http import Http404, HttpRequest, HttpResponse



def tree(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def tree_children(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def member_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def cadre_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
