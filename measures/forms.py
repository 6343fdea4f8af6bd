"""Forms of the measures pages. They only parse and keep what was typed; every rule is in measures.services,
whose Chinese errors are put back on the fields they concern."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.actors import MaybeActor
from core.forms import chinese_messages, mark_invalid
from measures import services
from measures.choices import LifeMeetingItemKind, LifeMeetingKind, QuickKind, StudyKind
from orgs.choices import Sector, Tier
from orgs.models import Cadre, Member, Organization
from orgs.widgets import OrgChoiceField

MAX_PEOPLE = 500
_ANY = [("", "全部")]


OWN_HEADING = "本单位班子成员"
CONTACT_HEADING = "联系点领导"
Choices = list[tuple[str, Any]]


def cadre_groups(org: Organization | None, *, county_level: bool = False, prefix: str = "",
                 select: bool = False) -> Choices:
    """Exactly the cadres a record of `org` may name (`services.nameable_cadres`, the rule the services check),
    under their own headings: the unit's 班子成员 first, then the 联系点领导 of each organisation above it, the
    nearest first — a village's form never lists the city's leaders as its own team. Values: `prefix` + id.
    `select`: for a drop-down, whose closed box shows no heading, a leader above also names his organisation."""
    if org is None:
        return []
    qs = (services.nameable_cadres(org, county_level=county_level).select_related("organization")
          .order_by("-organization__path", "-rank", "name", "id")[:MAX_PEOPLE])
    own: Choices = []
    above: dict[str, Choices] = {}
    for cadre in qs:
        above_org = cadre.organization_id != org.pk
        option = (f"{prefix}{cadre.pk}", cadre.label(with_org=select and above_org))
        if not above_org:
            own.append(option)
        else:
            above.setdefault(cadre.organization.name, []).append(option)
    groups: Choices = [(OWN_HEADING, own)] if own else []
    groups += [(f"{CONTACT_HEADING}（{name}）", people) for name, people in above.items()]
    return groups


def _member_choices(org: Organization | None, prefix: str = "m") -> Choices:
    if org is None:
        return []
    return [(f"{prefix}{m.pk}", m.name) for m in Member.objects.filter(organization=org).order_by("name", "id")
            .only("name")[:MAX_PEOPLE]]


KEPT_HEADING = "原记录中的人员（已不在可选范围，保存前请改选）"


def _kept(org: Organization, named: Any, offered: Any, prefix: str = "") -> tuple[Choices, list[int]]:
    """People a record already names (`named`: its initial value) who are no longer among those offered — a cadre
    moved elsewhere, or named under an older rule: shown checked under their own heading, so that saving is refused
    with the service's reason instead of dropping them unseen. Returns (their group, or nothing; their ids)."""
    values = named if isinstance(named, list | tuple) else [named]
    ids = {v.pk if isinstance(v, Cadre) else int(v[len(prefix):]) for v in values
           if isinstance(v, Cadre) or (isinstance(v, str) and v.startswith(prefix) and v[len(prefix):].isdigit())}
    extra = ids - set(offered.filter(pk__in=ids).values_list("pk", flat=True))
    if not extra:
        return [], []
    people = Cadre.objects.filter(pk__in=extra).select_related("organization").order_by("name", "id")
    return [(KEPT_HEADING, [(f"{prefix}{c.pk}", c.label(with_org=True)) for c in people])], sorted(extra)


def _pk_text(value: Any) -> Any:
    """A cadre (an initial value) as the text of its id; anything else as it is."""
    return str(value.pk) if isinstance(value, Cadre) else value


class CadresField(forms.MultipleChoiceField):
    """Several cadres among those a record may name, offered under their headings (`cadre_groups`); cleans to
    the Cadre objects. A value that is not offered is refused with the field's message, never dropped."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[], **kwargs)
        self.queryset: Any = Cadre.objects.none()

    def offer(self, org: Organization, named: Any = None) -> None:
        offered = services.nameable_cadres(org)
        kept, ids = _kept(org, named, offered)
        self.choices = cadre_groups(org) + kept
        self.queryset = offered | Cadre.objects.filter(pk__in=ids) if ids else offered

    def prepare_value(self, value: Any) -> Any:
        return [_pk_text(v) for v in value] if isinstance(value, list | tuple) else _pk_text(value)

    def to_python(self, value: Any) -> list[str]:
        return super().to_python(self.prepare_value(value))

    def clean(self, value: Any) -> Any:
        ids = list(dict.fromkeys(super().clean(value)))
        found = {str(c.pk): c for c in self.queryset.filter(pk__in=[int(i) for i in ids])}
        if len(found) != len(ids):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": ""})
        return [found[i] for i in ids]


class CadreField(forms.ChoiceField):
    """One cadre among those a record may name (or none), offered under their headings; cleans to a Cadre."""

    def __init__(self, *, empty_label: str = "无", county_level: bool = False, **kwargs: Any) -> None:
        super().__init__(choices=[], **kwargs)
        self.empty_label, self.county_level = empty_label, county_level
        self.queryset: Any = Cadre.objects.none()

    def offer(self, org: Organization, named: Any = None) -> None:
        offered = services.nameable_cadres(org, county_level=self.county_level)
        kept, ids = _kept(org, named, offered)
        self.choices = [("", self.empty_label), *cadre_groups(org, county_level=self.county_level, select=True),
                        *kept]
        self.queryset = offered | Cadre.objects.filter(pk__in=ids) if ids else offered

    def prepare_value(self, value: Any) -> Any:
        return _pk_text(value)

    def to_python(self, value: Any) -> str:
        return super().to_python(_pk_text(value))

    def clean(self, value: Any) -> Any:
        pk = super().clean(value)
        if not pk:
            return None
        cadre = self.queryset.filter(pk=int(pk)).first()
        if cadre is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": pk})
        return cadre


class SpeakerField(forms.ChoiceField):
    """The speaker of a lecture: one of the cadres the lecture may name ("c<id>", under their headings) or a member
    of the unit ("m<id>"). Cleans to (cadre, member), one of them None."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[], **kwargs)
        self.cadres: Any = Cadre.objects.none()
        self.members: Any = Member.objects.none()

    def offer(self, org: Organization | None, named: Any = None) -> None:
        members = _member_choices(org)
        if org is None:
            self.choices = [("", "请选择")]
            return
        offered = services.nameable_cadres(org)
        kept, ids = _kept(org, named, offered, prefix="c")
        self.choices = [("", "请选择"), *cadre_groups(org, prefix="c", select=True),
                        *([("本单位党员", members)] if members else []), *kept]
        self.cadres = offered | Cadre.objects.filter(pk__in=ids) if ids else offered
        self.members = Member.objects.filter(organization=org)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None, None
        found = (self.cadres if text[0] == "c" else self.members).filter(pk=int(text[1:])).first()
        if found is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": text})
        return (found, None) if text[0] == "c" else (None, found)


class QuickRecordForm(forms.Form):
    """One short form for a grassroots branch on a phone: a study session, a lecture or an organisational life
    meeting. Required: what, date, title, count, plus the study form (study) or the speaker (lecture)."""

    what = forms.ChoiceField(label="记录什么", choices=QuickKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "请选择记录什么：学习、党课或组织生活会"})
    org = forms.CharField(label="党组织", required=False)  # the organisation picker, in __init__
    held_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              error_messages={"required": "请填写日期", "invalid": "日期格式不正确，如2023-09-01"})
    title = forms.CharField(label="主题", max_length=200,
                            error_messages={"required": "请填写主题", "max_length": "主题不能超过200个字"})
    count = forms.IntegerField(label="参加人数", min_value=1, max_value=100_000,
                               widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                               error_messages={"required": "请填写参加人数", "invalid": "参加人数应为整数",
                                               "min_value": "参加人数至少为1", "max_value": "参加人数过大"})
    study_kind = forms.ChoiceField(label="学习形式", required=False, choices=[("", "请选择"), *StudyKind.choices])
    speaker = SpeakerField(label="主讲人", required=False,
                           error_messages={"invalid_choice": "请从列表中选择主讲人"})
    leaders = CadresField(label="参加的班子成员", required=False,
                          error_messages={"invalid_choice": "请从列表中选择参加的班子成员"})
    attachment = forms.FileField(label="附件（可不传）", required=False)
    # Set by the page's "仍然保存" button once it has shown the same record already saved.
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    duplicate = False  # the service found the same record already saved: the page asks before saving it again
    # Service field → form field.
    FIELD_OF = {"kind": "study_kind", "topic": "title", "title": "title", "held_on": "held_on",
                "participant_count": "count", "audience_count": "count", "attendance": "count",
                "speaker": "speaker", "leaders": "leaders", "attachment": "attachment", "organization": "org",
                "campaign": None, "duplicate": None}

    def __init__(self, *args: Any, org: Organization | None = None, choose_org: bool = False, user: MaybeActor = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choose_org:
            # The organisation picker over what the user sees; choosing one reloads the form (what was typed goes
            # along) so that its own leaders and members are offered.
            self.fields["org"] = OrgChoiceField(user=user, label="党组织", required=False,
                                                outside="请选择您管辖范围内的党组织")
            self.fields["org"].widget.attrs.update({
                "hx-get": reverse("measures:quick"), "hx-trigger": "change", "hx-include": "closest form",
                "hx-target": "closest form", "hx-select": "form.quick-form", "hx-swap": "outerHTML"})
        speaker_field = self.fields["speaker"]
        assert isinstance(speaker_field, SpeakerField)
        speaker_field.offer(org)
        leader_field = self.fields["leaders"]
        assert isinstance(leader_field, CadresField)
        if org is not None:
            leader_field.offer(org)
        if not leader_field.choices:
            del self.fields["leaders"]
        if not choose_org:
            del self.fields["org"]
        for name, fld in self.fields.items():
            if name in ("what", "confirm_duplicate"):
                continue
            if name == "leaders":
                fld.widget.attrs["class"] = "form-check-input"
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

    def add_service_errors(self, error: ValidationError) -> None:
        self.duplicate = "duplicate" in error.message_dict
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


class EntryForm(forms.Form):
    """Bootstrap classes, Chinese messages for what the form itself checks, and the services' errors put back on
    their fields. `FIELD_OF` maps a service's field name to the form's where they differ."""

    FIELD_OF: dict[str, str] = {}
    duplicate = False  # the service found the same record already saved: the page asks before saving it again

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

    def offer(self, org: Organization) -> None:
        """Offer each people field (CadresField, CadreField, SpeakerField) exactly whom a record of `org` may
        name — and, on a record being corrected, whom it already names that are no longer offered (`_kept`)."""
        for name, fld in self.fields.items():
            if isinstance(fld, CadresField | CadreField | SpeakerField):
                fld.offer(org, named=self.initial.get(name))

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        mark_invalid(self)

    def add_service_errors(self, error: ValidationError) -> None:
        self.duplicate = "duplicate" in error.message_dict
        for name, messages in error.message_dict.items():
            target: str | None = self.FIELD_OF.get(name, name)
            if target not in self.fields:
                target = None
            for message in messages:
                self.add_error(target, message)
        self._mark_invalid()


def _text(label: str, max_length: int | None = None, *, required: bool = True, area: bool = False) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3}) if area else None
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=100_000,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE_WIDGET)


def _confirm_duplicate() -> forms.BooleanField:
    """Not shown as a field: posted by the "仍然保存" button once the page has said the same record is saved."""
    return forms.BooleanField(required=False, widget=forms.HiddenInput)


def _attachment() -> forms.FileField:
    return forms.FileField(label="附件（可不传）", required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.png"}))


class StudySessionForm(EntryForm):
    kind = forms.ChoiceField(label="学习形式", choices=[("", "请选择"), *StudyKind.choices])
    topic = _text("学习主题", 200)
    held_on = _date("日期")
    participant_count = _count("参加人数")
    leaders = CadresField(label="参加的班子成员", required=False)
    notes = _text("情况说明", 5000, required=False, area=True)
    attachment = _attachment()
    confirm_duplicate = _confirm_duplicate()

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer(org)
        leaders = self.fields["leaders"]
        assert isinstance(leaders, CadresField)
        if not leaders.choices:
            del self.fields["leaders"]


class PartyLectureForm(EntryForm):
    title = _text("党课题目", 200)
    held_on = _date("日期")
    speaker = SpeakerField(label="主讲人")
    audience = _text("听课对象", 200, required=False)
    audience_count = _count("听课人数")
    attachment = _attachment()
    confirm_duplicate = _confirm_duplicate()

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer(org)


class ResearchTopicForm(EntryForm):
    title = _text("课题名称", 200)
    description = _text("课题说明", 5000, required=False, area=True)
    lead_cadre = CadreField(label="牵头领导干部", required=False, empty_label="无（单位课题）", county_level=True,
                            help_text="本组织或其联系点领导中的县处级以上领导干部")
    confirm_duplicate = _confirm_duplicate()

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer(org)


class ResearchReportForm(EntryForm):
    title = _text("报告标题", 200)
    author_cadre = CadreField(label="撰写的领导干部", required=False)
    submitted_on = _date("形成日期")
    summary = _text("内容摘要", 5000, required=False, area=True)
    attachment = _attachment()

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer(org)


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
    owner_cadre = CadreField(label="牵头领导干部", required=False)
    deadline = _date("完成时限")
    confirm_duplicate = _confirm_duplicate()

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer(org)


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
    confirm_duplicate = _confirm_duplicate()


class LifeMeetingItemForm(EntryForm):
    kind = forms.ChoiceField(label="类型", choices=[("", "请选择"), *LifeMeetingItemKind.choices])
    text = _text("内容", 5000, area=True)
    cadre = CadreField(label="涉及的领导干部", required=False)

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer(org)
