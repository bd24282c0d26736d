from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from clauses.core.models import JobProgress


def home(request):
    return render(request, "workspace/home.html", {"title": "Espace facilitateur"})


def job_detail(request, pk):
    job = get_object_or_404(JobProgress.objects.for_user(request.user), pk=pk)
    template = "workspace/_job_progress.html" if request.htmx else "workspace/job.html"
    return render(request, template, {"job": job, "title": job.label})


def job_result(request, pk):
    job = get_object_or_404(JobProgress.objects.for_user(request.user), pk=pk)
    if not job.result_file:
        raise Http404("Aucun résultat pour cette tâche.")
    return FileResponse(
        job.result_file.open("rb"),
        as_attachment=True,
        filename=job.result_file.name.rsplit("/", 1)[-1],
    )
