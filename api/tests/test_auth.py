import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import login_refusal
from api.tests.helpers import API
from conftest import PASSWORD
from core.models import AuditEntry

ENDPOINTS = ["/orgs/", "/orgs/C", "/orgs/C/stats", "/orgs/C/members", "/orgs/C/cadres",
             "/members/110101198005170000"]


def _token(client, username: str, password: str, **extra: str):
    return client.post(f"{API}/auth/token", {"username": username, "password": password},
                       content_type="application/json", **extra)


def test_token_is_issued_and_works_as_bearer(client, users):
    response = _token(client, "office", PASSWORD)
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get().user == users["office"]
    listed = client.get(f"{API}/orgs/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert listed.status_code == 200
    assert listed.json()["count"] == 7


def test_wrong_password_is_401_in_chinese_and_audited(client, users):
    response = _token(client, "office", "wrong-password")
    assert response.status_code == 401
    assert response.json() == {"detail": login_refusal()}
    assert not ApiToken.objects.exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED)
    assert entry.object_repr == "office"
    assert entry.ip == "127.0.0.1"


def test_unknown_user_gets_the_same_answer(client, users):
    response = _token(client, "nobody", "wrong-password")
    assert response.status_code == 401
    assert response.json() == {"detail": login_refusal()}


@override_settings(JYB_LOGIN_MAX_FAILURES=3)
def test_repeated_failures_lock_the_account(client, users):
    for n in range(3):  # from three addresses: one alone cannot lock an account
        assert _token(client, "office", "wrong-password", REMOTE_ADDR=f"10.0.0.{n}").status_code == 401
    assert User.objects.get(username="office").is_locked
    response = _token(client, "office", PASSWORD)
    assert response.status_code == 401
    assert response.json() == {"detail": login_refusal()}  # the answer to a wrong password, said the same way
    assert not ApiToken.objects.exists()


def test_token_request_must_name_username_and_password(client, db):
    response = client.post(f"{API}/auth/token", {"username": "office"}, content_type="application/json")
    assert response.status_code == 422


@pytest.mark.parametrize("path", ENDPOINTS)
def test_anonymous_gets_401(anonymous, tree, path):
    response = anonymous.get(path)
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_anonymous_import_is_401(anonymous, tree):
    assert anonymous.post("/imports/orgs").status_code == 401


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer ", "Token abc", "Basic b2ZmaWNlOng="])
def test_bad_authorization_header_is_401(client, users, header):
    assert client.get(f"{API}/orgs/", HTTP_AUTHORIZATION=header).status_code == 401


def test_inactive_user_token_is_refused(api_as, users):
    api = api_as("office")
    User.objects.filter(pk=users["office"].pk).update(is_active=False)
    assert api.get("/orgs/").status_code == 401


def test_locked_user_token_is_refused(api_as, users):
    api = api_as("office")
    User.objects.filter(pk=users["office"].pk).update(locked_until=timezone.now() + dt.timedelta(minutes=5))
    assert api.get("/orgs/").status_code == 401


def test_last_used_is_written_at_most_once_a_minute(api_as, users):
    api = api_as("office")
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    api.get("/orgs/")
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    api.get("/orgs/")
    assert ApiToken.objects.get().last_used_at == first
    earlier = timezone.now() - dt.timedelta(minutes=2)
    ApiToken.objects.update(last_used_at=earlier)
    api.get("/orgs/")
    last_used = ApiToken.objects.get().last_used_at
    assert last_used is not None and last_used > earlier


def test_browser_session_can_call_the_api(client, users):
    client.force_login(users["liaison"])
    response = client.get(f"{API}/orgs/")
    assert response.status_code == 200
    assert [o["code"] for o in response.json()["items"]] == ["A", "A1", "A1a"]


def test_session_of_locked_user_is_refused(client, users):
    client.force_login(users["office"])
    User.objects.filter(pk=users["office"].pk).update(locked_until=timezone.now() + dt.timedelta(minutes=5))
    assert client.get(f"{API}/orgs/").status_code == 401
