"""The login form. The security administrator's account forms are in administration.forms."""

from django import forms


class LoginForm(forms.Form):
    username = forms.CharField(label="账号", max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label="密码", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
