from django_tasks import task

from clauses.core.jobs import running_job

from . import contacts
from .models import Survey


@task()
def send_invitations(job_id, survey_id, reminder=False):
    with running_job(job_id) as job:
        survey = Survey.objects.get(pk=survey_id)
        sent = contacts.send_invitations(
            survey=survey, reminder=reminder, progress=lambda done, total: job.advance(done, total)
        )
        what = "relance" if reminder else "invitation"
        job.finish(
            message=f"{sent} {what}{'s' if sent > 1 else ''} envoyée{'s' if sent > 1 else ''}."
        )
