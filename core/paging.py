"""One way to page a list for every page of the application."""

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


class ListPage(Page[Any]):
    """A page that also knows the page numbers the pagination links show ("1 … 4 5 6 7 8 … 20")."""

    @cached_property
    def elided_range(self) -> list[int | str]:
        return list(self.paginator.get_elided_page_range(self.number, on_each_side=2, on_ends=1))


class ListPaginator(Paginator[Any]):
    """Makes `ListPage`s (`_get_page` is Django's documented hook for another page class)."""

    def _get_page(self, *args: Any, **kwargs: Any) -> ListPage:
        return ListPage(*args, **kwargs)


def paginate(request: HttpRequest, qs: QuerySet, *, total: int | None = None, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of `qs`. Pass `total` when it is already known (from the stored counters) so the
    paginator does not run COUNT(*) over a large subtree (DESIGN §6)."""
    paginator = ListPaginator(qs, per_page)
    if total is not None:
        paginator.count = total  # overrides the cached_property, so no COUNT(*) query runs
    return paginator.get_page(request.GET.get("page"))
