import datetime
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tasks import task

from clauses.core.jobs import running_job

from . import qpv_csv


@task()
def qpv_csv_lookup(job_id, path, filename, on=None):
    """Background batch QPV lookup of an uploaded CSV (stored at ``path``); deletes the upload."""
    with running_job(job_id) as job:
        try:
            with default_storage.open(path, "rb") as f:
                data = f.read()
        finally:
            default_storage.delete(path)
        content, report = qpv_csv.enrich(
            data,
            on=datetime.date.fromisoformat(on) if on else None,
            progress=job.advance,
        )
        stem = PurePath(filename).stem or "fichier"
        job.finish(message=report.summary(), result=ContentFile(content, name=f"{stem}-qpv.csv"))
