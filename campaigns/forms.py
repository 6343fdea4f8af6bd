"""Forms of the office's campaign pages. Organisations are given by code, people by username; both are resolved
here (organisations only inside the office user's jurisdiction) and the rules are checked by the services."""

from typing import Any

from django import forms

from accounts.actors import Actor
from accounts.models import User
from campaigns.models import GuidanceProfile
from campaigns.services import PROFILE_FIELDS
from orgs.widgets import OrgChoiceField


class _Styled:
    """Bootstrap classes on every widget."""

    fields: dict[str, forms.Field]

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class CampaignForm(_Styled, forms.Form):
    name = forms.CharField(label="名称", max_length=100,
                           error_messages={"required": "请填写名称", "max_length": "名称不能超过100个字"})
    batch = forms.IntegerField(label="批次", required=False, min_value=1, max_value=99,
                               error_messages={"invalid": "批次请填写数字", "min_value": "批次至少为1",
                                               "max_value": "批次不能超过99"})
    starts_on = forms.DateField(label="开始日期", widget=DateInput(),
                                error_messages={"required": "请填写开始日期", "invalid": "日期格式应为 2023-09-01"})
    ends_on = forms.DateField(label="结束日期", required=False, widget=DateInput(),
                              error_messages={"invalid": "日期格式应为 2023-09-01"})
    is_current = forms.BooleanField(label="设为当前开展的主题教育", required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["is_current"]
        self._style()


class OrgCodeForm(_Styled, forms.Form):
    """An organisation visible to `user`, chosen with the organisation picker (name, pinyin initials or code)."""

    code = forms.CharField(label="党组织")  # the organisation picker, in __init__

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["code"] = OrgChoiceField(user=user, label="党组织", outside="“%(value)s”不是您管辖范围内的党组织")
        self.fields["code"].widget.attrs["class"] = "form-control form-control-sm"
        self._style()


class UsernameForm(_Styled, forms.Form):
    username = forms.CharField(label="账号", max_length=150, error_messages={"required": "请填写账号"})
    is_leader = forms.BooleanField(label="组长", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()
        self.fields["username"].widget.attrs.update({"class": "form-control mono", "autocomplete": "off"})

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(f"没有账号 {username}")
        return user


class TeamForm(_Styled, forms.Form):
    name = forms.CharField(label="名称", max_length=50,
                           error_messages={"required": "请填写名称", "max_length": "名称不能超过50个字"})
    duties = forms.CharField(label="职责", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class LiaisonGroupForm(_Styled, forms.Form):
    name = forms.CharField(label="联络组名称", max_length=50,
                           error_messages={"required": "请填写名称", "max_length": "名称不能超过50个字"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class ProfileForm(_Styled, forms.ModelForm):
    class Meta:
        model = GuidanceProfile
        fields = PROFILE_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 3})
                   for name in ("focus", "method_notes", "member_flexibility", "office_notes")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()
