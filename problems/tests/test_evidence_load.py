"""Evidence as the units and verifiers meet it: one file is one piece of evidence (the same file again is
refused, naming the piece it repeats, never counted twice), one piece may prove several steps (a step is marked
done citing a piece already uploaded, with no note required), and the verifier writes a 核验意见 to close — in
the one service, so the page and the API refuse alike."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from api.tests.helpers import ApiClient
from problems.choices import ProblemAction, ProblemStatus
from problems.models import Closure, Evidence, Problem, RectificationStep
from problems.services import evidence_add, problem_act, step_add, step_done
from problems.tests.conftest import upload

pytestmark = pytest.mark.django_db

PHOTO = b"\xff\xd8\xff the same photo of the board"


def _fresh(problem: Problem) -> Problem:
    return Problem.objects.get(pk=problem.pk)


@pytest.fixture
def two_steps(make_problem: Any, people: dict[str, Any]) -> tuple[Problem, RectificationStep, RectificationStep]:
    problem = make_problem()
    first = step_add(actor=people["unit"], problem=problem, measure="更新村务公开栏")
    second = step_add(actor=people["unit"], problem=problem, measure="公开9月账目")
    problem_act(actor=people["unit"], problem=_fresh(problem), action=ProblemAction.START)
    return _fresh(problem), first, second


# ---------------------------------------------------------------------------------------------------------
# The same file twice


def test_the_same_file_uploaded_twice_is_refused_and_counted_once(people: dict[str, Any], make_problem: Any) -> None:
    problem = make_problem()
    evidence_add(actor=people["unit"], problem=problem, file=upload("公开栏.jpg", PHOTO))
    with pytest.raises(ValidationError) as exc:
        evidence_add(actor=people["unit"], problem=_fresh(problem), file=upload("公开栏(1).jpg", PHOTO))
    assert "与已上传的“公开栏.jpg”是同一个文件" in str(exc.value)
    assert Evidence.objects.filter(problem=problem).count() == 1


def test_the_same_file_on_another_problem_is_its_own_evidence(people: dict[str, Any], make_problem: Any) -> None:
    evidence_add(actor=people["unit"], problem=make_problem(), file=upload("公开栏.jpg", PHOTO))
    evidence_add(actor=people["unit"], problem=make_problem(), file=upload("公开栏.jpg", PHOTO))
    assert Evidence.objects.count() == 2


def test_a_claim_bringing_a_file_already_held_or_twice_is_refused(people: dict[str, Any],
                                                                  make_problem: Any) -> None:
    problem = make_problem()
    problem_act(actor=people["unit"], problem=problem, action=ProblemAction.START)
    evidence_add(actor=people["unit"], problem=_fresh(problem), file=upload("公开栏.jpg", PHOTO))
    with pytest.raises(ValidationError) as exc:
        problem_act(actor=people["unit"], problem=_fresh(problem), action=ProblemAction.CLAIM,
                    files=[upload("再传一次.jpg", PHOTO)])
    assert "同一个文件" in str(exc.value)
    with pytest.raises(ValidationError):
        problem_act(actor=people["unit"], problem=_fresh(problem), action=ProblemAction.CLAIM,
                    files=[upload("a.pdf", b"%PDF report"), upload("b.pdf", b"%PDF report")])
    assert _fresh(problem).status == ProblemStatus.IN_PROGRESS and Evidence.objects.count() == 1


def test_the_page_says_why_a_repeated_file_is_refused(client: Any, people: dict[str, Any],
                                                      make_problem: Any) -> None:
    problem = make_problem()
    evidence_add(actor=people["unit"], problem=problem, file=upload("公开栏.jpg", PHOTO))
    client.force_login(people["unit"])
    response = client.post(reverse("problems:evidence_new", args=[problem.pk]), {
        "ev-version": _fresh(problem).version, "ev-note": "再传一次", "ev-file": upload("公开栏副本.jpg", PHOTO)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "与已上传的“公开栏.jpg”是同一个文件" in html and 'value="再传一次"' in html
    assert Evidence.objects.count() == 1


# ---------------------------------------------------------------------------------------------------------
# One piece, several steps; notes only where they say something


def test_one_file_proves_two_steps_and_the_closure(people: dict[str, Any],
                                                   two_steps: tuple[Problem, RectificationStep, RectificationStep]
                                                   ) -> None:
    """A two-step problem: one file, no note from the unit, one 核验意见 from the verifier."""
    problem, first, second = two_steps
    step_done(actor=people["unit"], step=first, files=[upload("公开栏.jpg", PHOTO)])
    photo = Evidence.objects.get()
    step_done(actor=people["unit"], step=second, cite=[photo])
    problem = problem_act(actor=people["unit"], problem=_fresh(problem), action=ProblemAction.CLAIM)
    problem = problem_act(actor=people["liaison"], problem=problem, action=ProblemAction.CLOSE,
                          note="现场查看，账目已公开")
    assert problem.status == ProblemStatus.CLOSED
    assert Evidence.objects.count() == 1 and list(second.cited_evidence.all()) == [photo]
    assert len(Closure.objects.get().evidence) == 1
    assert RectificationStep.objects.filter(done_on__isnull=False, done_note="").count() == 2


def test_a_step_cannot_cite_another_problems_evidence(people: dict[str, Any], make_problem: Any,
                                                      two_steps: tuple[Problem, RectificationStep,
                                                                       RectificationStep]) -> None:
    _, first, _ = two_steps
    other = evidence_add(actor=people["unit"], problem=make_problem(), file=upload("别的.jpg", b"\xff\xd8\xff other"))
    with pytest.raises(ValidationError) as exc:
        step_done(actor=people["unit"], step=first, cite=[other])
    assert "不属于该问题" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        step_done(actor=people["unit"], step=first)
    assert "请上传完成该项措施的佐证材料，或引用已上传的材料" in str(exc.value)
    assert RectificationStep.objects.get(pk=first.pk).done_on is None


def test_on_the_page_a_step_is_done_by_ticking_a_file_already_uploaded(
        client: Any, people: dict[str, Any],
        two_steps: tuple[Problem, RectificationStep, RectificationStep]) -> None:
    problem, first, second = two_steps
    step_done(actor=people["unit"], step=first, files=[upload("公开栏.jpg", PHOTO)])
    photo = Evidence.objects.get()
    client.force_login(people["unit"])
    page = client.get(reverse("problems:problem", args=[problem.pk])).content.decode()
    assert f'name="done{second.pk}-cite" value="{photo.pk}"' in page
    response = client.post(reverse("problems:step_done", args=[problem.pk, second.pk]), {
        f"done{second.pk}-version": _fresh(problem).version, f"done{second.pk}-cite": [photo.pk]})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.done_on is not None and list(second.cited_evidence.all()) == [photo]
    html = client.get(reverse("problems:problem", args=[problem.pk])).content.decode()
    assert "（引用已上传材料）" in html


def test_api_marks_a_step_done_citing_evidence(client: Any, people: dict[str, Any],
                                               two_steps: tuple[Problem, RectificationStep,
                                                                RectificationStep]) -> None:
    problem, first, second = two_steps
    step_done(actor=people["unit"], step=first, files=[upload("公开栏.jpg", PHOTO)])
    photo = Evidence.objects.get()
    api = ApiClient(client, people["unit"])
    response = api.post(f"/problems/{problem.pk}/steps/{second.pk}/done", {"cite": [photo.pk]})
    assert response.status_code == 200, response.content
    assert response.json()["cited_evidence"] == [photo.pk]
    assert api.post(f"/problems/{problem.pk}/steps/{first.pk}/done", {"cite": [999999]}).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# 核验意见 is required


@pytest.fixture
def claimed(people: dict[str, Any], make_problem: Any) -> Problem:
    problem = make_problem()
    problem_act(actor=people["unit"], problem=problem, action=ProblemAction.START)
    return problem_act(actor=people["unit"], problem=_fresh(problem), action=ProblemAction.CLAIM,
                       files=[upload("公开栏.jpg", PHOTO)])


def test_closing_without_a_verifiers_opinion_is_refused(people: dict[str, Any], claimed: Problem) -> None:
    for note in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            problem_act(actor=people["liaison"], problem=_fresh(claimed), action=ProblemAction.CLOSE, note=note)
        assert "请填写核验意见" in str(exc.value)
    assert _fresh(claimed).status == ProblemStatus.CLAIMED and not Closure.objects.exists()


def test_page_and_api_refuse_closing_without_an_opinion(client: Any, people: dict[str, Any],
                                                        claimed: Problem) -> None:
    client.force_login(people["liaison"])
    response = client.post(reverse("problems:act", args=[claimed.pk, ProblemAction.CLOSE]),
                           {"version": claimed.version, "note": ""})
    assert response.status_code == 200 and "请填写核验意见" in response.content.decode()
    page = client.get(reverse("problems:problem", args=[claimed.pk])).content.decode()
    assert 'for="act-close-note">核验意见<span class="text-danger">*</span>' in page
    response = ApiClient(client, people["liaison"]).post(f"/problems/{claimed.pk}/actions/close",
                                                         {"version": claimed.version})
    assert response.status_code == 422 and "请填写核验意见" in response.json()["detail"]
    assert _fresh(claimed).status == ProblemStatus.CLAIMED
    response = ApiClient(client, people["liaison"]).post(f"/problems/{claimed.pk}/actions/close",
                                                         {"version": claimed.version, "note": "现场核实，整改到位"})
    assert response.status_code == 200 and Closure.objects.get().note == "现场核实，整改到位"


def test_checksums_are_for_verifiers_only(client: Any, people: dict[str, Any], claimed: Problem) -> None:
    sha = Evidence.objects.get().sha256[:12]
    problem_act(actor=people["liaison"], problem=_fresh(claimed), action=ProblemAction.CLOSE, note="现场核实")
    for who, sees in (("unit", False), ("liaison", True), ("office", True)):
        client.force_login(people[who])
        html = client.get(reverse("problems:problem", args=[claimed.pk])).content.decode()
        assert (sha in html) is sees, who
        assert ("SHA-256" in html) is sees, who
