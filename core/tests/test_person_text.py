"""Every person shown anywhere is named by one formatter: the name with the position as recorded, and the
organisation apart — never the organisation glued to the position ("长宁市委市长", "大坊区委区长")."""

from typing import Any

import pytest
from django.template import Context, Template

from accounts.actors import SETUP
from core.cn import person_text


def test_person_is_name_with_position_as_recorded() -> None:
    assert person_text("郭德亮", "区长") == "郭德亮（区长）"
    assert person_text("郭德亮", "") == "郭德亮"
    assert person_text("", "区长") == ""


def test_organization_stands_apart_from_the_position() -> None:
    text = person_text("郭德亮", "区长", "大坊区委")
    assert text == "郭德亮（区长）· 大坊区委"
    assert "大坊区委区长" not in text


@pytest.mark.django_db
def test_forms_offering_leaders_above_never_glue_titles(tree: Any) -> None:
    from orgs.services import cadre_create
    from problems.forms import CadreChoiceField as ProblemCadreField
    from supervision.forms import FindingCadreField

    mayor = cadre_create(actor=SETUP,
                         organization=tree.city, name="郭德亮", id_number="11010519491231002X", position="市长",
                         rank=60)
    for field_class in (ProblemCadreField, FindingCadreField):
        label = field_class(queryset=None).label_from_instance(mayor)
        assert label == "郭德亮（市长）· 示范市委"
        assert "示范市委市长" not in label


@pytest.mark.django_db
def test_person_filter_in_templates(tree: Any) -> None:
    from orgs.services import cadre_create

    mayor = cadre_create(actor=SETUP,
                         organization=tree.city, name="郭德亮", id_number="11010519491231002X", position="市长",
                         rank=60)
    html = Template('{{ c|person }}|{{ c|person:"org" }}|{{ none|person }}').render(Context({"c": mayor}))
    assert html == "郭德亮（市长）|郭德亮（市长）· 示范市委|"
