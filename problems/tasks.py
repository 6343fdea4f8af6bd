"""Background jobs of the problem ledger.

The ledger import page: validate the uploaded file (a dry run through the services, rolled back), then, once the
user has seen the preview and confirmed, apply it. Both run on the shared import job machinery
(`orgs.tasks.run_import_job`, an `ImportJob` row of kind "problems" carrying status, progress and the report)."""

from django_tasks import task

from core.sheets import ImportReport, Progress, mapping_from
from orgs.models import ImportJob
from orgs.tasks import mark, run_import_job
from problems.imports import import_ledger


def _ledger_import(job: ImportJob, dry_run: bool, progress: Progress) -> ImportReport:
    return import_ledger(file=job.file_path, filename=job.original_name, user=job.user, dry_run=dry_run,
                         progress=progress, mapping=mapping_from((job.report or {}).get("mapping")))


@task()
def validate_ledger_import(job_id: int) -> str:
    """Run every row through the services and roll back: the errors, or what would be created and updated."""
    mark(job_id, ImportJob.Status.VALIDATING)
    return run_import_job(job_id, dry_run=True, importer=_ledger_import)


@task()
def apply_ledger_import(job_id: int) -> str:
    """Run the file again (the ledger may have changed since the preview) and keep it if every row passes."""
    mark(job_id, ImportJob.Status.APPLYING)
    return run_import_job(job_id, dry_run=False, importer=_ledger_import)
