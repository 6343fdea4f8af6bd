"""The Content-Security-Policy header on every kind of answer (pages signed in and not, the public feedback
address, error pages, the API and its docs), the 500 page's inline style admitted by its hash alone, and templates
without inline script, event handlers, javascript: links or inline style. That every page really loads under the
policy is tests/browser/test_csp.py's part, in a browser."""

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory

from conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
POLICY = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "object-src": "'none'", "base-uri": "'self'", "frame-ancestors": "'none'", "form-action": "'self'",
}


def _directives(header: str) -> dict[str, str]:
    return {name: value.strip() for name, _, value in (d.strip().partition(" ") for d in header.split(";")) if name}


def _assert_strict(header: str) -> None:
    directives = _directives(header)
    for name, value in POLICY.items():
        assert directives.get(name) == value, (name, header)
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


@pytest.mark.parametrize("path", ["/accounts/login/", "/f/no-such-token/", "/no/such/page/", "/api/v1/orgs/"])
def test_answers_without_an_account_carry_the_policy(client: Client, db: Any, path: str) -> None:
    response = client.get(path)
    _assert_strict(response["Content-Security-Policy"])


@pytest.mark.parametrize("path", ["/problems/", "/orgs/C/", "/orgs/ZZZ/", "/api/v1/orgs/", "/api/v1/docs",
                                  "/api/v1/openapi.json", "/notifications/read-all/"])
def test_answers_to_a_signed_in_user_carry_the_policy(client: Client, users: dict[str, Any], path: str) -> None:
    assert client.login(username="office", password=PASSWORD)
    response = client.get(path)
    assert response.status_code in (200, 404, 405)
    _assert_strict(response["Content-Security-Policy"])


def test_the_500_page_admits_its_own_style_by_hash_and_nothing_else(rf: RequestFactory) -> None:
    from csp.middleware import CSPMiddleware

    from core.views import server_error

    request = rf.get("/problems/5/")
    response = CSPMiddleware(lambda r: server_error(r)).process_response(request, server_error(request))
    assert isinstance(response, HttpResponse)
    html = response.content.decode()
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    directives = _directives(response["Content-Security-Policy"])
    assert directives["style-src"] == f"'self' 'sha256-{digest}'"
    assert directives["script-src"] == "'self'" and "<script" not in html


INLINE = {
    "an inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "an event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "a javascript: link": re.compile(r"javascript:", re.I),
    "a style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "a <style> element": re.compile(r"<style[\s>]", re.I),
}
SELF_CONTAINED = {"templates/500.html"}  # no static files by design: its <style> is admitted by hash


def _templates() -> list[Path]:
    dirs = [ROOT / "templates", *(ROOT / app / "templates" for app in settings.INSTALLED_APPS if "." not in app)]
    return sorted(p for d in dirs if d.is_dir() for p in d.rglob("*.html"))


def test_templates_carry_no_inline_script_handlers_or_style() -> None:
    templates = _templates()
    assert len(templates) > 100
    found = []
    for template in templates:
        name = str(template.relative_to(ROOT))
        text = re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "", template.read_text(), flags=re.S)
        for what, pattern in INLINE.items():
            if pattern.search(text) and not (what == "a <style> element" and name in SELF_CONTAINED):
                found.append(f"{name}: {what}")
    assert not found, found
