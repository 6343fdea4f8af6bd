"""Finding a problem by its number (问题编号): reminders, letters, phone calls and the masses' QR code all cite
"WT0000594", so the ledger's search box and the API's `q` find it as written, in lower case, without the
leading zeros, or as the bare number — besides the text search in description, unit and organisation."""

from typing import Any

import pytest
from django.urls import reverse

from api.tests.helpers import ApiClient
from problems.models import Problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(make_problem: Any) -> tuple[Problem, Problem]:
    first = make_problem(description="村务公开栏长期未更新")
    second = make_problem(description="党员活动室常年锁门")
    return first, second


def _rows(client: Any, user: Any, q: str) -> set[int]:
    client.force_login(user)
    html = client.get(reverse("problems:ledger"), {"q": q}).content.decode()
    return {p.pk for p in Problem.objects.all() if f'id="problem-{p.pk}"' in html}


@pytest.mark.parametrize("form", ["{n}", "{n_lower}", "{bare}", "{short}", "  {n}  ", "WT {bare}", "ＷＴ{bare}"])
def test_ledger_search_finds_a_problem_by_its_number(client: Any, people: dict[str, Any],
                                                     two: tuple[Problem, Problem], form: str) -> None:
    _, second = two
    q = form.format(n=second.number, n_lower=second.number.lower(), bare=str(second.pk),
                    short=f"wt{second.pk}")
    assert _rows(client, people["unit"], q) == {second.pk}


def test_ledger_search_still_finds_text(client: Any, people: dict[str, Any], two: tuple[Problem, Problem]) -> None:
    first, _ = two
    assert _rows(client, people["unit"], "公开栏") == {first.pk}


def test_search_by_number_stays_inside_the_jurisdiction(client: Any, people: dict[str, Any], tree: Any,
                                                        make_problem: Any) -> None:
    elsewhere = make_problem(org=tree.county_b, by=people["office"], description="河西县的问题")
    assert _rows(client, people["unit"], elsewhere.number) == set()
    assert _rows(client, people["office"], elsewhere.number) == {elsewhere.pk}


def test_a_huge_number_is_no_error(client: Any, people: dict[str, Any], two: tuple[Problem, Problem]) -> None:
    client.force_login(people["unit"])
    response = client.get(reverse("problems:ledger"), {"q": "WT" + "9" * 40})
    assert response.status_code == 200 and "没有符合条件的问题" in response.content.decode()


def test_api_list_filter_finds_a_problem_by_its_number(client: Any, people: dict[str, Any],
                                                        two: tuple[Problem, Problem]) -> None:
    _, second = two
    api = ApiClient(client, people["unit"])
    for q in (second.number, second.number.lower(), str(second.pk)):
        response = api.get("/problems/", q=q)
        assert response.status_code == 200, response.content
        assert [row["id"] for row in response.json()["items"]] == [second.pk], q
