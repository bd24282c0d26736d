from django.core.files.base import ContentFile
from django_tasks import task

from clauses.core.jobs import running_job

from . import pdf
from .recueil import recueil_practices, selection_label


@task()
def build_recueil(job_id, filters=None):
    """The compiled recueil of the published sheets matching ``filters``, in the background."""
    filters = filters or {}
    with running_job(job_id) as job:
        practices = recueil_practices(filters=filters)
        job.advance(0, len(practices), message="Mise en page des fiches…")
        content = pdf.recueil_pdf(
            practices, selection=selection_label(filters), progress=job.advance
        )
        job.finish(
            message=f"Recueil prêt : {len(practices)} fiches.",
            result=ContentFile(content, name="recueil-bonnes-pratiques.pdf"),
        )
