"""Every change to the registry goes through here, so the roll-up counters and the audit log stay exact
whatever the path: pages, API, imports, commands. Each write takes the acting `actor` first and refuses, with
PermissionDenied, what `orgs.permissions` does not allow it (a system actor — a command, a generator — may do
everything)."""

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.actors import Actor, user_or_none
from core import audit, cn
from core.models import AuditEntry
from core.sheets import ImportFileError, Layout, store_upload
from orgs.choices import Gender, MemberCategory, OrgKind, Rank, Sector, Tier
from orgs.counters import cadre_delta, member_delta, rollup_apply
from orgs.models import Cadre, ImportJob, Member, Organization, Rollup
from orgs.permissions import can_add_org, can_edit_org, can_edit_registry
from orgs.signals import subtree_moved

# ---------------------------------------------------------------------------------------------------------
# Field rules shared by forms, the API and imports. Each returns {field: reason} for what is wrong.

# Codes appear in URLs (/orgs/<code>/), so they are URL-safe; words the URL map uses are reserved.
ORG_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
RESERVED_ORG_CODES = frozenset({"import", "pick"})


def org_field_errors(*, code: str, name: str, kind: str, sector: str, tier: str, credit_code: str = "",
                     division_code: str = "", unit_name: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    if len(unit_name) > 100:
        errors["unit_name"] = "单位名称不能超过100个字符"
    if not code:
        errors["code"] = "组织编码不能为空"
    elif not ORG_CODE_RE.fullmatch(code):
        errors["code"] = "组织编码只能由字母、数字、“-”“_”“.”组成，以字母或数字开头，不超过32个字符"
    elif code.lower() in RESERVED_ORG_CODES:
        errors["code"] = f"“{code}”是系统保留字，不能作为组织编码"
    if not name:
        errors["name"] = "组织名称不能为空"
    elif len(name) > 100:
        errors["name"] = "组织名称不能超过100个字符"
    if kind not in OrgKind.values:
        errors["kind"] = f"组织类别应为：{'、'.join(OrgKind.labels)}"
    if sector not in Sector.values:
        errors["sector"] = f"单位类别应为：{'、'.join(Sector.labels)}"
    if tier not in Tier.values:
        errors["tier"] = f"层级应为：{'、'.join(Tier.labels)}"
    if credit_code and (reason := cn.credit_code_error(credit_code)):
        errors["credit_code"] = reason
    if division_code and (reason := cn.division_code_error(division_code)):
        errors["division_code"] = reason
    return errors


def member_field_errors(*, name: str, gender: str, birth_date: dt.date | None, id_number: str,
                        phone: str = "", joined_on: dt.date | None = None, category: str = MemberCategory.FULL,
                        ethnicity: str = "汉族", today: dt.date | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    today = today or dt.date.today()
    if len(ethnicity) > 20:
        errors["ethnicity"] = "民族不能超过20个字符"
    if not name:
        errors["name"] = "姓名不能为空"
    elif len(name) > 50:
        errors["name"] = "姓名不能超过50个字符"
    if gender not in Gender.values:
        errors["gender"] = "性别应为：男、女"
    if category not in MemberCategory.values:
        errors["category"] = f"人员类别应为：{'、'.join(MemberCategory.labels)}"
    id_error = cn.id_number_error(id_number) if id_number else "公民身份号码不能为空"
    if id_error:
        errors["id_number"] = id_error
    else:
        id_number = cn.normalize_id_number(id_number)
        if birth_date is not None and cn.id_birth_date(id_number) != birth_date:
            errors["birth_date"] = f"出生日期与公民身份号码不一致（号码中为{cn.cn_date(cn.id_birth_date(id_number))}）"
        if gender in Gender.values and cn.id_gender(id_number) != gender:
            errors["gender"] = f"性别与公民身份号码不一致（号码中为{Gender(cn.id_gender(id_number)).label}）"
    if birth_date is None and "birth_date" not in errors:
        errors["birth_date"] = "出生日期不能为空"
    elif birth_date is not None and birth_date > today:
        errors["birth_date"] = "出生日期不能晚于今天"
    if phone and not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
        errors["phone"] = "手机号码应为以1开头的11位数字"
    if joined_on is not None:
        if joined_on > today:
            errors["joined_on"] = "入党日期不能晚于今天"
        elif birth_date is not None and (joined_on - birth_date).days < 18 * 365:
            errors["joined_on"] = "入党日期应在年满18周岁之后"
    return errors


def cadre_field_errors(*, name: str, id_number: str, position: str, rank: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "姓名不能为空"
    elif len(name) > 50:
        errors["name"] = "姓名不能超过50个字符"
    if id_error := (cn.id_number_error(id_number) if id_number else "公民身份号码不能为空"):
        errors["id_number"] = id_error
    if not position:
        errors["position"] = "职务不能为空"
    elif len(position) > 100:
        errors["position"] = "职务不能超过100个字符"
    if rank not in Rank.values:
        errors["rank"] = f"职级应为：{'、'.join(Rank.labels)}"
    return errors


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


OUTSIDE = "不在您的管辖范围内，或您的角色不能修改党组织、党员和领导干部信息"


def _require_editor(actor: Actor, *organizations: Organization) -> None:
    for organization in organizations:
        if not can_edit_registry(actor, organization):
            raise PermissionDenied(f"{organization.name}{OUTSIDE}")


# ---------------------------------------------------------------------------------------------------------
# Organisations


def _own_counts(org: Organization) -> dict[str, int]:
    members = Member.objects.filter(organization=org)
    return {
        "orgs": 1,
        "members": members.count(),
        "mobile": members.filter(is_mobile=True).count(),
        "frail": members.filter(is_frail=True).count(),
        "cadres": Cadre.objects.filter(organization=org).county_level().count(),
    }


@transaction.atomic
def org_create(*, actor: Actor, parent: Organization | None, code: str, name: str, kind: str, sector: str,
               tier: str, unit_name: str = "", credit_code: str = "", division_code: str = "") -> Organization:
    if not can_add_org(actor, parent):
        raise PermissionDenied(f"不能在{parent.name if parent else '组织树的根'}之下新增组织")
    errors = org_field_errors(code=code, name=name, kind=kind, sector=sector, tier=tier,
                              credit_code=credit_code, division_code=division_code, unit_name=unit_name)
    if "code" not in errors and Organization.objects.filter(code=code).exists():
        errors["code"] = f"组织编码 {code} 已存在"
    _raise(errors)
    org = Organization(code=code, name=name, kind=kind, sector=sector, tier=tier, unit_name=unit_name,
                       credit_code=credit_code.upper(), division_code=division_code)
    if parent is None:
        org = Organization.objects.add_root(instance=org)
    else:
        org = Organization.objects.add_child(parent, instance=org)
    rollup_apply([(org.path, sector, tier, {"orgs": 1})])
    return org


@transaction.atomic
def org_update(*, actor: Actor, org: Organization, **fields: Any) -> Organization:
    """Change an organisation's own fields (not its place in the tree: see `org_move`)."""
    if not can_edit_org(actor, org):
        raise PermissionDenied(f"“{org.name}”的信息由上级组织维护，或{OUTSIDE}")
    allowed = {"code", "name", "kind", "sector", "tier", "unit_name", "credit_code", "division_code"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"org_update cannot change {sorted(unknown)}")
    org = Organization.objects.select_for_update().get(pk=org.pk)
    old_sector, old_tier = org.sector, org.tier
    for name, value in fields.items():
        setattr(org, name, value)
    errors = org_field_errors(code=org.code, name=org.name, kind=org.kind, sector=org.sector, tier=org.tier,
                              credit_code=org.credit_code, division_code=org.division_code, unit_name=org.unit_name)
    if "code" in fields and Organization.objects.filter(code=org.code).exclude(pk=org.pk).exists():
        errors["code"] = f"组织编码 {org.code} 已存在"
    _raise(errors)
    org.save()
    if (old_sector, old_tier) != (org.sector, org.tier):
        own = _own_counts(org)
        rollup_apply([
            (org.path, old_sector, old_tier, {k: -v for k, v in own.items()}),
            (org.path, org.sector, org.tier, own),
        ])
    return org


def _subtree_totals(org: Organization) -> list[tuple[str, str, dict[str, int]]]:
    return [
        (r.sector, r.tier, {k: getattr(r, k) for k in Rollup.COUNTERS})
        for r in Rollup.objects.filter(organization=org)
    ]


@transaction.atomic
def org_move(*, actor: Actor, org: Organization, new_parent: Organization) -> Organization:
    if not can_edit_org(actor, org):
        raise PermissionDenied(f"“{org.name}”的上级组织由上级组织维护，或{OUTSIDE}")
    _require_editor(actor, new_parent)
    org = Organization.objects.select_for_update().get(pk=org.pk)
    new_parent = Organization.objects.get(pk=new_parent.pk)
    if new_parent.path.startswith(org.path):
        raise ValidationError({"parent": "不能把组织移到它自己或它的下级组织之下"})
    old_parent = Organization.objects.get_parent(org)
    if old_parent is not None and old_parent.pk == new_parent.pk:
        return org
    totals = _subtree_totals(org)
    old_path = org.path
    Organization.objects.move(org, new_parent, "last-child")
    org.refresh_from_db()
    # One call after the move: the old ancestors keep their paths (only the moved subtree's change), and if
    # the change is large enough for a full rebuild, the rebuild sees the final tree.
    rollup_apply([(old_path, s, t, {k: -v for k, v in c.items()}) for s, t, c in totals]
                 + [(org.path, s, t, c) for s, t, c in totals], above_only=True)
    subtree_moved.send(sender=Organization, old_path=old_path, new_path=org.path)
    audit.record(
        AuditEntry.Action.UPDATE, object_type=audit.type_label(org), object_id=str(org.pk), object_repr=str(org),
        before={"parent": old_parent.code if old_parent else None},
        after={"parent": new_parent.code},
    )
    return org


@transaction.atomic
def org_delete(*, actor: Actor, org: Organization) -> None:
    """Delete an organisation and its empty subtree. Refused while members, cadres or users are in it."""
    if not can_edit_org(actor, org):
        raise PermissionDenied(f"“{org.name}”由上级组织维护，或{OUTSIDE}")
    org = Organization.objects.select_for_update().get(pk=org.pk)
    subtree = Organization.objects.in_subtree(org.path)
    members = Member.objects.in_subtree(org.path).count()
    cadres = Cadre.objects.in_subtree(org.path).count()
    from accounts.models import User

    users = User.objects.filter(organization__in=subtree).count()
    if members or cadres or users:
        parts = [f"党员{members}人" if members else "", f"领导干部{cadres}人" if cadres else "",
                 f"用户{users}个" if users else ""]
        raise ValidationError(f"“{org.name}”及其下级还有{'、'.join(p for p in parts if p)}，请先转出后再删除")
    totals = _subtree_totals(org)
    rollup_apply([(org.path, s, t, {k: -v for k, v in c.items()}) for s, t, c in totals], above_only=True)
    removed = list(subtree)
    audit.record_many(AuditEntry.Action.DELETE, Organization,
                      ((o.pk, str(o), audit.snapshot(o), None) for o in removed))
    subtree.delete()


# ---------------------------------------------------------------------------------------------------------
# Members and cadres


def _member_change(m: Member, sign: int) -> tuple[str, str, str, dict[str, int]]:
    org = m.organization
    return (org.path, org.sector, org.tier, member_delta(mobile=m.is_mobile, frail=m.is_frail, sign=sign))


@transaction.atomic
def member_create(*, actor: Actor, organization: Organization, **fields: Any) -> Member:
    _require_editor(actor, organization)
    fields["id_number"] = cn.normalize_id_number(fields.get("id_number", ""))
    _raise(member_field_errors(name=fields.get("name", ""), gender=fields.get("gender", ""),
                               birth_date=fields.get("birth_date"), id_number=fields["id_number"],
                               phone=fields.get("phone", ""), joined_on=fields.get("joined_on"),
                               category=fields.get("category", MemberCategory.FULL),
                               ethnicity=fields.get("ethnicity", "汉族")))
    if Member.objects.filter(id_number=fields["id_number"]).exists():
        raise ValidationError({"id_number": "该公民身份号码已登记为党员"})
    member = Member(organization=organization, **fields)
    member.save()
    rollup_apply([_member_change(member, +1)])
    return member


@transaction.atomic
def member_update(*, actor: Actor, member: Member, **fields: Any) -> Member:
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    _require_editor(actor, member.organization, *([fields["organization"]] if "organization" in fields else []))
    before = _member_change(member, -1)
    for name, value in fields.items():
        setattr(member, name, value)
    member.id_number = cn.normalize_id_number(member.id_number)
    _raise(member_field_errors(name=member.name, gender=member.gender, birth_date=member.birth_date,
                               id_number=member.id_number, phone=member.phone, joined_on=member.joined_on,
                               category=member.category, ethnicity=member.ethnicity))
    if Member.objects.filter(id_number=member.id_number).exclude(pk=member.pk).exists():
        raise ValidationError({"id_number": "该公民身份号码已登记为党员"})
    member.save()
    if "organization" in fields:
        member.organization = Organization.objects.get(pk=member.organization_id)
    rollup_apply([before, _member_change(member, +1)])
    return member


@transaction.atomic
def member_delete(*, actor: Actor, member: Member) -> None:
    member = Member.objects.select_related("organization").get(pk=member.pk)
    _require_editor(actor, member.organization)
    change = _member_change(member, -1)
    member.delete()
    rollup_apply([change])


def _cadre_change(c: Cadre, sign: int) -> tuple[str, str, str, dict[str, int]]:
    org = c.organization
    return (org.path, org.sector, org.tier, cadre_delta(rank=c.rank, sign=sign))


@transaction.atomic
def cadre_create(*, actor: Actor, organization: Organization, name: str, id_number: str, position: str,
                 rank: int) -> Cadre:
    _require_editor(actor, organization)
    id_number = cn.normalize_id_number(id_number)
    _raise(cadre_field_errors(name=name, id_number=id_number, position=position, rank=rank))
    if Cadre.objects.filter(id_number=id_number).exists():
        raise ValidationError({"id_number": "该公民身份号码已登记为领导干部"})
    cadre = Cadre(organization=organization, name=name, id_number=id_number, position=position, rank=rank)
    cadre.save()
    rollup_apply([_cadre_change(cadre, +1)])
    return cadre


@transaction.atomic
def cadre_update(*, actor: Actor, cadre: Cadre, **fields: Any) -> Cadre:
    cadre = Cadre.objects.select_for_update().select_related("organization").get(pk=cadre.pk)
    _require_editor(actor, cadre.organization, *([fields["organization"]] if "organization" in fields else []))
    before = _cadre_change(cadre, -1)
    for name, value in fields.items():
        setattr(cadre, name, value)
    cadre.id_number = cn.normalize_id_number(cadre.id_number)
    _raise(cadre_field_errors(name=cadre.name, id_number=cadre.id_number, position=cadre.position,
                              rank=cadre.rank))
    if Cadre.objects.filter(id_number=cadre.id_number).exclude(pk=cadre.pk).exists():
        raise ValidationError({"id_number": "该公民身份号码已登记为领导干部"})
    cadre.save()
    if "organization" in fields:
        cadre.organization = Organization.objects.get(pk=cadre.organization_id)
    rollup_apply([before, _cadre_change(cadre, +1)])
    return cadre


@transaction.atomic
def cadre_delete(*, actor: Actor, cadre: Cadre) -> None:
    cadre = Cadre.objects.select_related("organization").get(pk=cadre.pk)
    _require_editor(actor, cadre.organization)
    change = _cadre_change(cadre, -1)
    cadre.delete()
    rollup_apply([change])


@transaction.atomic
def import_job_map(*, actor: Actor, job: ImportJob, layout: dict[str, Any], mapping: dict[int, str]) -> bool:
    """Record the column mapping the user confirmed for an uploaded file, once: True when this call recorded it
    (the caller then queues the validation), False when the job was no longer waiting for it — a second click,
    or another tab, must not queue a second validation of the same file. A job is confirmed by its uploader."""
    if getattr(actor, "pk", None) is None or job.user_id != actor.pk:
        raise PermissionDenied("只有上传人可以确认导入")
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not locked.awaiting_mapping:
        return False
    locked.report = {"layout": layout, "mapping": {str(i): n for i, n in mapping.items()}}
    locked.save(update_fields=["report", "updated_at"])
    job.report = locked.report
    return True


def import_job_start(*, actor: Actor, kind: str, upload: UploadedFile,
                     read_layout: Callable[[Path, str], Layout]) -> ImportJob:
    """Keep an uploaded sheet and open its import job at the mapping step: `read_layout(file, name)` finds the
    header and reads each column, which the user confirms next. A file that cannot be read is removed again and
    its ImportFileError raised (the page shows it on the upload form). The job belongs to the signed-in `actor`;
    a registry import (orgs.imports.ImportKind) needs `can_edit_registry`, another app's import (the problem
    ledger's) is checked by that app."""
    user = user_or_none(actor)
    if user is None:
        raise PermissionDenied("导入任务属于登录的用户")
    from orgs.imports import ImportKind

    if kind in ImportKind.values and not can_edit_registry(actor):
        raise PermissionDenied("您的角色不能导入党组织、党员或领导干部信息")
    target = store_upload(upload)
    name = Path(upload.name or "").name[:255]
    try:
        layout = read_layout(target, name)
    except ImportFileError:
        target.unlink(missing_ok=True)
        raise
    return ImportJob.objects.create(kind=kind, user=user, file_path=str(target), original_name=name,
                                    report={"layout": layout.as_dict()})
