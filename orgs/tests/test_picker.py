"""The organisation picker (orgs.widgets, orgs:pick): found by name, pinyin initials and code, shown with its
place in the tree, offering only what the form may accept — and the field checks the posted value again."""

from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from accounts.actors import SETUP
from orgs import selectors, services
from orgs.models import Organization
from orgs.widgets import OrgChoiceField, scope_token
from problems.tests.conftest import campaign, people  # noqa: F401 (a current campaign and liaison groups)

pytestmark = pytest.mark.django_db


def _names(found: list[Organization]) -> list[str]:
    return [o.name for o in found]


def _pick(client: Client, user: Any, token: str, q: str) -> Any:
    client.force_login(user)
    return client.get(reverse("orgs:pick"), {"scope": token, "q": q})


def _form(user: Any, data: dict[str, str] | None = None, **kwargs: Any) -> forms.Form:
    class PickForm(forms.Form):
        def __init__(self, *args: Any, **kw: Any) -> None:
            super().__init__(*args, **kw)
            self.fields["organization"] = OrgChoiceField(user=user, label="党组织", **kwargs)

    return PickForm(data)


def test_pinyin_initials_find_the_organization(tree):
    county = services.org_create(actor=SETUP,
                                 parent=tree.city, code="D", name="大坊区委", kind="committee", sector="organ",
                                 tier="county")
    found, more = selectors.org_pick(Organization.objects.all(), "dfqw")
    assert found == [county] and not more
    assert _names(selectors.org_pick(Organization.objects.all(), "DGC")[0]) == ["东关村党支部"]
    # Initials from inside a name too (城关镇党委 = cgzdw), after those that start with them.
    assert _names(selectors.org_pick(Organization.objects.all(), "zdw")[0]) == ["城关镇党委", "河西镇党委"]


def test_other_readings_of_a_character_find_the_organization_too(tree):
    city = services.org_create(actor=SETUP, parent=None, code="ZN", name="长宁市委", kind="committee", sector="organ",
                               tier="city")
    assert city.initials.split()[:2] == ["znsw", "cnsw"]  # pypinyin reads 长 zhang; people type c
    assert selectors.org_pick(Organization.objects.all(), "cnsw")[0] == [city]
    assert selectors.org_pick(Organization.objects.all(), "znsw")[0] == [city]


def test_the_data_migration_fills_the_readings_of_existing_organizations(tree):
    import importlib

    from django.apps import apps

    services.org_create(actor=SETUP, parent=tree.city, code="ZN1", name="长宁区委", kind="committee", sector="organ",
                        tier="county")
    Organization.objects.update(initials="")
    importlib.import_module("orgs.migrations.0003_initials_other_readings").fill(apps, None)
    assert Organization.objects.get(code="ZN1").initials.split()[:2] == ["znqw", "cnqw"]
    assert Organization.objects.get(code="A1a").initials == "dgcdzb"


def test_names_and_codes_find_the_organization_exact_code_first(tree):
    qs = Organization.objects.all()
    assert _names(selectors.org_pick(qs, "A1a")[0]) == ["东关村党支部"]
    assert _names(selectors.org_pick(qs, "A1")[0]) == ["城关镇党委", "东关村党支部"]  # the exact code, then prefixes
    assert _names(selectors.org_pick(qs, "城关")[0]) == ["城关区委", "城关镇党委"]  # names that start with it
    assert _names(selectors.org_pick(qs, "党支部")[0]) == ["东关村党支部", "西河社区党支部"]  # names containing it
    assert selectors.org_pick(qs, "不存在的组织") == ([], False)


def test_an_empty_search_offers_the_top_levels_and_says_when_there_are_more(tree):
    found, more = selectors.org_pick(Organization.objects.all(), "", limit=3)
    assert _names(found) == ["示范市委", "城关区委", "河西县委"] and more


def test_a_search_is_a_few_queries_whatever_the_tree(tree, django_assert_max_num_queries):
    for i in range(30):
        services.org_create(actor=SETUP,
                            parent=tree.township_a, code=f"A1x{i}", name=f"城关镇第{i}村党支部", kind="branch",
                            sector="village", tier="village")
    with django_assert_max_num_queries(6):
        found, more = selectors.org_pick(Organization.objects.all(), "cgz")
    assert len(found) == selectors.PICK_LIMIT and more


def test_suggestions_show_the_place_in_the_tree(client, tree, users):
    token = scope_token(users["office"], within=None, everything=False)
    data = _pick(client, users["office"], token, "dgc").json()
    assert data == {"results": [{"code": "A1a", "name": "东关村党支部", "trail": "示范市委 › 城关区委 › 城关镇党委"}],
                    "more": False}


def test_suggestions_offer_only_what_the_user_sees(client, tree, users):
    unit = users["unit"]  # at 东关村党支部
    token = scope_token(unit, within=None, everything=False)
    assert _pick(client, unit, token, "城关").json()["results"] == []  # the county and township above it
    assert [r["code"] for r in _pick(client, unit, token, "").json()["results"]] == ["A1a"]
    office = users["office"]
    codes = [r["code"] for r in _pick(client, office, scope_token(office, within=None, everything=False),
                                      "hx").json()["results"]]
    assert codes == ["B", "B1"]


def test_suggestions_follow_the_forms_narrower_rule(client, tree, users):
    office = users["office"]
    token = scope_token(office, within=[tree.county_b.path], everything=False)
    assert [r["code"] for r in _pick(client, office, token, "党").json()["results"]] == ["B1", "B1a"]


def test_a_forged_or_borrowed_scope_answers_404(client, tree, users):
    office_token = scope_token(users["office"], within=None, everything=True)
    assert _pick(client, users["unit"], office_token, "城关").status_code == 404  # another person's scope
    assert _pick(client, users["office"], office_token + "x", "城关").status_code == 404  # altered
    assert _pick(client, users["office"], "", "城关").status_code == 404
    client.logout()
    assert client.get(reverse("orgs:pick"), {"scope": office_token}).status_code == 302  # to the login page


def test_the_field_checks_the_posted_code_against_its_own_queryset(tree, users):
    liaison = users["liaison"]  # sees county A only
    form = _form(liaison, {"organization": "B1"})
    assert not form.is_valid()
    assert form.errors["organization"] == ["请从列表中选择党组织（可输入名称、拼音首字母或编码查找）"]
    form = _form(users["office"], {"organization": "B1"}, within=[tree.county_a.path])
    assert not form.is_valid()  # the office sees B1, but this form offers county A's subtree only
    form = _form(liaison, {"organization": "A1"})
    assert form.is_valid() and form.cleaned_data["organization"] == tree.township_a
    assert not _form(liaison, {}).is_valid()
    assert _form(liaison, {}).errors["organization"] == ["请选择党组织"]


def test_typed_without_the_suggestions_an_exact_code_or_name_is_accepted(tree, users):
    form = _form(users["office"], {"organization": "", "organization_q": "河西镇党委"})
    assert form.is_valid() and form.cleaned_data["organization"] == tree.township_b
    form = _form(users["office"], {"organization_q": "B1a"})
    assert form.is_valid() and form.cleaned_data["organization"] == tree.village_b


def test_without_script_a_name_typed_over_the_initial_organization_wins(tree, users):
    """The hidden code still holds the form's initial organisation when no script ran: what the person typed
    is what they meant, never the stale code."""
    form = _form(users["office"], {"organization": "A1a", "organization_q": "河西镇党委"})
    assert form.is_valid() and form.cleaned_data["organization"] == tree.township_b
    form = _form(users["office"], {"organization": "A1a", "organization_q": "B1a"})
    assert form.is_valid() and form.cleaned_data["organization"] == tree.village_b
    form = _form(users["office"], {"organization": "A1a", "organization_q": "没有这个党委"})
    assert not form.is_valid()
    form = _form(users["office"], {"organization": "A1a", "organization_q": "东关村党支部"})  # chosen with script
    assert form.is_valid() and form.cleaned_data["organization"] == tree.village_a


def test_after_a_failed_submit_the_picker_shows_the_name_and_place_not_the_code(tree, users):
    form = _form(users["office"], {"organization": "A1a"})
    html = str(form["organization"])
    assert 'name="organization" value="A1a"' in html and 'name="organization_q"' in html
    assert 'value="东关村党支部"' in html and "示范市委 › 城关区委 › 城关镇党委 › 东关村党支部" in html
    # What matched nothing stays as typed, with the error, and nothing is chosen.
    form = _form(users["office"], {"organization": "", "organization_q": "东关"})
    assert not form.is_valid()
    html = str(form["organization"])
    assert 'name="organization" value=""' in html and 'value="东关"' in html


def test_the_picker_is_labelled_keyboard_ready_and_loads_no_outside_file(tree, users):
    html = str(_form(users["office"])["organization"])
    assert 'role="combobox"' in html and 'aria-controls="id_organization-list"' in html
    assert 'role="listbox"' in html and 'id="id_organization"' in html
    assert "/static/js/org-picker.js" in html and "http" not in html.replace(reverse("orgs:pick"), "")


def test_the_code_pick_is_reserved(tree):
    with pytest.raises(Exception) as err:
        services.org_create(actor=SETUP, parent=tree.city, code="pick", name="某党委", kind="committee", sector="organ",
                            tier="county")
    assert "系统保留字" in str(err.value)


def test_secadmin_may_choose_any_organization_for_a_jurisdiction(client, tree, users):
    secadmin = users["secadmin"]  # sees no registry data, but assigns jurisdictions anywhere
    assert not Organization.objects.visible_to(secadmin).exists()
    form = _form(secadmin, {"organization": "B1a"}, everything=True)
    assert form.is_valid()
    token = scope_token(secadmin, within=None, everything=True)
    assert [r["code"] for r in _pick(client, secadmin, token, "xhsq").json()["results"]] == ["B1a"]


# ---------------------------------------------------------------------------------------------------------
# Every form that names an organisation uses the picker (no select of hundreds, no code box with a datalist).

PAGES = [
    ("liaison", "/supervision/visits/new/"),
    ("office", "/problems/new/"),
    ("office", "/problems/"),
    ("office", "/office/submissions/new/"),
    ("unit", "/office/submissions/new/"),
    ("office", "/measures/quick/"),
    ("secadmin", "/accounts/users/new/"),
    ("office", "/supervision/visits/"),
    ("liaison", "/supervision/findings/"),
]


@pytest.mark.parametrize(("role", "url"), PAGES)
def test_every_form_naming_an_organization_uses_the_picker(client, people, role, url):  # noqa: F811
    client.force_login(people[role])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-org-picker" in html and 'role="combobox"' in html
    assert "<datalist" not in html and "组织编码</label>" not in html


def test_choosing_the_quick_forms_organization_keeps_what_was_typed(client, people, tree):  # noqa: F811
    client.force_login(people["office"])
    html = client.get("/measures/quick/", {"org": "A1", "what": "lecture", "title": "讲专题党课", "count": "40",
                                           "held_on": "2023-10-09"}).content.decode()
    assert 'name="org" value="A1"' in html and 'value="城关镇党委"' in html
    assert 'value="讲专题党课"' in html and 'value="40"' in html and 'value="2023-10-09"' in html
    assert 'hx-select="form.quick-form"' in html  # choosing another reloads the form with what was typed


def test_the_quick_form_records_for_a_name_typed_without_script(client, people, tree, campaign):  # noqa: F811
    from measures.models import StudySession

    client.force_login(people["office"])
    response = client.post("/measures/quick/", {"org": "", "org_q": "城关镇党委", "what": "study",
                                                "study_kind": "group_study", "held_on": "2023-10-09",
                                                "title": "集中学习党章", "count": "40"})
    assert response.status_code == 302
    assert StudySession.objects.get().organization == tree.township_a


def test_the_tree_page_searches_like_the_picker_names_that_start_with_it_first(client, tree, users,
                                                                              django_assert_max_num_queries):
    services.org_create(actor=SETUP,
                        parent=tree.township_a, code="A1z", name="新城关村党支部", kind="branch", sector="village",
                        tier="village")
    services.org_create(actor=SETUP, parent=tree.township_b, code="B1z", name="城关社区党支部", kind="branch",
                        sector="community", tier="village")
    client.force_login(users["office"])
    with django_assert_max_num_queries(20):
        html = client.get(reverse("orgs:tree"), {"q": "城关"}).content.decode()
    results = html.split('id="search-heading"')[1]
    order = [results.index(name) for name in ("城关区委", "城关镇党委", "城关社区党支部", "新城关村党支部")]
    assert order == sorted(order)  # before: in tree order, 新城关村党支部 (under 城关镇) came before 城关社区党支部


def test_the_api_list_finds_what_the_picker_finds(tree, users):
    """One search: whatever the picker offers for a text, the API's list filter finds too."""
    for q in ("cgz", "城关", "A1", "C", "dgc", "党委", "b1"):
        qs = Organization.objects.visible_to(users["office"])
        picked, _ = selectors.org_pick(qs, q, limit=1000)
        assert {o.pk for o in picked} == set(selectors.org_search(qs, q).values_list("pk", flat=True)), q
