"""Import pages (upload → the mapping step: how each column of the file is read, for the user to confirm or
correct → background validation → preview with every error → confirm → background apply) and the member /
cadre exports of the filtered list pages."""

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from core import audit
from core.forms import SheetUploadForm
from core.models import AuditEntry
from core.sheets import ImportFileError, Layout, mapping_chosen, xlsx_attachment
from orgs import exports, selectors, services, tasks
from orgs.imports import COLUMNS, HEADERS, OPTIONAL, ImportKind, import_layout
from orgs.models import Cadre, ImportJob, Member, Organization
from orgs.permissions import can_edit_registry, can_see_full_ids


class ImportForm(SheetUploadForm):
    kind = forms.ChoiceField(label="导入内容", choices=ImportKind.choices)
    field_order = ["kind", "file"]


def _require_editor(request: HttpRequest) -> None:
    if not can_edit_registry(request.user):
        raise Http404


def _own_job(request: AuthedRequest, job_id: int) -> ImportJob:
    _require_editor(request)
    return get_object_or_404(ImportJob, pk=job_id, user=request.user, kind__in=ImportKind.values)


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: AuthedRequest) -> HttpResponse:
    _require_editor(request)
    form = ImportForm(request.POST or None, request.FILES or None,
                      initial={"kind": request.GET.get("kind", ImportKind.MEMBERS)})
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            job = services.import_job_start(
                actor=request.user, kind=kind, upload=form.cleaned_data["file"],
                read_layout=lambda file, name: import_layout(kind=kind, file=file, filename=name))
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("orgs:import_detail", job_id=job.pk)
    jobs = ImportJob.objects.filter(user=request.user, kind__in=ImportKind.values)[:10]
    kinds = [(k.value, k.label, HEADERS[k.value]) for k in ImportKind]
    return render(request, "orgs/import_start.html", {"form": form, "jobs": jobs, "kinds": kinds})


@login_required
@require_GET
def import_template(request: AuthedRequest, kind: str) -> FileResponse:
    _require_editor(request)
    if kind not in ImportKind.values:
        raise Http404
    data = io.BytesIO()
    exports.write_template(kind=kind, out=data)
    return xlsx_attachment(data, f"{ImportKind(kind).label}导入模板.xlsx")


def _job_context(job: ImportJob) -> dict[str, object]:
    report = job.report or {}
    context: dict[str, object] = {
        "job": job, "report": report, "errors": report.get("errors", []),
        "kind_label": ImportKind(job.kind).label if job.kind in ImportKind.values else job.kind}
    if job.awaiting_mapping:
        context.update(_mapping_context(job, Layout.from_dict(report["layout"]), []))
    return context


def _mapping_fields(kind: str) -> dict[str, str]:
    return dict(COLUMNS[kind])


def _mapping_context(job: ImportJob, layout: Layout, errors: list[str]) -> dict[str, object]:
    return {"layout": layout, "mapping_fields": _mapping_fields(job.kind), "mapping_errors": errors,
            "mapping_action": reverse("orgs:import_confirm", args=[job.pk]),
            "restart_url": f"{reverse('orgs:import_start')}?kind={job.kind}"}


@login_required
@require_GET
def import_detail(request: AuthedRequest, job_id: int) -> HttpResponse:
    """The job's page: the mapping step, the progress bar while it runs, the preview or the result."""
    job = _own_job(request, job_id)
    return render(request, "orgs/import_detail.html", _job_context(job))


@login_required
@require_GET
def import_progress(request: AuthedRequest, job_id: int) -> HttpResponse:
    """The progress bar, polled by htmx every second while the job runs; reloads the page when it ends."""
    job = _own_job(request, job_id)
    response = render(request, "orgs/import_progress.html", _job_context(job))
    if job.is_finished and getattr(request, "htmx", False):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_confirm(request: AuthedRequest, job_id: int) -> HttpResponse:
    """The confirmed mapping starts the validation; once validated, the confirmation applies the job."""
    job = _own_job(request, job_id)
    if job.awaiting_mapping:
        layout = Layout.from_dict((job.report or {})["layout"])
        required = set(COLUMNS[job.kind]) - OPTIONAL[job.kind]
        mapping, errors = mapping_chosen(layout, request.POST, _mapping_fields(job.kind), required)
        if job.kind != ImportKind.ORGS and not {"organization", "organization_name"} & set(mapping.values()):
            errors.append("请指定哪一列是“所在党组织编码”或“所在党组织名称”（填写其中一列即可）")
        if errors:
            context = {**_job_context(job), **_mapping_context(job, layout, errors)}
            return render(request, "orgs/import_detail.html", context, status=422)
        if services.import_job_map(actor=request.user, job=job, layout=layout.as_dict(), mapping=mapping):
            tasks.validate_import.enqueue(job.pk)
        return redirect("orgs:import_detail", job_id=job.pk)
    if request.POST.get("step") == "mapping":
        # A second click on the mapping's confirm (the job has moved on) must never apply the import unseen.
        return redirect("orgs:import_detail", job_id=job.pk)
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.APPLYING, processed=0)
    if updated:
        tasks.apply_import.enqueue(job.pk)
    return redirect("orgs:import_detail", job_id=job.pk)


def _export(request: AuthedRequest, code: str, model: type[Member] | type[Cadre]) -> FileResponse:
    org = selectors.visible_org(actor=request.user, code=code)
    masked = not can_see_full_ids(request.user)
    params = request.GET.dict()
    data = io.BytesIO()
    if model is Member:
        members = selectors.member_list(org, params, full_ids=not masked)
        rows = exports.export_members(queryset=members, out=data, masked=masked)
        title = "党员名册"
    else:
        cadres = selectors.cadre_list(org, params, full_ids=not masked)
        rows = exports.export_cadres(queryset=cadres, out=data, masked=masked)
        title = "领导干部名册"
    audit.record(AuditEntry.Action.EXPORT, object_type=audit.type_label(model), object_id=org.code,
                 object_repr=f"{title}-{org.name}"[:200],
                 after={"rows": rows, "masked": masked, "filters": params})
    return xlsx_attachment(data, f"{title}-{org.name}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_GET
def export_orgs(request: AuthedRequest, code: str) -> FileResponse:
    """The organisations of a subtree the user sees, in the import's columns (so the file can be edited and
    imported back)."""
    org = selectors.visible_org(actor=request.user, code=code)
    data = io.BytesIO()
    rows = exports.export_orgs(queryset=Organization.objects.visible_to(request.user).in_subtree(org.path),
                               out=data)
    audit.record(AuditEntry.Action.EXPORT, object_type=audit.type_label(Organization), object_id=org.code,
                 object_repr=f"党组织名册-{org.name}"[:200], after={"rows": rows})
    return xlsx_attachment(data, f"党组织名册-{org.name}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_GET
def export_members(request: AuthedRequest, code: str) -> FileResponse:
    return _export(request, code, Member)


@login_required
@require_GET
def export_cadres(request: AuthedRequest, code: str) -> FileResponse:
    return _export(request, code, Cadre)
