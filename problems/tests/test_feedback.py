"""What the masses say: the public feedback page (no login, CSRF on, Chinese errors, rate limited per sender,
only for problems raised by the masses), the QR code of its address, answers, and the closure block an unanswered
不满意 puts on a problem."""

import datetime as dt
import io
from typing import Any

import pytest
import segno
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from problems.choices import ProblemAction, ProblemStatus, Rating
from problems.models import Problem, Satisfaction
from problems.services import feedback_source, problem_act
from problems.tests.conftest import upload

pytestmark = pytest.mark.django_db


def _url(problem: Problem) -> str:
    return reverse("feedback:public_feedback", args=[problem.feedback_token])


def _send(client: Any, problem: Problem, ip: str = "10.0.0.1", real_ip: str | None = None, **data: str) -> Any:
    meta = {"REMOTE_ADDR": ip, **({"HTTP_X_REAL_IP": real_ip} if real_ip else {})}
    return client.post(_url(problem), {"rating": "satisfied", "comment": "", **data}, **meta)


@pytest.fixture
def masses(make_problem: Any, people: dict[str, Any]) -> Problem:
    people["unit"].first_name, people["unit"].last_name = "小明", "王"
    people["unit"].save()
    return make_problem(description="村务公开栏长期不更新，群众看不到账目")


# ---------------------------------------------------------------------------------------------------------
# The public page


def test_public_page_works_without_login_and_shows_nothing_personal(client: Any, masses: Problem) -> None:
    response = client.get(_url(masses))
    assert response.status_code == 200
    html = response.content.decode()
    assert "村务公开栏长期不更新" in html and "东关村党支部" in html and "已登记" in html
    assert "2024年1月8日" in html  # the due date: 90 days after registration
    assert "王小明" not in html and masses.number not in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_rating_is_saved_and_thanked_for(client: Any, masses: Problem) -> None:
    response = _send(client, masses, rating="basic", comment="  公开栏换新了，但字太小 ")
    assert response.status_code == 302 and response["Location"] == _url(masses) + "?sent=1"
    saved = Satisfaction.objects.get(problem=masses)
    assert (saved.rating, saved.comment) == (Rating.BASIC, "公开栏换新了，但字太小")
    assert saved.source_hash == feedback_source("10.0.0.1") and "10.0.0.1" not in saved.source_hash
    assert "感谢您的评价" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(("data", "error"), [
    ({"rating": ""}, "请选择满意、基本满意或不满意"),
    ({"rating": "great"}, "请选择满意、基本满意或不满意"),
    ({"rating": "unsatisfied", "comment": "  "}, "请说说哪里不满意"),
    ({"rating": "basic", "comment": "长" * 501}, "意见不能超过500个字"),
])
def test_bad_input_gets_a_chinese_error_and_keeps_what_was_typed(client: Any, masses: Problem, data: dict[str, str],
                                                                 error: str) -> None:
    response = _send(client, masses, **data)
    assert response.status_code == 200
    html = response.content.decode()
    assert error in html
    if data.get("rating") == "unsatisfied":
        assert 'value="unsatisfied" autocomplete="off" checked' in html
    assert not Satisfaction.objects.exists()


def test_csrf_stays_on(masses: Problem) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(_url(masses), {"rating": "satisfied"}).status_code == 403
    assert not Satisfaction.objects.exists()


def test_unknown_token_and_problems_not_raised_by_the_masses_answer_404(client: Any, make_problem: Any) -> None:
    own = make_problem(source="self")
    assert client.get(_url(own)).status_code == 404
    assert _send(client, own).status_code == 404
    assert client.get(reverse("feedback:public_feedback", args=["no-such-token"])).status_code == 404
    assert not Satisfaction.objects.exists()


def test_rate_limited_per_sender_and_problem_per_day(client: Any, masses: Problem, frozen_clock: Any) -> None:
    for _ in range(3):
        assert _send(client, masses).status_code == 302
    refused = _send(client, masses)
    assert refused.status_code == 200
    assert "您今天对这个问题的评价次数已达上限，请明天再来" in refused.content.decode()
    assert Satisfaction.objects.count() == 3
    # Another sender is not held back; the same sender may again a day later.
    assert _send(client, masses, ip="10.0.0.2").status_code == 302
    frozen_clock.shift(dt.timedelta(days=1, minutes=1))
    assert _send(client, masses).status_code == 302
    assert Satisfaction.objects.count() == 5


def test_rate_limited_per_sender_per_hour(client: Any, make_problem: Any, frozen_clock: Any) -> None:
    problems = [make_problem(description=f"问题{i}") for i in range(7)]
    for i in range(20):
        assert _send(client, problems[i // 3]).status_code == 302
    refused = _send(client, problems[6])
    assert "提交过于频繁，请稍后再试" in refused.content.decode()
    frozen_clock.shift(dt.timedelta(hours=1, minutes=1))
    assert _send(client, problems[6]).status_code == 302


def test_the_sender_is_the_proxys_client_only_behind_a_trusted_proxy(client: Any, masses: Problem,
                                                                     settings: Any) -> None:
    # Anyone can write X-Real-IP: from an untrusted address it is ignored, so it cannot dodge the limit.
    for i in range(3):
        _send(client, masses, ip="10.0.0.9", real_ip=f"192.0.2.{i}")
    assert "已达上限" in _send(client, masses, ip="10.0.0.9", real_ip="192.0.2.99").content.decode()
    settings.JYB_TRUSTED_PROXIES = frozenset({"127.0.0.1"})
    assert _send(client, masses, ip="127.0.0.1", real_ip="192.0.2.99").status_code == 302
    assert Satisfaction.objects.filter(source_hash=feedback_source("192.0.2.99")).count() == 1


# ---------------------------------------------------------------------------------------------------------
# The QR code


PUBLIC = "https://pingjia.example.gov.cn"


def test_qr_code_is_an_svg_of_the_public_address(client: Any, masses: Problem, people: dict[str, Any],
                                                 settings: Any) -> None:
    settings.JYB_PUBLIC_URL = PUBLIC
    client.force_login(people["unit"])
    response = client.get(reverse("problems:feedback_qr", args=[masses.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    expected = io.BytesIO()
    segno.make(f"{PUBLIC}{_url(masses)}", error="m").save(expected, kind="svg", scale=6, border=2,
                                                          title=f"群众评价 {masses.number}")
    assert response.content == expected.getvalue()
    download = client.get(reverse("problems:feedback_qr", args=[masses.pk]), {"download": "1"})
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.parametrize("who", ["liaison_b", "sysadmin"])
def test_qr_code_answers_404_outside_the_jurisdiction(client: Any, masses: Problem, people: dict[str, Any],
                                                      who: str) -> None:
    client.force_login(people[who])
    assert client.get(reverse("problems:feedback_qr", args=[masses.pk])).status_code == 404


def test_qr_code_needs_a_login_and_a_problem_raised_by_the_masses(client: Any, make_problem: Any,
                                                                  people: dict[str, Any]) -> None:
    own = make_problem(source="self")
    assert client.get(reverse("problems:feedback_qr", args=[own.pk])).status_code == 302
    client.force_login(people["unit"])
    assert client.get(reverse("problems:feedback_qr", args=[own.pk])).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# Answers and the closure block


def _claimed(problem: Problem, people: dict[str, Any]) -> Problem:
    problem = problem_act(actor=people["unit"], problem=problem, action=ProblemAction.START)
    return problem_act(actor=people["unit"], problem=problem, action=ProblemAction.CLAIM, files=[upload()])


def _unsatisfied(client: Any, problem: Problem) -> Satisfaction:
    assert _send(client, problem, rating="unsatisfied", comment="公开栏还是空的").status_code == 302
    return Satisfaction.objects.get(problem=problem, rating=Rating.UNSATISFIED)


def test_answering_clears_the_closure_block(client: Any, masses: Problem, people: dict[str, Any]) -> None:
    unsatisfied = _unsatisfied(client, masses)
    problem = _claimed(masses, people)
    with pytest.raises(ValidationError) as exc:
        problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.CLOSE, note="现场核实")
    assert "1条“不满意”评价尚未答复" in str(exc.value)

    client.force_login(people["unit"])
    response = client.post(reverse("problems:feedback_answer", args=[masses.pk, unsatisfied.pk]),
                           {"answer": "已重新张贴本季度账目，欢迎监督"})
    assert response.status_code == 302 and response["Location"].endswith("#feedback")
    unsatisfied.refresh_from_db()
    assert unsatisfied.answer == "已重新张贴本季度账目，欢迎监督" and unsatisfied.answered_by == people["unit"]

    problem = problem_act(actor=people["liaison"], problem=Problem.objects.get(pk=masses.pk),
                          action=ProblemAction.CLOSE, note="现场核实")
    assert problem.status == ProblemStatus.CLOSED
    assert problem.closures.get().feedback_override == ""


def test_an_empty_answer_is_refused_on_its_page(client: Any, masses: Problem, people: dict[str, Any]) -> None:
    unsatisfied = _unsatisfied(client, masses)
    client.force_login(people["unit"])
    response = client.post(reverse("problems:feedback_answer", args=[masses.pk, unsatisfied.pk]), {"answer": " "})
    assert response.status_code == 200 and "请填写答复" in response.content.decode()
    assert "公开栏还是空的" in response.content.decode()
    unsatisfied.refresh_from_db()
    assert unsatisfied.answered_at is None


@pytest.mark.parametrize("who", ["liaison", "leader", "liaison_b"])
def test_only_the_owner_side_answers(client: Any, masses: Problem, people: dict[str, Any], who: str) -> None:
    unsatisfied = _unsatisfied(client, masses)
    client.force_login(people[who])
    response = client.post(reverse("problems:feedback_answer", args=[masses.pk, unsatisfied.pk]),
                           {"answer": "答复"})
    assert response.status_code == 404
    unsatisfied.refresh_from_db()
    assert unsatisfied.answered_at is None


def test_a_rating_of_another_problem_answers_404(client: Any, masses: Problem, make_problem: Any,
                                                 people: dict[str, Any]) -> None:
    unsatisfied = _unsatisfied(client, masses)
    other = make_problem(description="另一个问题")
    client.force_login(people["unit"])
    assert client.post(reverse("problems:feedback_answer", args=[other.pk, unsatisfied.pk]),
                       {"answer": "答复"}).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# On the problem's page


def test_problem_page_shows_link_ratings_and_answer_form(client: Any, masses: Problem,
                                                         people: dict[str, Any], settings: Any) -> None:
    settings.JYB_PUBLIC_URL = PUBLIC
    _unsatisfied(client, masses)
    client.force_login(people["unit"])
    html = client.get(reverse("problems:problem", args=[masses.pk])).content.decode()
    assert f"{PUBLIC}{_url(masses)}" in html
    assert reverse("problems:feedback_qr", args=[masses.pk]) in html
    assert "公开栏还是空的" in html and "未答复，影响销号" in html
    assert 'name="answer"' in html

    client.force_login(people["liaison"])
    html = client.get(reverse("problems:problem", args=[masses.pk])).content.decode()
    assert "公开栏还是空的" in html and 'name="answer"' not in html


def test_problem_page_has_no_feedback_part_for_other_sources(client: Any, make_problem: Any,
                                                             people: dict[str, Any]) -> None:
    own = make_problem(source="self")
    client.force_login(people["unit"])
    html = client.get(reverse("problems:problem", args=[own.pk])).content.decode()
    assert _url(own) not in html and 'id="feedback"' not in html


def test_the_public_link_uses_the_public_address_when_one_is_set(client: Any, people: dict[str, Any],
                                                                 make_problem: Any, settings: Any) -> None:
    from django.urls import reverse

    problem = make_problem(source="masses")
    settings.JYB_PUBLIC_URL = "https://pingjia.example.gov.cn"
    client.force_login(people["unit"])
    page = client.get(reverse("problems:problem", args=[problem.pk])).content.decode()
    assert f'value="https://pingjia.example.gov.cn/f/{problem.feedback_token}/"' in page


def test_an_ipv6_sender_is_its_whole_slash_64() -> None:
    from problems.services import feedback_source

    assert feedback_source("2001:db8:1:2::1") == feedback_source("2001:db8:1:2:ffff::9")
    assert feedback_source("2001:db8:1:3::1") != feedback_source("2001:db8:1:2::1")
    assert feedback_source("10.0.0.1") != feedback_source("10.0.0.2")


# ---------------------------------------------------------------------------------------------------------
# A QR code only where the masses' phones can reach it


@pytest.mark.parametrize("public", ["", "http://127.0.0.1:8000", "http://localhost/", "http://[::1]:8000",
                                    "http://0.0.0.0"])
def test_no_qr_code_while_the_address_would_not_reach_the_masses(client: Any, masses: Problem,
                                                                  people: dict[str, Any], settings: Any,
                                                                  public: str) -> None:
    settings.JYB_PUBLIC_URL = public
    client.force_login(people["office"])
    html = client.get(reverse("problems:problem", args=[masses.pk])).content.decode()
    assert 'id="feedback-qr-refused"' in html and "JYB_PUBLIC_URL" in html
    assert reverse("problems:feedback_qr", args=[masses.pk]) not in html
    assert 'aria-label="群众评价链接"' not in html and "testserver/f/" not in html
    for query in ({}, {"download": "1"}):
        response = client.get(reverse("problems:feedback_qr", args=[masses.pk]), query)
        assert response.status_code == 409 and response["Content-Type"].startswith("text/html")
        refused = response.content.decode()
        assert "二维码未显示" in refused and "JYB_PUBLIC_URL" in refused and "<svg" not in refused


@pytest.mark.parametrize("public", ["", "pingjia.example.gov.cn", "http://127.0.0.1:8000", "http://localhost/",
                                    "http://localhost.localdomain", "http://[::1]:8000", "http://0.0.0.0",
                                    "https://pingjia.example.gov.cn", "http://10.12.0.8:8080"])
def test_the_qr_code_and_the_system_status_page_judge_the_address_alike(settings: Any, public: str) -> None:
    from core.selectors import system_status
    from problems.services import feedback_link_refusal

    settings.JYB_PUBLIC_URL = public
    row = next(r for section in system_status() for r in section.rows if r.setting == "JYB_PUBLIC_URL")
    assert bool(row.warning) == (feedback_link_refusal() is not None)
    assert bool(row.warning) == (public not in ("https://pingjia.example.gov.cn", "http://10.12.0.8:8080"))


def test_a_configured_public_address_shows_the_qr_code(client: Any, masses: Problem, people: dict[str, Any],
                                                       settings: Any) -> None:
    settings.JYB_PUBLIC_URL = "http://10.12.0.8:8080"  # an address the township's network routes to the server
    client.force_login(people["office"])
    html = client.get(reverse("problems:problem", args=[masses.pk])).content.decode()
    assert 'id="feedback-qr-refused"' not in html
    assert f'value="http://10.12.0.8:8080{_url(masses)}"' in html
    assert client.get(reverse("problems:feedback_qr", args=[masses.pk])).status_code == 200


# ---------------------------------------------------------------------------------------------------------
# The masses see the answer


def test_the_public_page_shows_the_units_answer(client: Any, masses: Problem, people: dict[str, Any]) -> None:
    _send(client, masses, rating="unsatisfied", comment="公开栏还是空的")
    _send(client, masses, ip="10.0.0.2", rating="basic", comment="字太小")
    html = client.get(_url(masses)).content.decode()
    assert "已收到2条评价，整改单位答复后会显示在这里" in html
    unsatisfied = Satisfaction.objects.get(rating=Rating.UNSATISFIED)
    client.force_login(people["unit"])
    client.post(reverse("problems:feedback_answer", args=[masses.pk, unsatisfied.pk]),
                {"answer": "已于10月9日张贴9月账目，欢迎监督"})
    client.logout()
    html = client.get(_url(masses)).content.decode()
    answers = html.split('id="answers"')[1].split("</section>")[0]
    assert "已于10月9日张贴9月账目，欢迎监督" in answers and "不满意" in answers
    assert "公开栏还是空的" not in html  # what the villager wrote is not published
    assert "字太小" not in answers  # not answered yet: counted, not published
    assert "另有1条评价尚未答复" in answers
    assert str(people["unit"]) not in html  # who answered is the unit, not a named official


@pytest.mark.parametrize("path", ["/f/nosuchtoken/", "/f/", "/f/nosuchtoken"])
def test_a_mistyped_feedback_link_gets_the_chinese_page(client: Any, path: str) -> None:
    response = client.get(path, follow=True)
    assert response.status_code == 404
    html = response.content.decode()
    assert "这个评价链接打不开" in html and 'name="viewport"' in html
    assert "Not Found" not in html
