"""Finding an item of the communication log by its 文号 in the list's search box (and the API's `q`), as people
quote it: 城关教办〔2023〕5号 may be stored with PC brackets or a leading zero and is asked for as 教办〔2023〕5号,
城关教办[2023]05号 or "2023 5"."""

from typing import Any

import pytest
from django.urls import reverse

from api.tests.helpers import ApiClient
from office.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(report: Any) -> dict[str, Submission]:
    return {
        "5": report(title="关于村级活动场所改造资金的请示", number="城关教办〔2023〕5号"),
        "05": report(title="关于专题党课安排的报告", number="城关教办[2023]015号"),
        "other_year": report(title="关于上年工作的报告", number="城关教办〔2022〕5号"),
        "none": report(title="关于学习研讨的情况报告"),
    }


def _found(client: Any, user: Any, q: str) -> set[str]:
    client.force_login(user)
    response = client.get(reverse("office:submissions"), {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    return {s.title for s in Submission.objects.all() if reverse("office:submission", args=[s.pk]) + '"' in html}


@pytest.mark.parametrize("q", ["城关教办〔2023〕5号", "教办〔2023〕5号", "城关教办[2023]05号", "2023 5", "（2023）5号",
                               "城关教办〔2023〕0005号"])
def test_submission_list_finds_an_item_by_its_number(client: Any, people: dict[str, Any],
                                                     items: dict[str, Submission], q: str) -> None:
    assert _found(client, people["unit"], q) == {"关于村级活动场所改造资金的请示"}


def test_a_serial_is_not_found_inside_a_longer_one(client: Any, people: dict[str, Any],
                                                   items: dict[str, Submission]) -> None:
    assert _found(client, people["unit"], "2023 15") == {"关于专题党课安排的报告"}
    assert _found(client, people["unit"], "2023 1") == set()


def test_api_q_finds_an_item_by_its_number(client: Any, people: dict[str, Any],
                                           items: dict[str, Submission]) -> None:
    response = ApiClient(client, people["unit"]).get("/office/submissions", q="教办[2023]5号")
    assert response.status_code == 200, response.content
    assert [row["title"] for row in response.json()["items"]] == ["关于村级活动场所改造资金的请示"]
