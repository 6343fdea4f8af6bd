"""Password rules (settings.AUTH_PASSWORD_VALIDATORS), each with its message in Chinese: at least 8 characters, from
at least 3 of the 4 classes (upper case, lower case, digits, symbols), not containing the account name nor the
person's name (as typed or in pinyin), not one of the last 5 passwords. Every path that sets a password validates it
(the self-service change, the security administrator's reset, accounts created with a password), except the demo
accounts, created with the demo password by a system actor."""

import re
from typing import Any

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError


class ChineseMinimumLengthValidator(MinimumLengthValidator):
    """Django's own, with its message in Chinese (Django's zh_Hans catalogue lacks this plural form)."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要{self.min_length}个字符。", code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少需要{self.min_length}个字符。"


CLASSES = (("大写字母", re.compile(r"[A-Z]")), ("小写字母", re.compile(r"[a-z]")), ("数字", re.compile(r"[0-9]")),
           ("符号", re.compile(r"[^A-Za-z0-9]")))


class CharacterClassesValidator:
    """At least `min_classes` of: upper-case letters, lower-case letters, digits, symbols (anything else)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if sum(1 for _, pattern in CLASSES if pattern.search(password)) < self.min_classes:
            raise ValidationError(f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类。",
                                  code="password_too_simple")

    def get_help_text(self) -> str:
        return f"须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类。"


def _name_forms(user: Any) -> list[str]:
    """What of the user a password must not contain, lower-cased: the account name (3 characters or more, so that a
    short one does not forbid common letters), the name as typed and its full pinyin (2 characters or more)."""
    from pypinyin import lazy_pinyin

    forms: list[str] = []
    username = str(getattr(user, "username", "") or "")
    if len(username) >= 3:
        forms.append(username.lower())
    name = str(getattr(user, "first_name", "") or "") + str(getattr(user, "last_name", "") or "")
    name = "".join(name.split())
    if len(name) >= 2:
        forms.append(name.lower())
        spelled = "".join(lazy_pinyin(name)).lower()
        if spelled != name.lower() and len(spelled) >= 3:
            forms.append(spelled)
    return forms


class NoPersonalInfoValidator:
    """The password must not contain the account name or the person's name (as typed or in pinyin), whatever the
    case: `zhangsan1`, `Zhangwei@2023` for 张伟, `Office@123` for the account office."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        lowered = password.lower()
        if any(form in lowered for form in _name_forms(user)):
            raise ValidationError("密码不能包含账号或本人姓名（含拼音）。", code="password_has_personal_info")

    def get_help_text(self) -> str:
        return "不能包含账号或本人姓名（含拼音）。"


class PasswordHistoryValidator:
    """Not one of the user's last `count` passwords (the current one included). It also keeps that history:
    Django calls `password_changed` after every save of a new password, and the hash is stored then."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        from accounts.models import PasswordHistory

        recent = list(PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[:self.count])
        if any(check_password(password, hashed) for hashed in recent):
            raise ValidationError(f"新密码不能与最近{self.count}次使用过的密码相同。", code="password_reused")

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None or not user.has_usable_password():
            return
        from accounts.models import PasswordHistory

        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        keep = PasswordHistory.objects.filter(user_id=user.pk).values_list("pk", flat=True)[:self.count]
        PasswordHistory.objects.filter(user_id=user.pk).exclude(pk__in=list(keep)).delete()

    def get_help_text(self) -> str:
        return f"不能与最近{self.count}次使用过的密码相同。"
