"""Forms of the registry pages. The list filters only render and keep what was typed; the filtering itself
is `orgs.selectors.member_list` / `cadre_list`, which read the same GET parameters."""

from django import forms

from orgs.choices import Gender, MemberCategory, Rank

_ANY = [("", "全部")]
_YES_NO = [("", "全部"), ("1", "是"), ("0", "否")]


class OrgSearchForm(forms.Form):
    q = forms.CharField(label="查找党组织", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "名称、编码或拼音首字母，如 cgz",
                                                      "type": "search", "autocomplete": "off"}))


class MemberFilterForm(forms.Form):
    q = forms.CharField(label="姓名或身份证号", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"type": "search"}))
    gender = forms.ChoiceField(label="性别", required=False, choices=_ANY + list(Gender.choices))
    category = forms.ChoiceField(label="人员类别", required=False, choices=_ANY + list(MemberCategory.choices))
    mobile = forms.ChoiceField(label="流动党员", required=False, choices=_YES_NO)
    frail = forms.ChoiceField(label="年老体弱", required=False, choices=_YES_NO)


class CadreFilterForm(forms.Form):
    q = forms.CharField(label="姓名、身份证号或职务", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"type": "search"}))
    rank = forms.ChoiceField(label="职级", required=False, choices=_ANY + [(str(v), lbl) for v, lbl in Rank.choices])
    county_level = forms.BooleanField(label="仅县处级以上", required=False)
