"""Radio and checkbox groups: the group's wrapper never carries its inputs' class (Bootstrap's form-check-input on
a <div> shrinks it to a 1em box whose choices spill over the fields below and cannot be clicked); each choice is a
form-check with its own label. Clicking each choice in a browser: tests/browser/test_shell.py."""

import re
from typing import Any

import pytest
from django import forms
from django.template.loader import render_to_string

from conftest import Tree


def _wrappers_with_input_class(html: str) -> list[str]:
    return [tag for tag in re.findall(r"<(?:div|fieldset|ul)\b[^>]*>", html)
            if re.search(r'class="[^"]*\b(form-check-input|form-control|form-select)\b', tag)]


@pytest.mark.parametrize("widget", [forms.RadioSelect, forms.CheckboxSelectMultiple])
@pytest.mark.parametrize("css", ["form-check-input", "form-control", "form-select form-select-sm",
                                 "form-check-input is-invalid"])
def test_a_group_rendered_anyhow_keeps_the_class_off_its_wrapper(widget: Any, css: str) -> None:
    class Form(forms.Form):
        choice = forms.ChoiceField if widget is forms.RadioSelect else forms.MultipleChoiceField
        field = choice(label="收发", choices=[("a", "本办发文"), ("b", "收文登记")],
                       widget=widget(attrs={"class": css}))

    bound = Form({"field": "b" if widget is forms.RadioSelect else ["b"]})["field"]
    for html in (str(bound), render_to_string("forms/_field.html", {"field": bound})):
        assert _wrappers_with_input_class(html) == [], html
        inputs = re.findall(r"<input [^>]*>", html)
        assert len(inputs) == 2 and all('class="form-check-input' in tag for tag in inputs)
        assert ("is-invalid" in inputs[0]) == ("is-invalid" in css)
        assert 'value="b"' in inputs[1] and ' checked' in inputs[1] and ' checked' not in inputs[0]
        assert '<label class="form-check-label" for="id_field_1">收文登记</label>' in html


def test_the_office_submission_form_renders_its_origin_as_a_fieldset(users: dict[str, Any], tree: Tree) -> None:
    from office.forms import SubmissionForm

    form = SubmissionForm(user=users["office"])
    html = render_to_string("forms/_field.html", {"field": form["origin"]})
    assert _wrappers_with_input_class(html) == []
    assert '<legend class="form-label">收发<span class="text-danger">*</span></legend>' in html
    assert html.count('<div class="form-check">') == 2 and "收文登记（来自省委教育办" in html


def test_a_group_without_ids_keeps_each_label_clickable() -> None:
    class Form(forms.Form):
        field = forms.ChoiceField(label="收发", choices=[("a", "本办发文"), ("b", "收文登记")],
                                  widget=forms.RadioSelect)

    html = str(Form(auto_id=False)["field"])
    assert '<label class="form-check-label"><input type="radio" name="field" value="b"' in html
    assert _wrappers_with_input_class(html) == []
