"""API tokens expire, are revoked by logout, a password reset and deactivation, and their owner lists and revokes
them (through the API and on a page), never seeing the token itself again."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, User
from administration.services import user_set_password, user_update
from api.tests.helpers import API
from conftest import PASSWORD
from core.models import AuditEntry

BEIJING = ZoneInfo("Asia/Shanghai")
ISSUED = dt.datetime(2023, 10, 10, 9, 0, tzinfo=BEIJING)


def _issue(client: Client, username: str = "office") -> str:
    response = client.post(f"{API}/auth/token", {"username": username, "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    token: str = response.json()["token"]
    return token


def _orgs(client: Client, token: str) -> Any:
    """A call with the token alone (a fresh client: no browser session to fall back on)."""
    return Client().get(f"{API}/orgs/", HTTP_AUTHORIZATION=f"Bearer {token}")


def _revocations() -> list[dict[str, Any]]:
    return [e.after for e in AuditEntry.objects.filter(object_type="accounts.apitoken").order_by("id")
            if isinstance(e.after, dict)]


# ---- expiry ------------------------------------------------------------------------------------------------

def test_a_token_works_for_eight_hours_and_is_refused_after_in_chinese(client, users):
    with time_machine.travel(ISSUED, tick=False):
        response = client.post(f"{API}/auth/token", {"username": "office", "password": PASSWORD},
                               content_type="application/json")
        token = response.json()["token"]
        assert dt.datetime.fromisoformat(response.json()["expires_at"]) == ISSUED + dt.timedelta(hours=8)
    assert ApiToken.objects.get().expires_at == ISSUED + dt.timedelta(hours=8)
    with time_machine.travel(ISSUED + dt.timedelta(hours=7, minutes=59), tick=False):
        assert _orgs(client, token).status_code == 200
    with time_machine.travel(ISSUED + dt.timedelta(hours=8), tick=False):
        refused = _orgs(client, token)
    assert refused.status_code == 401
    assert refused.json()["detail"].startswith("未登录或令牌无效（令牌已过期或已撤销）")
    assert refused["WWW-Authenticate"] == "Bearer"


def test_the_lifetime_is_configurable(client, users, settings):
    settings.JYB_API_TOKEN_HOURS = 0.5
    with time_machine.travel(ISSUED, tick=False):
        token = _issue(client)
    assert ApiToken.objects.get().expires_at == ISSUED + dt.timedelta(minutes=30)
    with time_machine.travel(ISSUED + dt.timedelta(minutes=31), tick=False):
        assert _orgs(client, token).status_code == 401


def test_a_new_token_clears_the_users_expired_ones_only(client, users):
    with time_machine.travel(ISSUED, tick=False):
        _issue(client, "office")
        _issue(client, "unit")
    with time_machine.travel(ISSUED + dt.timedelta(hours=9), tick=False):
        fresh = _issue(client, "office")
        assert _orgs(client, fresh).status_code == 200
    assert ApiToken.objects.filter(user=users["office"]).count() == 1
    assert ApiToken.objects.filter(user=users["unit"]).count() == 1  # another user's are not touched


# ---- revocation --------------------------------------------------------------------------------------------

def test_logging_out_of_the_pages_revokes_the_users_tokens(client, users):
    mine, other = _issue(client, "office"), _issue(client, "unit")
    client.force_login(users["office"])
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert _orgs(client, mine).status_code == 401
    assert _orgs(client, other).status_code == 200
    assert list(ApiToken.objects.values_list("user__username", flat=True)) == ["unit"]
    assert _revocations() == [{"revoked": 1, "reason": "退出登录"}]
    entry = AuditEntry.objects.get(object_type="accounts.apitoken")
    assert (entry.action, entry.actor_name, entry.object_repr) == (AuditEntry.Action.DELETE, "office",
                                                                   "office 的接口令牌")


def test_a_password_reset_revokes_the_users_tokens(client, users):
    first, second, other = _issue(client, "unit"), _issue(client, "unit"), _issue(client, "office")
    user_set_password(actor=users["secadmin"], user=users["unit"], password="Another@2023pass")
    assert _orgs(client, first).status_code == 401 and _orgs(client, second).status_code == 401
    assert _orgs(client, other).status_code == 200
    assert not ApiToken.objects.filter(user=users["unit"]).exists()
    assert _revocations() == [{"revoked": 2, "reason": "重置密码"}]


def test_deactivation_revokes_the_users_tokens_and_other_changes_do_not(client, users, tree):
    token = _issue(client, "unit")
    user_update(actor=users["secadmin"], user=users["unit"], role="unit", organization=tree.village_a,
                full_name="张三", is_active=True)
    assert _orgs(client, token).status_code == 200
    user_update(actor=users["secadmin"], user=users["unit"], role="unit", organization=tree.village_a,
                full_name="张三", is_active=False)
    assert not ApiToken.objects.exists()
    User.objects.filter(pk=users["unit"].pk).update(is_active=True)  # even reactivated, the old token is gone
    assert _orgs(client, token).status_code == 401
    assert _revocations() == [{"revoked": 1, "reason": "停用账号"}]


def test_revoking_a_user_without_tokens_writes_nothing(users):
    from accounts.choices import TokenRevocation
    from accounts.services import api_tokens_revoke

    assert api_tokens_revoke(user=users["leader"], reason=TokenRevocation.PASSWORD_CHANGE) == 0
    assert not AuditEntry.objects.filter(object_type="accounts.apitoken").exists()


# ---- the owner's list, through the API ----------------------------------------------------------------------

def test_the_api_lists_the_callers_own_tokens_newest_first_without_secrets(client, users):
    with time_machine.travel(ISSUED, tick=False):
        older = _issue(client, "office")
        _orgs(client, older)  # used once
    with time_machine.travel(ISSUED + dt.timedelta(hours=1), tick=False):
        newer = _issue(client, "office")
        _issue(client, "unit")
        response = client.get(f"{API}/auth/tokens", HTTP_AUTHORIZATION=f"Bearer {newer}")
    assert response.status_code == 200
    rows = response.json()
    tokens = {t.pk: t for t in ApiToken.objects.filter(user=users["office"])}
    assert [r["id"] for r in rows] == sorted(tokens, reverse=True)
    # the listing itself is the newer token's first use
    assert [(r["current"], r["expired"], r["last_used_at"] is None) for r in rows] == [(True, False, False),
                                                                                     (False, False, False)]
    assert dt.datetime.fromisoformat(rows[1]["created_at"]) == ISSUED
    assert dt.datetime.fromisoformat(rows[1]["last_used_at"]) == ISSUED
    assert dt.datetime.fromisoformat(rows[1]["expires_at"]) == ISSUED + dt.timedelta(hours=8)
    body = response.content.decode()
    assert older not in body and newer not in body
    assert all(t.key_hash not in body for t in ApiToken.objects.all())
    assert set(rows[0]) == {"id", "created_at", "last_used_at", "expires_at", "expired", "current"}


def test_the_api_revokes_the_callers_own_token_and_nobody_elses(client, users):
    mine, spare = _issue(client, "office"), _issue(client, "office")
    others = _issue(client, "unit")
    spare_id = ApiToken.objects.filter(user=users["office"]).order_by("-id").values_list("id", flat=True)[0]
    others_id = ApiToken.objects.get(user=users["unit"]).pk
    auth = {"HTTP_AUTHORIZATION": f"Bearer {mine}"}
    refused = client.delete(f"{API}/auth/tokens/{others_id}", **auth)
    assert refused.status_code == 404 and refused.json() == {"detail": "未找到"}
    assert client.delete(f"{API}/auth/tokens/987654", **auth).status_code == 404
    assert _orgs(client, others).status_code == 200
    response = client.delete(f"{API}/auth/tokens/{spare_id}", **auth)
    assert response.status_code == 204
    assert _orgs(client, spare).status_code == 401
    assert _orgs(client, mine).status_code == 200
    assert _revocations() == [{"revoked": 1, "reason": "本人撤销", "token": spare_id}]
    assert client.delete(f"{API}/auth/tokens/{spare_id}").status_code == 401  # anonymous


def test_a_browser_session_lists_and_revokes_its_users_tokens_through_the_api(client, users):
    token = _issue(client, "unit")
    client.force_login(users["unit"])
    rows = client.get(f"{API}/auth/tokens").json()
    assert [(r["id"], r["current"]) for r in rows] == [(ApiToken.objects.get().pk, False)]
    assert client.delete(f"{API}/auth/tokens/{rows[0]['id']}").status_code == 204
    assert _orgs(client, token).status_code == 401


# ---- the owner's page --------------------------------------------------------------------------------------

def test_the_page_lists_issued_last_use_and_expiry_and_is_linked_from_the_user_menu(client, users):
    with time_machine.travel(ISSUED, tick=False):
        token = _issue(client, "office")
    with time_machine.travel(ISSUED + dt.timedelta(hours=2, minutes=5), tick=False):
        _orgs(client, token)
    others = _issue(client, "unit")
    client.force_login(users["office"])
    home = client.get(reverse("notifications:list")).content.decode()
    assert reverse("accounts:api_tokens") in home
    with time_machine.travel(ISSUED + dt.timedelta(hours=3), tick=False):
        page = client.get(reverse("accounts:api_tokens")).content.decode()
    mine = ApiToken.objects.get(user=users["office"])
    assert "2023年10月10日 09:00" in page  # issued
    assert "2023年10月10日 11:05" in page  # last used
    assert "2023年10月10日 17:00" in page  # expires
    assert "已失效" not in page
    assert f'id="token{mine.pk}"' in page
    assert f'id="token{ApiToken.objects.get(user=users["unit"]).pk}"' not in page
    assert token not in page and others not in page and mine.key_hash not in page
    with time_machine.travel(ISSUED + dt.timedelta(hours=9), tick=False):
        assert "已失效" in client.get(reverse("accounts:api_tokens")).content.decode()


def test_the_page_revokes_the_users_own_token_only(client, users):
    token, others = _issue(client, "office"), _issue(client, "unit")
    client.force_login(users["office"])
    mine = ApiToken.objects.get(user=users["office"]).pk
    theirs = ApiToken.objects.get(user=users["unit"]).pk
    assert client.post(reverse("accounts:api_token_revoke", args=[theirs])).status_code == 404
    assert client.get(reverse("accounts:api_token_revoke", args=[mine])).status_code == 405
    response = client.post(reverse("accounts:api_token_revoke", args=[mine]), follow=True)
    assert "令牌已撤销" in response.content.decode()
    assert "您没有接口令牌" in response.content.decode()
    assert _orgs(client, token).status_code == 401
    assert _orgs(client, others).status_code == 200


@pytest.mark.parametrize("name", ["accounts:api_tokens"])
def test_the_page_is_for_signed_in_users(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
