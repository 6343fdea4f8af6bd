from typing import Any

from django import forms
from django.core.exceptions import ValidationError

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


def mark_invalid(form: forms.BaseForm) -> None:
    """Give the widget of every field with an error Bootstrap's `is-invalid` class (once)."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()
