"""Forms of the ledger pages. They parse and keep what was typed; every rule is in problems.services, whose
Chinese errors are put back on the fields they concern (`core.forms.add_service_errors`)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse

from accounts.actors import MaybeActor
from campaigns.models import LiaisonGroup
from campaigns.selectors import current_campaign
from core.forms import chinese_messages, mark_invalid
from orgs.models import Cadre, Organization
from orgs.widgets import OrgChoiceField
from problems import permissions, selectors
from problems.choices import Category, ProblemStatus, Severity, Source
from problems.models import Evidence, Problem, RectificationStep, SpecialCampaign
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
                        widget=forms.TextInput(attrs={"placeholder": "问题编号、问题表现、责任单位、党组织",
                                                      "type": "search"}))
    status = LenientMultipleChoiceField(label="状态", required=False, choices=ProblemStatus.choices,
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
    org = forms.CharField(label="党组织（含下级）", required=False)  # the picker, in __init__
    liaison_group = forms.ChoiceField(label="联络组", required=False, choices=_ANY)
    overdue = forms.BooleanField(label="已逾期", required=False)
    relapsed = forms.BooleanField(label="反弹", required=False)

    def __init__(self, *args: Any, user: MaybeActor = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The organisation picker over what the user sees (an organisation outside it is ignored, like any odd value).
        self.fields["org"] = OrgChoiceField(user=user, label="党组织（含下级）", required=False)
        campaign = current_campaign()
        self.specials = {str(s.pk): s for s in special_campaigns(campaign)}
        special = self.fields["special_campaign"]
        assert isinstance(special, forms.ChoiceField)
        special.choices = _ANY + [(pk, s.name) for pk, s in self.specials.items()]
        if not self.specials:
            del self.fields["special_campaign"]
        groups = self.fields["liaison_group"]
        assert isinstance(groups, forms.ChoiceField)
        if permissions.can_filter_by_liaison_group(user) and campaign is not None:
            groups.choices = _ANY + [(str(g.pk), g.name) for g in
                                     LiaisonGroup.objects.filter(campaign=campaign).order_by("number", "id")]
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
        """Whether any filter is set."""
        return any(self.value_of(name) for name in self.fields)

    @property
    def panel_open(self) -> bool:
        """Whether the page opens the filter panel: a filter is set that the state chips above it do not show."""
        chips = {"q", "status", "overdue", "relapsed"}
        return len(self.value_of("status") or []) > 1 or any(
            self.value_of(name) for name in self.fields if name not in chips)


def ledger_filter_from(data: QueryDict, user: MaybeActor) -> tuple[LedgerFilterForm, LedgerFilter]:
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
    filters.subtree = form.value_of("org")
    group = form.value_of("liaison_group")
    if group and str(group).isdigit():
        filters.liaison_group_id = int(group)
    return form, filters


# ---------------------------------------------------------------------------------------------------------
# Registration, the record, steps, evidence, actions, special campaigns, saved filters. Field names are the
# services' keyword arguments, so a service's Chinese error lands on the field it concerns; anything else
# (campaign, version, steps) is shown above the form.

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STEP_SLOTS = 3
ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png"


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.label(with_org=True)


class LedgerForm(forms.Form):
    """Bootstrap classes, Chinese messages for what the form itself checks (formats, choices), and the services'
    errors put back on their fields. `FIELD_OF` maps a service's field name to the form's (None: above the
    form). `MARKED`: fields shown with a red asterisk (the service requires them)."""

    FIELD_OF: dict[str, str | None] = {"version": None, "campaign": None, "steps": None, "life_meeting_item": None,
                                       "status": None, "action": None}
    MARKED: frozenset[str] = frozenset()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, fld in self.fields.items():
            label = str(fld.label or name)
            fld.error_messages.update(chinese_messages(fld, label))
            widget = fld.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"
            if name in self.MARKED:
                fld.widget.attrs["aria-required"] = "true"

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_invalid()

    def mark_invalid(self) -> None:
        mark_invalid(self)

    def add_service_errors(self, error: Any) -> None:
        """Put a service's ValidationError back on the form (see `FIELD_OF`)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            target = self.FIELD_OF.get(name, name)
            if target is not None and (target not in self.fields or self.fields[target].widget.is_hidden):
                target = None
            for message in messages:
                self.add_error(target, message)
        self.mark_invalid()

    def marked(self, name: str) -> bool:
        return name in self.MARKED


def _text(label: str, *, area: bool = False, rows: int = 3, placeholder: str = "") -> forms.CharField:
    attrs: dict[str, Any] = {"placeholder": placeholder} if placeholder else {}
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if area else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, required=False, widget=widget, strip=False)


def _date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DATE_WIDGET, help_text=help_text)


class ProblemForm(LedgerForm):
    """Registration (`creating`) and the record's edit form. Required fields are checked by the service (one set
    of Chinese messages); the form parses dates and choices and keeps what was typed."""

    MARKED = frozenset({"organization", "description", "source", "category"})

    organization = forms.CharField(label="党组织", required=False)
    description = _text("问题表现", area=True, rows=4, placeholder="写明问题的具体表现，如：村务公开不及时")
    source = forms.ChoiceField(label="问题来源", required=False, choices=[("", "请选择"), *Source.choices])
    category = forms.ChoiceField(label="问题类别", required=False, choices=[("", "请选择"), *Category.choices])
    severity = forms.ChoiceField(label="严重程度", required=False, choices=Severity.choices,
                                 initial=Severity.ORDINARY)
    fix_now = forms.BooleanField(label="立查立改（即知即改）", required=False,
                                 help_text="能马上改的马上改，整改后可直接申请销号，仍须他人核验")
    deadline = _date("完成时限", "不填则按严重程度确定：一般90天、较重60天、严重30天，立查立改7天")
    special_campaign = forms.ModelChoiceField(label="专项整治", required=False, queryset=SpecialCampaign.objects.none(),
                                              empty_label="不属于专项整治")
    responsible_cadre = CadreChoiceField(label="责任领导", required=False, queryset=Cadre.objects.none(),
                                         empty_label="请选择")
    responsible_unit = _text("责任单位", placeholder="不填则为所选党组织")
    cause = _text("原因分析", area=True)
    event_ref = _text("关联重大事项")
    case_ref = _text("关联典型案例")
    petition_ref = _text("关联信访积案")
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    MORE_FIELDS = ("cause", "event_ref", "case_ref", "petition_ref")

    def __init__(self, *args: Any, user: MaybeActor, organization: Organization | None, creating: bool,
                 campaign: Any = None, current_special: SpecialCampaign | None = None, lock_deadline: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.creating = creating
        if creating:
            # Any organisation the user sees; choosing one reloads its leaders (责任领导).
            self.fields["organization"] = OrgChoiceField(user=user, label="党组织", outside="请选择本辖区内的党组织")
            self.fields["organization"].widget.attrs.update({
                "hx-get": reverse("problems:new"), "hx-trigger": "change", "hx-target": "#cadre-field",
                "hx-swap": "outerHTML", "hx-include": "this"})
            del self.fields["version"]
            for i in range(1, STEP_SLOTS + 1):
                self.fields[f"step_{i}_measure"] = _text(f"第{i}项整改措施", placeholder="整改措施")
                self.fields[f"step_{i}_owner"] = _text("责任人")
                self.fields[f"step_{i}_deadline"] = _date("完成时限")
                for part in ("measure", "owner", "deadline"):
                    fld = self.fields[f"step_{i}_{part}"]
                    fld.widget.attrs["class"] = "form-control form-control-sm"
                    fld.error_messages["invalid"] = f"第{i}项整改措施的完成时限格式不正确，如2023-10-31"
        else:
            del self.fields["organization"], self.fields["item"]
        cadres = self.fields["responsible_cadre"]
        assert isinstance(cadres, forms.ModelChoiceField)
        cadres.queryset = (selectors.leader_choices(organization) if organization is not None
                           else Cadre.objects.none())
        specials = self.fields["special_campaign"]
        assert isinstance(specials, forms.ModelChoiceField)
        offered = Q(is_active=True) | Q(pk=current_special.pk if current_special else None)
        specials.queryset = (SpecialCampaign.objects.filter(offered, campaign=campaign).order_by("id")
                             if campaign is not None else SpecialCampaign.objects.none())
        if not specials.queryset.exists():
            del self.fields["special_campaign"]
        # The sources this user may register (problems.permissions.raisable_sources: the same rule as the API and
        # imports). Whoever registers only what supervision found (a liaison member) does not choose.
        allowed = permissions.raisable_sources(user)
        sources = self.fields["source"]
        assert isinstance(sources, forms.ChoiceField)
        sources.choices = [("", "请选择"), *((v, t) for v, t in Source.choices if v in allowed)]
        if allowed == [Source.VISIT]:
            sources.disabled = True
            sources.initial = Source.VISIT
            sources.help_text = "联络组登记的问题，来源为督导发现"
        if lock_deadline:
            self.fields["deadline"].disabled = True
            self.fields["deadline"].help_text = "整改开始后，完成时限只能通过申请延期调整"

    def add_service_errors(self, error: Any) -> None:
        """As the base, but a choice left empty says "please choose" rather than listing every choice."""
        if hasattr(error, "error_dict"):
            for name in ("source", "category"):
                if name in error.error_dict and name in self.fields and not self.cleaned_data.get(name):
                    error.error_dict[name] = [ValidationError(f"请选择{self.fields[name].label}")]
        super().add_service_errors(error)

    def field_groups(self) -> dict[str, list[Any]]:
        """Bound fields by where the page shows them: the main record, the initial steps, the "more" panel."""
        main, more, steps = [], [], []
        for bound in self:
            if bound.is_hidden:
                continue
            if bound.name.startswith("step_"):
                steps.append(bound)
            elif bound.name in self.MORE_FIELDS:
                more.append(bound)
            else:
                main.append(bound)
        return {"main": main, "more": more, "steps": steps}

    def more_open(self) -> bool:
        """Whether the "more" panel starts open: something is in it, or wrong in it."""
        return any(self[name].value() or self[name].errors for name in self.MORE_FIELDS)

    def step_rows(self) -> list[tuple[int, Any, Any, Any]]:
        return [(i, self[f"step_{i}_measure"], self[f"step_{i}_owner"], self[f"step_{i}_deadline"])
                for i in range(1, STEP_SLOTS + 1) if f"step_{i}_measure" in self.fields]

    def record_fields(self) -> dict[str, Any]:
        """The service's keyword arguments for the record (after `is_valid()`)."""
        data = self.cleaned_data
        values: dict[str, Any] = {
            "description": data.get("description") or "", "source": data.get("source") or "",
            "category": data.get("category") or "", "severity": data.get("severity") or Severity.ORDINARY,
            "fix_now": bool(data.get("fix_now")), "responsible_cadre": data.get("responsible_cadre"),
            "responsible_unit": data.get("responsible_unit") or "", "cause": data.get("cause") or "",
            "event_ref": data.get("event_ref") or "", "case_ref": data.get("case_ref") or "",
            "petition_ref": data.get("petition_ref") or "",
        }
        if "special_campaign" in self.fields:
            values["special_campaign"] = data.get("special_campaign")
        if not self.fields["deadline"].disabled:
            values["deadline"] = data.get("deadline")
        return values

    def steps(self) -> list[dict[str, Any]]:
        """The initial steps typed (a row with anything in it counts; the service checks it)."""
        rows = []
        for i in range(1, STEP_SLOTS + 1):
            measure = self.cleaned_data.get(f"step_{i}_measure") or ""
            owner = self.cleaned_data.get(f"step_{i}_owner") or ""
            deadline = self.cleaned_data.get(f"step_{i}_deadline")
            if measure.strip() or owner.strip() or deadline:
                rows.append({"measure": measure, "owner": owner, "deadline": deadline})
        return rows


class StepForm(LedgerForm):
    MARKED = frozenset({"measure"})

    measure = _text("整改措施", area=True, rows=2)
    owner = _text("责任人")
    deadline = _date("完成时限")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


def _evidence_label(evidence: Evidence) -> str:
    return evidence.filename


class StepDoneForm(LedgerForm):
    """Marking a step done: evidence (a new file, or pieces the problem already holds, ticked), and what was done
    if worth saying."""

    FIELD_OF = {**LedgerForm.FIELD_OF, "step": None, "files": "cite"}
    MARKED = frozenset({"files"})

    done_note = _text("完成情况（可不填）", area=True, rows=2, placeholder="做了什么、效果如何")
    cite = forms.ModelMultipleChoiceField(label="已上传的佐证材料", required=False,
                                          queryset=Evidence.objects.none(), widget=forms.CheckboxSelectMultiple)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, problem: Problem | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cite = self.fields["cite"]
        assert isinstance(cite, forms.ModelMultipleChoiceField)
        cite.queryset = (Evidence.objects.filter(problem=problem).order_by("id") if problem is not None
                         else Evidence.objects.none())
        cite.label_from_instance = _evidence_label  # type: ignore[method-assign,assignment]


class EvidenceForm(LedgerForm):
    FIELD_OF = {**LedgerForm.FIELD_OF, "step": None}
    MARKED = frozenset({"file"})

    file = forms.FileField(label="佐证材料", required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    note = _text("说明")
    step = forms.ModelChoiceField(label="对应整改措施", required=False, queryset=RectificationStep.objects.none(),
                                  empty_label="不对应具体措施")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, problem: Problem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        step = self.fields["step"]
        assert isinstance(step, forms.ModelChoiceField)
        step.queryset = RectificationStep.objects.filter(problem=problem).order_by("id")
        if not step.queryset.exists():
            del self.fields["step"]


class ActionForm(LedgerForm):
    """What a lifecycle action may carry besides the files: a note, a new due date, the closer's reason for
    closing despite unanswered dissatisfaction. Who and when come from the session, never from here."""

    note = _text("说明", area=True, rows=2)
    new_due_on = _date("日期")
    feedback_override = _text("仍予销号的理由", area=True, rows=2)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SpecialCampaignForm(LedgerForm):
    MARKED = frozenset({"name"})

    name = _text("专项整治名称", placeholder="如：整治群众身边不正之风和腐败问题")
    description = _text("说明", area=True)
    is_active = forms.BooleanField(label="进行中", required=False, initial=True,
                                   help_text="已结束的专项整治不再能选用，已有问题保留")


class SavedFilterForm(LedgerForm):
    name = _text("名称", placeholder="给当前筛选起个名字")
    query = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)
