"""Forms of the communication log's pages. They parse and keep what was typed; every rule is in office.services,
whose Chinese errors are put back on the fields they concern."""

from typing import Any

from django import forms
from django.http import QueryDict

from accounts.actors import Actor
from accounts.models import User
from campaigns.models import Campaign
from office import permissions, selectors, services
from office.choices import DUE_KINDS, Direction, Kind, Origin, SubmissionStatus
from office.selectors import SubmissionFilter
from orgs.widgets import OrgChoiceField
from problems.forms import ACCEPT, DATE_WIDGET, LedgerForm

_ANY = [("", "全部")]


def _text(label: str, *, area: bool = False, rows: int = 3, placeholder: str = "",
          max_length: int | None = None) -> forms.CharField:
    attrs: dict[str, Any] = {"placeholder": placeholder} if placeholder else {}
    if max_length:
        attrs["maxlength"] = max_length
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if area else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, required=False, widget=widget, strip=False)


def _date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DATE_WIDGET, help_text=help_text)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files under one name; the service checks each (one rule, `core.files.upload_error`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT, "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data]
        return [item for item in items if item]


class OfficeForm(LedgerForm):
    """Bootstrap classes, Chinese messages, the services' errors on their fields (problems' base form)."""

    FIELD_OF = {**LedgerForm.FIELD_OF, "campaign": None, "status": None, "files": "uploads"}


# ---------------------------------------------------------------------------------------------------------
# The list's filters.


class SubmissionFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=selectors.Q_MAX,
                        widget=forms.TextInput(attrs={"placeholder": "标题、内容、文号、单位", "type": "search"}))
    kind = forms.ChoiceField(label="类别", required=False, choices=_ANY + list(Kind.choices))
    direction = forms.ChoiceField(label="行文方向", required=False, choices=_ANY + list(Direction.choices))
    origin = forms.ChoiceField(label="来源", required=False, choices=_ANY + list(Origin.choices))
    status = forms.ChoiceField(label="状态", required=False, choices=_ANY + list(SubmissionStatus.choices))
    team = forms.ChoiceField(label="承办组", required=False, choices=_ANY)
    overdue = forms.BooleanField(label="只看已逾期", required=False)
    mine = forms.BooleanField(label="只看分给我的", required=False)

    def __init__(self, *args: Any, user: Actor | None = None, campaign: Campaign | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.ChoiceField)
        if permissions.can_assign_submission(user):
            team.choices = _ANY + [(str(t.pk), t.name) for t in selectors.teams(campaign)]
        else:
            del self.fields["team"], self.fields["mine"]
        for fld in self.fields.values():
            widget = fld.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            else:
                widget.attrs["class"] = "form-control form-control-sm"

    def value_of(self, name: str) -> Any:
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name not in self.errors else None

    @property
    def panel_open(self) -> bool:
        return any(self.value_of(name) for name in self.fields if name not in ("q", "status", "overdue", "mine"))


def submission_filter_from(data: QueryDict, user: Actor,
                           campaign: Campaign | None) -> tuple[SubmissionFilterForm, SubmissionFilter]:
    """The filter form bound to `data` and the filter it means; values that make no sense are ignored (a
    hand-edited link never fails)."""
    form = SubmissionFilterForm(data, user=user, campaign=campaign)
    form.is_valid()
    team = form.value_of("team") if "team" in form.fields else None
    filters = SubmissionFilter(
        kind=form.value_of("kind") or "", direction=form.value_of("direction") or "",
        origin=form.value_of("origin") or "", status=form.value_of("status") or "",
        overdue=bool(form.value_of("overdue")), mine=bool(form.value_of("mine")),
        team_id=int(team) if team else None, q=form.value_of("q") or "",
    ).clean()
    return form, filters


# ---------------------------------------------------------------------------------------------------------
# Logging an item.


class SubmissionForm(OfficeForm):
    """A new item. What the fields are depends on who logs it: a unit contact or liaison member reports up (kind,
    unit, title, content, answer-by date, files); the city's office also says whether it sends or logs what it
    received, which way it goes, the other party and the dates. The page shows the date fields a kind needs."""

    MARKED = frozenset({"kind", "organization", "title", "origin"})

    kind = forms.ChoiceField(label="类别", required=False)
    origin = forms.ChoiceField(label="收发", required=False, widget=forms.RadioSelect,
                               choices=[(Origin.OFFICE, "本办发文"), (Origin.OUTSIDE, "收文登记（来自省委教育办、"
                                                                                     "市直部门、群众等）")])
    direction = forms.ChoiceField(label="行文方向", required=False,
                                  choices=[("", "按类别自动（报告类上报，答复、通知、来函下发）"), *Direction.choices])
    organization = forms.CharField(label="相关单位", required=False)
    counterpart = _text("对方单位", placeholder="如：省委主题教育办、市委组织部", max_length=services.COUNTERPART_MAX)
    number = _text("文号", placeholder="如：城关教办〔2023〕5号（可不填）", max_length=services.NUMBER_MAX)
    title = _text("标题", max_length=services.TITLE_MAX)
    body = _text("内容摘要", area=True, rows=6, placeholder="主要内容；有正式文件的可上传文件，摘要写要点")
    sent_on = _date("发文日期")
    received_on = _date("收文日期", "不填为今天")
    due_on = _date("办理时限", "需要对方在此日期前答复或反馈的填写")
    uploads = FilesField(label="文件", help_text="PDF、Word、Excel或JPG、PNG图片，可选多个")
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.office = permissions.can_send_submission(user)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "请选择"), *((k, Kind(k).label) for k in permissions.kinds_for(user))]
        # The organisation picker over what the user sees.
        self.fields["organization"] = org_field = OrgChoiceField(
            user=user, label="相关单位" if self.office else "报送单位", outside="请选择本辖区内的单位")
        if self.office:
            org_field.help_text = "本办与省委教育办、市直部门往来的，选本市；涉及具体单位的，选该单位"
            sent_on = self.fields["sent_on"]
            sent_on.help_text = "本办发文不填为今天；收文登记的，为来文落款日期（可不填）"
        else:
            for name in ("origin", "direction", "counterpart", "sent_on", "received_on"):
                del self.fields[name]
        if not self.is_bound and "origin" in self.fields:
            self.initial.setdefault("origin", Origin.OFFICE)
        self.due_kinds = sorted(DUE_KINDS)

    def values(self) -> dict[str, Any]:
        """What the service takes, from the cleaned data (the organisation and the parent are resolved by the
        view)."""
        data = self.cleaned_data
        values: dict[str, Any] = {"kind": data.get("kind") or "", "title": data.get("title") or "",
                                  "body": data.get("body") or "", "number": data.get("number") or "",
                                  "due_on": data.get("due_on"), "files": data.get("uploads") or []}
        if self.office:
            values.update({"origin": data.get("origin") or "", "direction": data.get("direction") or "",
                           "counterpart": data.get("counterpart") or "", "sent_on": data.get("sent_on"),
                           "received_on": data.get("received_on")})
        return values


# ---------------------------------------------------------------------------------------------------------
# An item's page.


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.team.name} · {obj.user}"


class AssignForm(OfficeForm):
    MARKED = frozenset({"team"})

    team = forms.ModelChoiceField(label="承办组", required=False, queryset=selectors.teams(None),
                                  empty_label="请选择")
    assignee = AssigneeChoiceField(label="承办人（可不选，不选则告知全组）", required=False,
                                   queryset=selectors.team_members(None), empty_label="不指定")

    def __init__(self, *args: Any, campaign: Campaign | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assignee = self.fields["assignee"]
        assert isinstance(team, forms.ModelChoiceField) and isinstance(assignee, forms.ModelChoiceField)
        team.queryset = selectors.teams(campaign)
        assignee.queryset = selectors.team_members(campaign)

    def assignee_user(self) -> User | None:
        membership = self.cleaned_data.get("assignee")
        return membership.user if membership is not None else None


class AnswerForm(OfficeForm):
    MARKED = frozenset({"answer"})

    answer = _text("答复意见", area=True, rows=4, max_length=services.ANSWER_MAX)
    uploads = FilesField(label="答复文件（可不传）", help_text="PDF、Word、Excel或JPG、PNG图片，可选多个")


class CloseForm(OfficeForm):
    FIELD_OF = {**OfficeForm.FIELD_OF, "close_note": "note"}

    note = _text("办结说明（可不填）", placeholder="如：已阅存、已编入简报、已电话答复", max_length=services.NOTE_MAX)


class AttachmentForm(OfficeForm):
    MARKED = frozenset({"file"})

    file = forms.FileField(label="附件", required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
