"""Export and import of problem ledgers (.xlsx).

Export: the ledger list as filtered (its query string, read by `problems.forms.ledger_filter_from`), scoped with
`visible_to` by `selectors.ledger`, recorded in the audit log as an export.

Import: upload → the mapping step (the header found in the file, each of its columns with the field it is read
as, for the user to confirm or correct) → background validation (a dry run through the services) → preview of
every change or every error → the user confirms → background apply, all or nothing; the page polls a progress
bar (htmx) while a job runs. Only the owner side (unit, office: `permissions.can_import_problems`) imports; anyone
else gets 404, as does another user's job.
"""

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.guards import require_data_role
from accounts.http import AuthedRequest
from core import audit
from core.cn import cn_date
from core.forms import SheetUploadForm
from core.models import AuditEntry
from core.sheets import ImportFileError, Layout, mapping_chosen, xlsx_attachment
from orgs.models import ImportJob
from orgs.services import import_job_map, import_job_start
from problems import exports, permissions, selectors, tasks
from problems.exports import COLUMNS, OUTPUT_ONLY
from problems.forms import ledger_filter_from
from problems.imports import IGNORED_NOTE, KIND, REQUIRED, ledger_layout
from problems.models import Problem

PREVIEW_ROWS = 500


class LedgerUploadForm(SheetUploadForm):
    file = forms.FileField(label="问题清单文件（.xlsx 或 .csv）")


def _importer(request: AuthedRequest) -> None:
    if not permissions.can_import_problems(request.user):
        raise Http404


@login_required
@require_GET
def export(request: AuthedRequest) -> FileResponse:
    require_data_role(request.user)
    _form, filters = ledger_filter_from(request.GET, request.user)
    problems = selectors.ledger(request.user, filters)
    scope = filters.subtree or request.user.organization
    data = io.BytesIO()
    rows = exports.write_ledger(problems, data, title=f"{scope.name}问题清单（{cn_date(timezone.localdate())}导出）")
    query = {key: request.GET.getlist(key) for key in request.GET if key != "page"}
    audit.record(AuditEntry.Action.EXPORT, object_type=audit.type_label(Problem), object_id=scope.code,
                 object_repr=f"问题清单-{scope.name}"[:200], after={"rows": rows, "filters": query})
    return xlsx_attachment(data, f"问题清单-{scope.name}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_GET
def import_template(request: AuthedRequest) -> FileResponse:
    _importer(request)
    data = io.BytesIO()
    exports.write_template(data)
    return xlsx_attachment(data, "问题清单导入模板.xlsx")


# What the mapping step offers for a column: every column of the ledger (those only exported say so).
MAPPING_FIELDS = {name: (f"{title}（不读取）" if name in OUTPUT_ONLY else title)
                  for name, title in COLUMNS.items()}


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedRequest) -> HttpResponse:
    _importer(request)
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_start(actor=request.user, kind=KIND, upload=form.cleaned_data["file"],
                                   read_layout=lambda file, name: ledger_layout(file=file, filename=name))
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("problems:import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(user=request.user, kind=KIND)[:10]
    return render(request, "problems/io_import.html", {
        "form": form, "jobs": jobs, "rules": exports.template_rules(), "ignored_note": IGNORED_NOTE,
    })


@login_required
@require_http_methods(["GET", "POST"])
def import_job(request: AuthedRequest, pk: int) -> HttpResponse:
    """The job's page (GET): the mapping step, the progress bar (GET by htmx, polled while the job runs), the
    preview or the result. POST: the confirmed mapping starts the validation; once validated, the confirmation
    applies the job in the background; any other state is left as it is."""
    _importer(request)
    job = get_object_or_404(ImportJob, pk=pk, user=request.user, kind=KIND)
    mapping_errors: list[str] = []
    if job.awaiting_mapping:
        layout = Layout.from_dict((job.report or {})["layout"])
        if request.method == "POST":
            mapping, mapping_errors = mapping_chosen(layout, request.POST, MAPPING_FIELDS, REQUIRED)
            if not mapping_errors:
                if import_job_map(actor=request.user, job=job, layout=layout.as_dict(), mapping=mapping):
                    tasks.validate_ledger_import.enqueue(job.pk)
                return redirect("problems:import_job", pk=job.pk)
        return render(request, "problems/io_job.html", {
            "job": job, "layout": layout, "mapping_fields": MAPPING_FIELDS, "mapping_errors": mapping_errors,
            "ignored_note": IGNORED_NOTE, "mapping_action": reverse("problems:import_job", args=[job.pk]),
        }, status=422 if mapping_errors else 200)
    if request.method == "POST":
        # A second click on the mapping's confirm (the job has moved on) must never apply the import unseen.
        if request.POST.get("step") != "mapping":
            confirmed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
                status=ImportJob.Status.APPLYING, processed=0)
            if confirmed:
                tasks.apply_ledger_import.enqueue(job.pk)
        return redirect("problems:import_job", pk=job.pk)
    report = job.report or {}
    context = {"job": job, "report": report, "errors": report.get("errors", []),
               "changes": report.get("changes", [])[:PREVIEW_ROWS], "ignored_note": IGNORED_NOTE,
               "more_changes": max(len(report.get("changes", [])) - PREVIEW_ROWS, 0)}
    if getattr(request, "htmx", False):
        response = render(request, "problems/io_progress.html", context)
        if job.is_finished:
            response["HX-Refresh"] = "true"
        return response
    return render(request, "problems/io_job.html", context)
