"""The organisation picker: one field and widget for every form that names an organisation.

The person types a name, pinyin initials (dfqw → 大坊区委) or a code; suggestions come from `orgs:pick`
(`orgs.selectors.org_pick`) and show each organisation's place (长宁市委 › 大坊区委 › …). The form posts the
chosen organisation's code. The suggestions offer only what the form may accept: the field's queryset is
`orgs.selectors.org_choices(user, within=…)`, and the endpoint rebuilds the same queryset from a signed scope
(user, subtrees) that the page carries — the client can neither widen it nor use another person's. Whatever
arrives, the field validates it against that queryset again.

Without script (or before the suggestions load) the text box still works: an exact code or an exact name
inside the queryset is accepted. After a failed submit the picker shows the chosen organisation's name and
place, not its code; text that matched nothing stays as it was typed, with a Chinese error.
"""

from typing import Any

from django import forms
from django.core import signing
from django.forms.utils import flatatt
from django.urls import reverse

from accounts.actors import MaybeActor
from orgs import selectors
from orgs.models import Organization, OrganizationQuerySet

SCOPE_SALT = "orgs.picker"
TEXT_SUFFIX = "_q"  # the visible box's name: <field>_q


def scope_token(user: MaybeActor, *, within: list[str] | None, everything: bool) -> str:
    """The signed scope the suggestions endpoint searches (bound to `user`)."""
    return signing.dumps({"u": getattr(user, "pk", None), "w": within, "e": everything}, salt=SCOPE_SALT,
                         compress=True)


def scope_from_token(user: MaybeActor, token: str) -> OrganizationQuerySet | None:
    """The queryset a scope token stands for, or None when it is forged or another person's."""
    try:
        data = signing.loads(token, salt=SCOPE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != getattr(user, "pk", None):
        return None
    within = data.get("w")
    if within is not None and not (isinstance(within, list) and all(isinstance(p, str) for p in within)):
        return None
    return selectors.org_choices(user, within=within, everything=bool(data.get("e")))


class OrgPickerWidget(forms.Widget):
    """A text box with suggestions (static/js/org-picker.js) and a hidden input holding the chosen code.
    `attrs` go on the text box, except htmx's `hx-*`, which go on the hidden input (it fires `change` when an
    organisation is chosen, so a form can reload what depends on it)."""

    template_name = "orgs/_org_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.token = ""
        self.lookup: Any = None  # set by OrgChoiceField: text → Organization | None

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        """The chosen code, unless the box says something else: without script (or before it ran) the hidden
        code still holds the form's initial organisation while the person typed another — what they typed wins
        (resolved by the field), never the stale code."""
        code = (data.get(name) or "").strip()
        text = (data.get(name + TEXT_SUFFIX) or "").strip()
        if not code or not text or text == code:
            return code or text
        chosen = self.lookup(code) if self.lookup is not None else None
        return code if chosen is not None and text == chosen.name else text

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and name + TEXT_SUFFIX not in data

    def id_for_label(self, id_: str) -> str:
        return id_

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        text = "" if value is None else str(value)
        org = self.lookup(text) if self.lookup is not None and text else None
        attrs = widget["attrs"]
        widget.update({
            "box_attrs_html": flatatt({k: v for k, v in attrs.items() if k != "id" and not k.startswith("hx-")}),
            "hx_attrs_html": flatatt({k: v for k, v in attrs.items() if k.startswith("hx-")}),
            "box_name": name + TEXT_SUFFIX,
            "box_id": attrs.get("id") or f"id_{name}",
            "code": org.code if org is not None else "",
            "text": org.name if org is not None else text,
            "trail": selectors.org_trail_text(org) if org is not None else "",
            "url": reverse("orgs:pick"),
            "token": self.token,
        })
        return context


class OrgChoiceField(forms.ModelChoiceField):
    """An organisation among `org_choices(user, within=…, everything=…)`, chosen with the picker. The posted
    value is the code; an exact code or name typed without the suggestions is accepted too."""

    widget = OrgPickerWidget

    def __init__(self, *, user: MaybeActor, within: list[str] | None = None, everything: bool = False,
                 label: str = "党组织", required: bool = True, help_text: str = "",
                 placeholder: str = "输入名称、拼音首字母或编码", outside: str = "", **kwargs: Any) -> None:
        queryset = selectors.org_choices(user, within=within, everything=everything)
        super().__init__(queryset=queryset, to_field_name="code", label=label, required=required,
                         help_text=help_text, empty_label=None, **kwargs)
        self.error_messages.update({
            "required": f"请选择{label}",
            "invalid_choice": (outside or f"请从列表中选择{label}") + "（可输入名称、拼音首字母或编码查找）",
        })
        widget = self.widget
        assert isinstance(widget, OrgPickerWidget)
        widget.token = scope_token(user, within=within, everything=everything)
        widget.lookup = self.lookup
        widget.attrs.setdefault("placeholder", placeholder)
        widget.attrs.setdefault("class", "form-control")

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        result = super().__deepcopy__(memo)
        result.widget.lookup = result.lookup
        return result

    def lookup(self, text: str) -> Organization | None:
        """The organisation `text` names inside the queryset: its code, else its exact name when one
        organisation has it."""
        text = text.strip()
        if not text or len(text) > selectors.PICK_Q_MAX:
            return None
        qs = self.queryset
        assert qs is not None
        org = qs.filter(code=text).first()
        if org is None:
            named = list(qs.filter(name=text)[:2])
            org = named[0] if len(named) == 1 else None
        return org

    def to_python(self, value: Any) -> Organization | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Organization):
            value = value.code
        org = self.lookup(str(value))
        if org is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": str(value)[:selectors.PICK_Q_MAX]})
        return org
