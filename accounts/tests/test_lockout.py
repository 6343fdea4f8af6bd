"""Lockout without enumeration, and the per-address throttle: a wrong password, an unknown account and a locked one get
the same answer on the login page and from the token endpoint; one address alone cannot lock anybody's account."""

import datetime as dt
import re

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginFailure, User
from accounts.services import login_refusal
from conftest import PASSWORD
from core.models import AuditEntry, Notification

TOKEN = "/api/v1/auth/token"
ALERT = re.compile(r'<div class="alert alert-danger[^"]*" role="alert">(.*?)</div>', re.S)


def _login(client: Client, username: str, password: str, ip: str = "10.1.1.1") -> str:
    """The login page's refusal text ('' when the login succeeded)."""
    response = client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)
    if response.status_code == 302:
        return ""
    found = ALERT.search(response.content.decode())
    assert found is not None
    return found.group(1).strip()


def _token(client: Client, username: str, password: str, ip: str = "10.1.1.1"):
    return client.post(TOKEN, {"username": username, "password": password}, content_type="application/json",
                       REMOTE_ADDR=ip)


@override_settings(JYB_LOGIN_MAX_FAILURES=3)
def test_wrong_password_unknown_account_and_locked_account_get_the_same_answer(client, users):
    wrong = _login(client, "office", "nope", ip="10.0.0.1")
    unknown = _login(client, "nobody", "nope", ip="10.0.0.2")
    for n in range(3, 6):  # three addresses lock the account
        _login(client, "office", "nope", ip=f"10.0.0.{n}")
    assert User.objects.get(username="office").is_locked
    locked_right_password = _login(client, "office", PASSWORD, ip="10.0.0.7")
    assert wrong == unknown == locked_right_password == login_refusal()
    assert "_auth_user_id" not in client.session

    api = [_token(client, name, password, ip="10.0.0.8")
           for name, password in (("leader", "nope"), ("nobody", "nope"), ("office", PASSWORD))]
    assert [r.status_code for r in api] == [401, 401, 401]
    assert api[0].json() == api[1].json() == api[2].json() == {"detail": login_refusal()}


def test_one_address_cannot_lock_an_account(client, users, settings):
    """The attacker's address is refused one failure before the account would lock; the owner still logs in."""
    assert settings.JYB_LOGIN_MAX_FAILURES == 5
    answers = [_login(client, "secadmin", f"guess{n}", ip="10.6.6.6") for n in range(12)]
    assert answers[:4] == [login_refusal()] * 4
    assert set(answers[4:]) == {"此地址登录失败次数过多，请15分钟后再试"}
    assert _login(client, "secadmin", PASSWORD, ip="10.6.6.6") != ""  # refused there, even with the password
    secadmin = User.objects.get(username="secadmin")
    assert not secadmin.is_locked and secadmin.failed_logins == 4
    assert LoginFailure.objects.filter(username="secadmin").count() == 4  # refusals are not failures
    throttled = AuditEntry.objects.filter(action="login_failed", after__reason="throttled", ip="10.6.6.6")
    assert throttled.count() == 9  # audited all the same
    assert _login(client, "secadmin", PASSWORD, ip="10.2.2.2") == ""  # the owner, from their own address
    assert not LoginFailure.objects.filter(username="secadmin").exists()  # a success starts the count again


def test_the_throttle_says_the_same_for_unknown_and_existing_accounts(client, users):
    existing = [_login(client, "office", "nope", ip="10.3.3.3") for _ in range(5)]
    unknown = [_login(client, "no.such.user", "nope", ip="10.4.4.4") for _ in range(5)]
    assert existing == unknown


@override_settings(JYB_LOGIN_ADDRESS_MAX_FAILURES=3)
def test_an_address_that_failed_too_often_is_refused_for_every_account(client, users):
    for name in ("office", "leader", "nobody"):
        _login(client, name, "nope", ip="10.5.5.5")
    assert _login(client, "unit", PASSWORD, ip="10.5.5.5") == "此地址登录失败次数过多，请15分钟后再试"
    throttled = {"detail": "此地址登录失败次数过多，请15分钟后再试"}
    assert _token(client, "unit", PASSWORD, ip="10.5.5.5").json() == throttled
    assert _token(client, "unit", PASSWORD, ip="10.5.5.5").status_code == 429
    assert _login(client, "unit", PASSWORD, ip="10.7.7.7") == ""  # other addresses are not concerned
    # The window slides: once the failures are older than JYB_LOGIN_LOCK_MINUTES, the address may try again.
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    client.logout()
    assert _login(client, "unit", PASSWORD, ip="10.5.5.5") == ""


@override_settings(JYB_LOGIN_MAX_FAILURES=3)
def test_failures_older_than_the_window_do_not_lock(client, users):
    for n in range(2):
        _login(client, "office", "nope", ip=f"10.8.0.{n}")
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    _login(client, "office", "nope", ip="10.8.0.9")
    office = User.objects.get(username="office")
    assert not office.is_locked and office.failed_logins == 1


@override_settings(JYB_LOGIN_MAX_FAILURES=3)
def test_unlock_forgets_the_failures_and_tells_the_owner(client, users):
    for n in range(3):
        _login(client, "unit", "nope", ip=f"10.9.0.{n}")
    assert User.objects.get(username="unit").is_locked
    client.force_login(users["secadmin"])
    client.post(reverse("accounts:user_unlock", kwargs={"user_id": users["unit"].pk}))
    client.logout()
    assert not User.objects.get(username="unit").is_locked
    _login(client, "unit", "nope", ip="10.9.0.5")  # one more failure does not lock it again
    assert not User.objects.get(username="unit").is_locked
    note = Notification.objects.get(user=users["unit"])
    assert "解除了您账号的锁定" in note.text


def test_the_token_endpoint_counts_failures_like_the_login_page(client, users):
    for _ in range(4):
        assert _token(client, "office", "nope", ip="10.10.0.1").status_code == 401
    assert _token(client, "office", PASSWORD, ip="10.10.0.1").status_code == 429
    assert _login(client, "office", PASSWORD, ip="10.10.0.1") == "此地址登录失败次数过多，请15分钟后再试"
    assert _token(client, "office", PASSWORD, ip="10.10.0.2").status_code == 200
