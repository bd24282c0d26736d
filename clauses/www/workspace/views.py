from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clauses.accounts import perms, services
from clauses.accounts.forms import AuditLogFilterForm, InvitationForm
from clauses.accounts.models import Invitation, Membership, Organisation
from clauses.core.exceptions import DomainError
from clauses.core.models import AuditEntry, JobProgress
from clauses.survey import perms as survey_perms

ORGANISATIONS_PER_PAGE = 50
AUDIT_ENTRIES_PER_PAGE = 50


def _page(request, queryset, per_page):
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    # django-dsfr's pagination template reads ``pages_list``.
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    return page


def home(request):
    user = request.user
    memberships = [
        {
            "membership": membership,
            "can_invite": perms.can_invite(user, membership.organisation),
        }
        for membership in user.active_memberships
    ]
    return render(
        request,
        "workspace/home.html",
        {
            "title": "Espace facilitateur",
            "memberships": memberships,
            "is_national_admin": user.is_national_admin,
            "can_read_audit_log": perms.can_read_audit_log(user),
            "can_read_surveys": survey_perms.can_read_results(user),
        },
    )


def organisation_list(request):
    organisations = (
        Organisation.objects.for_user(request.user)
        .select_related("region", "departement", "commune")
        .annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True)))
        .order_by("name", "pk")
    )
    return render(
        request,
        "workspace/organisation_list.html",
        {
            "title": "Organisations",
            "page_obj": _page(request, organisations, ORGANISATIONS_PER_PAGE),
        },
    )


def _organisation_or_404(request, pk):
    return get_object_or_404(
        Organisation.objects.for_user(request.user).select_related(
            "region", "departement", "commune"
        ),
        pk=pk,
    )


def organisation_detail(request, pk):
    organisation = _organisation_or_404(request, pk)
    can_invite = perms.can_invite(request.user, organisation)
    members = (
        Membership.objects.active()
        .filter(organisation=organisation)
        .select_related("user", "scope_region", "scope_departement")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    invitations = (
        Invitation.objects.pending().filter(organisation=organisation).order_by("-created_at")
        if can_invite
        else Invitation.objects.none()
    )
    return render(
        request,
        "workspace/organisation_detail.html",
        {
            "title": organisation.name,
            "organisation": organisation,
            "members": members,
            "invitations": invitations,
            "can_invite": can_invite,
        },
    )


def invite(request, pk):
    organisation = _organisation_or_404(request, pk)
    if not perms.can_invite(request.user, organisation):
        # Same answer as an organisation out of scope: nothing to learn from the URL.
        raise Http404
    form = InvitationForm(data=request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_member(
                organisation=organisation,
                invited_by=request.user,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Une invitation a été envoyée à {invitation.email}.")
            return redirect("workspace:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "workspace/invite.html",
        {
            "title": f"Inviter un membre — {organisation.name}",
            "organisation": organisation,
            "form": form,
        },
    )


@require_POST
def cancel_invitation(request, pk, invitation_pk):
    organisation = _organisation_or_404(request, pk)
    if not perms.can_manage_invitations(request.user, organisation):
        raise Http404
    invitation = get_object_or_404(
        Invitation.objects.for_user(request.user).filter(organisation=organisation),
        pk=invitation_pk,
    )
    try:
        services.cancel_invitation(invitation=invitation, cancelled_by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"L'invitation de {invitation.email} a été annulée.")
    return redirect("workspace:organisation_detail", pk=organisation.pk)


def audit_log(request):
    if not perms.can_read_audit_log(request.user):
        raise Http404
    form = AuditLogFilterForm(data=request.GET or None)
    entries = form.filter(
        AuditEntry.objects.for_user(request.user).select_related("actor", "content_type")
    ).order_by("-at", "-pk")
    return render(
        request,
        "workspace/audit_log.html",
        {
            "title": "Journal d'audit",
            "form": form,
            "page_obj": _page(request, entries, AUDIT_ENTRIES_PER_PAGE),
        },
    )


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
