"""Every page loads under the Content-Security-Policy without a violation, in a real browser.

The tiny demo city holds every app's data (campaigns, the four measures, the ledger, supervision, the communication
log) and one account per role. Each account signs in and walks what it can reach from its landing page by
following links (the navigation, then the lists, details and forms of each app, PER_KIND pages of a kind), from
seeds the links do not always reach (a finding's forms, a rating's answer). Then the pages without an account (the
login, the masses' feedback page and its mistyped link, the CSRF 403) and the error pages (404, 405, 500) and the
API docs. CSPWatch (conftest) notes each violation a page causes while it loads and after (htmx, ECharts, the
pickers' scripts), and `launch` fails the test on any.

The walk must open every page route of the project: a route it did not open must answer GET with 405 (an action
that only takes a POST), or be a file (NOT_PAGES), or be opened by another browser test under the same watch
(OPENED_ELSEWHERE). A new page nothing links to fails here until it is linked, seeded or listed.
"""

import re
import time
from collections import deque
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, Resolver404, get_resolver, include, path, resolve, reverse

from tests.browser.conftest import DESKTOP, PHONE, CSPWatch, launch
from tests.browser.test_supervision import METHODS as VISIT_METHODS

pytestmark = pytest.mark.browser

# Links not followed: files (exports, templates, attachments, evidence, the QR image, Word letters), the API and
# logging out.
NOT_A_PAGE = re.compile(r"/(export|template|download|attachment|docx|qr)(/|$)|/attachments/\d+/$|/evidence/\d+/$"
                        r"|^/api/|^/static/|^/media/|/logout/")
PER_KIND = 2  # pages of one kind (one route, the same query keys) opened per account
PER_ACCOUNT = 120

NOT_PAGES = {  # files and the picker's JSON
    "orgs:import_template", "orgs:export_orgs", "orgs:export_members", "orgs:export_cadres", "orgs:pick",
    "measures:report_download", "measures:attachment", "assessment:coverage_export", "problems:export",
    "problems:import_template", "problems:evidence", "problems:feedback_qr", "supervision:attachment",
    "supervision:letter_docx", "office:attachment",
}
OPENED_ELSEWHERE = {  # pages that need an upload or a click: their tests run under the same CSPWatch
    "orgs:import_detail": "test_imports.py", "orgs:import_progress": "test_imports.py (htmx polling)",
    "problems:import_job": "test_imports.py", "orgs:tree_children": "test_pages.py (htmx)",
}


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a server error for the Content-Security-Policy test")


# This module is the URLconf while the 500 page is opened: the project's, and one address that fails.
urlpatterns = [path("csp-test-boom/", _boom), path("", include("jiaoyuban.urls"))]
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"


@pytest.fixture
def demo_city(transactional_db: None, settings: Any) -> dict[str, Any]:
    """The tiny demo city with its accounts, a public address (so problems show their QR code), and seeds: pages
    the walk reaches only by chance."""
    settings.DEMO = True
    settings.JYB_PUBLIC_URL = "https://pingjia.example.gov.cn"
    from importlib import import_module

    from django.apps import apps

    from accounts.actors import SystemActor
    from demo.accounts import demo_accounts, demo_password
    from demo.parts import PARTS, Run, walk
    from orgs.models import Organization
    from problems.choices import ProblemStatus, Source
    from problems.models import Problem, RectificationStep, Satisfaction
    from supervision.choices import VisitStatus
    from supervision.models import Finding, Visit, VisitMethod

    # The ways of guiding and the guidance profiles come from data migrations, which an earlier transactional test's
    # flush removed: without them the generator records no visit and no profile page exists.
    for order, name in enumerate(VISIT_METHODS, start=1):
        VisitMethod.objects.get_or_create(name=name, defaults={"order": order})
    import_module("campaigns.migrations.0002_guidance_profile_defaults").load(apps, None)  # only the missing ones
    for _ in walk([p.name for p in PARTS], Run(actor=SystemActor("demo"), seed=1, scale="tiny")):
        pass
    problem = Problem.objects.filter(source=Source.MASSES).order_by("pk").first()  # has a public feedback page
    rating = Satisfaction.objects.order_by("pk").first()
    visit = Visit.objects.filter(status=VisitStatus.DONE).order_by("pk").first()
    finding = Finding.objects.order_by("pk").first()
    step = (RectificationStep.objects.filter(problem__status=ProblemStatus.IN_PROGRESS, done_on=None)
            .order_by("pk").first())
    root = Organization.objects.get_first_root_node()
    assert problem and rating and visit and finding and step and root
    seeds = [reverse("problems:feedback_answer", args=[rating.problem_id, rating.pk]),
             reverse("supervision:finding_new", args=[visit.pk]),
             reverse("supervision:finding_edit", args=[finding.pk]),
             reverse("problems:edit", args=[step.problem_id]),
             reverse("problems:step_edit", args=[step.problem_id, step.pk])]
    return {"password": demo_password(), "accounts": [str(g.role) for g in demo_accounts()],
            "token": problem.feedback_token, "seeds": seeds, "root": root.name}


def _kind(url: str) -> str:
    """One route (its filters and pages alike): /problems/17/ and /problems/18/?tab=x are of one kind."""
    return re.sub(r"\d+", "N", urlsplit(url).path)


def _route(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def _sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))


def _walk(page: Any, base: str, seeds: list[str]) -> list[str]:
    """Open the seeds and every page linked from what was opened (this server, pages only), breadth first."""
    queue = deque(seeds)
    kinds: dict[str, int] = {}
    seen: set[str] = set()
    opened: list[str] = []
    while queue and len(opened) < PER_ACCOUNT:
        url = queue.popleft().split("#")[0]
        if not url.startswith(base) or url in seen or NOT_A_PAGE.search(urlsplit(url[len(base):]).path):
            continue
        seen.add(url)
        kind = _kind(url[len(base):])
        if kinds.get(kind, 0) >= PER_KIND:
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        response = page.goto(url)
        assert response is not None and response.status < 500, f"{url}: {response and response.status}"
        assert response.headers.get("content-security-policy"), f"{url} has no Content-Security-Policy"
        if response.status == 200:  # a 404 of a seed outside the account's reach is checked, not counted
            opened.append(url)
        queue.extend(page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"))
    return opened


def _page_routes(resolver: Any, namespace: str = "") -> dict[str, Any]:
    """Every named route but the API's, with its pattern."""
    routes: dict[str, Any] = {}
    for entry in resolver.url_patterns:
        if hasattr(entry, "url_patterns"):
            inner = ":".join(n for n in (namespace, entry.namespace) if n)
            routes |= _page_routes(entry, inner)
        elif entry.name:
            routes[":".join(n for n in (namespace, entry.name) if n)] = entry
    return {name: entry for name, entry in routes.items() if not name.startswith("api:")}


def _any_url(name: str) -> str:
    """The route's address with made-up arguments (an action answers 405 before it looks them up)."""
    for args in ([], [1], ["C"], [1, 1], ["C", 1], [1, "x"]):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    raise AssertionError(f"no address for {name}")


def test_every_page_of_every_account_loads_under_the_policy(demo_city, live_server, settings):
    base = live_server.url
    opened: list[str] = []
    per_account: dict[str, int] = {}
    started = time.monotonic()
    with launch() as browser:
        for username in demo_city["accounts"]:
            context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
            page = context.new_page()
            _sign_in(page, base, username, demo_city["password"])  # the login page, opened
            walked = _walk(page, base, [page.url, *(base + s for s in demo_city["seeds"])])
            per_account[username] = len(walked)
            opened += walked
            if username == demo_city["accounts"][0]:
                _office_extras(page, base, settings, demo_city["root"])
            context.close()
        _without_an_account(browser, base, demo_city["token"])
    print(f"\npages opened per account: {per_account}; {time.monotonic() - started:.0f} s")

    routes = {"accounts:login", *(_route(url) for url in opened)}
    left = [name for name in _page_routes(get_resolver())
            if name not in routes and name not in NOT_PAGES and name not in OPENED_ELSEWHERE]
    with launch() as browser:  # what was not opened must be an action: GET answers 405
        context = browser.new_context()
        _sign_in(context.new_page(), base, demo_city["accounts"][0], demo_city["password"])
        pages = [name for name in left if context.request.get(base + _any_url(name), max_redirects=0).status != 405]
        context.close()
    assert not pages, f"pages the walk never opened: {pages}"


def _office_extras(page: Any, base: str, settings: Any, root: str) -> None:
    """The office's error pages and the API docs; the picker typed into and the tree unfolded, on a phone too."""
    assert page.goto(f"{base}/orgs/NOPE/").status == 404
    assert page.goto(f"{base}/notifications/read-all/").status == 405
    docs = page.goto(f"{base}/api/v1/docs")
    assert docs.status == 200 and docs.headers.get("content-security-policy")
    page.wait_for_selector(".swagger-ui .info", timeout=10_000)  # Swagger UI drew itself under the policy
    settings.ROOT_URLCONF = __name__
    try:
        response = page.goto(f"{base}/csp-test-boom/")
        assert response.status == 500 and "系统出错了" in page.inner_text("h1")
        # The page's own <style> applied (admitted by its hash): the header is the dark red bar.
        assert "164, 22, 26" in page.eval_on_selector("header", "e => getComputedStyle(e).backgroundImage")
    finally:
        settings.ROOT_URLCONF = "jiaoyuban.urls"
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/orgs/")
    shown = page.locator(".org-tree li").count()
    page.locator("button.tree-toggle[aria-expanded=false]").first.click()
    page.wait_for_function(f"document.querySelectorAll('.org-tree li').length > {shown}")
    page.goto(f"{base}/problems/new/")
    page.locator("input[role=combobox]").first.fill(root)
    page.wait_for_selector("[role=listbox] [role=option]")


def _without_an_account(browser: CSPWatch, base: str, token: str) -> None:
    """The login page, the masses' feedback page and its mistyped link, and the CSRF 403 of a stale login form."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    assert page.goto(f"{base}/f/{token}/").status == 200
    assert page.goto(f"{base}/f/{token[:-2]}/").status == 404
    assert page.goto(f"{base}/accounts/login/").status == 200
    context.clear_cookies()
    page.fill("#id_username", "office")
    page.fill("#id_password", "x")
    page.click("button[type=submit]")
    page.wait_for_selector(".error-page")
    assert "安全校验未通过" in page.inner_text("h1")
    context.close()


def test_the_watch_sees_inline_script_and_style(transactional_db, live_server):
    """The check itself: a page that adds an inline script and a style attribute is caught, twice over."""
    with launch() as browser:
        page = browser.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.evaluate("""() => {
            const s = document.createElement("script"); s.textContent = "window.ran = true"; document.body.append(s);
            document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>'); }""")
        page.wait_for_timeout(300)
        assert page.evaluate("window.ran") is None  # the inline script did not run
        seen = list(browser.violations)
        browser.violations.clear()
    assert any("script-src" in v for v in seen) and any("style-src" in v for v in seen), seen
