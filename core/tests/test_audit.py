import pytest
from django.urls import reverse

from conftest import PASSWORD
from core.audit import audit_context
from core.models import AuditEntry
from orgs import services


def test_create_records_who_and_after(tree):
    with audit_context(name="tester", ip="10.1.2.3"):
        org = services.org_create(parent=tree.city, code="X", name="新组织", kind="branch", sector="other",
                                  tier="county")
    entry = AuditEntry.objects.get(object_type="orgs.organization", object_id=str(org.pk), action="create")
    assert entry.actor_name == "tester" and entry.ip == "10.1.2.3"
    assert entry.after["code"] == "X"


def test_delete_records_before(tree):
    services.org_delete(org=tree.village_b)
    entry = AuditEntry.objects.get(object_type="orgs.organization", object_id=str(tree.village_b.pk),
                                   action="delete")
    assert entry.before["code"] == "B1a"


def test_entries_cannot_be_changed_or_deleted(tree):
    entry = AuditEntry.objects.first()
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
    assert login.actor_name == "office" and login.ip == "127.0.0.1"


def test_web_changes_are_attributed_to_the_user(client, users, tree):
    from django.test import RequestFactory

    from core.middleware import AuditContextMiddleware

    request = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9")
    request.user = users["office"]

    def view(_request):
        services.org_update(org=tree.village_a, name="东关村党总支")
        from django.http import HttpResponse

        return HttpResponse()

    AuditContextMiddleware(view)(request)
    entry = AuditEntry.objects.filter(action="update", object_type="orgs.organization").last()
    assert entry.actor_id == users["office"].pk and entry.ip == "10.9.9.9"
    assert entry.before == {"name": "东关村党支部"} and entry.after == {"name": "东关村党总支"}
