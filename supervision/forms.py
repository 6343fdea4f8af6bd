"""Forms of the supervision pages. They parse and keep what was typed; every rule is in supervision.services (and,
for a finding put into the ledger, problems.services), whose Chinese errors are put back on the fields they
concern. Field names are the services' keyword arguments, so a service's error lands on its field.

Sections: list filters; visits (plan, log, record, cancel, attachments); findings (and the problem they become);
visit methods. Helper forms of the ladder and the letters follow at the end of the file.
"""

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from accounts.actors import MaybeActor
from accounts.models import User
from campaigns.models import LiaisonGroup
from core.cn import cn_date
from core.files import DOCUMENT_KINDS, DOCUMENT_SUFFIXES, upload_max_mb
from core.forms import chinese_messages
from orgs.models import Cadre, Organization
from orgs.widgets import OrgChoiceField
from problems.choices import Category, Severity
from problems.forms import DATE_WIDGET, CadreChoiceField, LedgerForm
from problems.models import Problem
from supervision import selectors
from supervision.choices import ActionStatus, Judgement, LetterStatus, Level, Requirement, VisitStatus
from supervision.models import Action, Finding, Visit, VisitMethod

_ANY = [("", "全部")]
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
ACCEPT = ",".join(sorted(DOCUMENT_SUFFIXES))
STEP_SLOTS = 2


def parse_month(text: str | None) -> tuple[int, int] | None:
    """(year, month) of "2023-10", or None when it is not a month."""
    match = MONTH_RE.match((text or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return (year, month) if 2000 <= year <= 2100 and 1 <= month <= 12 else None


class SupervisionForm(LedgerForm):
    """The ledger pages' base (Bootstrap classes, Chinese messages, the services' errors back on their fields)."""

    FIELD_OF: dict[str, str | None] = {**LedgerForm.FIELD_OF, "group": None, "visit": None, "finding": None,
                                       "observations": None}

    def dress(self, names: Iterable[str]) -> None:
        """What the base does for its declared fields, for fields added in `__init__`."""
        for name in names:
            fld = self.fields[name]
            fld.error_messages.update(chinese_messages(fld, str(fld.label or name)))
            widget = fld.widget
            if widget.is_hidden:
                continue
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"


# ---------------------------------------------------------------------------------------------------------
# List filters (GET). Values that make no sense are ignored: a hand-edited link never fails.


class _FilterForm(forms.Form):
    def __init__(self, *args: Any, groups: Sequence[LiaisonGroup] = (), user: MaybeActor = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "unit" in self.fields:  # the organisation picker over what the user sees; another value is ignored
            self.fields["unit"] = OrgChoiceField(user=user, label="单位（含下级）", required=False)
        group = self.fields["group"]
        assert isinstance(group, forms.ChoiceField)
        group.choices = _ANY + [(str(g.pk), g.name) for g in groups]
        if len(groups) < 2:
            group.widget = forms.HiddenInput()
        for fld in self.fields.values():
            if isinstance(fld.widget, forms.Select):
                fld.widget.attrs["class"] = "form-select form-select-sm"
            elif not fld.widget.is_hidden:
                fld.widget.attrs["class"] = "form-control form-control-sm"

    def value_of(self, name: str) -> Any:
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name not in self.errors else None

    @property
    def active(self) -> bool:
        return any(self.value_of(name) for name in self.fields)


class VisitFilterForm(_FilterForm):
    group = forms.ChoiceField(label="联络组", required=False)
    unit = forms.CharField(label="单位（含下级）", required=False)  # the picker, in __init__
    status = forms.ChoiceField(label="状态", required=False, choices=_ANY + list(VisitStatus.choices))
    method = forms.ChoiceField(label="指导方式", required=False)
    month = forms.CharField(label="月份", required=False, max_length=7,
                            widget=forms.TextInput(attrs={"type": "month", "placeholder": "2023-10"}))

    def __init__(self, *args: Any, methods: Sequence[VisitMethod] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        method = self.fields["method"]
        assert isinstance(method, forms.ChoiceField)
        method.choices = _ANY + [(str(m.pk), m.name) for m in methods]

    def apply(self, qs: QuerySet[Visit], user: MaybeActor) -> QuerySet[Visit]:
        """`qs` (a selector's scoped visits) narrowed by the filters that make sense."""
        self.is_valid()
        group, method, status = self.value_of("group"), self.value_of("method"), self.value_of("status")
        month = parse_month(self.value_of("month"))
        date_from = date_to = None
        if month is not None:
            date_from = dt.date(month[0], month[1], 1)
            date_to = dt.date(month[0], month[1], calendar.monthrange(month[0], month[1])[1])
        return selectors.filter_visits(qs, group=int(group) if group else None,
                                       organization=self.value_of("unit"),
                                       statuses=[status] if status else [], method=int(method) if method else None,
                                       date_from=date_from, date_to=date_to)


FILED_CHOICES = [("", "全部"), ("1", "已列入问题清单"), ("0", "待列入问题清单"), ("guide", "指导意见（无需整改）")]


class FindingFilterForm(_FilterForm):
    group = forms.ChoiceField(label="联络组", required=False)
    unit = forms.CharField(label="单位（含下级）", required=False)  # the picker, in __init__
    requirement = forms.ChoiceField(label="基本要求", required=False, choices=_ANY + list(Requirement.choices))
    filed = forms.ChoiceField(label="是否列入问题清单", required=False, choices=FILED_CHOICES)

    def apply(self, qs: QuerySet[Finding], user: MaybeActor) -> QuerySet[Finding]:
        self.is_valid()
        group, requirement, filed = self.value_of("group"), self.value_of("requirement"), self.value_of("filed")
        qs = selectors.filter_findings(qs, group=int(group) if group else None,
                                       organization=self.value_of("unit"),
                                       requirements=[requirement] if requirement else [],
                                       filed={"1": True, "0": False}.get(filed or ""))
        return qs.filter(needs_fix=False) if filed == "guide" else qs


# ---------------------------------------------------------------------------------------------------------
# Visits


def _text(label: str, *, area: bool = False, rows: int = 3, placeholder: str = "") -> forms.CharField:
    attrs: dict[str, Any] = {"placeholder": placeholder} if placeholder else {}
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if area else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, required=False, widget=widget, strip=False)


def _date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DATE_WIDGET, help_text=help_text)


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


def group_members(group: LiaisonGroup) -> QuerySet[User]:
    return User.objects.filter(liaison_memberships__group=group).order_by("-liaison_memberships__is_leader", "id")


class _ObservationsMixin:
    """The four basic requirements, each a judgement (现场评价) and a note (了解到的情况); field names are the
    service's error keys (judgement_study, note_study…)."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def _add_observation_fields(self) -> None:
        for value, label in Requirement.choices:
            self.fields[f"judgement_{value}"] = forms.ChoiceField(
                label=f"{label}·现场评价", required=False, choices=[("", "未评价"), *Judgement.choices])
            self.fields[f"note_{value}"] = _text(f"{label}·了解到的情况", area=True, rows=2)

    def observations(self) -> dict[str, dict[str, str]]:
        return {value: {"judgement": self.cleaned_data.get(f"judgement_{value}") or "",
                        "note": self.cleaned_data.get(f"note_{value}") or ""} for value in Requirement.values}

    def observation_rows(self) -> list[tuple[str, Any, Any]]:
        form: Any = self
        return [(label, form[f"judgement_{value}"], form[f"note_{value}"]) for value, label in Requirement.choices]


class VisitForm(_ObservationsMixin, SupervisionForm):
    """Plan a visit (`mode` "plan"), log one already held ("log": the date held, what was seen), or change a
    planned one (`creating` False: no unit, no record)."""

    MARKED = frozenset({"organization", "method", "planned_on", "visited_on", "summary"})

    method = forms.ModelChoiceField(label="指导方式", required=False, queryset=VisitMethod.objects.none(),
                                    empty_label="请选择")
    subject = forms.CharField(label="活动内容（可不填）", required=False, strip=False,
                              widget=forms.TextInput(attrs={"placeholder": "如：列席区委理论学习中心组专题研讨"}),
                              help_text="不填则为“指导方式·单位”，如：个别访谈·城关镇党委")
    planned_on = _date("计划日期")
    visited_on = _date("开展日期")
    summary = _text("总体情况", area=True, rows=4, placeholder="看到了什么、总体评价如何")
    participants = MemberChoiceField(label="本组参加人员", required=False, queryset=User.objects.none(),
                                     widget=forms.CheckboxSelectMultiple)
    others = _text("其他参加人员", placeholder="本组以外的参加人员，如：市委教育办张三")
    group = forms.IntegerField(required=False, widget=forms.HiddenInput)
    mode = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, group: LiaisonGroup, mode: str = "plan", creating: bool = True,
                 user: MaybeActor = None, units: Sequence[Organization] = (),
                 current_method: VisitMethod | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = "log" if mode == "log" else "plan"
        self.creating = creating
        if creating:
            # The group's units and the organisations below them, among what the user sees.
            self.fields["organization"] = OrgChoiceField(user=user, within=[o.path for o in units],
                                                         label="指导单位", outside="请选择本组联系的单位")
            self.order_fields(["organization"])
        else:
            del self.fields["group"], self.fields["mode"]
        method = self.fields["method"]
        assert isinstance(method, forms.ModelChoiceField)
        offered = Q(is_active=True) | Q(pk=current_method.pk if current_method else None)
        method.queryset = VisitMethod.objects.filter(offered)
        participants = self.fields["participants"]
        assert isinstance(participants, forms.ModelMultipleChoiceField)
        participants.queryset = group_members(group)
        if self.kind == "log":
            del self.fields["planned_on"]
            self.FIELD_OF = {**self.FIELD_OF, "planned_on": "visited_on"}
            self._add_observation_fields()
        else:
            del self.fields["visited_on"], self.fields["summary"]
        self.dress(n for n in self.fields if n.startswith(("judgement_", "note_")))

    def main_fields(self) -> list[Any]:
        names = ["organization", "method", "subject", "planned_on", "visited_on"]
        return [self[n] for n in names if n in self.fields]

    def values(self) -> dict[str, Any]:
        """The service's keyword arguments (after `is_valid()`), without the unit and group."""
        data = self.cleaned_data
        values: dict[str, Any] = {"method": data.get("method"), "subject": data.get("subject") or "",
                                  "participants": list(data.get("participants") or []),
                                  "others": data.get("others") or ""}
        if self.kind == "log":
            values.update({"visited_on": data.get("visited_on"), "summary": data.get("summary") or "",
                           "observations": self.observations()})
        else:
            values["planned_on"] = data.get("planned_on")
        return values


class VisitRecordForm(_ObservationsMixin, SupervisionForm):
    """Mark a planned visit done, or correct the record of a done one."""

    MARKED = frozenset({"visited_on", "summary"})

    visited_on = _date("开展日期")
    summary = _text("总体情况", area=True, rows=4, placeholder="看到了什么、总体评价如何")
    participants = MemberChoiceField(label="本组参加人员", required=False, queryset=User.objects.none(),
                                     widget=forms.CheckboxSelectMultiple)
    others = _text("其他参加人员", placeholder="本组以外的参加人员")

    def __init__(self, *args: Any, group: LiaisonGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        participants = self.fields["participants"]
        assert isinstance(participants, forms.ModelMultipleChoiceField)
        participants.queryset = group_members(group)
        self._add_observation_fields()
        self.dress(n for n in self.fields if n.startswith(("judgement_", "note_")))

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"visited_on": data.get("visited_on"), "summary": data.get("summary") or "",
                "observations": self.observations(), "participants": list(data.get("participants") or []),
                "others": data.get("others") or ""}


class CancelForm(SupervisionForm):
    MARKED = frozenset({"cancel_reason"})

    cancel_reason = _text("取消原因", placeholder="如：被指导单位临时调整会议时间")


class AttachmentForm(SupervisionForm):
    MARKED = frozenset({"file"})

    file = forms.FileField(label="附件", required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"会议材料、访谈记录、照片等：{DOCUMENT_KINDS}，不超过{upload_max_mb()}MB"


# ---------------------------------------------------------------------------------------------------------
# Findings


class FindingCadreField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.label(with_org=True)


class FindingForm(SupervisionForm):
    """A finding of a done visit (`creating`: with the unit it was found at), or its correction."""

    MARKED = frozenset({"description", "requirement", "organization"})

    description = _text("发现的问题", area=True, rows=4, placeholder="写明问题的具体表现，如：专题研讨发言照本宣科")
    requirement = forms.ChoiceField(label="对应的基本要求", required=False,
                                    choices=[("", "请选择"), *Requirement.choices])
    cadre = FindingCadreField(label="涉及领导干部（可不选）", required=False, queryset=Cadre.objects.none(),
                              empty_label="不涉及具体领导干部")
    needs_fix = forms.BooleanField(label="需要整改（列入问题清单）", required=False, initial=True,
                                   help_text="不勾选的，作为指导意见记录，不列入问题清单")

    def __init__(self, *args: Any, creating: bool = True, user: MaybeActor = None, visit: Visit | None = None,
                 cadres: QuerySet[Cadre] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating and visit is not None:
            # The visited unit or one below it, among what the user sees.
            self.fields["organization"] = OrgChoiceField(user=user, within=[visit.org_path], label="所在单位",
                                                         help_text="本次指导的单位或其下级单位",
                                                         outside="请选择本次指导的单位或其下级单位")
            self.order_fields(["description", "requirement", "organization"])
        cadre = self.fields["cadre"]
        assert isinstance(cadre, forms.ModelChoiceField)
        cadre.queryset = cadres if cadres is not None else Cadre.objects.none()

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"description": data.get("description") or "", "requirement": data.get("requirement") or "",
                "cadre": data.get("cadre"), "needs_fix": bool(data.get("needs_fix"))}


class RaiseProblemForm(SupervisionForm):
    """Put a finding into the unit's ledger (问题来源：督导发现): what problems.services.problem_create needs
    besides what the finding already holds."""

    FIELD_OF = {**SupervisionForm.FIELD_OF, "source": None, "organization": None, "special_campaign": None,
                "responsible_unit": None, "description": None}
    MARKED = frozenset({"category"})

    category = forms.ChoiceField(label="问题类别", required=False, choices=[("", "请选择"), *Category.choices])
    severity = forms.ChoiceField(label="严重程度", required=False, choices=Severity.choices,
                                 initial=Severity.ORDINARY)
    fix_now = forms.BooleanField(label="立查立改（即知即改）", required=False)
    deadline = _date("完成时限", "不填则按严重程度确定：一般90天、较重60天、严重30天，立查立改7天")
    responsible_cadre = CadreChoiceField(label="责任领导", required=False, queryset=Cadre.objects.none(),
                                         empty_label="请选择")
    cause = _text("原因分析", area=True, rows=2)

    def __init__(self, *args: Any, leaders: QuerySet[Cadre] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cadre = self.fields["responsible_cadre"]
        assert isinstance(cadre, forms.ModelChoiceField)
        cadre.queryset = leaders if leaders is not None else Cadre.objects.none()
        for i in range(1, STEP_SLOTS + 1):
            self.fields[f"step_{i}_measure"] = _text(f"第{i}项整改措施", placeholder=f"第{i}项整改措施（可不填）")
            self.fields[f"step_{i}_owner"] = _text(f"第{i}项责任人", placeholder="责任人")
            self.fields[f"step_{i}_deadline"] = _date(f"第{i}项完成时限")
            for part in ("measure", "owner", "deadline"):
                fld = self.fields[f"step_{i}_{part}"]
                self.dress([f"step_{i}_{part}"])
                fld.widget.attrs["class"] = "form-control form-control-sm"
                fld.error_messages["invalid"] = f"第{i}项整改措施的完成时限格式不正确，如2023-10-31"

    def add_service_errors(self, error: Any) -> None:
        if hasattr(error, "error_dict") and "category" in error.error_dict and not self.cleaned_data.get("category"):
            error.error_dict["category"] = [forms.ValidationError("请选择问题类别")]
        super().add_service_errors(error)

    def record_fields(self) -> list[Any]:
        return [self[n] for n in ("category", "severity", "deadline", "responsible_cadre", "fix_now", "cause")]

    def step_rows(self) -> list[tuple[int, Any, Any, Any]]:
        return [(i, self[f"step_{i}_measure"], self[f"step_{i}_owner"], self[f"step_{i}_deadline"])
                for i in range(1, STEP_SLOTS + 1)]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        steps = []
        for i in range(1, STEP_SLOTS + 1):
            measure = data.get(f"step_{i}_measure") or ""
            owner = data.get(f"step_{i}_owner") or ""
            deadline = data.get(f"step_{i}_deadline")
            if measure.strip() or owner.strip() or deadline:
                steps.append({"measure": measure, "owner": owner, "deadline": deadline})
        return {"category": data.get("category") or "", "severity": data.get("severity") or Severity.ORDINARY,
                "fix_now": bool(data.get("fix_now")), "deadline": data.get("deadline"),
                "cause": data.get("cause") or "", "responsible_cadre": data.get("responsible_cadre"),
                "steps": steps}


class ProblemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} {obj.description[:40]}（{obj.organization.name}）"


class RelapseForm(SupervisionForm):
    """Reopen a closed problem of the unit the finding shows has come back (反弹)."""

    MARKED = frozenset({"problem"})

    problem = ProblemChoiceField(label="已销号的问题", required=False, queryset=Problem.objects.none(),
                                 empty_label="请选择")
    note = _text("反弹情况（可不填）", area=True, rows=2, placeholder="不填则以发现的问题作为反弹情况")

    def __init__(self, *args: Any, problems: QuerySet[Problem] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        problem = self.fields["problem"]
        assert isinstance(problem, forms.ModelChoiceField)
        problem.queryset = problems if problems is not None else Problem.objects.none()


# ---------------------------------------------------------------------------------------------------------
# Visit methods


class MethodForm(SupervisionForm):
    MARKED = frozenset({"name"})

    name = _text("指导方式", placeholder="如：随机走访党员群众")


# ---------------------------------------------------------------------------------------------------------
# ---- The ladder and feedback letters (views.actions, views.letters)

_LADDER_ALL = [("", "全部")]


def _ladder_area(label: str, rows: int = 3, placeholder: str = "") -> forms.CharField:
    attrs: dict[str, Any] = {"rows": rows, **({"placeholder": placeholder} if placeholder else {})}
    return forms.CharField(label=label, required=False, strip=False, widget=forms.Textarea(attrs=attrs))


def _ladder_date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DATE_WIDGET, help_text=help_text)


class FindingChoiceField(forms.ModelMultipleChoiceField):
    """Findings as checkboxes: when, which requirement, what (and where, below the unit)."""

    def label_from_instance(self, obj: Any) -> str:
        where = f"（{obj.organization.name}）" if obj.organization_id != getattr(self, "unit_id", None) else ""
        return f"{cn_date(obj.visit.day)} {obj.get_requirement_display()}：{obj.description[:80]}{where}"


class ActionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        target = f"对{obj.cadre.name}" if obj.cadre_id else ""
        when = f"{cn_date(obj.decided_on)}{obj.get_status_display()}"
        return f"{target}{obj.get_level_display()}（{when}）：{obj.reason[:60]}"


class _LadderForm(LedgerForm):
    """LedgerForm's Bootstrap classes, Chinese messages and services' errors on their fields."""

    FIELD_OF: dict[str, str | None] = {**LedgerForm.FIELD_OF, "organization": None, "group": None}


class ActionFilterForm(forms.Form):
    """The actions list's filters (GET). Values that make no sense are ignored (`value_of` gives None)."""

    status = forms.ChoiceField(label="状态", required=False, choices=_LADDER_ALL + list(ActionStatus.choices))
    level = forms.ChoiceField(label="处置方式", required=False, choices=_LADDER_ALL + list(Level.choices))
    group = forms.ChoiceField(label="联络组", required=False, choices=_LADDER_ALL)
    unit = forms.ChoiceField(label="单位（含下级）", required=False, choices=_LADDER_ALL)

    def __init__(self, *args: Any, groups: list[tuple[str, str]], units: list[tuple[str, str]],
                 statuses: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("group", groups), ("unit", units), ("status", statuses)):
            fld = self.fields[name]
            assert isinstance(fld, forms.ChoiceField)
            if choices is not None:
                fld.choices = _LADDER_ALL + choices
        if len(groups) < 2:
            del self.fields["group"]
        for fld in self.fields.values():
            fld.widget.attrs["class"] = "form-select form-select-sm"
        self.is_valid()

    def value_of(self, name: str) -> str:
        data = getattr(self, "cleaned_data", {})
        return str(data.get(name) or "") if name in self.fields and name not in self.errors else ""

    @property
    def active(self) -> bool:
        return any(self.value_of(name) for name in self.fields)


class ActionNewForm(_LadderForm):
    """Take a step on the ladder, or propose one. Field names are the services' keyword arguments."""

    MARKED = frozenset({"level", "reason"})

    organization = forms.CharField(required=False, widget=forms.HiddenInput)
    cadre = CadreChoiceField(label="处置对象", required=False, queryset=Cadre.objects.none(),
                             empty_label="单位（不针对个人）")
    level = forms.ChoiceField(label="处置方式", required=False, choices=Level.choices, widget=forms.RadioSelect)
    reason = _ladder_area("事实和理由", 4, "写明事实、依据的问题和处置理由")
    findings = FindingChoiceField(label="依据的督导发现", required=False, queryset=Finding.objects.none(),
                                  widget=forms.CheckboxSelectMultiple)
    follow_up_on = _ladder_date("跟踪日期", "到期后在“到期需跟踪”中提醒，由联络组或教育办登记处置结果")
    skip_reason = _ladder_area("越级处置理由", 3)

    def __init__(self, *args: Any, cadres: QuerySet[Cadre], findings: QuerySet[Finding], unit_id: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cadre = self.fields["cadre"]
        assert isinstance(cadre, forms.ModelChoiceField)
        cadre.queryset = cadres
        found = self.fields["findings"]
        assert isinstance(found, FindingChoiceField)
        found.queryset = findings
        found.unit_id = unit_id  # type: ignore[attr-defined]


class ActionDecideForm(_LadderForm):
    """The office takes up a proposal: it may change the level and the reason."""

    MARKED = frozenset({"level", "reason"})

    level = forms.ChoiceField(label="处置方式", required=False, choices=Level.choices, widget=forms.RadioSelect)
    reason = _ladder_area("事实和理由", 4)
    skip_reason = _ladder_area("越级处置理由", 2)
    follow_up_on = _ladder_date("跟踪日期")
    decision_note = _ladder_area("决定意见", 2)


class ActionDismissForm(_LadderForm):
    MARKED = frozenset({"decision_note"})

    decision_note = _ladder_area("不予采纳的理由", 2)


class ActionResultForm(_LadderForm):
    MARKED = frozenset({"result"})

    result = _ladder_area("处置结果", 3, "整改落实情况；组织处理的，写明领导小组的决定")


class LetterNewForm(_LadderForm):
    """What a draft letter is composed from: the unit's findings and decided actions, and the reply date."""

    findings = FindingChoiceField(label="反馈的问题", required=False, queryset=Finding.objects.none(),
                                  widget=forms.CheckboxSelectMultiple)
    actions = ActionChoiceField(label="处置", required=False, queryset=Action.objects.none(),
                                widget=forms.CheckboxSelectMultiple)
    reply_due_on = _ladder_date("整改情况报送时限")

    def __init__(self, *args: Any, findings: QuerySet[Finding], actions: QuerySet[Action],
                 unit_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        found = self.fields["findings"]
        assert isinstance(found, FindingChoiceField)
        found.queryset = findings
        found.unit_id = unit_id  # type: ignore[attr-defined]
        taken = self.fields["actions"]
        assert isinstance(taken, ActionChoiceField)
        taken.queryset = actions


class LetterEditForm(LetterNewForm):
    MARKED = frozenset({"title", "recipient", "body"})

    title = forms.CharField(label="标题", required=False, strip=False)
    recipient = forms.CharField(label="主送", required=False, strip=False)
    body = _ladder_area("正文", 18)

    field_order = ["title", "recipient", "body", "reply_due_on", "findings", "actions"]


class LetterFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=100, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": "文号（如督〔2023〕1号）、标题、单位"}))
    status = forms.ChoiceField(label="状态", required=False, choices=_LADDER_ALL + list(LetterStatus.choices))
    group = forms.ChoiceField(label="联络组", required=False, choices=_LADDER_ALL)

    def __init__(self, *args: Any, groups: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        assert isinstance(group, forms.ChoiceField)
        group.choices = _LADDER_ALL + groups
        if len(groups) < 2:
            del self.fields["group"]
        for fld in self.fields.values():
            fld.widget.attrs["class"] = ("form-control form-control-sm" if isinstance(fld.widget, forms.TextInput)
                                         else "form-select form-select-sm")
        self.is_valid()

    def value_of(self, name: str) -> str:
        data = getattr(self, "cleaned_data", {})
        return str(data.get(name) or "") if name in self.fields and name not in self.errors else ""
