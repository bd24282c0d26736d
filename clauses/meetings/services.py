"""Registrations: every write goes through here, atomic, locked where places are at stake.

The meeting row is locked (``select_for_update``) before places are counted, so concurrent
registrations can never overbook: on PostgreSQL the lock serialises them; on SQLite the
``IMMEDIATE`` transactions of our settings do the same.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from clauses.core import audit
from clauses.core.exceptions import DomainError
from clauses.directory.enums import Visibility
from clauses.directory.models import Contact
from clauses.directory.services import remove_contact

from . import emails
from .enums import ACTIVE_STATUSES, RegistrationMode, RegistrationStatus
from .models import Meeting, Registration, SatisfactionResponse

REGISTRATION_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "organisation_name",
    "function",
    "actor_family",
    "region",
    "accessibility_needs",
    "visibility",
    "directory_opt_in",
]


def _locked(meeting):
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _repr(registration):
    # No name in the audit log: it outlives the personal-data retention period.
    return f"Inscription n° {registration.pk} — {registration.meeting}"


def check_registration_open(meeting, *, invitation_code="", now=None):
    """Raise DomainError, with the reason in French, unless one can register now."""
    now = now or timezone.now()
    if not meeting.is_published:
        raise DomainError("Cette rencontre n'est pas publiée.")
    if meeting.ends_at < now:
        raise DomainError(
            f"Cette rencontre a eu lieu le {timezone.localtime(meeting.starts_at):%d/%m/%Y} : "
            "les inscriptions sont fermées."
        )
    if now < meeting.registration_opens_at:
        raise DomainError(
            "Les inscriptions ouvriront le "
            f"{timezone.localtime(meeting.registration_opens_at):%d/%m/%Y à %H:%M}."
        )
    if now > meeting.registration_closes_at:
        raise DomainError(
            "Les inscriptions sont closes depuis le "
            f"{timezone.localtime(meeting.registration_closes_at):%d/%m/%Y à %H:%M}."
        )
    if meeting.mode == RegistrationMode.INVITATION and (
        not meeting.invitation_code or invitation_code != meeting.invitation_code
    ):
        raise DomainError(
            "Cette rencontre est sur invitation : utilisez le lien d'inscription reçu "
            "dans votre invitation.",
            field="invitation_code",
        )


def _place_status(meeting):
    confirmed = meeting.registrations.confirmed().count()
    return (
        RegistrationStatus.CONFIRMED if confirmed < meeting.capacity else RegistrationStatus.WAITING
    )


@transaction.atomic
def register(*, meeting, data, answers=None, invitation_code="", now=None):
    """Register someone for ``meeting``: confirmed while places remain, then waiting list;
    pending approval for moderated meetings. ``data`` holds REGISTRATION_FIELDS."""
    meeting = _locked(meeting)
    check_registration_open(meeting, invitation_code=invitation_code, now=now)
    email = (data.get("email") or "").strip().lower()
    if not email:
        raise DomainError("L'adresse e-mail est obligatoire.", field="email")
    if meeting.registrations.active().filter(email=email).exists():
        raise DomainError(
            "Cette adresse e-mail est déjà inscrite à la rencontre : retrouvez votre "
            "inscription grâce au lien personnel reçu par e-mail.",
            field="email",
        )
    if meeting.mode == RegistrationMode.APPROVAL:
        status = RegistrationStatus.PENDING
    else:
        status = _place_status(meeting)
    values = {field: data.get(field) for field in REGISTRATION_FIELDS if field in data}
    values["email"] = email
    registration = Registration.objects.create(
        meeting=meeting,
        status=status,
        answers=answers or {},
        consent_at=now or timezone.now(),
        **values,
    )
    audit.log(
        actor="inscription en ligne",
        action="meetings.registered",
        obj=registration,
        object_repr=_repr(registration),
        changes={"statut": status},
    )
    if registration.directory_opt_in:
        from clauses.directory.services import record_registration

        record_registration(registration=registration)
    transaction.on_commit(lambda: emails.send_registration_received(registration))
    return registration


@transaction.atomic
def update_registration(*, registration, data, answers=None):
    """The person edits their registration through their personal link."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status not in (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING,
        RegistrationStatus.PENDING,
    ):
        raise DomainError("Cette inscription n'est plus modifiable.")
    if registration.meeting.is_past:
        raise DomainError("La rencontre a eu lieu : l'inscription n'est plus modifiable.")
    changes = audit.diff(registration, [f for f in REGISTRATION_FIELDS if f != "email"], data)
    for field in REGISTRATION_FIELDS:
        if field in data and field != "email":
            setattr(registration, field, data[field])
    if answers is not None:
        registration.answers = answers
    registration.save()
    _sync_directory(registration)
    audit.log(
        actor="lien personnel",
        action="meetings.registration_updated",
        obj=registration,
        object_repr=_repr(registration),
        changes=dict.fromkeys(changes, "modifié"),
    )
    return registration


def _sync_directory(registration):
    """Keep the directory in step with the person's latest choice: opting in (or changing
    their visibility) updates their contact; opting out removes a contact that existed only
    through their registrations."""
    from clauses.directory.services import record_registration

    if registration.directory_opt_in:
        record_registration(registration=registration)
    elif registration.contact_id:
        for contact in _contacts_only_from([registration]):
            remove_contact(contact=contact, actor="lien personnel")
        registration.contact = None
        registration.save(update_fields=["contact", "updated_at"])


def _promote_waiting(meeting, *, now):
    """Fill free places from the waiting list, first come first served."""
    free = meeting.capacity - meeting.registrations.confirmed().count()
    promoted = []
    if free <= 0:
        return promoted
    for registration in meeting.registrations.waiting()[:free]:
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at", "updated_at"])
        audit.log(
            actor="liste d'attente",
            action="meetings.promoted",
            obj=registration,
            object_repr=_repr(registration),
        )
        promoted.append(registration)
    for registration in promoted:
        transaction.on_commit(lambda r=registration: emails.send_promoted(r))
    return promoted


@transaction.atomic
def cancel_registration(*, registration, actor=None, now=None, notify=True):
    """Cancel (by the person or an organiser); a freed place goes to the waiting list.
    ``notify=False`` skips the cancellation e-mail (the person is deleting their data)."""
    now = now or timezone.now()
    meeting = _locked(registration.meeting)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.REFUSED):
        raise DomainError("Cette inscription est déjà annulée.")
    if meeting.is_past:
        raise DomainError("La rencontre a eu lieu : l'inscription ne peut plus être annulée.")
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit.log(
        actor=actor or "lien personnel",
        action="meetings.cancelled",
        obj=registration,
        object_repr=_repr(registration),
    )
    if notify:
        transaction.on_commit(lambda: emails.send_cancelled(registration))
    return _promote_waiting(meeting, now=now)


@transaction.atomic
def approve_registration(*, registration, actor, now=None):
    """An organiser accepts a pending registration: a place if one is free, else waiting."""
    now = now or timezone.now()
    meeting = _locked(registration.meeting)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.PENDING:
        raise DomainError("Seule une inscription en attente de validation peut être validée.")
    registration.status = _place_status(meeting)
    registration.decided_at = now
    registration.save(update_fields=["status", "decided_at", "updated_at"])
    audit.log(
        actor=actor,
        action="meetings.approved",
        obj=registration,
        object_repr=_repr(registration),
        changes={"statut": registration.status},
    )
    transaction.on_commit(lambda: emails.send_decision(registration))
    return registration


@transaction.atomic
def refuse_registration(*, registration, actor, reason="", now=None):
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.PENDING:
        raise DomainError("Seule une inscription en attente de validation peut être refusée.")
    registration.status = RegistrationStatus.REFUSED
    registration.decided_at = now or timezone.now()
    registration.save(update_fields=["status", "decided_at", "updated_at"])
    audit.log(
        actor=actor,
        action="meetings.refused",
        obj=registration,
        object_repr=_repr(registration),
        changes={"motif": reason} if reason else {},
    )
    transaction.on_commit(lambda: emails.send_decision(registration, reason=reason))
    return registration


@transaction.atomic
def set_capacity(*, meeting, capacity, actor, now=None):
    """Change the number of places; more places promote people from the waiting list."""
    meeting = _locked(meeting)
    confirmed = meeting.registrations.confirmed().count()
    if capacity < confirmed:
        raise DomainError(
            f"{confirmed} personnes sont déjà confirmées : la jauge ne peut pas descendre "
            "en dessous.",
            field="capacity",
        )
    changes = {"capacity": [meeting.capacity, capacity]}
    meeting.capacity = capacity
    meeting.save(update_fields=["capacity", "updated_at"])
    audit.log(actor=actor, action="meetings.capacity_changed", obj=meeting, changes=changes)
    return _promote_waiting(meeting, now=now or timezone.now())


@transaction.atomic
def check_in(*, registration, actor, now=None):
    """Record that a confirmed person is present (idempotent)."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise DomainError(
            f"Inscription {registration.get_status_display().lower()} : "
            "seule une inscription confirmée peut être pointée."
        )
    if registration.checked_in_at is None:
        registration.checked_in_at = now or timezone.now()
        registration.save(update_fields=["checked_in_at", "updated_at"])
        audit.log(
            actor=actor,
            action="meetings.checked_in",
            obj=registration,
            object_repr=_repr(registration),
        )
    return registration


@transaction.atomic
def undo_check_in(*, registration, actor):
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.checked_in_at is not None:
        registration.checked_in_at = None
        registration.save(update_fields=["checked_in_at", "updated_at"])
        audit.log(
            actor=actor,
            action="meetings.check_in_undone",
            obj=registration,
            object_repr=_repr(registration),
        )
    return registration


# --- Reads used by the public pages and the e-mails -------------------------------------


def waiting_position(registration):
    """1-based rank of a waiting registration on its meeting's waiting list, else None."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = (
        registration.meeting.registrations.waiting()
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, pk__lt=registration.pk)
        )
        .count()
    )
    return ahead + 1


# --- Personal data ------------------------------------------------------------------------

ANONYMOUS_NAME = "Personne anonymisée"


def _anonymise(registration, *, now):
    """Drop the identity of ``registration`` but keep what the counts need (status, actor
    family, region, presence). The personal link stops working."""
    registration.first_name = ANONYMOUS_NAME
    registration.last_name = ""
    # Unique per meeting among active registrations, never deliverable (RFC 2606).
    registration.email = f"anonyme-{registration.pk}@anonyme.invalid"
    registration.function = ""
    registration.accessibility_needs = ""
    registration.answers = {}
    registration.visibility = Visibility.NOBODY
    registration.directory_opt_in = False
    registration.token = secrets.token_urlsafe(24)
    registration.anonymised_at = now
    registration.contact = None
    registration.save()
    SatisfactionResponse.objects.filter(registration=registration).update(comment="")


def _contacts_only_from(registrations):
    """Directory contacts that exist only because of these registrations: created from a
    registration (not before the first one) and linked to no registration still identified."""
    contacts = Contact.objects.filter(
        pk__in=[r.contact_id for r in registrations if r.contact_id]
    ).annotate(first_registration=Min("registrations__created_at"))
    pks = {r.pk for r in registrations}
    orphans = []
    for contact in contacts:
        others = contact.registrations.exclude(pk__in=pks).filter(anonymised_at__isnull=True)
        if others.exists():
            continue
        if contact.first_registration and contact.created_at < contact.first_registration:
            continue  # the structure declared this contact itself, with its own consent
        orphans.append(contact)
    return orphans


@transaction.atomic
def delete_personal_data(*, registration, now=None):
    """The person deletes their data through their personal link: an active registration to
    a meeting still to come is cancelled first (its place goes to the waiting list), then the
    registration is anonymised and a directory contact created from it is removed."""
    now = now or timezone.now()
    registration = Registration.objects.select_related("meeting").get(pk=registration.pk)
    if registration.anonymised_at is not None:
        raise DomainError("Les données de cette inscription ont déjà été supprimées.")
    if registration.status in ACTIVE_STATUSES and not registration.meeting.is_past:
        cancel_registration(registration=registration, now=now, notify=False)
        registration.refresh_from_db()
    contacts = _contacts_only_from([registration])
    _anonymise(registration, now=now)
    for contact in contacts:
        remove_contact(contact=contact, actor="lien personnel")
    audit.log(
        actor="lien personnel",
        action="meetings.personal_data_deleted",
        obj=registration,
        object_repr=_repr(registration),
        changes={"contacts supprimés": len(contacts)} if contacts else {},
    )
    return registration


def retention_expires_at(meeting):
    return meeting.ends_at + timedelta(days=meeting.retention_days)


@transaction.atomic
def purge_meeting_personal_data(*, meeting, now=None):
    """Anonymise every registration of ``meeting`` (idempotent); returns
    ``(registrations anonymised, contacts deleted)``."""
    now = now or timezone.now()
    registrations = list(meeting.registrations.filter(anonymised_at__isnull=True))
    contacts = _contacts_only_from(registrations)
    for registration in registrations:
        _anonymise(registration, now=now)
    for contact in contacts:
        remove_contact(contact=contact, actor="purge automatique")
    if meeting.personal_data_purged_at is None:
        meeting.personal_data_purged_at = now
        meeting.save(update_fields=["personal_data_purged_at", "updated_at"])
    if registrations or contacts:
        audit.log(
            actor="purge automatique",
            action="meetings.personal_data_purged",
            obj=meeting,
            changes={"inscriptions anonymisées": len(registrations), "contacts": len(contacts)},
        )
    return len(registrations), len(contacts)


def purge_expired_personal_data(*, now=None):
    """Anonymise the registrations of every meeting whose retention period is over.
    Returns ``(meetings, registrations, contacts)`` counts of this run."""
    now = now or timezone.now()
    totals = [0, 0, 0]
    candidates = (
        Meeting.objects.filter(ends_at__lt=now)
        .filter(
            Q(personal_data_purged_at__isnull=True) | Q(registrations__anonymised_at__isnull=True)
        )
        .distinct()
    )
    for meeting in candidates:
        if retention_expires_at(meeting) > now:
            continue
        registrations, contacts = purge_meeting_personal_data(meeting=meeting, now=now)
        totals[0] += 1
        totals[1] += registrations
        totals[2] += contacts
    return tuple(totals)


# --- Scheduled e-mails --------------------------------------------------------------------

FOLLOWUP_WINDOW = timedelta(days=30)


def _claim(registration, field, now):
    """Mark an e-mail as sent before sending it, so that two runs never both send it."""
    return Registration.objects.filter(pk=registration.pk, **{f"{field}__isnull": True}).update(
        **{field: now}
    )


def _send_claimed(registration, field, send):
    try:
        send()
    except Exception:
        Registration.objects.filter(pk=registration.pk).update(**{field: None})
        raise


def send_due_reminders(*, now=None):
    """Send the reminders due now to confirmed registrants (idempotent): the 7-day one when the
    meeting starts within 7 days, the 1-day one within a day (then the 7-day one is skipped).
    Returns ``{7: count, 1: count}``."""
    now = now or timezone.now()
    sent = {7: 0, 1: 0}
    registrations = (
        Registration.objects.confirmed()
        .filter(
            anonymised_at__isnull=True,
            meeting__is_published=True,
            meeting__starts_at__gt=now,
            meeting__starts_at__lte=now + timedelta(days=7),
        )
        .filter(Q(reminder_7d_sent_at__isnull=True) | Q(reminder_1d_sent_at__isnull=True))
        .select_related("meeting")
    )
    for registration in registrations:
        if registration.meeting.starts_at <= now + timedelta(days=1):
            if registration.reminder_1d_sent_at is None and _claim(
                registration, "reminder_1d_sent_at", now
            ):
                _claim(registration, "reminder_7d_sent_at", now)
                _send_claimed(
                    registration,
                    "reminder_1d_sent_at",
                    lambda r=registration: emails.send_reminder(r, days=1),
                )
                sent[1] += 1
        elif registration.reminder_7d_sent_at is None and _claim(
            registration, "reminder_7d_sent_at", now
        ):
            _send_claimed(
                registration,
                "reminder_7d_sent_at",
                lambda r=registration: emails.send_reminder(r, days=7),
            )
            sent[7] += 1
    return sent


def send_due_followups(*, now=None):
    """After a meeting (ended less than 30 days ago), send each confirmed registrant the
    documents and the satisfaction questionnaire, once. Returns the number sent."""
    now = now or timezone.now()
    meetings = Meeting.objects.published().filter(
        ends_at__lt=now, ends_at__gte=now - FOLLOWUP_WINDOW, personal_data_purged_at__isnull=True
    )
    sent = 0
    for meeting in meetings:
        registrations = meeting.registrations.confirmed().filter(
            followup_sent_at__isnull=True, anonymised_at__isnull=True
        )
        for registration in registrations.select_related("meeting"):
            if _claim(registration, "followup_sent_at", now):
                _send_claimed(
                    registration,
                    "followup_sent_at",
                    lambda r=registration: emails.send_followup(r),
                )
                sent += 1
        if meeting.followup_sent_at is None:
            Meeting.objects.filter(pk=meeting.pk).update(followup_sent_at=now)
    return sent


# --- Satisfaction questionnaire -----------------------------------------------------------


def check_satisfaction_open(registration, *, now=None):
    now = now or timezone.now()
    if registration.status != RegistrationStatus.CONFIRMED:
        raise DomainError("Le questionnaire est réservé aux personnes inscrites à la rencontre.")
    if registration.meeting.ends_at > now:
        raise DomainError("Le questionnaire de satisfaction ouvrira à la fin de la rencontre.")
    if SatisfactionResponse.objects.filter(registration=registration).exists():
        raise DomainError("Vous avez déjà répondu au questionnaire : merci !")


@transaction.atomic
def record_satisfaction(*, registration, rating, useful, new_contacts=0, comment="", now=None):
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    check_satisfaction_open(registration, now=now)
    response = SatisfactionResponse.objects.create(
        registration=registration,
        rating=rating,
        useful=useful,
        new_contacts=new_contacts,
        comment=comment,
    )
    audit.log(
        actor="lien personnel",
        action="meetings.satisfaction_recorded",
        obj=registration,
        object_repr=_repr(registration),
    )
    return response


# --- Back-office: meetings, programme, questions, documents -------------------------------

MEETING_FIELDS = [
    "organiser",
    "edition",
    "title",
    "summary",
    "region",
    "departement",
    "venue_name",
    "venue_address",
    "venue_postal_code",
    "venue_city",
    "access_info",
    "accessibility_info",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "mode",
    "invitation_code",
    "target_families",
    "retention_days",
]


def _check_meeting(values):
    if values["ends_at"] < values["starts_at"]:
        raise DomainError("La fin de la rencontre précède son début.", field="ends_at")
    if values["registration_closes_at"] < values["registration_opens_at"]:
        raise DomainError(
            "La clôture des inscriptions précède leur ouverture.", field="registration_closes_at"
        )
    if values["registration_closes_at"] > values["ends_at"]:
        raise DomainError(
            "Les inscriptions doivent être closes au plus tard à la fin de la rencontre.",
            field="registration_closes_at",
        )
    if values["mode"] == RegistrationMode.INVITATION and not values["invitation_code"]:
        raise DomainError(
            "Une rencontre sur invitation a besoin d'un code d'invitation.",
            field="invitation_code",
        )
    departement = values.get("departement")
    if departement is not None and departement.region_id != values["region"].pk:
        raise DomainError("Ce département n'est pas dans la région choisie.", field="departement")


def _unique_slug(title, *, exclude_pk=None):
    from django.utils.text import slugify

    base = slugify(title)[:100].strip("-") or "rencontre"
    slug, number = base, 1
    others = Meeting.objects.exclude(pk=exclude_pk)
    while others.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def create_meeting(*, actor, data):
    """Create an (unpublished) meeting from ``data`` holding MEETING_FIELDS."""
    values = {field: data.get(field) for field in MEETING_FIELDS}
    values["invitation_code"] = values["invitation_code"] or ""
    values["target_families"] = list(values["target_families"] or [])
    for field in ("summary", "access_info", "accessibility_info"):
        values[field] = values[field] or ""
    _check_meeting(values)
    meeting = Meeting.objects.create(slug=_unique_slug(values["title"]), **values)
    audit.log(actor=actor, action="meetings.meeting_created", obj=meeting)
    return meeting


@transaction.atomic
def update_meeting(*, meeting, actor, data):
    """Change a meeting's fields; a new capacity goes through ``set_capacity`` (it may
    promote people from the waiting list, and cannot drop below the confirmed count)."""
    meeting = _locked(meeting)
    fields = [f for f in MEETING_FIELDS if f in data and f not in ("capacity", "organiser")]
    values = {field: getattr(meeting, field) for field in MEETING_FIELDS}
    values.update({field: data[field] for field in fields})
    values["invitation_code"] = values["invitation_code"] or ""
    values["target_families"] = list(values["target_families"] or [])
    _check_meeting(values)
    changes = audit.diff(meeting, fields, values)
    for field in fields:
        setattr(meeting, field, values[field])
    meeting.save()
    if changes:
        audit.log(
            actor=actor,
            action="meetings.meeting_updated",
            obj=meeting,
            changes=dict.fromkeys(changes, "modifié"),
        )
    if "capacity" in data and data["capacity"] != meeting.capacity:
        set_capacity(meeting=meeting, capacity=data["capacity"], actor=actor)
        meeting.refresh_from_db()
    return meeting


@transaction.atomic
def set_published(*, meeting, actor, published):
    meeting = _locked(meeting)
    if meeting.is_published != published:
        meeting.is_published = published
        meeting.save(update_fields=["is_published", "updated_at"])
        audit.log(
            actor=actor,
            action="meetings.published" if published else "meetings.unpublished",
            obj=meeting,
        )
    return meeting


# What ``save_meeting_items`` may save, with its audit action.
ITEM_ACTIONS = {
    "programme": "meetings.programme_changed",
    "questions": "meetings.questions_changed",
    "practices": "meetings.practices_changed",
}


@transaction.atomic
def save_meeting_items(*, meeting, actor, formset, kind):
    """Save a valid inline formset of the meeting's programme slots, questions or presented
    practices (the form classes carry the per-item rules), audited as one change."""
    if kind not in ITEM_ACTIONS:
        raise ValueError(kind)
    if formset.instance.pk != meeting.pk:
        raise ValueError("formset of another meeting")
    _locked(meeting)
    saved = formset.save()
    counts = {
        "ajoutés": len(formset.new_objects),
        "modifiés": len(formset.changed_objects),
        "supprimés": len(formset.deleted_objects),
    }
    if any(counts.values()):
        audit.log(
            actor=actor,
            action=ITEM_ACTIONS[kind],
            obj=meeting,
            changes={key: value for key, value in counts.items() if value},
        )
    return saved


@transaction.atomic
def add_document(*, meeting, actor, title, kind, file, now=None):
    """Publish a document (slides, summary) once the meeting has taken place."""
    from .models import MeetingDocument

    now = now or timezone.now()
    if meeting.ends_at > now:
        raise DomainError(
            "Les documents se publient après la rencontre, pour les participants.",
            field="file",
        )
    document = MeetingDocument.objects.create(
        meeting=meeting, title=title, kind=kind, file=file, published_at=now
    )
    audit.log(
        actor=actor,
        action="meetings.document_added",
        obj=meeting,
        changes={"document": title},
    )
    return document


@transaction.atomic
def delete_document(*, document, actor):
    meeting = document.meeting
    title = document.title
    document.file.delete(save=False)
    document.delete()
    audit.log(
        actor=actor,
        action="meetings.document_deleted",
        obj=meeting,
        changes={"document": title},
    )
