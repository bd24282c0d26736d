"""Public pages of the regional meetings: list with the map, detail, registration without an
account, and the personal link of each registration (view, modify, cancel, export, delete)."""

import json
from collections import Counter
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from clauses.core.exceptions import DomainError
from clauses.directory.enums import ActorFamily
from clauses.meetings import services
from clauses.meetings.enums import ACTIVE_STATUSES, RegistrationMode, RegistrationStatus
from clauses.meetings.forms import (
    MeetingFilterForm,
    RegistrationForm,
    SatisfactionForm,
    display_answer,
    visible_questions,
)
from clauses.meetings.map import france_map
from clauses.meetings.models import Edition, Meeting, Registration, SatisfactionResponse

REGISTRATION_RATE = "10/h"
CONDITIONAL_HINT = (
    "Certaines questions ne concernent que certaines réponses : leur aide indique quand y répondre."
)


def _places(meeting):
    """Remaining places and the French wording shown next to a meeting."""
    remaining = max(meeting.capacity - meeting.confirmed_count, 0)
    if remaining == 0:
        label = "Complet — liste d'attente"
    elif remaining == 1:
        label = "1 place restante"
    else:
        label = f"{remaining} places restantes"
    return {"remaining": remaining, "label": label, "full": remaining == 0}


def _families(codes):
    labels = dict(ActorFamily.choices)
    return [labels.get(code, code) for code in codes]


@login_not_required
def meeting_list(request):
    editions = list(Edition.objects.all())
    form = MeetingFilterForm(request.GET or None, editions=editions)
    region_code, edition_slug = "", ""
    if form.is_valid():
        region = form.cleaned_data["region"]
        region_code = region.code if region else ""
        edition_slug = form.cleaned_data["edition"]
    meetings = (
        Meeting.objects.published()
        .with_counts()
        .select_related("region", "edition")
        .order_by("starts_at")
    )
    if edition_slug:
        meetings = meetings.filter(edition__slug=edition_slug)
    meetings = list(meetings)
    counts = Counter(meeting.region.code for meeting in meetings)
    if region_code:
        meetings = [m for m in meetings if m.region.code == region_code]
    now = timezone.now()
    for meeting in meetings:
        meeting.places = _places(meeting)
    upcoming = [m for m in meetings if m.ends_at >= now]
    past = sorted((m for m in meetings if m.ends_at < now), key=lambda m: m.starts_at, reverse=True)

    def url_for_region(code):
        query = {"region": code}
        if edition_slug:
            query["edition"] = edition_slug
        return reverse("meetings:list") + "?" + urlencode(query) + "#rencontres"

    context = {
        "title": "Rencontres régionales du Tour de France",
        "form": form,
        "upcoming": upcoming,
        "past": past,
        "map": france_map(counts, url_for_region=url_for_region, selected=region_code),
        "is_filtered": bool(region_code or edition_slug),
    }
    return render(request, "meetings/list.html", context)


def _published_meeting(slug):
    meetings = Meeting.objects.published().with_counts().select_related("region", "edition")
    return get_object_or_404(meetings, slug=slug)


def _registration_closed_reason(meeting, code):
    try:
        services.check_registration_open(meeting, invitation_code=code)
    except DomainError as error:
        return error.message
    return ""


@login_not_required
def meeting_detail(request, slug):
    meeting = _published_meeting(slug)
    code = request.GET.get("code", "")
    participants = (
        Registration.objects.listed_for(request.user)
        .filter(meeting=meeting)
        .order_by("last_name", "first_name")
    )
    register_url = reverse("meetings:register", args=[meeting.slug])
    if code:
        register_url += "?" + urlencode({"code": code})
    context = {
        "title": meeting.title,
        "meeting": meeting,
        "places": _places(meeting),
        "slots": meeting.slots.all(),
        "practices": meeting.presented_practices.all(),
        "documents": meeting.documents.all(),
        "participants": participants,
        "families": _families(meeting.target_families),
        "closed_reason": _registration_closed_reason(meeting, code),
        "register_url": register_url,
        "needs_approval": meeting.mode == RegistrationMode.APPROVAL,
    }
    return render(request, "meetings/detail.html", context)


@login_not_required
def meeting_places(request, slug):
    """The remaining places, polled by the detail page (htmx)."""
    meeting = _published_meeting(slug)
    context = {"meeting": meeting, "places": _places(meeting)}
    return render(request, "meetings/includes/places.html", context)


def _rate_limited(request):
    response = render(
        request,
        "meetings/rate_limited.html",
        {"title": "Trop de demandes"},
        status=429,
    )
    response["Retry-After"] = "3600"
    return response


@login_not_required
@ratelimit(key="ip", rate=REGISTRATION_RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def register(request, slug):
    meeting = _published_meeting(slug)
    if getattr(request, "limited", False):
        return _rate_limited(request)
    code = request.GET.get("code", "")
    closed_reason = _registration_closed_reason(meeting, code)
    form = None
    status = 200
    if not closed_reason:
        form = RegistrationForm(request.POST or None, meeting=meeting)
        if request.method == "POST":
            if form.is_spam():
                form.add_error(None, "Votre inscription n'a pas pu être enregistrée.")
                status = 400
            elif form.is_valid():
                try:
                    registration = services.register(
                        meeting=meeting,
                        data=form.registration_data(),
                        answers=form.answers,
                        invitation_code=code,
                    )
                except DomainError as error:
                    if error.field in form.fields:
                        form.add_error(error.field, error.message)
                    else:
                        closed_reason = error.message
                        form = None
                else:
                    request.session["meetings_new_registration"] = registration.token
                    return redirect("meetings:registration", token=registration.token)
    elif request.method == "POST":
        status = 400
    context = {
        "title": f"Inscription — {meeting.title}",
        "meeting": meeting,
        "places": _places(meeting),
        "form": form,
        "closed_reason": closed_reason,
        "has_conditional": any(q.depends_on_id for q in (form.questions if form else [])),
        "conditional_hint": CONDITIONAL_HINT,
        "needs_approval": meeting.mode == RegistrationMode.APPROVAL,
    }
    return render(request, "meetings/register.html", context, status=status)


def _registration(token):
    registrations = Registration.objects.select_related("meeting", "meeting__region", "region")
    return get_object_or_404(registrations, token=token, anonymised_at__isnull=True)


def _answers(registration):
    questions = list(registration.meeting.questions.all())
    shown = visible_questions(questions, registration.answers or {})
    return [
        {"label": q.label, "value": display_answer(q, (registration.answers or {}).get(str(q.pk)))}
        for q in shown
    ]


@login_not_required
def registration_detail(request, token):
    registration = _registration(token)
    meeting = registration.meeting
    just_registered = request.session.pop("meetings_new_registration", None) == token
    is_active = registration.status in ACTIVE_STATUSES
    context = {
        "title": f"Votre inscription — {meeting.title}",
        "registration": registration,
        "meeting": meeting,
        "just_registered": just_registered,
        "position": services.waiting_position(registration),
        "answers": _answers(registration),
        "can_change": is_active and not meeting.is_past,
        "satisfaction_open": (
            registration.status == RegistrationStatus.CONFIRMED
            and meeting.is_past
            and not SatisfactionResponse.objects.filter(registration=registration).exists()
        ),
        "statuses": RegistrationStatus,
    }
    return render(request, "meetings/registration.html", context)


@login_not_required
@require_http_methods(["GET", "POST"])
def registration_edit(request, token):
    registration = _registration(token)
    meeting = registration.meeting
    if registration.status not in ACTIVE_STATUSES or meeting.is_past:
        messages.error(request, "Cette inscription n'est plus modifiable.")
        return redirect(registration)
    form = RegistrationForm(request.POST or None, meeting=meeting, registration=registration)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_registration(
                registration=registration, data=form.registration_data(), answers=form.answers
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Votre inscription est modifiée.")
            return redirect(registration)
    context = {
        "title": f"Modifier votre inscription — {meeting.title}",
        "registration": registration,
        "meeting": meeting,
        "form": form,
        "has_conditional": any(q.depends_on_id for q in form.questions),
        "conditional_hint": CONDITIONAL_HINT,
    }
    return render(request, "meetings/registration_edit.html", context)


@login_not_required
@require_http_methods(["GET", "POST"])
def registration_cancel(request, token):
    registration = _registration(token)
    if request.method == "POST":
        try:
            services.cancel_registration(registration=registration)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                "Votre inscription est annulée. Un e-mail de confirmation vous a été envoyé.",
            )
        return redirect(registration)
    context = {
        "title": f"Annuler votre inscription — {registration.meeting.title}",
        "registration": registration,
        "meeting": registration.meeting,
        "can_cancel": registration.status in ACTIVE_STATUSES and not registration.meeting.is_past,
    }
    return render(request, "meetings/registration_cancel.html", context)


@login_not_required
def registration_data(request, token):
    """Everything we hold about the person for this registration, as JSON (right of access
    and portability)."""
    registration = _registration(token)
    meeting = registration.meeting
    satisfaction = SatisfactionResponse.objects.filter(registration=registration).first()
    data = {
        "rencontre": {
            "titre": meeting.title,
            "debut": meeting.starts_at,
            "fin": meeting.ends_at,
            "lieu": f"{meeting.venue_name}, {meeting.venue_address}, "
            f"{meeting.venue_postal_code} {meeting.venue_city}",
            "adresse_web": request.build_absolute_uri(meeting.get_absolute_url()),
            "conservation_des_donnees_jours_apres_la_rencontre": meeting.retention_days,
        },
        "inscription": {
            "statut": registration.get_status_display(),
            "prenom": registration.first_name,
            "nom": registration.last_name,
            "email": registration.email,
            "structure": registration.organisation_name,
            "fonction": registration.function,
            "famille_d_acteurs": registration.get_actor_family_display(),
            "region": registration.region.name if registration.region_id else "",
            "besoins_d_accessibilite": registration.accessibility_needs,
            "visibilite_dans_la_liste_des_participants": registration.get_visibility_display(),
            "annuaire_des_acteurs": registration.directory_opt_in,
            "consentement_le": registration.consent_at,
            "inscrit_le": registration.created_at,
            "modifie_le": registration.updated_at,
            "sorti_de_liste_d_attente_le": registration.promoted_at,
            "decision_le": registration.decided_at,
            "annule_le": registration.cancelled_at,
            "present_le": registration.checked_in_at,
            "rappel_7_jours_envoye_le": registration.reminder_7d_sent_at,
            "rappel_1_jour_envoye_le": registration.reminder_1d_sent_at,
            "suivi_envoye_le": registration.followup_sent_at,
        },
        "reponses": {answer["label"]: answer["value"] for answer in _answers(registration)},
        "questionnaire_de_satisfaction": (
            {
                "note": satisfaction.rating,
                "utile": satisfaction.useful,
                "nouveaux_contacts": satisfaction.new_contacts,
                "commentaire": satisfaction.comment,
                "envoye_le": satisfaction.submitted_at,
            }
            if satisfaction
            else None
        ),
    }
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="inscription-{meeting.slug}.json"'
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def registration_delete(request, token):
    registration = _registration(token)
    if request.method == "POST":
        try:
            services.delete_personal_data(registration=registration)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(registration)
        messages.success(
            request,
            "Vos données personnelles sont supprimées : votre lien personnel ne fonctionne plus.",
        )
        return redirect("meetings:detail", slug=registration.meeting.slug)
    meeting = registration.meeting
    context = {
        "title": f"Supprimer vos données — {meeting.title}",
        "registration": registration,
        "meeting": meeting,
        "will_cancel": registration.status in ACTIVE_STATUSES and not meeting.is_past,
    }
    return render(request, "meetings/registration_delete.html", context)


@login_not_required
@require_http_methods(["GET", "POST"])
def satisfaction(request, token):
    registration = _registration(token)
    try:
        services.check_satisfaction_open(registration)
    except DomainError as error:
        closed_reason = error.message
        form = None
    else:
        closed_reason = ""
        form = SatisfactionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.record_satisfaction(registration=registration, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Merci ! Votre réponse est enregistrée.")
                return redirect(registration)
    context = {
        "title": f"Questionnaire de satisfaction — {registration.meeting.title}",
        "registration": registration,
        "meeting": registration.meeting,
        "form": form,
        "closed_reason": closed_reason,
    }
    return render(request, "meetings/satisfaction.html", context)
