"""manage.py adduser: an account bound to a jurisdiction found by its code; an unknown code or a weak password
creates nothing."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User


def test_adduser_binds_role_and_jurisdiction(tree):
    call_command("adduser", "zhangsan", "--role", "liaison", "--org", "B", "--password", "Str0ng!pass")
    user = User.objects.get(username="zhangsan")
    assert user.role == "liaison" and user.organization.code == "B"
    assert user.check_password("Str0ng!pass")


def test_adduser_refuses_unknown_org_and_weak_password(tree):
    with pytest.raises(CommandError, match="不存在"):
        call_command("adduser", "li", "--role", "office", "--org", "NOPE")
    with pytest.raises(CommandError):
        call_command("adduser", "li", "--role", "office", "--org", "C", "--password", "123")
    assert not User.objects.filter(username="li").exists()
