"""Long work in the background worker, with progress the user can watch.

Usage::

    @task()
    def my_task(job_id, ...):
        with running_job(job_id) as job:
            for i, row in enumerate(rows):
                ...
                job.advance(i + 1, total)
            job.finish(message="…", result=ContentFile(data, name="resultat.csv"))

    job = start_job(user=request.user, label="…", task=my_task, ...)
    return redirect(job)  # the progress page polls with htmx
"""

import contextlib
import logging

from django.db import transaction

from .models import JobProgress

logger = logging.getLogger(__name__)


def start_job(*, user, label, task, back_url="", back_label="", **task_kwargs):
    """Record a job and enqueue ``task(job_id=…, **task_kwargs)`` once the transaction commits.

    ``back_url`` and ``back_label``: the link back from the job's page (the page that
    started it)."""
    job = JobProgress.objects.create(
        started_by=user, label=label, back_url=back_url, back_label=back_label
    )

    def enqueue():
        result = task.enqueue(job_id=job.pk, **task_kwargs)
        JobProgress.objects.filter(pk=job.pk, task_result_id="").update(
            task_result_id=str(result.id)
        )

    transaction.on_commit(enqueue)
    return job


class _RunningJob:
    def __init__(self, job):
        self.job = job

    def advance(self, done, total=None, message=None):
        self.job.done = done
        if total is not None:
            self.job.total = total
        if message is not None:
            self.job.message = message
        self.job.save(update_fields=["done", "total", "message", "updated_at"])

    def finish(self, *, message="", result=None):
        self.job.status = JobProgress.Status.DONE
        self.job.done = self.job.total or self.job.done
        self.job.message = message
        if result is not None:
            self.job.result_file.save(result.name, result, save=False)
        self.job.save()


@contextlib.contextmanager
def running_job(job_id):
    """Mark the job running; on an exception mark it failed with a French message."""
    job = JobProgress.objects.get(pk=job_id)
    job.status = JobProgress.Status.RUNNING
    job.save(update_fields=["status", "updated_at"])
    running = _RunningJob(job)
    try:
        yield running
    except Exception as exc:
        logger.exception("Background job %s failed", job_id)
        job.status = JobProgress.Status.FAILED
        job.message = getattr(exc, "message", "") or "La tâche a échoué de façon inattendue."
        job.save(update_fields=["status", "message", "updated_at"])
        raise
    else:
        if job.status == JobProgress.Status.RUNNING:
            running.finish(message=job.message)
