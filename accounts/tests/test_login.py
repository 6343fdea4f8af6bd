from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from conftest import PASSWORD


def test_login_page_is_chinese(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_login_lands_on_own_jurisdiction(client, users, tree):
    response = client.post(reverse("accounts:login"), {"username": "unit", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code in (200, 302)
    assert reverse("measures:unit", kwargs={"code": "A1a"}) in client.get("/")["Location"]


def test_wrong_password_keeps_username_and_says_so(client, users):
    response = client.post(reverse("accounts:login"), {"username": "office", "password": "nope"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "账号或密码错误" in body and 'value="office"' in body


@override_settings(JYB_LOGIN_MAX_FAILURES=3)
def test_account_locks_after_repeated_failures_from_several_addresses(client, users):
    for n in range(3):
        client.post(reverse("accounts:login"), {"username": "office", "password": "nope"}, REMOTE_ADDR=f"10.0.0.{n}")
    assert User.objects.get(username="office").is_locked
    response = client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.9")
    assert "暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(client, users):
    client.force_login(users["office"])
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_administrators_see_no_registry_data(users, tree):
    from orgs.models import Organization

    for role in ("sysadmin", "secadmin", "auditor"):
        assert not Organization.objects.visible_to(users[role]).exists()
    assert Organization.objects.visible_to(users["office"]).count() == 7
    assert set(Organization.objects.visible_to(users["liaison"]).values_list("code", flat=True)) == {
        "A", "A1", "A1a"}
