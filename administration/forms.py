"""The security administrator's forms: an account (its jurisdiction chosen from the organisation tree) and a new
password."""

from typing import Any

from django import forms

from accounts.actors import Actor
from accounts.forms import PASSWORD_RULES
from accounts.permissions import role_choices
from orgs.widgets import OrgChoiceField


class UserForm(forms.Form):
    """Create or change an account. The jurisdiction (管辖范围) is chosen with the organisation picker, over the
    whole tree: the security administrator assigns jurisdictions anywhere, though he sees no registry data."""

    username = forms.RegexField(label="账号", max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": "账号只能包含字母、数字和 @ . + - _"})
    full_name = forms.CharField(label="姓名", max_length=150, required=False)
    role = forms.ChoiceField(label="角色", choices=role_choices)
    org_code = forms.CharField(label="管辖范围")  # the organisation picker, in __init__
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    password = forms.CharField(label="初始密码", strip=False, required=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=f"{PASSWORD_RULES}；本人首次登录时须修改；不填则该账号暂不能登录")

    def __init__(self, *args: Any, actor: Actor, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_code"] = OrgChoiceField(user=actor, everything=True, label="管辖范围",
                                                 outside="组织编码或名称“%(value)s”不存在")
        if editing:
            del self.fields["password"]
            self.fields["username"].disabled = True
        else:
            del self.fields["is_active"]


class PasswordResetForm(forms.Form):
    password = forms.CharField(label="新密码", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=f"{PASSWORD_RULES}。重置后同时解除锁定，本人登录后须先修改密码。")
