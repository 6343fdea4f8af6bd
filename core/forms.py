import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest

from core.models import AuditEntry


class AuditFilterForm(forms.Form):
    """Renders the audit page's filters and keeps what was typed; `core.selectors.audit_entries` filters."""

    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部"), *AuditEntry.Action.choices])
    actor = forms.CharField(label="操作人", required=False, max_length=150)
    object_type = forms.ChoiceField(label="对象类型", required=False, choices=[("", "全部")])
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, object_types: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        object_type = self.fields["object_type"]
        assert isinstance(object_type, forms.ChoiceField)
        object_type.choices = [("", "全部"), *(object_types or [])]


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError back on the form: on its field where the form has one, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@contextlib.contextmanager
def service_errors(form: forms.BaseForm) -> Iterator[None]:
    """Call a service for a valid `form`: its ValidationError goes back on the form (which keeps what was typed;
    check `form.errors` after the block), a PermissionDenied answers 404 like everything out of reach.

        with service_errors(form):
            services.visit_cancel(user=user, visit=visit, reason=...)
        if not form.errors:
            return redirect(...)
    """
    try:
        yield
    except ValidationError as exc:
        put_back = getattr(form, "add_service_errors", None)
        if callable(put_back):
            put_back(exc)
        else:
            add_service_errors(form, exc)
    except PermissionDenied as exc:
        raise Http404 from exc


def mark_invalid(form: forms.BaseForm) -> None:
    """Give the widget of every field with an error Bootstrap's `is-invalid` class (once)."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


def chinese_messages(field: forms.Field, label: str) -> dict[str, str]:
    """Chinese messages for what a form field checks itself (required, formats, choices, lengths, files)."""
    choose = isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.FileField)
    return {
        "required": f"请{'选择' if choose else '填写'}{label}",
        "invalid": f"{label}格式不正确" + ("，如2023-10-31" if isinstance(field, forms.DateField) else ""),
        "invalid_choice": f"请从列表中选择{label}",
        "invalid_pk_value": f"请从列表中选择{label}",
        "list": f"请从列表中选择{label}",
        "max_length": f"{label}不能超过{getattr(field, 'max_length', '')}个字",
        "min_value": f"{label}至少为1",
        "max_value": f"{label}过大",
        "empty": f"{label}是空文件",
    }


class SheetUploadForm(forms.Form):
    """The upload of an import page: an .xlsx or .csv file within JYB_IMPORT_MAX_MB (every import checks the
    same)."""

    file = forms.FileField(label="文件（.xlsx 或 .csv）")

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError("请上传 .xlsx 或 .csv 文件")
        if upload.size > settings.JYB_IMPORT_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(f"文件不能超过 {settings.JYB_IMPORT_MAX_MB} MB")
        return upload


@contextlib.contextmanager
def refusals(request: HttpRequest | None = None, *, prefix: str = "") -> Iterator[list[str]]:
    """Call a service from a button (no form to put errors back on): the reasons of its ValidationError go into the
    yielded list — and, given `request`, into an error message starting with `prefix` —, a PermissionDenied answers
    404 like everything out of reach (`service_errors` does the same for a form).

        with refusals(request, prefix="未能删除：") as refused:
            services.finding_delete(user=user, finding=finding)
        if refused:
            return redirect(...)
    """
    refused: list[str] = []
    try:
        yield refused
    except ValidationError as exc:
        refused.extend(exc.messages)
        if request is not None:
            messages.error(request, prefix + "；".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
