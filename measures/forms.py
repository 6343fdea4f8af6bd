"""Forms of the measures pages. They only parse and keep what was typed; every rule is in measures.services,
whose Chinese errors are put back on the fields they concern."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from core.forms import chinese_messages, mark_invalid
from measures import services
from measures.choices import LifeMeetingItemKind, LifeMeetingKind, QuickKind, StudyKind
from orgs.choices import RANK_COUNTY, Sector, Tier
from orgs.models import Cadre, Member, Organization

MAX_PEOPLE = 500
_ANY = [("", "全部")]


def _people(org: Organization | None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(speaker choices, leader choices) of `org`: its cadres ("c<id>") and its members ("m<id>")."""
    if org is None:
        return [], []
    # The unit's own cadres, then the county-level+ cadres of the units above it (a leader at his contact point).
    above = Cadre.objects.filter(organization__path__in=org.ancestor_paths()[:-1], rank__gte=RANK_COUNTY)
    cadres = [(f"c{c.pk}", c.label())
              for c in Cadre.objects.filter(organization=org).order_by("-rank", "name", "id")[:MAX_PEOPLE]]
    cadres += [(f"c{c.pk}", c.label(with_org=True))
               for c in above.select_related("organization").order_by("-rank", "name", "id")[:MAX_PEOPLE]]
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
        mark_invalid(self)

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


# ---------------------------------------------------------------------------------------------------------
# Entry pages: one form per record. Field names are the services' keyword arguments, so a service's Chinese
# error lands on the field it concerns; anything else (campaign, organisation) is shown above the form.

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.label()


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Checks that every posted value is a possible id before querying: a huge number would otherwise make the
    database driver raise (a 500) instead of the field's "choose from the list" error."""

    MAX_ID = 2**63 - 1

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            text = str(pk)
            if not (text.isascii() and text.isdigit() and 0 < int(text) <= self.MAX_ID):
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk})
        return super().clean(value)


class CadreMultipleChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.label()


class EntryForm(forms.Form):
    """Bootstrap classes, Chinese messages for what the form itself checks, and the services' errors put back on
    their fields. `FIELD_OF` maps a service's field name to the form's where they differ."""

    FIELD_OF: dict[str, str] = {}

    def __init__(self, *args: Any, readonly: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, fld in self.fields.items():
            label = str(fld.label or name)
            fld.error_messages.update(chinese_messages(fld, label))
            widget = fld.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"
            if readonly:
                fld.disabled = True
        if "attachment" in self.fields:
            self.fields["attachment"].help_text = (
                f"可传PDF、Word、Excel或JPG、PNG图片，不超过{services.attachment_max_mb()}MB")

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        mark_invalid(self)

    def add_service_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            target: str | None = self.FIELD_OF.get(name, name)
            if target not in self.fields:
                target = None
            for message in messages:
                self.add_error(target, message)
        self._mark_invalid()


def _cadres(org: Organization, *, county_level: bool = False) -> Any:
    qs = Cadre.objects.filter(organization=org)
    if county_level:
        qs = qs.county_level()
    return qs.order_by("-rank", "name", "id")


def _text(label: str, max_length: int | None = None, *, required: bool = True, area: bool = False) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3}) if area else None
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=100_000,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE_WIDGET)


def _attachment() -> forms.FileField:
    return forms.FileField(label="附件（可不传）", required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.png"}))


class StudySessionForm(EntryForm):
    kind = forms.ChoiceField(label="学习形式", choices=[("", "请选择"), *StudyKind.choices])
    topic = _text("学习主题", 200)
    held_on = _date("日期")
    participant_count = _count("参加人数")
    leaders = CadreMultipleChoiceField(label="参加的班子成员", queryset=Cadre.objects.none(), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    notes = _text("情况说明", 5000, required=False, area=True)
    attachment = _attachment()

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leaders = self.fields["leaders"]
        assert isinstance(leaders, forms.ModelMultipleChoiceField)
        leaders.queryset = _cadres(org)
        if not leaders.queryset.exists():
            del self.fields["leaders"]


class PartyLectureForm(EntryForm):
    title = _text("党课题目", 200)
    held_on = _date("日期")
    speaker = forms.ChoiceField(label="主讲人", choices=[])
    audience = _text("听课对象", 200, required=False)
    audience_count = _count("听课人数")
    attachment = _attachment()

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        speaker = self.fields["speaker"]
        assert isinstance(speaker, forms.ChoiceField)
        speaker.choices = _people(org)[0]

    def speaker_ids(self) -> tuple[int | None, int | None]:
        value = self.cleaned_data.get("speaker") or ""
        if value.startswith("c"):
            return int(value[1:]), None
        if value.startswith("m"):
            return None, int(value[1:])
        return None, None


class ResearchTopicForm(EntryForm):
    title = _text("课题名称", 200)
    description = _text("课题说明", 5000, required=False, area=True)
    lead_cadre = CadreChoiceField(label="牵头领导干部", queryset=Cadre.objects.none(), required=False,
                                  empty_label="无（单位课题）", help_text="本组织县处级以上领导干部")

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead = self.fields["lead_cadre"]
        assert isinstance(lead, forms.ModelChoiceField)
        lead.queryset = _cadres(org, county_level=True)


class ResearchReportForm(EntryForm):
    title = _text("报告标题", 200)
    author_cadre = CadreChoiceField(label="撰写的领导干部", queryset=Cadre.objects.none(), required=False,
                                    empty_label="无")
    submitted_on = _date("形成日期")
    summary = _text("内容摘要", 5000, required=False, area=True)
    attachment = _attachment()

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        author = self.fields["author_cadre"]
        assert isinstance(author, forms.ModelChoiceField)
        author.queryset = _cadres(org)


class ResultsExchangeForm(EntryForm):
    held_on = _date("日期")
    topics = IdMultipleChoiceField(label="交流的课题", queryset=Cadre.objects.none(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    notes = _text("情况说明", 5000, required=False, area=True)

    def __init__(self, *args: Any, topics: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["topics"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = topics


class ResearchUseForm(EntryForm):
    text = _text("运用情况", 5000, area=True)
    public_service = forms.ModelChoiceField(label="转化为为民办实事（可不选）", queryset=Cadre.objects.none(),
                                            required=False, empty_label="不关联")
    problem = forms.ModelChoiceField(label="列入问题清单的问题（可不选）", queryset=Cadre.objects.none(),
                                     required=False, empty_label="不关联")

    def __init__(self, *args: Any, services: Any, problems: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["public_service"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = services
        problem = self.fields["problem"]
        assert isinstance(problem, forms.ModelChoiceField)
        if problems is None:
            del self.fields["problem"]
        else:
            problem.queryset = problems


class PublicServiceForm(EntryForm):
    title = _text("实事项目", 200)
    target = _text("目标", 5000, area=True)
    owner = _text("责任单位或责任人", 100)
    owner_cadre = CadreChoiceField(label="牵头领导干部", queryset=Cadre.objects.none(), required=False,
                                   empty_label="无")
    deadline = _date("完成时限")

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner_cadre"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = _cadres(org)


class MilestoneForm(EntryForm):
    title = _text("节点", 200)
    due_on = _date("计划完成日期")


class MilestoneDoneForm(EntryForm):
    done_on = _date("实际完成日期")


class LifeMeetingForm(EntryForm):
    kind = forms.ChoiceField(label="会议类型", choices=[("", "请选择"), *LifeMeetingKind.choices])
    held_on = _date("日期")
    topic = _text("会议主题", 200, required=False)
    attendance = _count("参会人数")
    notes = _text("情况说明", 5000, required=False, area=True)


class LifeMeetingItemForm(EntryForm):
    kind = forms.ChoiceField(label="类型", choices=[("", "请选择"), *LifeMeetingItemKind.choices])
    text = _text("内容", 5000, area=True)
    cadre = CadreChoiceField(label="涉及的领导干部", queryset=Cadre.objects.none(), required=False, empty_label="无")

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cadre = self.fields["cadre"]
        assert isinstance(cadre, forms.ModelChoiceField)
        cadre.queryset = _cadres(org)
