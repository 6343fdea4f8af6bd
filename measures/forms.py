"""Forms of the measures pages. They only parse and keep what was typed; every rule is in measures.services,
whose Chinese errors are put back on the fields they concern."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from measures.choices import QuickKind, StudyKind
from orgs.choices import Sector, Tier
from orgs.models import Cadre, Member, Organization

MAX_PEOPLE = 500
_ANY = [("", "全部")]


def _people(org: Organization | None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(speaker choices, leader choices) of `org`: its cadres ("c<id>") and its members ("m<id>")."""
    if org is None:
        return [], []
    cadres = [(f"c{c.pk}", f"{c.name}（{c.position}）")
              for c in Cadre.objects.filter(organization=org).order_by("-rank", "name", "id")[:MAX_PEOPLE]]
    members = [(f"m{m.pk}", m.name) for m in Member.objects.filter(organization=org).order_by("name", "id")
               .only("name")[:MAX_PEOPLE]]
    speakers: list[tuple[str, Any]] = [("", "请选择")]
    if cadres:
        speakers.append(("领导干部", cadres))
    if members:
        speakers.append(("党员", members))
    return speakers, [(value[1:], label) for value, label in cadres]


class QuickRecordForm(forms.Form):
    """One short form for a grassroots branch on a phone: a study session, a lecture or an organisational life
    meeting. Required: what, date, title, count, plus the study form (study) or the speaker (lecture)."""

    what = forms.ChoiceField(label="记录什么", choices=QuickKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "请选择记录什么：学习、党课或组织生活会"})
    org = forms.CharField(label="党组织编码", required=False, max_length=32,
                          help_text="为哪个党组织记录（办公室填写）")
    held_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              error_messages={"required": "请填写日期", "invalid": "日期格式不正确，如2023-09-01"})
    title = forms.CharField(label="主题", max_length=200,
                            error_messages={"required": "请填写主题", "max_length": "主题不能超过200个字"})
    count = forms.IntegerField(label="参加人数", min_value=1, max_value=100_000,
                               widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                               error_messages={"required": "请填写参加人数", "invalid": "参加人数应为整数",
                                               "min_value": "参加人数至少为1", "max_value": "参加人数过大"})
    study_kind = forms.ChoiceField(label="学习形式", required=False, choices=[("", "请选择"), *StudyKind.choices])
    speaker = forms.ChoiceField(label="主讲人", required=False, choices=[])
    leaders = forms.MultipleChoiceField(label="参加的班子成员", required=False, choices=[],
                                        widget=forms.CheckboxSelectMultiple)
    attachment = forms.FileField(label="附件（可不传）", required=False)

    # Service field → form field.
    FIELD_OF = {"kind": "study_kind", "topic": "title", "title": "title", "held_on": "held_on",
                "participant_count": "count", "audience_count": "count", "attendance": "count",
                "speaker": "speaker", "attachment": "attachment", "organization": "org", "campaign": None}

    def __init__(self, *args: Any, org: Organization | None = None, choose_org: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        speakers, leaders = _people(org)
        speaker_field = self.fields["speaker"]
        assert isinstance(speaker_field, forms.ChoiceField)
        speaker_field.choices = speakers
        leader_field = self.fields["leaders"]
        assert isinstance(leader_field, forms.MultipleChoiceField)
        leader_field.choices = leaders
        if not leaders:
            del self.fields["leaders"]
        if not choose_org:
            del self.fields["org"]
        for name, fld in self.fields.items():
            if name in ("what", "leaders"):
                continue
            css = "form-select" if isinstance(fld.widget, forms.Select) else "form-control"
            fld.widget.attrs["class"] = css
        self.fields["title"].widget.attrs["placeholder"] = "如：学习《习近平著作选读》第一卷"

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("what") == QuickKind.STUDY and not data.get("study_kind"):
            self.add_error("study_kind", "请选择学习形式：自学、集中学习或专题研讨")
        return data

    def speaker_ids(self) -> tuple[int | None, int | None]:
        """(cadre id, member id) of the chosen speaker."""
        value = self.cleaned_data.get("speaker") or ""
        if value.startswith("c"):
            return int(value[1:]), None
        if value.startswith("m"):
            return None, int(value[1:])
        return None, None

    def add_service_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            target = self.FIELD_OF.get(name, None)
            if target is not None and target not in self.fields:
                target = None
            for message in messages:
                self.add_error(target, message)
        self._mark_invalid()


class CoverageFilterForm(forms.Form):
    sector = forms.ChoiceField(label="单位类别", required=False, choices=_ANY + list(Sector.choices))
    tier = forms.ChoiceField(label="层级", required=False, choices=_ANY + list(Tier.choices))
    group = forms.ChoiceField(label="联络组", required=False, choices=_ANY)

    def __init__(self, *args: Any, groups: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ChoiceField)
        group_field.choices = _ANY + list(groups or [])
