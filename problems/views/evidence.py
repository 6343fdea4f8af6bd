"""Evidence of a problem (佐证材料): upload, download, remove.

Thin: a piece comes through `visible_to(request.user)` and its problem (else 404); every write is one call to
`problems.services`."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST

from accounts.guards import require_data_role
from accounts.http import AuthedRequest
from core.forms import refusals, service_errors
from problems import services
from problems.forms import EvidenceForm
from problems.models import Evidence
from problems.views._common import problem_of, problem_url, version_of
from problems.views.problem import render_problem_page


@login_required
@require_POST
def evidence_new(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = problem_of(request, pk)
    form = EvidenceForm(request.POST, request.FILES, prefix="ev", problem=problem)
    if form.is_valid():
        data = form.cleaned_data
        with service_errors(form):
            services.evidence_add(actor=request.user, problem=problem, file=data.get("file"),  # type: ignore[arg-type]
                                  note=data.get("note") or "", step=data.get("step"), version=data.get("version"))
        if not form.errors:
            messages.success(request, "已上传佐证材料")
            return redirect(problem_url(problem, "evidence"))
    return render_problem_page(request, pk, evidence_form=form)


@login_required
@require_GET
def evidence_download(request: AuthedRequest, pk: int, evidence_pk: int) -> FileResponse:
    """The file, for whoever sees the problem (outside the jurisdiction, or a missing file → 404)."""
    require_data_role(request.user)
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=evidence_pk, problem_id=pk)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(evidence.filename)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=evidence.filename, content_type=content_type)


@login_required
@require_POST
def evidence_remove(request: AuthedRequest, pk: int, evidence_pk: int) -> HttpResponse:
    require_data_role(request.user)
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user).select_related("problem"),
                                 pk=evidence_pk, problem_id=pk)
    with refusals(request, prefix="未能删除：") as refused:
        services.evidence_remove(actor=request.user, evidence=evidence, version=version_of(request.POST))
    if not refused:
        messages.success(request, f"已删除佐证材料“{evidence.filename}”")
    return redirect(problem_url(evidence.problem, "evidence"))
