import pytest
from django.urls import reverse

from accounts.actors import SETUP
from conftest import PASSWORD
from core.audit import audit_context
from core.models import AuditEntry
from orgs import services


def test_create_records_who_and_after(tree):
    with audit_context(name="tester", ip="10.1.2.3"):
        org = services.org_create(actor=SETUP, parent=tree.city, code="X", name="新组织", kind="branch", sector="other",
                                  tier="county")
    entry = AuditEntry.objects.get(object_type="orgs.organization", object_id=str(org.pk), action="create")
    assert entry.actor_name == "tester" and entry.ip == "10.1.2.3"
    assert entry.after is not None and entry.after["code"] == "X"


def test_delete_records_before(tree):
    services.org_delete(actor=SETUP, org=tree.village_b)
    entry = AuditEntry.objects.get(object_type="orgs.organization", object_id=str(tree.village_b.pk),
                                   action="delete")
    assert entry.before is not None and entry.before["code"] == "B1a"


def test_entries_cannot_be_changed_or_deleted(tree):
    entry = AuditEntry.objects.first()
    assert entry is not None
    entry.object_repr = "篡改"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_login_failed_login_and_logout_are_recorded(client, users):
    client.post(reverse("accounts:login"), {"username": "office", "password": "wrong"})
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    client.post(reverse("accounts:logout"))
    actions = list(AuditEntry.objects.filter(object_type="accounts.user").order_by("id")
                   .values_list("action", flat=True))
    assert actions[-3:] == ["login_failed", "login", "logout"]
    login = AuditEntry.objects.filter(action="login").last()
    assert login is not None
    assert login.actor_name == "office" and login.ip == "127.0.0.1"


def test_web_changes_are_attributed_to_the_user(client, users, tree):
    from django.test import RequestFactory

    from core.middleware import AuditContextMiddleware

    request = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9")
    request.user = users["office"]

    def view(_request):
        services.org_update(actor=SETUP, org=tree.village_a, name="东关村党总支")
        from django.http import HttpResponse

        return HttpResponse()

    AuditContextMiddleware(view)(request)
    entry = AuditEntry.objects.filter(action="update", object_type="orgs.organization").last()
    assert entry is not None
    assert entry.actor_id == users["office"].pk and entry.ip == "10.9.9.9"
    assert entry.before == {"name": "东关村党支部"} and entry.after == {"name": "东关村党总支"}


def test_forged_x_real_ip_is_not_believed(client, users):
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD},
                HTTP_X_REAL_IP="6.6.6.6")
    login = AuditEntry.objects.filter(action="login").last()
    assert login is not None and login.ip == "127.0.0.1"


def test_x_real_ip_from_a_trusted_proxy_is_believed_and_checked(client, users, settings):
    settings.JYB_TRUSTED_PROXIES = frozenset({"127.0.0.1"})
    client.post(reverse("accounts:login"), {"username": "office", "password": "wrong"},
                HTTP_X_REAL_IP="not an ip")
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD},
                HTTP_X_REAL_IP="10.20.30.40")
    failed, login = AuditEntry.objects.filter(action__in=["login_failed", "login"]).order_by("id")
    assert failed.ip == "127.0.0.1" and login.ip == "10.20.30.40"


def test_attempts_on_a_locked_account_are_recorded(client, users, settings):
    settings.JYB_LOGIN_MAX_FAILURES = 2
    for n in range(2):  # from two addresses: one alone cannot lock an account
        client.post(reverse("accounts:login"), {"username": "office", "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{n}")
    before = AuditEntry.objects.filter(action="login_failed").count()
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    locked = AuditEntry.objects.filter(action="login_failed").order_by("id")
    last = locked.last()
    assert locked.count() == before + 1 and last is not None and last.after == {"reason": "locked"}
    assert not AuditEntry.objects.filter(action="login").exists()


def test_api_token_login_is_recorded(client, users):
    response = client.post("/api/v1/auth/token", {"username": "liaison", "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="login")
    assert entry.actor_id == users["liaison"].pk and entry.after == {"via": "api_token"}
    assert entry.ip == "127.0.0.1"
