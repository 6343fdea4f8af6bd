"""manage.py adduser: an account bound to a jurisdiction, looked up by its organisation code (the security
administrator's work, done by the command as the system actor adduser)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.actors import SystemActor
from accounts.permissions import grants
from administration.services import user_create
from core.audit import audit_context
from orgs.models import Organization


class Command(BaseCommand):
    help = "新增用户：adduser 账号 --role 角色 --org 组织编码 [--password 密码]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(grants()))
        parser.add_argument("--org", required=True, help="管辖范围：组织编码")
        parser.add_argument("--password", help="不填则账号不能用密码登录")
        parser.add_argument("--name", default="", help="姓名")

    def handle(self, *args: Any, **opts: Any) -> None:
        actor = SystemActor("adduser")
        org = Organization.objects.visible_to(actor).filter(code=opts["org"]).first()
        if org is None:
            raise CommandError(f"组织编码 {opts['org']} 不存在")
        try:
            with audit_context(user=actor):
                user = user_create(actor=actor, username=opts["username"], role=opts["role"], organization=org,
                                   password=opts["password"], full_name=opts["name"], must_change_password=True)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"已创建用户 {user.username}（{user.role_label}，管辖范围：{org.name}）")
