"""The audit log page: the auditor's alone, read-only, filtered."""

import pytest
from django.urls import reverse

from conftest import PASSWORD, make_member


@pytest.fixture
def auditor(client, users):
    assert client.login(username="auditor", password=PASSWORD)
    return client


def test_auditor_reads_the_log(auditor, tree):
    make_member(tree.village_a, name="王芳")
    response = auditor.get(reverse("audit:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "审计日志" in html and "王芳" in html and "<details" in html
    # Read-only: no form posts anywhere but logout.
    assert html.count('method="post"') == 1


def test_audit_filters(auditor, tree):
    make_member(tree.village_a, name="王芳")
    url = reverse("audit:list")
    members = auditor.get(url, {"object_type": "orgs.member"}).context["page"].object_list
    assert [e.object_repr for e in members] == ["王芳"]
    logins = auditor.get(url, {"action": "login", "actor": "audit"}).context["page"].object_list
    assert logins and all(e.action == "login" and e.actor_name == "auditor" for e in logins)
    assert not auditor.get(url, {"date_to": "2000-01-01"}).context["page"].object_list
    assert auditor.get(url, {"date_from": "bad-date"}).status_code == 200


def test_audit_page_pagination_keeps_filters(auditor, tree):
    for i in range(51):
        make_member(tree.village_a, name=f"成员{i}")
    response = auditor.get(reverse("audit:list"), {"object_type": "orgs.member"})
    assert response.context["page"].paginator.count == 51
    assert "?object_type=orgs.member&amp;page=2" in response.content.decode()


@pytest.mark.parametrize("role", ["office", "leader", "sysadmin", "secadmin"])
def test_other_roles_get_404(client, users, role):
    assert client.login(username=role, password=PASSWORD)
    assert client.get(reverse("audit:list")).status_code == 404


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_sysadmin_lands_on_the_system_status_and_secadmin_on_accounts(client, users):
    assert client.login(username="sysadmin", password=PASSWORD)
    response = client.get(reverse("home"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("system_status")
    assert "三员分立" in html and "用户账号" not in html
    client.logout()
    assert client.login(username="secadmin", password=PASSWORD)
    response = client.get(reverse("home"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("accounts:users")
    assert "用户管理" in html and "unit" in html and "东关村党支部" in html


def test_login_page_in_chinese_keeps_the_username(client, users):
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200 and "账号" in page.content.decode() and "登录" in page.content.decode()
    failed = client.post(reverse("accounts:login"), {"username": "office", "password": "wrong"})
    html = failed.content.decode()
    assert "账号或密码错误" in html and 'value="office"' in html
