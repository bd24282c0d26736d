"""Background work of large imports and exports (django-tasks, progress in JobProgress)."""

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django_tasks import task

from clauses.accounts.models import Organisation
from clauses.core.exports import render_csv
from clauses.core.jobs import running_job

from . import columns
from .exporting import export, log_export
from .importing import run_import
from .uploads import PendingImport


def _user(user_id):
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


def report_rows(report):
    """The report as rows for a CSV: the counts per object, or the errors."""
    if not report.ok:
        yield ["Fichier", "Feuille", "Ligne", "Colonne", "Erreur"]
        for problem in report.errors:
            yield [problem.source, problem.sheet, problem.line, problem.column, problem.message]
        return
    yield ["Objet", "Créations", "Mises à jour", "Inchangés", "Suppressions"]
    for sheet, counts in report.objects:
        yield [sheet.title, counts.created, counts.updated, counts.unchanged, counts.deleted]


@task()
def check_import(job_id, organisation_id, token):
    """Check an uploaded import (no write) and keep its report for the preview page."""
    with running_job(job_id) as job:
        organisation = Organisation.objects.get(pk=organisation_id)
        pending = PendingImport.load(token, organisation_id)
        if pending is None:
            job.finish(message="Ce dépôt de fichiers a expiré : déposez-les de nouveau.")
            return
        report = run_import(pending.read_files(), organisation=organisation, progress=job.advance)
        pending.set_report(report)
        pending.save()
        job.finish(message=report.summary())


@task()
def write_import(job_id, organisation_id, token, user_id):
    """Check again and write an uploaded import; the report is the job's result file."""
    with running_job(job_id) as job:
        organisation = Organisation.objects.get(pk=organisation_id)
        pending = PendingImport.load(token, organisation_id)
        if pending is None:
            job.finish(message="Ce dépôt de fichiers a expiré : déposez-les de nouveau.")
            return
        report = run_import(
            pending.read_files(),
            organisation=organisation,
            actor=_user(user_id),
            write=True,
            progress=job.advance,
        )
        pending.set_report(report)
        pending.save()
        job.finish(
            message=report.summary(),
            result=ContentFile(render_csv(report_rows(report)), name="rapport-import.csv"),
        )


@task()
def export_data(job_id, organisation_id, fmt, sheet_key, user_id):
    """A large export, offered for download on the job's page."""
    with running_job(job_id) as job:
        organisation = Organisation.objects.get(pk=organisation_id)
        sheet = columns.SHEETS_BY_KEY.get(sheet_key) if sheet_key else None
        content, filename, _ = export(organisation, fmt, sheet=sheet)
        log_export(actor=_user(user_id), organisation=organisation, fmt=fmt, sheet=sheet)
        job.finish(
            message="Export prêt : téléchargez le fichier.",
            result=ContentFile(content, name=filename),
        )
