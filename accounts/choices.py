from django.db import models


class Role(models.TextChoices):
    OFFICE = "office", "办公室工作人员"
    LIAISON = "liaison", "联络组成员"
    UNIT = "unit", "参学单位联络员"
    LEADER = "leader", "领导小组成员"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "安全审计员"


# What each role may do is accounts.permissions' table of capabilities; no other module groups roles.


class TokenRevocation(models.TextChoices):
    """Why a user's API tokens were revoked (accounts.services.api_tokens_revoke), as the audit log says it."""

    LOGOUT = "logout", "退出登录"
    PASSWORD_CHANGE = "password_change", "修改密码"
    PASSWORD_RESET = "password_reset", "重置密码"
    DEACTIVATION = "deactivation", "停用账号"
    OWNER = "owner", "本人撤销"
