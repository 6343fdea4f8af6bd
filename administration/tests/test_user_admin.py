"""The security administrator's account pages (三员分立): only secadmin reaches them; every change is audited."""

import pytest
from django.urls import reverse

from accounts.models import User
from conftest import PASSWORD
from core.models import AuditEntry


@pytest.mark.parametrize("role", ["office", "leader", "liaison", "unit", "sysadmin", "auditor"])
def test_only_the_security_administrator_reaches_account_pages(client, users, role):
    client.force_login(users[role])
    target = users["unit"].pk
    for url in (reverse("accounts:users"), reverse("accounts:user_new"),
                reverse("accounts:user_edit", kwargs={"user_id": target})):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("accounts:user_unlock", kwargs={"user_id": target})).status_code == 404


def test_secadmin_lands_on_the_user_list_and_finds_by_name(client, users):
    client.force_login(users["secadmin"])
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:users")
    body = client.get(reverse("accounts:users"), {"q": "liai"}).content.decode()
    assert "liaison" in body and ">office<" not in body


def test_secadmin_creates_an_account_bound_to_a_jurisdiction(client, users, tree):
    client.force_login(users["secadmin"])
    response = client.post(reverse("accounts:user_new"), {
        "username": "zhang.wei", "full_name": "张伟", "role": "liaison", "org_code": "B", "password": "Liaison@2023",
    })
    assert response.status_code == 302
    user = User.objects.get(username="zhang.wei")
    assert user.role == "liaison" and user.organization.code == "B" and user.check_password("Liaison@2023")
    assert AuditEntry.objects.filter(action="create", object_type="accounts.user", object_id=str(user.pk)).exists()


def test_bad_input_keeps_what_was_typed(client, users):
    client.force_login(users["secadmin"])
    response = client.post(reverse("accounts:user_new"), {
        "username": "li.na", "full_name": "李娜", "role": "unit", "org_code": "NOPE", "password": "123",
    })
    body = response.content.decode()
    assert response.status_code == 200
    assert "组织编码或名称“NOPE”不存在" in body and 'value="li.na"' in body and 'value="李娜"' in body
    assert 'name="org_code_q" id="id_org_code" value="NOPE"' in body  # the picker keeps what was typed
    assert not User.objects.filter(username="li.na").exists()


def test_unlock_and_password_reset_are_audited(client, users, settings):
    settings.JYB_LOGIN_MAX_FAILURES = 2
    for n in range(2):  # from two addresses: one alone cannot lock an account
        client.post(reverse("accounts:login"), {"username": "unit", "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{n}")
    assert User.objects.get(username="unit").is_locked
    client.force_login(users["secadmin"])
    client.post(reverse("accounts:user_unlock", kwargs={"user_id": users["unit"].pk}))
    assert not User.objects.get(username="unit").is_locked
    response = client.post(reverse("accounts:user_password", kwargs={"user_id": users["unit"].pk}),
                           {"password": "Another@2024"})
    assert response.status_code == 302
    assert User.objects.get(username="unit").check_password("Another@2024")
    entries = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(users["unit"].pk),
                                        action="update", actor_id=users["secadmin"].pk)
    assert any("locked_until" in (e.before or {}) for e in entries)
    assert any(e.after == {"password": "已重置"} for e in entries)
    assert not any("Another" in str(e.after) for e in AuditEntry.objects.all())


def test_weak_password_is_refused(client, users):
    client.force_login(users["secadmin"])
    response = client.post(reverse("accounts:user_password", kwargs={"user_id": users["unit"].pk}),
                           {"password": "12345678"})
    assert response.status_code == 400
    assert User.objects.get(username="unit").check_password(PASSWORD)


def test_secadmin_changes_role_and_jurisdiction_but_not_their_own_role(client, users):
    client.force_login(users["secadmin"])
    url = reverse("accounts:user_edit", kwargs={"user_id": users["unit"].pk})
    client.post(url, {"full_name": "王村官", "role": "unit", "org_code": "B1a", "is_active": "on"})
    assert User.objects.get(username="unit").organization.code == "B1a"
    own = reverse("accounts:user_edit", kwargs={"user_id": users["secadmin"].pk})
    response = client.post(own, {"full_name": "", "role": "office", "org_code": "C", "is_active": "on"})
    assert "不能更改自己的角色" in response.content.decode()
    assert User.objects.get(username="secadmin").role == "secadmin"


def test_deactivated_user_cannot_log_in(client, users):
    client.force_login(users["secadmin"])
    client.post(reverse("accounts:user_edit", kwargs={"user_id": users["leader"].pk}),
                {"full_name": "", "role": "leader", "org_code": "C"})
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": "leader", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_password_rules_speak_chinese(client, users):
    client.force_login(users["secadmin"])
    body = client.post(reverse("accounts:user_password", kwargs={"user_id": users["unit"].pk}),
                       {"password": "123"}).content.decode()
    assert "密码太短，至少需要8个字符" in body and "too short" not in body
