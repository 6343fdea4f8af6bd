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
