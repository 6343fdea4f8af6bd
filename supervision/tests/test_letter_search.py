"""Finding a feedback letter by its 文号 in the letter list's search box, as people quote it: as printed
(教育办督〔2023〕1号), without the office's part (督〔2023〕1号), with PC brackets and a leading zero
(督[2023]01号), or as bare year and serial ("2023 1") — and still by title or unit."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from supervision.models import FeedbackLetter
from supervision.services import letter_create, letter_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def letters(people: dict[str, Any], tree: Any, make_finding: Any) -> list[FeedbackLetter]:
    """Twelve letters of group A issued to 东关村 in 2023: 教育办督〔2023〕1号 … 12号."""
    issued = []
    for i in range(12):
        finding = make_finding(organization=tree.village_a, description=f"第{i + 1}次发现的问题")
        letter = letter_create(actor=people["liaison"], group=people["group_a"], organization=tree.village_a,
                               findings=[finding], reply_due_on=dt.date(2023, 11, 10), title=f"反馈意见{i + 1}")
        issued.append(letter_issue(actor=people["liaison"], letter=letter))
    return issued


def _found(client: Any, user: Any, q: str) -> list[str]:
    client.force_login(user)
    response = client.get(reverse("supervision:letters"), {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    return [letter.number for letter in FeedbackLetter.objects.order_by("id") if f'id="letter-{letter.pk}"' in html]


@pytest.mark.parametrize("q", ["教育办督〔2023〕1号", "督〔2023〕1号", "督[2023]01号", "2023 1", "〔2023〕1号",
                               "教育办督（2023）1号", "2023年第1号"])
def test_letter_list_finds_a_letter_by_its_number_as_people_type_it(client: Any, people: dict[str, Any],
                                                                     letters: list[FeedbackLetter], q: str) -> None:
    assert letters[0].number == "教育办督〔2023〕1号"
    assert _found(client, people["liaison"], q) == ["教育办督〔2023〕1号"]


def test_a_number_of_another_year_or_code_finds_nothing(client: Any, people: dict[str, Any],
                                                        letters: list[FeedbackLetter]) -> None:
    assert _found(client, people["liaison"], "督〔2022〕1号") == []
    assert _found(client, people["liaison"], "组〔2023〕1号") == []


def test_letter_search_keeps_finding_text_and_the_scope(client: Any, people: dict[str, Any],
                                                        letters: list[FeedbackLetter]) -> None:
    assert _found(client, people["liaison"], "反馈意见12") == ["教育办督〔2023〕12号"]
    assert _found(client, people["unit"], "2023 12") == ["教育办督〔2023〕12号"]
    assert _found(client, people["liaison_b"], "教育办督〔2023〕1号") == []
    client.force_login(people["liaison"])
    html = client.get(reverse("supervision:letters"), {"q": "2023 1"}).content.decode()
    assert 'value="2023 1"' in html  # the box keeps what was typed


def test_letter_api_finds_a_letter_by_its_number(client: Any, people: dict[str, Any],
                                                 letters: list[FeedbackLetter]) -> None:
    from api.tests.helpers import ApiClient

    api = ApiClient(client, people["liaison"])
    rows = api.get("/supervision/letters", q="督[2023]01号").json()["items"]
    assert [r["number"] for r in rows] == ["教育办督〔2023〕1号"]
    assert ApiClient(client, people["liaison_b"]).get("/supervision/letters", q="2023 1").json()["items"] == []
