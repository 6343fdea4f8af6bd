from django.db import models


class Role(models.TextChoices):
    OFFICE = "office", "办公室工作人员"
    LIAISON = "liaison", "联络组成员"
    UNIT = "unit", "参学单位联络员"
    LEADER = "leader", "领导小组成员"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "安全审计员"


# Roles that work with campaign data inside their jurisdiction. The three separated administrators
# (三员分立) see system settings, accounts or the audit log, and no domain data.
DATA_ROLES = frozenset({Role.OFFICE, Role.LIAISON, Role.UNIT, Role.LEADER})
# Roles that may change the registry (imports, edits) inside their jurisdiction.
REGISTRY_EDITORS = frozenset({Role.OFFICE, Role.UNIT})
# Roles that see full ID-card and phone numbers: those who keep the register and must re-import it.
FULL_ID_ROLES = frozenset({Role.OFFICE, Role.UNIT})
# Roles shown files' SHA-256: those who verify what a file proves (closures, visits, the log). Grassroots users see
# the file's name, size and who uploaded it; a checksum means nothing to them.
CHECKSUM_READERS = frozenset({Role.OFFICE, Role.LIAISON})
