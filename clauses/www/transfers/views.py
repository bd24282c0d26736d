"""Import and export of the tracking data, for the facilitators of the organisation.

Import: upload -> preview (every error with its line and column, or what will be created,
updated, left unchanged) -> confirmation, which writes. Files of more than
SYNC_LINES lines are checked and written in the background worker, with progress.
Export: the organisation's data in the import format, XLSX or CSV.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from clauses.core.jobs import start_job
from clauses.core.models import JobProgress
from clauses.insertion.transfer import columns, exporting, samples, tasks
from clauses.insertion.transfer.importing import run_import
from clauses.insertion.transfer.uploads import CHECKED, CHECKING, DONE, WRITING, PendingImport
from clauses.procurement.perms import current_organisation

from .forms import ImportForm

# Above this many lines, checking and writing run in the background worker.
SYNC_LINES = 5000
# Above this many rows, the export page offers background exports.
SYNC_EXPORT_ROWS = 20000
PREVIEW_ERRORS = 500


def _organisation_or_404(request):
    """The organisation the facilitator writes into; 404 for anyone who writes nowhere."""
    organisation = current_organisation(request.user)
    if organisation is None:
        raise Http404
    return organisation


def _pending_or_404(organisation, token):
    pending = PendingImport.load(token, organisation.pk)
    if pending is None:
        raise Http404("Dépôt de fichiers inconnu ou expiré.")
    return pending


def import_start(request):
    organisation = _organisation_or_404(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        pending = PendingImport.create(
            organisation=organisation, user=request.user, files=form.cleaned_data["contents"]
        )
        if pending.lines > SYNC_LINES:
            job = start_job(
                user=request.user,
                label=f"Vérification de l'import « {pending.label} »",
                task=tasks.check_import,
                organisation_id=organisation.pk,
                token=pending.token,
            )
            pending.status, pending.job_id = CHECKING, job.pk
        else:
            pending.set_report(run_import(pending.read_files(), organisation=organisation))
        pending.save()
        return redirect("transfers:import_preview", token=pending.token)
    return render(
        request,
        "transfers/import.html",
        {
            "title": "Importer des données",
            "organisation": organisation,
            "form": form,
            "sheets": columns.SHEETS,
            "sync_lines_label": f"{SYNC_LINES:,}".replace(",", "\u202f"),
        },
    )


def import_preview(request, token):
    organisation = _organisation_or_404(request)
    pending = _pending_or_404(organisation, token)
    job = None
    if pending.status in {CHECKING, WRITING} and pending.job_id:
        # The upload is the organisation's: any of its facilitators follows its job.
        job = JobProgress.objects.filter(pk=pending.job_id).first()
    if request.htmx:
        # The progress block polls this page; once the check or the write is over, reload
        # it whole.
        if pending.status not in {CHECKING, WRITING} or job is None or job.is_finished:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(
            request,
            "transfers/_checking.html",
            {"pending": pending, "job": job, "is_writing": pending.status == WRITING},
        )
    report = pending.report
    errors = report.errors[:PREVIEW_ERRORS] if report else []
    return render(
        request,
        "transfers/import_preview.html",
        {
            "title": "Aperçu de l'import",
            "organisation": organisation,
            "pending": pending,
            "report": report,
            "errors": errors,
            "hidden_errors": (report.error_count - len(errors)) if report else 0,
            "job": job,
            "is_checking": pending.status == CHECKING,
            "is_writing": pending.status == WRITING,
            "is_done": pending.status == DONE,
            "can_confirm": pending.status == CHECKED and report is not None and report.ok,
            "background": pending.lines > SYNC_LINES,
        },
    )


@require_POST
def import_confirm(request, token):
    organisation = _organisation_or_404(request)
    pending = _pending_or_404(organisation, token)
    report = pending.report
    if pending.status != CHECKED or report is None or not report.ok:
        messages.error(request, "Cet import ne peut pas être confirmé : consultez son aperçu.")
        return redirect("transfers:import_preview", token=token)
    if pending.lines > SYNC_LINES:
        job = start_job(
            user=request.user,
            label=f"Import « {pending.label} »",
            task=tasks.write_import,
            organisation_id=organisation.pk,
            token=pending.token,
            user_id=request.user.pk,
        )
        pending.status, pending.job_id = WRITING, job.pk
        pending.save()
        # The preview page follows the write, then shows what was imported.
        return redirect("transfers:import_preview", token=token)
    report = run_import(
        pending.read_files(), organisation=organisation, actor=request.user, write=True
    )
    pending.set_report(report)
    pending.save()
    # The preview page now shows the result (or the errors, if the data changed meanwhile).
    return redirect("transfers:import_preview", token=token)


def _xlsx_response(content, filename):
    response = HttpResponse(content, content_type=exporting.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def import_template(request):
    _organisation_or_404(request)
    return _xlsx_response(samples.workbook(), "modele-import-clauses.xlsx")


def import_example(request):
    _organisation_or_404(request)
    return _xlsx_response(samples.workbook(example=True), "exemple-import-clauses.xlsx")


def export_page(request):
    organisation = _organisation_or_404(request)
    counts = exporting.counts(organisation)
    total = sum(counts.values())
    return render(
        request,
        "transfers/export.html",
        {
            "title": "Exporter les données",
            "organisation": organisation,
            "rows": [(sheet, counts[sheet.key]) for sheet in columns.SHEETS],
            "total": total,
            "background": total > SYNC_EXPORT_ROWS,
        },
    )


@require_http_methods(["GET", "POST"])
def export_file(request, fmt):
    """GET: the file at once; POST: prepared in the background (large exports)."""
    organisation = _organisation_or_404(request)
    if fmt not in {"xlsx", "csv"}:
        raise Http404
    sheet = None
    if request.GET.get("objet"):
        sheet = columns.sheet_for_name(request.GET["objet"])
        if sheet is None:
            raise Http404("Objet inconnu.")
    if request.method == "POST":
        job = start_job(
            user=request.user,
            label=f"Export des données de {organisation} ({fmt.upper()})",
            task=tasks.export_data,
            back_url=reverse("transfers:export"),
            back_label="Retour à l'export des données",
            organisation_id=organisation.pk,
            fmt=fmt,
            sheet_key=sheet.key if sheet else "",
            user_id=request.user.pk,
        )
        return redirect(job)
    content, filename, content_type = exporting.export(organisation, fmt, sheet=sheet)
    exporting.log_export(actor=request.user, organisation=organisation, fmt=fmt, sheet=sheet)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
