"""The organisers' back-office of the regional meetings.

Every page starts from ``Meeting.objects.for_user(user)`` (or ``Registration``'s): a meeting
outside the user's scope answers 404, as an unknown one does.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from clauses.core import exports
from clauses.core.exceptions import DomainError
from clauses.meetings import exporters, pdf, perms, services, stats
from clauses.meetings.duplicates import duplicate_marks, normalise_text
from clauses.meetings.enums import RegistrationStatus
from clauses.meetings.models import Meeting, MeetingDocument, Registration

from .forms import (
    ITEM_FORMSETS,
    DocumentForm,
    MeetingForm,
    ReasonForm,
    RegistrationFilterForm,
)

MEETINGS_PER_PAGE = 30
REGISTRATIONS_PER_PAGE = 50
CHECK_IN_RESULTS = 60


def _page(request, queryset, per_page):
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    # django-dsfr's pagination template reads ``pages_list``.
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    return page


def _meeting_or_404(request, pk):
    return get_object_or_404(
        Meeting.objects.for_user(request.user).select_related(
            "organiser", "edition", "region", "departement"
        ),
        pk=pk,
    )


def _registration_or_404(request, meeting, registration_pk):
    return get_object_or_404(
        Registration.objects.for_user(request.user)
        .filter(meeting=meeting)
        .select_related("meeting"),
        pk=registration_pk,
    )


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _search(registrations, query):
    """Registrations whose name, e-mail or organisation hold every word of ``query``,
    ignoring case and accents (« eluard » finds « Éluard ») on SQLite and PostgreSQL alike.
    One meeting has a few hundred registrations: they are matched in Python."""
    words = normalise_text(query).split()
    fields = ("first_name", "last_name", "email", "organisation_name")
    matching = [
        pk
        for pk, *values in registrations.order_by().values_list("pk", *fields)
        if all(word in normalise_text(" ".join(values)) for word in words)
    ]
    return registrations.filter(pk__in=matching)


def _present_q():
    return Q(
        registrations__status=RegistrationStatus.CONFIRMED,
        registrations__checked_in_at__isnull=False,
    )


def meeting_list(request):
    meetings = (
        Meeting.objects.for_user(request.user)
        .select_related("edition", "region", "organiser")
        .with_counts()
        .annotate(
            pending_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.PENDING)
            ),
            present_count=Count("registrations", filter=_present_q()),
        )
        .order_by("-starts_at", "pk")
    )
    return render(
        request,
        "meetings_admin/list.html",
        {
            "title": "Rencontres régionales — back-office",
            "page_obj": _page(request, meetings, MEETINGS_PER_PAGE),
            "can_create": perms.can_manage_meetings(request.user),
            "now": timezone.now(),
        },
    )


def _form_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_http_methods(["GET", "POST"])
def meeting_create(request):
    if not perms.can_manage_meetings(request.user):
        raise Http404
    form = MeetingForm(
        request.POST or None,
        organisers=perms.organiser_choices(request.user),
        initial={"retention_days": 365, "mode": "ouverte"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                "La rencontre est créée (non publiée) : complétez son programme et ses "
                "questions, puis publiez-la.",
            )
            return redirect("meetings_admin:detail", pk=meeting.pk)
    return render(
        request,
        "meetings_admin/meeting_form.html",
        {"title": "Nouvelle rencontre", "form": form, "meeting": None},
    )


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = _meeting_or_404(request, pk)
    form = MeetingForm(
        request.POST or None,
        organisers=perms.organiser_choices(request.user),
        meeting=meeting,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(meeting=meeting, actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "La rencontre est enregistrée.")
            return redirect("meetings_admin:detail", pk=meeting.pk)
    return render(
        request,
        "meetings_admin/meeting_form.html",
        {"title": f"Modifier — {meeting.title}", "form": form, "meeting": meeting},
    )


def meeting_detail(request, pk):
    meeting = _meeting_or_404(request, pk)
    figures = stats.attendance(meeting.registrations.all())
    return render(
        request,
        "meetings_admin/detail.html",
        {
            "title": meeting.title,
            "meeting": meeting,
            "figures": figures,
            "exporters": list(exporters.EXPORTERS.values()),
            "slots": meeting.slots.all(),
            "questions": meeting.questions.all(),
            "practices": meeting.presented_practices.all(),
            "documents": meeting.documents.all(),
            "starts_at": timezone.localtime(meeting.starts_at),
            "ends_at": timezone.localtime(meeting.ends_at),
        },
    )


@require_POST
def meeting_publish(request, pk):
    meeting = _meeting_or_404(request, pk)
    published = request.POST.get("published") == "1"
    services.set_published(meeting=meeting, actor=request.user, published=published)
    messages.success(
        request,
        "La rencontre est publiée." if published else "La rencontre n'est plus publiée.",
    )
    return redirect("meetings_admin:detail", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
def meeting_items(request, pk, kind):
    meeting = _meeting_or_404(request, pk)
    formset_class, label, intro = ITEM_FORMSETS[kind]
    formset = formset_class(request.POST or None, instance=meeting, prefix=kind)
    if request.method == "POST" and formset.is_valid():
        services.save_meeting_items(meeting=meeting, actor=request.user, formset=formset, kind=kind)
        messages.success(request, f"{label} : modifications enregistrées.")
        return redirect(f"meetings_admin:{kind}", pk=meeting.pk)
    return render(
        request,
        "meetings_admin/items.html",
        {
            "title": f"{label} — {meeting.title}",
            "label": label,
            "intro": intro,
            "meeting": meeting,
            "formset": formset,
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_documents(request, pk):
    meeting = _meeting_or_404(request, pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_document(meeting=meeting, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Le document est publié.")
            return redirect("meetings_admin:documents", pk=meeting.pk)
    return render(
        request,
        "meetings_admin/documents.html",
        {
            "title": f"Documents — {meeting.title}",
            "meeting": meeting,
            "documents": meeting.documents.all(),
            "form": form,
            "can_upload": meeting.is_past,
        },
    )


@require_POST
def document_delete(request, pk, document_pk):
    meeting = _meeting_or_404(request, pk)
    document = get_object_or_404(MeetingDocument.objects.filter(meeting=meeting), pk=document_pk)
    services.delete_document(document=document, actor=request.user)
    messages.success(request, f"Le document « {document.title} » est supprimé.")
    return redirect("meetings_admin:documents", pk=meeting.pk)


def _filtered_registrations(meeting, form):
    registrations = meeting.registrations.select_related("region").order_by("created_at", "pk")
    if not form.is_valid():
        return registrations
    data = form.cleaned_data
    if data["q"]:
        registrations = _search(registrations, data["q"])
    if data["status"]:
        registrations = registrations.filter(status=data["status"])
    if data["family"]:
        registrations = registrations.filter(actor_family=data["family"])
    if data["region"]:
        registrations = registrations.filter(region=data["region"])
    if data["presence"] == "present":
        registrations = registrations.filter(checked_in_at__isnull=False)
    elif data["presence"] == "absent":
        registrations = registrations.filter(
            status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=True
        )
    return registrations


def registration_list(request, pk):
    meeting = _meeting_or_404(request, pk)
    form = RegistrationFilterForm(request.GET or None)
    registrations = _filtered_registrations(meeting, form)
    page = _page(request, registrations, REGISTRATIONS_PER_PAGE)
    # Duplicates are looked for among all the active registrations, not just this page.
    marks = duplicate_marks(
        meeting.registrations.active().only(
            "pk", "meeting", "first_name", "last_name", "email", "anonymised_at"
        )
    )
    rows = [{"registration": r, "duplicate_group": marks.get(r.pk)} for r in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings_admin/registrations.html",
        {
            "title": f"Inscriptions — {meeting.title}",
            "meeting": meeting,
            "form": form,
            "page_obj": page,
            "rows": rows,
            "duplicate_count": len(set(marks.values())),
            "duplicate_registrations": len(marks),
            "query": query.urlencode(),
            "current_url": request.get_full_path(),
            "statuses": RegistrationStatus,
        },
    )


def _back_to_list(request, meeting):
    return _safe_next(request, reverse("meetings_admin:registrations", args=[meeting.pk]))


@require_POST
def registration_approve(request, pk, registration_pk):
    meeting = _meeting_or_404(request, pk)
    registration = _registration_or_404(request, meeting, registration_pk)
    try:
        registration = services.approve_registration(registration=registration, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        outcome = (
            "confirmée"
            if registration.status == RegistrationStatus.CONFIRMED
            else "validée et placée en liste d'attente (rencontre complète)"
        )
        messages.success(
            request,
            f"Inscription de {registration.first_name} {registration.last_name} {outcome}.",
        )
    return redirect(_back_to_list(request, meeting))


def _decision_page(request, pk, registration_pk, *, action):
    meeting = _meeting_or_404(request, pk)
    registration = _registration_or_404(request, meeting, registration_pk)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if action == "cancel":
        del form.fields["reason"]
    if request.method == "POST" and form.is_valid():
        name = f"{registration.first_name} {registration.last_name}"
        try:
            if action == "refuse":
                services.refuse_registration(
                    registration=registration,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, f"Inscription de {name} refusée.")
            else:
                promoted = services.cancel_registration(
                    registration=registration, actor=request.user
                )
                text = f"Inscription de {name} annulée."
                if promoted:
                    text += " La première personne de la liste d'attente a reçu la place."
                messages.success(request, text)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(_back_to_list(request, meeting))
    verb = "Refuser" if action == "refuse" else "Annuler"
    return render(
        request,
        "meetings_admin/decision.html",
        {
            "title": f"{verb} l'inscription de {registration.first_name} {registration.last_name}",
            "meeting": meeting,
            "registration": registration,
            "form": form,
            "action": action,
            "next": _back_to_list(request, meeting),
        },
    )


@require_http_methods(["GET", "POST"])
def registration_refuse(request, pk, registration_pk):
    return _decision_page(request, pk, registration_pk, action="refuse")


@require_http_methods(["GET", "POST"])
def registration_cancel(request, pk, registration_pk):
    return _decision_page(request, pk, registration_pk, action="cancel")


def export(request, pk, identifier, fmt):
    meeting = _meeting_or_404(request, pk)
    exporter_class = exporters.get_exporter(identifier)
    if exporter_class is None or fmt not in exports.RENDERERS:
        raise Http404
    exporter = exporter_class(meeting, meeting.registrations.all())
    return exports.file_response(
        exporter.iter_rows(),
        fmt=fmt,
        filename=exporter.filename(fmt),
        title=exporter.verbose_name,
    )


def _pdf_response(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def sign_in_sheet(request, pk):
    meeting = _meeting_or_404(request, pk)
    content = pdf.sign_in_sheet(meeting, meeting.registrations.all())
    return _pdf_response(content, f"emargement-{meeting.slug}.pdf")


def badges(request, pk):
    meeting = _meeting_or_404(request, pk)
    content = pdf.badges(meeting, meeting.registrations.all())
    return _pdf_response(content, f"badges-{meeting.slug}.pdf")


def _check_in_context(meeting, query):
    people = meeting.registrations.confirmed().order_by("last_name", "first_name", "pk")
    if query:
        people = _search(people, query)
    matches = people.count()
    return {
        "meeting": meeting,
        "query": query,
        "people": people[:CHECK_IN_RESULTS],
        "matches": matches,
        "truncated": matches > CHECK_IN_RESULTS,
        "figures": stats.attendance(meeting.registrations.all()),
    }


def check_in(request, pk):
    meeting = _meeting_or_404(request, pk)
    query = request.GET.get("q", "").strip()[:100]
    context = _check_in_context(meeting, query)
    if request.htmx:
        return render(request, "meetings_admin/_check_in_results.html", context)
    context["title"] = f"Pointage — {meeting.title}"
    return render(request, "meetings_admin/check_in.html", context)


@require_POST
def check_in_mark(request, pk, registration_pk):
    meeting = _meeting_or_404(request, pk)
    registration = _registration_or_404(request, meeting, registration_pk)
    name = f"{registration.first_name} {registration.last_name}"
    try:
        if request.POST.get("action") == "undo":
            registration = services.undo_check_in(registration=registration, actor=request.user)
            text = f"Pointage de {name} annulé."
        else:
            registration = services.check_in(registration=registration, actor=request.user)
            text = f"{name} est pointé·e présent·e."
    except DomainError as error:
        if request.htmx:
            return HttpResponse(error.message, status=409)
        messages.error(request, error.message)
    else:
        if request.htmx:
            return render(
                request,
                "meetings_admin/_check_in_row.html",
                {
                    "meeting": meeting,
                    "person": registration,
                    "query": request.POST.get("q", ""),
                    "figures": stats.attendance(meeting.registrations.all()),
                    "oob": True,
                },
            )
        messages.success(request, text)
    default = reverse("meetings_admin:check_in", args=[meeting.pk])
    return redirect(_safe_next(request, default))


@require_http_methods(["GET", "POST"])
def check_in_registration(request, pk, token):
    """The page the QR code of the confirmation e-mail opens: staff only."""
    meeting = _meeting_or_404(request, pk)
    registration = get_object_or_404(
        Registration.objects.for_user(request.user).filter(meeting=meeting), token=token
    )
    if request.method == "POST":
        try:
            registration = services.check_in(registration=registration, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"{registration.first_name} {registration.last_name} est pointé·e présent·e.",
            )
        return redirect("meetings_admin:check_in_registration", pk=meeting.pk, token=token)
    return render(
        request,
        "meetings_admin/check_in_registration.html",
        {
            "title": f"Pointage de {registration.first_name} {registration.last_name}",
            "meeting": meeting,
            "registration": registration,
            "can_check_in": registration.status == RegistrationStatus.CONFIRMED,
        },
    )
