"""The login form and the self-service password change. The security administrator's account forms are in
administration.forms."""

from typing import Any

from django import forms

# The password rules in a sentence (accounts.validators enforces them), for the forms that set a password.
PASSWORD_RULES = "至少8位，含大写字母、小写字母、数字、符号中的至少3类，不含账号和姓名（含拼音），不与最近5次的密码相同"


class LoginForm(forms.Form):
    username = forms.CharField(label="账号", max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label="密码", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class PasswordChangeForm(forms.Form):
    """A signed-in person's own password: the current one, the new one twice. The rules are the service's."""

    current_password = forms.CharField(label="当前密码", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password", "autofocus": True}))
    new_password = forms.CharField(label="新密码", strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                   help_text=PASSWORD_RULES)
    new_password2 = forms.CharField(label="再次输入新密码", strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password2") and data["new_password"] != data["new_password2"]:
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data
