"""Rectification steps of a problem: add, correct or delete, mark done with evidence (or not done after all).

Thin: a step comes through `visible_to(request.user)` and its problem (else 404); every write is one call to
`problems.services`, whose refusals go back on the problem's page or its form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.guards import require_data_role
from accounts.http import AuthedRequest
from core.forms import refusals, service_errors
from problems import permissions, services
from problems.forms import StepDoneForm, StepForm
from problems.models import RectificationStep
from problems.views._common import LOCKED, problem_of, problem_url, version_of
from problems.views.problem import render_problem_page


def _step(request: AuthedRequest, pk: int, step_pk: int) -> RectificationStep:
    require_data_role(request.user)
    return get_object_or_404(RectificationStep.objects.visible_to(request.user).select_related("problem"),
                             pk=step_pk, problem_id=pk)


@login_required
@require_POST
def step_new(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = problem_of(request, pk)
    form = StepForm(request.POST, prefix="step")
    if form.is_valid():
        data = form.cleaned_data
        with service_errors(form):
            step = services.step_add(actor=request.user, problem=problem, measure=data.get("measure") or "",
                                     owner=data.get("owner") or "", deadline=data.get("deadline"),
                                     version=data.get("version"))
        if not form.errors:
            messages.success(request, "已添加整改措施")
            return redirect(problem_url(problem, f"step-{step.pk}"))
    return render_problem_page(request, pk, step_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request: AuthedRequest, pk: int, step_pk: int) -> HttpResponse:
    """Correct a step, or delete it (`delete`) while it is not done."""
    step = _step(request, pk, step_pk)
    problem = step.problem
    if not permissions.can_edit_problem(request.user):
        raise Http404
    form = StepForm(request.POST if request.method == "POST" else None, initial={
        "measure": step.measure, "owner": step.owner, "deadline": step.deadline, "version": problem.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form):
            if "delete" in request.POST:
                services.step_delete(actor=request.user, step=step, version=data.get("version"))
                messages.success(request, "已删除整改措施")
                return redirect(problem_url(problem, "steps"))
            services.step_update(actor=request.user, step=step, measure=data.get("measure") or "",
                                 owner=data.get("owner") or "", deadline=data.get("deadline"),
                                 version=data.get("version"))
        if not form.errors:
            messages.success(request, "已保存整改措施")
            return redirect(problem_url(problem, f"step-{step.pk}"))
    return render(request, "problems/step_edit.html", {
        "form": form, "step": step, "problem": problem, "locked": problem.status in LOCKED})


@login_required
@require_POST
def step_done(request: AuthedRequest, pk: int, step_pk: int) -> HttpResponse:
    """Mark a step done with what was done and evidence (the date is today, from the server), or (`undo`) not
    done after all."""
    step = _step(request, pk, step_pk)
    version = version_of(request.POST)
    if "undo" in request.POST:
        with refusals(request) as refused:
            services.step_undone(actor=request.user, step=step, version=version)
        if not refused:
            messages.success(request, "已改为未完成")
        return redirect(problem_url(step.problem, f"step-{step.pk}"))
    form = StepDoneForm(request.POST, prefix=f"done{step.pk}", problem=step.problem)
    if form.is_valid():
        with service_errors(form):
            services.step_done(actor=request.user, step=step, done_note=form.cleaned_data.get("done_note") or "",
                               files=request.FILES.getlist(f"done{step.pk}-files"),
                               cite=list(form.cleaned_data.get("cite") or []),
                               version=form.cleaned_data.get("version"))
        if not form.errors:
            messages.success(request, "已标记完成")
            return redirect(problem_url(step.problem, f"step-{step.pk}"))
    return render_problem_page(request, pk, done=(step.pk, form))
