"""One way to page a list for every page of the application."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(request: HttpRequest, qs: QuerySet, *, total: int | None = None, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of `qs`. Pass `total` when it is already known (from the stored counters) so the
    paginator does not run COUNT(*) over a large subtree (DESIGN §6)."""
    paginator = Paginator(qs, per_page)
    if total is not None:
        paginator.count = total  # overrides the cached_property, so no COUNT(*) query runs
    page = paginator.get_page(request.GET.get("page"))
    page.elided_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page
