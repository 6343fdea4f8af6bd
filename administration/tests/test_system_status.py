"""The system administrator's status page: his alone, with what needs action and no domain data."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse


def test_sysadmin_sees_the_system_it_administers(client: Client, users: dict[str, Any], settings: Any) -> None:
    settings.JYB_PUBLIC_URL = "http://127.0.0.1:8000"
    client.force_login(users["sysadmin"])
    html = client.get(reverse("home"), follow=True).content.decode()
    assert "系统状态" in html and "未执行的数据库迁移" in html and "0个" in html and "后台任务" in html
    assert "JYB_PUBLIC_URL" in html and "指向服务器本机" in html  # a setting that needs action says so
    assert "三员分立" in html and "东关村党支部" not in html  # no domain data


@pytest.mark.parametrize("role", ["office", "unit", "secadmin", "auditor"])
def test_only_sysadmin_reads_the_system_status(client: Client, users: dict[str, Any], role: str) -> None:
    client.force_login(users[role])
    assert client.get(reverse("system_status")).status_code == 404
