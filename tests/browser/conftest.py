"""Browser tests: Playwright's sync API driving Debian's chromium against pytest-django's live server.

Never `playwright install`: the browser is /usr/bin/chromium. The data is built with the services (like
the root `tree` fixture) but under `transactional_db`, so the live server's thread sees it.
"""

import contextlib
import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

CHROMIUM = "/usr/bin/chromium"
SIGNED_IN = re.compile(r"^(?!.*/accounts/login/).*$")  # any page but the login page
T = TypeVar("T")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def city(transactional_db: None) -> dict[str, Any]:
    """The small city of the root conftest, with members and cadres, and an office user."""
    from accounts.actors import SETUP
    from administration.services import user_create
    from conftest import PASSWORD, make_member
    from orgs.services import cadre_create, org_create

    c = org_create(actor=SETUP, parent=None, code="C", name="示范市委", kind="committee", sector="organ", tier="city",
                   division_code="130100")
    a = org_create(actor=SETUP, parent=c, code="A", name="城关区委", kind="committee", sector="organ", tier="county")
    a1 = org_create(actor=SETUP,
                    parent=a, code="A1", name="城关镇党委", kind="committee", sector="township", tier="township")
    a1a = org_create(actor=SETUP,
                     parent=a1, code="A1a", name="东关村党支部", kind="branch", sector="village", tier="village")
    a1b = org_create(actor=SETUP,
                     parent=a1, code="A1b", name="城关镇中心小学党支部", kind="branch", sector="institution",
                     tier="village")
    b = org_create(actor=SETUP, parent=c, code="B", name="河西县委", kind="committee", sector="organ", tier="county")
    b1 = org_create(actor=SETUP,
                    parent=b, code="B1", name="河西镇党委", kind="committee", sector="township", tier="township")
    b1a = org_create(actor=SETUP, parent=b1, code="B1a", name="西河社区党支部", kind="branch", sector="community",
                     tier="village")
    people = [(a1a, "王建国", "M", True, False), (a1a, "李秀英", "F", False, True), (a1a, "张伟", "M", False, False),
              (a1b, "刘芳", "F", False, False), (a1, "陈明", "M", False, False), (b1a, "赵丽", "F", True, False),
              (b1a, "孙强", "M", False, True), (b, "周敏", "F", False, False)]
    for i, (org, name, gender, mobile, frail) in enumerate(people):
        make_member(org, name=name, gender=gender, mobile=mobile, frail=frail,
                    birth=dt.date(1960 + i * 3, 3, 1 + i))
    cadre_create(actor=SETUP, organization=a, name="吴刚", id_number="11010519491231002X", position="区委书记", rank=50)
    cadre_create(actor=SETUP,
                 organization=a1, name="郑洁", id_number="440524188001010014", position="镇党委书记", rank=30)
    user_create(actor=SETUP, username="office", role="office", organization=c, password=PASSWORD, full_name="王主任")
    user_create(actor=SETUP, username="auditor", role="auditor", organization=c, password=PASSWORD)
    user_create(actor=SETUP, username="secadmin", role="secadmin", organization=c, password=PASSWORD)
    return {"password": PASSWORD}


# Reports every Content-Security-Policy violation of a document to its console, where CSPWatch reads it.
CSP_PROBE = """document.addEventListener("securitypolicyviolation", (e) => console.error(
  "CSP violation: " + e.effectiveDirective + " refused " + (e.blockedURI || "inline") + " at "
  + (e.sourceFile || document.URL) + ":" + e.lineNumber + " " + (e.sample || "")));"""
CSP_MESSAGE = re.compile(r"CSP violation|Content Security Policy", re.I)


class CSPWatch:
    """The launched browser, whose pages and contexts note every Content-Security-Policy violation (chromium's own
    console message, and the securitypolicyviolation event through CSP_PROBE) in `violations`, with the page's
    address. Every browser test runs under the policy: `browser` fails a test that caused one."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser
        self.violations: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)

    def watch(self, target: Any) -> Any:
        """Listen on a Page or a BrowserContext (each has add_init_script and console events)."""
        target.add_init_script(CSP_PROBE)
        target.on("console", self._note)
        return target

    def _note(self, message: Any) -> None:
        if CSP_MESSAGE.search(message.text):
            page = message.page
            self.violations.append(f"{page.url if page else '?'}: {message.text}")

    def new_page(self, **kwargs: Any) -> Any:
        return self.watch(self._browser.new_page(**kwargs))

    def new_context(self, **kwargs: Any) -> Any:
        return self.watch(self._browser.new_context(**kwargs))


@contextlib.contextmanager
def launch() -> Iterator[CSPWatch]:
    """A headless chromium under CSPWatch; leaving the block fails on any violation seen."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = CSPWatch(p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()
    seen = "\n".join(dict.fromkeys(browser.violations))
    assert not browser.violations, f"Content-Security-Policy violations:\n{seen}"


@pytest.fixture
def browser(city: dict[str, Any]) -> Iterator[CSPWatch]:
    """A headless chromium, started after the data is written (Playwright's sync API runs an event loop in
    this thread, during which Django refuses ORM calls)."""
    with launch() as browser:
        yield browser


def db_call(query: Callable[[], T]) -> T:
    """Run an ORM query outside the thread Playwright's event loop runs in (Django refuses it there)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(query).result()
