"""Forms of supervision's pages. They parse and keep what was typed; every rule is in supervision.services, whose
Chinese errors go back on the fields they concern."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from core.cn import cn_date
from orgs.models import Cadre
from problems.forms import DATE_WIDGET, CadreChoiceField, LedgerForm
from supervision.choices import ActionStatus, LetterStatus, Level
from supervision.models import Action, Finding

# ---- The ladder and feedback letters (action_views, letter_views)

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
            fld.widget.attrs["class"] = "form-select form-select-sm"
        self.is_valid()

    def value_of(self, name: str) -> str:
        data = getattr(self, "cleaned_data", {})
        return str(data.get(name) or "") if name in self.fields and name not in self.errors else ""
