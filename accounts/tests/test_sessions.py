"""Sessions end after JYB_IDLE_MINUTES without a request (sliding) and SESSION_COOKIE_AGE after the login whatever the
activity; the automatic logout is audited with its reason."""

from django.test import Client
from django.urls import reverse

from accounts.middleware import LOGIN_AT, SEEN_AT
from conftest import PASSWORD
from core.models import AuditEntry


def _shift(client: Client, **seconds_ago: int) -> None:
    """Move the session's login or last-request time back (login_at=…, seen_at=…)."""
    session = client.session
    for name, ago in seconds_ago.items():
        key = {"login_at": LOGIN_AT, "seen_at": SEEN_AT}[name]
        session[key] = session[key] - ago
    session.save()


def _signed_in(client: Client) -> Client:
    response = client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_login_stamps_the_session(client, users):
    _signed_in(client)
    assert client.session[LOGIN_AT] == client.session[SEEN_AT]


def test_thirty_idle_minutes_log_out_and_are_audited(client, users):
    _signed_in(client)
    _shift(client, seen_at=29 * 60)
    assert client.get(reverse("problems:ledger")).status_code == 200  # 29 minutes: still in, and it slides
    _shift(client, seen_at=29 * 60)
    assert client.get(reverse("problems:ledger")).status_code == 200
    _shift(client, seen_at=31 * 60)
    response = client.get(reverse("problems:ledger"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "超过30分钟未操作，已自动退出" in response.content.decode()
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.filter(action="logout").get()
    assert entry.actor_name == "office" and entry.after == {"reason": "idle"}


def test_the_eight_hour_limit_does_not_slide(client, users):
    _signed_in(client)
    _shift(client, login_at=8 * 3600 - 60)  # logged in 7 h 59 min ago, active all along
    assert client.get(reverse("problems:ledger")).status_code == 200
    _shift(client, login_at=120)
    response = client.get(reverse("problems:ledger"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert AuditEntry.objects.filter(action="logout").get().after == {"reason": "absolute"}


def test_the_api_with_a_timed_out_session_is_401(client, users):
    _signed_in(client)
    assert client.get("/api/v1/orgs/").status_code == 200
    _shift(client, seen_at=31 * 60)
    assert client.get("/api/v1/orgs/").status_code == 401


def test_a_session_without_stamps_gets_them(client, users):
    """A session opened before the limits existed (or by force_login without a request): its limits start now."""
    client.force_login(users["office"])
    session = client.session
    del session[LOGIN_AT]
    session.save()
    assert client.get(reverse("problems:ledger")).status_code == 200
    assert LOGIN_AT in client.session
