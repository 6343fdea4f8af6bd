"""Background jobs of the import pages: validate the uploaded file, then (after the user confirms) apply it.

`run_import_job` is shared by every import (the registry's here, the problem ledger's in problems.tasks): it runs
an importer on the saved file; a job row (`ImportJob`) carries status, progress and the report for the page to
show. Unexpected failures are logged and shown as a job error, never raised."""

import logging
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django_tasks import task

from core.audit import audit_context
from core.sheets import ImportFileError, ImportReport, Progress, mapping_from
from orgs.imports import import_file
from orgs.models import ImportJob

logger = logging.getLogger(__name__)

# (job, dry_run, progress) → the report. Raises ImportFileError for a file that cannot be read at all.
Importer = Callable[[ImportJob, bool, Progress], ImportReport]


def mark(job_id: int, status: str) -> None:
    """Set a job's status as its task starts (validating or applying), progress back to zero."""
    ImportJob.objects.filter(pk=job_id).update(status=status, processed=0)


def run_import_job(job_id: int, *, dry_run: bool, importer: Importer) -> str:
    """Run `importer` for the job and store the outcome on it: INVALID (file or row errors), READY (a dry run
    without errors, waiting for the user to confirm), DONE, or FAILED (an internal error, nothing written)."""
    job = ImportJob.objects.select_related("user", "user__organization").get(pk=job_id)
    Status = ImportJob.Status

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed=done, total=total)

    try:
        with audit_context(user=job.user, name=f"import job {job.pk}"):
            report = importer(job, dry_run, progress)
    except ImportFileError as exc:
        job.status, job.message = Status.INVALID, str(exc)
    except (PermissionError, PermissionDenied) as exc:
        job.status, job.message = Status.INVALID, str(exc)
    except Exception:
        logger.exception("import job %s failed", job.pk)
        job.status, job.message = Status.FAILED, "导入时出现内部错误，未写入任何数据，请联系系统管理员"
    else:
        job.report = report.as_dict()
        job.total = job.processed = report.rows
        if report.errors:
            job.status = Status.INVALID
            job.message = f"发现{len(report.errors)}处错误，未写入任何数据。请修改文件后重新上传"
        elif dry_run:
            job.status, job.message = Status.READY, ""
        else:
            job.status, job.message = Status.DONE, report.summary
    job.save(update_fields=["status", "message", "report", "total", "processed", "updated_at"])
    if job.status != Status.READY:  # the upload is needed again only to apply it
        Path(job.file_path).unlink(missing_ok=True)
    return str(job.status)


def _registry_import(job: ImportJob, dry_run: bool, progress: Progress) -> ImportReport:
    return import_file(kind=job.kind, file=job.file_path, filename=job.original_name, actor=job.user,
                       dry_run=dry_run, progress=progress, mapping=mapping_from((job.report or {}).get("mapping")))


@task()
def validate_import(job_id: int) -> str:
    """Read and check every row; count what would be created, updated and left unchanged."""
    mark(job_id, ImportJob.Status.VALIDATING)
    return run_import_job(job_id, dry_run=True, importer=_registry_import)


@task()
def apply_import(job_id: int) -> str:
    """Validate again (the registry may have changed since) and write everything in one transaction."""
    mark(job_id, ImportJob.Status.APPLYING)
    return run_import_job(job_id, dry_run=False, importer=_registry_import)
