"""Password rules, the self-service change page, the forced change after the security administrator's reset and after
the password's maximum age, and how the API treats a person who must change their password."""

import datetime as dt
import itertools

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.actors import SETUP
from accounts.models import ApiToken, PasswordHistory, User
from accounts.passwords import API_REFUSAL
from accounts.services import password_change
from administration.services import user_create
from conftest import PASSWORD
from core.models import AuditEntry, Notification
from demo.accounts import DEFAULT_PASSWORD, demo_accounts

CHANGE = "/accounts/password/"
TOKEN = "/api/v1/auth/token"


@pytest.mark.parametrize(("password", "reason"), [
    ("Ab1!xyz", "密码太短"),
    ("abcdefgh1", "至少3类"),  # two classes
    ("ABCDEFGH!", "至少3类"),
    ("12345678", "至少3类"),
    ("Zhang.Wei@2023", "不能包含账号"),  # the account name, whatever the case
    ("Zhangwei@2023", "不能包含账号或本人姓名"),  # the name in pinyin
    ("ZHANGWEI1!", "不能包含账号或本人姓名"),
    ("张伟@Abc12345", "不能包含账号或本人姓名"),  # the name as typed
])
def test_weak_passwords_are_refused_in_chinese(db, tree, password, reason):
    user = User(username="zhang.wei", first_name="张伟", role="unit", organization=tree.village_a)
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert any(reason in message for message in refused.value.messages), refused.value.messages


def test_the_account_name_rule_needs_three_letters(db, tree):
    user = User(username="li", role="unit", organization=tree.village_a)
    validate_password("Lively@2023", user)  # a two-letter account name forbids nothing


def test_the_demo_and_fixture_passwords_pass_every_rule(db, tree, users):
    """The fixtures' users were created through the rules (user_create validates); the demo accounts too would be."""
    assert all(u.check_password(PASSWORD) for u in users.values())
    for grant in demo_accounts():
        demo = User(username=str(grant.role), first_name=f"演示{grant.label}", role=str(grant.role),
                    organization=tree.city)
        validate_password(DEFAULT_PASSWORD, demo)
    assert not any(u.must_change_password for u in User.objects.all())  # no forced change for them


def test_none_of_the_last_five_passwords_again(users):
    unit = users["unit"]
    passwords = [PASSWORD] + [f"Newer@{n}2024" for n in range(1, 6)]
    for old, new in itertools.pairwise(passwords):
        password_change(actor=unit, current_password=old, new_password=new)
    assert PasswordHistory.objects.filter(user=unit).count() == 5  # only the latest are kept
    for recent in passwords[1:]:
        with pytest.raises(ValidationError) as refused:
            password_change(actor=unit, current_password=passwords[-1], new_password=recent)
        assert "最近5次" in str(refused.value)
    password_change(actor=unit, current_password=passwords[-1], new_password=PASSWORD)  # six changes ago: allowed
    assert User.objects.get(pk=unit.pk).check_password(PASSWORD)


def test_every_signed_in_person_changes_their_password(client, users):
    ApiToken.issue(users["liaison"])
    client.force_login(users["liaison"])
    page = client.get("/", follow=True).content.decode()
    assert f'href="{CHANGE}"' in page and "修改密码" in page  # in the user menu
    before = User.objects.get(username="liaison").password_changed_at
    wrong = client.post(CHANGE, {"current_password": "nope", "new_password": "Better@2024",
                                 "new_password2": "Better@2024"})
    assert "当前密码不正确" in wrong.content.decode()
    mismatch = client.post(CHANGE, {"current_password": PASSWORD, "new_password": "Better@2024",
                                    "new_password2": "Better@2025"})
    assert "两次输入的新密码不一致" in mismatch.content.decode()
    weak = client.post(CHANGE, {"current_password": PASSWORD, "new_password": "liaison2024",
                                "new_password2": "liaison2024"})
    assert "不能包含账号" in weak.content.decode()
    assert User.objects.get(username="liaison").check_password(PASSWORD)

    done = client.post(CHANGE, {"current_password": PASSWORD, "new_password": "Better@2024",
                                "new_password2": "Better@2024"})
    assert done.status_code == 302 and done["Location"] == reverse("home")
    liaison = User.objects.get(username="liaison")
    assert liaison.check_password("Better@2024") and liaison.password_changed_at > before
    assert client.get("/").status_code == 302 and "/accounts/login/" not in client.get("/")["Location"]  # still in
    assert AuditEntry.objects.filter(object_type="accounts.user", object_id=str(liaison.pk), action="update",
                                     actor_id=liaison.pk, after={"password": "本人修改"}).exists()
    assert not ApiToken.objects.filter(user=liaison).exists()  # a password change revokes the API tokens
    assert "Better" not in str(list(AuditEntry.objects.values_list("after", flat=True)))


def test_a_reset_forces_a_change_before_anything_else(client, users):
    client.force_login(users["secadmin"])
    client.post(reverse("accounts:user_password", kwargs={"user_id": users["office"].pk}), {"password": "Reset@2024x"})
    office = User.objects.get(username="office")
    assert office.must_change_password
    note = Notification.objects.get(user=office)
    assert "重置了您的密码" in note.text and note.url == CHANGE

    client.logout()
    client.post(reverse("accounts:login"), {"username": "office", "password": "Reset@2024x"})
    for path in ("/", reverse("problems:ledger"), reverse("notifications:list")):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == CHANGE, path
    page = client.get(CHANGE).content.decode()
    assert "安全管理员设置" in page
    # The API says why, in Chinese, for the browser's session and for a token alike.
    assert client.get("/api/v1/orgs/").status_code == 403
    assert client.get("/api/v1/orgs/").json()["detail"] == API_REFUSAL
    token = client.post(TOKEN, {"username": "office", "password": "Reset@2024x"}, content_type="application/json")
    assert token.status_code == 403 and token.json() == {"detail": API_REFUSAL}

    client.post(CHANGE, {"current_password": "Reset@2024x", "new_password": "Mine@2024xy",
                         "new_password2": "Mine@2024xy"})
    assert not User.objects.get(username="office").must_change_password
    assert client.get(reverse("problems:ledger")).status_code == 200
    assert client.get("/api/v1/orgs/").status_code == 200


def test_a_password_older_than_the_maximum_age_must_be_changed(client, users, settings):
    assert settings.JYB_PASSWORD_MAX_AGE_DAYS == 90
    User.objects.filter(username="leader").update(password_changed_at=timezone.now() - dt.timedelta(days=89))
    client.force_login(users["leader"])
    assert client.get(reverse("problems:ledger")).status_code == 200
    User.objects.filter(username="leader").update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    response = client.get(reverse("problems:ledger"))
    assert response.status_code == 302 and response["Location"] == CHANGE
    assert "超过90天" in client.get(CHANGE).content.decode()
    settings.JYB_PASSWORD_MAX_AGE_DAYS = 0  # never expires
    assert client.get(reverse("problems:ledger")).status_code == 200


def test_an_initial_password_chosen_by_someone_else_must_be_changed(client, users, tree):
    client.force_login(users["secadmin"])
    client.post(reverse("accounts:user_new"), {"username": "zhao.li", "full_name": "赵丽", "role": "unit",
                                               "org_code": "A1a", "password": "Start@2024x"})
    assert User.objects.get(username="zhao.li").must_change_password
    call_command("adduser", "qian.yi", "--role", "unit", "--org", "A1a", "--password", "Start@2024x")
    assert User.objects.get(username="qian.yi").must_change_password
    fresh = user_create(actor=SETUP, username="sun.er", role="unit", organization=tree.village_a, password=PASSWORD)
    assert not fresh.must_change_password
