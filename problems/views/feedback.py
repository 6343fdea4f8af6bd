"""What the masses say of a problem raised by the masses (群众满意度): the public feedback page, no login
(/f/<token>/), its QR code for the people who work on the problem, and their answers.

Thin: the public page finds the problem by its feedback token (a problem not raised by the masses, or an unknown
token: 404, on the product's Chinese error page), shows what is not personal — the description, the unit's name,
the state, and the unit's answers with what they answer — and sends the form to
`services.satisfaction_submit` with the client's address as core reads it (trusted proxies only); the service
decides and rate-limits, its Chinese refusals go back on the form with what was typed. The QR code and answers go
through `visible_to(user)` (outside the jurisdiction: 404); the QR code encodes only the address set for the masses
(`services.feedback_link`), and is refused, saying what to set, while there is none."""

import io

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthedRequest
from core.forms import service_errors
from core.middleware import client_ip
from problems import permissions, selectors, services
from problems.choices import Rating
from problems.models import Problem, Satisfaction


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(label="您对整改情况的评价", choices=Rating.choices, widget=forms.RadioSelect,
                               error_messages={"required": "请选择满意、基本满意或不满意",
                                               "invalid_choice": "请选择满意、基本满意或不满意"})
    comment = forms.CharField(label="意见建议", required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 4, "class": "form-control",
                                                           "placeholder": "选“不满意”时请写明原因"}),
                              error_messages={"max_length": "意见不能超过%(limit_value)d个字"})


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复", max_length=services.NOTE_MAX,
                             widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                             error_messages={"required": "请填写答复",
                                             "max_length": "答复不能超过%(limit_value)d个字"})


def _public_problem(token: str) -> Problem:
    problem = Problem.objects.select_related("organization").filter(feedback_token=token).first()
    if problem is None or not services.feedback_open(problem):
        raise Http404
    return problem


@require_http_methods(["GET", "POST"])
def public_feedback(request: HttpRequest, token: str) -> HttpResponse:
    """The public page: no login, phone first. After a rating: a thank-you (?sent=1)."""
    problem = _public_problem(token)
    if request.method == "GET" and request.GET.get("sent"):
        return render(request, "problems/feedback_thanks.html", {"problem": problem})
    answers = selectors.public_answers(problem)
    received = problem.satisfactions.count()
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.satisfaction_submit(token=token, rating=form.cleaned_data["rating"],
                                         comment=form.cleaned_data["comment"], ip=client_ip(request))
        if not form.errors:
            return redirect(reverse("feedback:public_feedback", args=[token]) + "?sent=1")
    return render(request, "problems/feedback_public.html", {
        "problem": problem, "form": form, "answers": answers, "received": received,
        "unanswered": received - len(answers)})


def _problem(request: AuthedRequest, pk: int) -> Problem:
    """A problem raised by the masses that the user sees (else 404)."""
    problem = get_object_or_404(Problem.objects.visible_to(request.user), pk=pk)
    if not services.feedback_open(problem):
        raise Http404
    return problem


@login_required
@require_GET
def qr(request: AuthedRequest, pk: int) -> HttpResponse:
    """The QR code (SVG) of the problem's public feedback page, to print or show. ?download=1: as a file. Refused
    (409, a Chinese page saying why and what to set) while the address would not reach the masses' phones
    (`services.feedback_link_refusal`)."""
    problem = _problem(request, pk)
    link = services.feedback_link(problem)
    if link is None:
        return render(request, "problems/feedback_qr_refused.html",
                      {"problem": problem, "refusal": services.feedback_link_refusal()}, status=409)
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="svg", scale=6, border=2, title=f"群众评价 {problem.number}")
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="feedback-{problem.number}.svg"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: AuthedRequest, pk: int, satisfaction_pk: int) -> HttpResponse:
    """Answer one rating (the unit or the office). The problem page posts here; a refused answer comes back on
    this page with what was typed."""
    problem = _problem(request, pk)
    satisfaction = get_object_or_404(Satisfaction.objects.filter(problem=problem), pk=satisfaction_pk)
    if not permissions.can_answer_feedback(request.user):
        raise Http404
    form = AnswerForm(request.POST or None, initial={"answer": satisfaction.answer})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.satisfaction_answer(actor=request.user, satisfaction=satisfaction,
                                         answer=form.cleaned_data["answer"])
        if not form.errors:
            messages.success(request, "答复已保存")
            return redirect(reverse("problems:problem", args=[problem.pk]) + "#feedback")
    return render(request, "problems/feedback_answer.html",
                  {"problem": problem, "satisfaction": satisfaction, "form": form})
