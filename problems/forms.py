"""Forms of the ledger pages. They parse and keep what was typed; every rule is in problems.services, whose
Chinese errors are put back on the fields they concern (`core.forms.add_service_errors`)."""

from typing import Any

from django import forms
from django.http import QueryDict

from accounts.choices import Role
from campaigns.models import LiaisonGroup
from campaigns.selectors import current_campaign
from orgs.models import Organization
from problems.choices import Category, Severity, Source, Status
from problems.selectors import LedgerFilter, special_campaigns

_ANY = [("", "全部")]
Q_MAX = 100


class _ListSelect(forms.Select):
    """A one-line select whose value is every value of its name in the query string (the filter holds lists)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getter = getattr(data, "getlist", None)
        return getter(name) if getter is not None else ([data[name]] if name in data else [])


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Values not among the choices are dropped, not an error: a hand-edited or stale link still filters on what
    it holds that makes sense (never a 500, never an empty page for one odd value)."""

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return [str(v) for v in value if str(v) and self.valid_value(str(v))]

    def validate(self, value: Any) -> None:
        return None


class LedgerFilterForm(forms.Form):
    """The ledger list's filters (GET). Build it, and the `LedgerFilter` it means, with `ledger_filter_from`."""

    q = forms.CharField(label="搜索", required=False, max_length=Q_MAX,
                        widget=forms.TextInput(attrs={"placeholder": "问题表现、责任单位、党组织", "type": "search"}))
    status = LenientMultipleChoiceField(label="状态", required=False, choices=Status.choices,
                                        widget=forms.CheckboxSelectMultiple)
    source = LenientMultipleChoiceField(label="问题来源", required=False, choices=_ANY + list(Source.choices),
                                        widget=_ListSelect)
    category = LenientMultipleChoiceField(label="问题类别", required=False, choices=_ANY + list(Category.choices),
                                          widget=_ListSelect)
    severity = LenientMultipleChoiceField(label="严重程度", required=False, choices=_ANY + list(Severity.choices),
                                          widget=_ListSelect)
    special_campaign = forms.ChoiceField(label="专项整治", required=False, choices=_ANY)
    fix_now = forms.ChoiceField(label="立查立改", required=False,
                                choices=[("", "全部"), ("1", "立查立改"), ("0", "非立查立改")])
    org = forms.CharField(label="党组织（含下级）", required=False, max_length=100,
                          widget=forms.TextInput(attrs={"placeholder": "组织编码或名称", "list": "ledger-orgs"}))
    liaison_group = forms.ChoiceField(label="联络组", required=False, choices=_ANY)
    overdue = forms.BooleanField(label="已逾期", required=False)
    relapsed = forms.BooleanField(label="反弹", required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaign = current_campaign()
        self.specials = {str(s.pk): s for s in special_campaigns(campaign)}
        special = self.fields["special_campaign"]
        assert isinstance(special, forms.ChoiceField)
        special.choices = _ANY + [(pk, s.name) for pk, s in self.specials.items()]
        if not self.specials:
            del self.fields["special_campaign"]
        groups = self.fields["liaison_group"]
        assert isinstance(groups, forms.ChoiceField)
        if getattr(user, "role", None) == Role.OFFICE and campaign is not None:
            groups.choices = _ANY + [(str(g.pk), g.name) for g in
                                     LiaisonGroup.objects.filter(campaign=campaign).order_by("id")]
        else:
            del self.fields["liaison_group"]
        for fld in self.fields.values():
            widget = fld.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            else:
                widget.attrs["class"] = "form-control form-control-sm"

    def value_of(self, name: str) -> Any:
        """A cleaned value, or None where the field was dropped or its value made no sense."""
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name not in self.errors else None

    @property
    def active(self) -> bool:
        """Whether any filter is set (the page opens the filter panel then)."""
        return any(self.value_of(name) for name in self.fields)


def _organization(user: Any, text: str) -> Organization | None:
    """The organisation named by `text` (its code, else its exact name) inside what `user` sees."""
    text = (text or "").strip()
    if not text:
        return None
    visible = Organization.objects.visible_to(user)
    return visible.filter(code=text).first() or visible.filter(name=text).order_by("path").first()


def ledger_filter_from(data: QueryDict, user: Any) -> tuple[LedgerFilterForm, LedgerFilter]:
    """The filter form bound to `data` (a query string) and the `LedgerFilter` it means for `user`. Values that
    make no sense (unknown states, another campaign's special campaign, an organisation outside the user's
    jurisdiction, a liaison group for anyone but the office) are ignored: the list, its export and its saved
    filters never fail on a hand-edited link."""
    form = LedgerFilterForm(data, user=user)
    form.is_valid()
    filters = LedgerFilter(
        status=list(form.value_of("status") or []),
        source=list(form.value_of("source") or []),
        category=list(form.value_of("category") or []),
        severity=list(form.value_of("severity") or []),
        overdue=bool(form.value_of("overdue")),
        relapsed=bool(form.value_of("relapsed")),
        q=(form.value_of("q") or "").strip(),
    ).clean_lists()
    special = form.value_of("special_campaign")
    if special:
        filters.special_campaign = form.specials.get(str(special))
    fix_now = form.value_of("fix_now")
    if fix_now in ("1", "0"):
        filters.fix_now = fix_now == "1"
    filters.subtree = _organization(user, form.value_of("org") or "")
    group = form.value_of("liaison_group")
    if group and str(group).isdigit():
        filters.liaison_group_id = int(group)
    return form, filters
