"""The back-office of the practice sheets: list, write, review, publish, history.

Every page starts from ``Practice.objects.for_user(user)``: a sheet outside the user's
scope answers 404, as an unknown one does.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clauses.core.exceptions import DomainError
from clauses.practices import perms, services
from clauses.practices.enums import PracticeStatus
from clauses.practices.models import Practice

from .forms import AttachmentForm, PracticeForm, StatusFilterForm

PER_PAGE = 30
TRANSITIONS = {
    "relecture": (services.submit_for_review, "La fiche est soumise à relecture."),
    "publier": (services.publish, "La fiche est publiée."),
    "archiver": (services.archive, "La fiche est archivée."),
    "brouillon": (services.back_to_draft, "La fiche est revenue en brouillon."),
}


def _practice_or_404(request, pk):
    return get_object_or_404(
        Practice.objects.for_user(request.user).select_related(
            "region", "departement", "commune", "lead_structure", "organisation"
        ),
        pk=pk,
    )


def practice_list(request):
    form = StatusFilterForm(request.GET or None)
    practices = (
        Practice.objects.for_user(request.user)
        .select_related("region", "organisation")
        .order_by("-updated_at", "pk")
    )
    if form.is_valid():
        if form.cleaned_data["status"]:
            practices = practices.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["q"]:
            practices = practices.filter(title__icontains=form.cleaned_data["q"])
    paginator = Paginator(practices, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    return render(
        request,
        "practices_admin/list.html",
        {
            "title": "Fiches pratiques — back-office",
            "form": form,
            "page_obj": page,
            "can_create": perms.can_contribute(request.user),
        },
    )


def _form_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_http_methods(["GET", "POST"])
def practice_create(request):
    if not perms.can_contribute(request.user):
        raise Http404
    form = PracticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, partners, figures = form.service_arguments()
        try:
            practice = services.create_practice(
                actor=request.user, data=data, partners=partners, figures=figures
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "La fiche est créée en brouillon.")
            return redirect("practices_admin:detail", pk=practice.pk)
    return render(
        request,
        "practices_admin/form.html",
        {"title": "Nouvelle fiche pratique", "form": form, "practice": None},
    )


def practice_detail(request, pk):
    practice = _practice_or_404(request, pk)
    user = request.user
    can_edit = perms.can_edit(user, practice) and practice.status != PracticeStatus.ARCHIVED
    can_publish = perms.can_publish(user, practice)
    status = practice.status
    actions = []
    if status == PracticeStatus.DRAFT and can_edit:
        actions.append(("relecture", "Soumettre à relecture", "fr-btn--secondary"))
    if status in (PracticeStatus.DRAFT, PracticeStatus.IN_REVIEW) and can_publish:
        actions.append(("publier", "Publier", ""))
    if status != PracticeStatus.DRAFT and (
        can_publish or (status == PracticeStatus.IN_REVIEW and can_edit)
    ):
        actions.append(("brouillon", "Renvoyer en brouillon", "fr-btn--tertiary"))
    if status != PracticeStatus.ARCHIVED and can_publish:
        actions.append(("archiver", "Archiver", "fr-btn--tertiary"))
    publish_blocker = ""
    if can_publish and status != PracticeStatus.PUBLISHED:
        try:
            services.check_publishable(practice)
        except DomainError as error:
            publish_blocker = error.message
    return render(
        request,
        "practices_admin/detail.html",
        {
            "title": practice.title,
            "practice": practice,
            "actions": actions,
            "can_edit": can_edit,
            "publish_blocker": publish_blocker,
            "versions": practice.versions.select_related("author")[:50],
            "attachments": practice.attachments.all(),
            "attachment_form": AttachmentForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def practice_edit(request, pk):
    practice = _practice_or_404(request, pk)
    if not perms.can_edit(request.user, practice):
        raise Http404
    if request.method == "POST":
        form = PracticeForm(request.POST)
        if form.is_valid():
            data, partners, figures = form.service_arguments()
            try:
                services.update_practice(
                    practice=practice,
                    actor=request.user,
                    data=data,
                    partners=partners,
                    figures=figures,
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, "Les modifications sont enregistrées.")
                return redirect("practices_admin:detail", pk=practice.pk)
    else:
        form = PracticeForm(initial=PracticeForm.initial_for(practice))
    return render(
        request,
        "practices_admin/form.html",
        {"title": f"Modifier « {practice.title} »", "form": form, "practice": practice},
    )


@require_POST
def practice_transition(request, pk, action):
    practice = _practice_or_404(request, pk)
    if action not in TRANSITIONS:
        raise Http404
    service, message = TRANSITIONS[action]
    try:
        service(practice=practice, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, message)
    return redirect("practices_admin:detail", pk=practice.pk)


def practice_version(request, pk, number):
    practice = _practice_or_404(request, pk)
    version = get_object_or_404(practice.versions.select_related("author"), number=number)
    previous = practice.versions.filter(number__lt=number).order_by("-number").first()
    return render(
        request,
        "practices_admin/version.html",
        {
            "title": f"Version {version.number} de « {practice.title} »",
            "practice": practice,
            "version": version,
            "previous": previous,
            "changes": services.version_diff(
                previous.snapshot if previous else {}, version.snapshot
            ),
        },
    )


@require_POST
def attachment_add(request, pk):
    practice = _practice_or_404(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(
                practice=practice,
                actor=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Le document est ajouté.")
    else:
        messages.error(request, "Choisissez un fichier et donnez-lui un titre.")
    return redirect("practices_admin:detail", pk=practice.pk)


@require_POST
def attachment_delete(request, pk, attachment_pk):
    practice = _practice_or_404(request, pk)
    attachment = get_object_or_404(practice.attachments, pk=attachment_pk)
    try:
        services.delete_attachment(attachment=attachment, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Le document est retiré.")
    return redirect("practices_admin:detail", pk=practice.pk)
