"""Background jobs of the import page: validate the uploaded file, then (after the user confirms) apply it.

Both run `orgs.imports.import_file` on the saved file; a job row (`ImportJob`) carries status, progress and
the report for the page to show. Unexpected failures are logged and shown as a job error, never raised."""

import logging
from pathlib import Path

from django_tasks import task

from core.audit import audit_context
from orgs.imports import ImportFileError, import_file
from orgs.models import ImportJob

logger = logging.getLogger(__name__)


def _run(job_id: int, *, dry_run: bool) -> str:
    job = ImportJob.objects.select_related("user", "user__organization").get(pk=job_id)
    Status = ImportJob.Status

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed=done, total=total)

    try:
        with audit_context(user=job.user, name=f"import job {job.pk}"):
            report = import_file(kind=job.kind, file=job.file_path, filename=job.original_name, user=job.user,
                                 dry_run=dry_run, progress=progress)
    except ImportFileError as exc:
        job.status, job.message = Status.INVALID, str(exc)
    except PermissionError as exc:
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


@task()
def validate_import(job_id: int) -> str:
    """Read and check every row; count what would be created, updated and left unchanged."""
    ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.VALIDATING)
    return _run(job_id, dry_run=True)


@task()
def apply_import(job_id: int) -> str:
    """Validate again (the registry may have changed since) and write everything in one transaction."""
    ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.APPLYING, processed=0)
    return _run(job_id, dry_run=False)
