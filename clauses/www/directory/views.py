"""The actors' directory: public list and sheets, self-service for organisations, the
organisers' edit and export. Visibility of persons is decided by clauses.directory.queries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clauses.core import exports
from clauses.core.exceptions import DomainError
from clauses.directory import exporters, perms, queries, services
from clauses.directory.enums import ActorFamily
from clauses.directory.models import Contact, Structure

from .forms import ContactForm, DirectoryFilterForm, StructureForm

STRUCTURES_PER_PAGE = 20


def _page(request, queryset, per_page):
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    # django-dsfr's pagination template reads ``pages_list``.
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    return page


@login_not_required
def structure_list(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.filters()
    structures = queries.directory_list(request.user, **filters)
    context = {
        "title": "Annuaire des acteurs",
        "form": form,
        "page_obj": _page(request, structures, STRUCTURES_PER_PAGE),
        "is_filtered": any(filters.values()),
        "can_export": perms.can_export(request.user),
    }
    if request.htmx:
        return render(request, "directory/includes/results.html", context)
    return render(request, "directory/list.html", context)


@login_not_required
def structure_detail(request, pk):
    structures = Structure.objects.visible_on_directory_for(request.user).select_related(
        "region", "departement", "commune", "organisation"
    )
    structure = get_object_or_404(
        structures.prefetch_related("qpvs", queries.visible_contacts_prefetch(request.user)),
        pk=pk,
    )
    families = dict(ActorFamily.choices)
    who = queries.who_to_meet(structure, request.user)
    context = {
        "title": structure.name,
        "structure": structure,
        "contacts": structure.visible_contacts,
        "meetings": queries.meetings_attended(structure, request.user),
        "who_to_meet": who,
        "who_to_meet_families": [families.get(code, code) for code in who.families],
        "can_manage": perms.can_manage_structure(request.user, structure),
    }
    return render(request, "directory/detail.html", context)


def _user_organisation(request):
    memberships = request.user.active_memberships
    if not memberships:
        raise Http404("Vous n'êtes membre d'aucune organisation.")
    wanted = request.GET.get("organisation") or request.POST.get("organisation")
    for membership in memberships:
        if str(membership.organisation_id) == wanted:
            return membership.organisation
    return memberships[0].organisation


def _structure_form_page(request, *, structure, organisation, title):
    if request.method == "POST":
        form = StructureForm(request.POST)
        if form.is_valid():
            try:
                structure = services.save_structure(
                    actor=request.user,
                    structure=structure,
                    organisation=organisation,
                    data=form.structure_data(),
                    qpvs=form.cleaned_data["qpvs"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "La fiche de la structure est enregistrée.")
                return redirect("directory:edit", pk=structure.pk)
    elif structure is not None:
        form = StructureForm(initial=StructureForm.initial_from(structure))
    else:
        form = StructureForm(
            initial=StructureForm.initial_from(base=services.initial_for_organisation(organisation))
        )
    contacts = (
        list(structure.contacts.active().order_by("last_name", "first_name")) if structure else []
    )
    context = {
        "title": title,
        "form": form,
        "structure": structure,
        "organisation": organisation,
        "contacts": contacts,
        "other_organisations": [
            m.organisation
            for m in request.user.active_memberships
            if organisation is not None and m.organisation_id != organisation.pk
        ],
    }
    return render(request, "directory/structure_form.html", context)


def my_structure(request):
    organisation = _user_organisation(request)
    structure = Structure.objects.filter(organisation=organisation).order_by("pk").first()
    return _structure_form_page(
        request,
        structure=structure,
        organisation=organisation,
        title=f"Fiche annuaire de {organisation.name}",
    )


def _managed_structure(request, pk):
    return get_object_or_404(
        Structure.objects.for_user(request.user).select_related(
            "region", "departement", "commune", "organisation"
        ),
        pk=pk,
    )


def structure_edit(request, pk):
    structure = _managed_structure(request, pk)
    return _structure_form_page(
        request,
        structure=structure,
        organisation=structure.organisation,
        title=f"Modifier la fiche de {structure.name}",
    )


def _contact_form_page(request, *, structure, contact):
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                services.save_contact(
                    actor=request.user, structure=structure, contact=contact, data=form.cleaned_data
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "Le contact est enregistré.")
                return redirect("directory:edit", pk=structure.pk)
    elif contact is not None:
        form = ContactForm(
            initial={
                "first_name": contact.first_name,
                "last_name": contact.last_name,
                "function": contact.function,
                "email": contact.email,
                "visibility": contact.visibility,
            }
        )
    else:
        form = ContactForm()
    title = "Modifier un contact" if contact else "Ajouter un contact"
    return render(
        request,
        "directory/contact_form.html",
        {"title": f"{title} — {structure.name}", "form": form, "structure": structure},
    )


def contact_add(request, pk):
    return _contact_form_page(request, structure=_managed_structure(request, pk), contact=None)


def _managed_contact(request, pk, contact_pk):
    structure = _managed_structure(request, pk)
    contact = get_object_or_404(Contact.objects.active(), pk=contact_pk, structure=structure)
    return structure, contact


def contact_edit(request, pk, contact_pk):
    structure, contact = _managed_contact(request, pk, contact_pk)
    return _contact_form_page(request, structure=structure, contact=contact)


@require_POST
def contact_remove(request, pk, contact_pk):
    structure, contact = _managed_contact(request, pk, contact_pk)
    try:
        services.remove_contact(contact=contact, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Le contact est retiré de l'annuaire.")
    return redirect("directory:edit", pk=structure.pk)


def export(request, fmt):
    if not perms.can_export(request.user) or fmt not in exports.RENDERERS:
        raise Http404
    return exports.file_response(
        exporters.rows(queries.export_structures(request.user)),
        fmt=fmt,
        filename=f"annuaire-des-acteurs.{fmt}",
        title="Annuaire",
    )
