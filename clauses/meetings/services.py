"""Registrations: every write goes through here, atomic, locked where places are at stake.

The meeting row is locked (``select_for_update``) before places are counted, so concurrent
registrations can never overbook: on PostgreSQL the lock serialises them; on SQLite the
``IMMEDIATE`` transactions of our settings do the same.
"""

from django.db import transaction
from django.utils import timezone

from clauses.core import audit
from clauses.core.exceptions import DomainError

from . import emails
from .enums import RegistrationMode, RegistrationStatus
from .models import Meeting, Registration

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
    audit.log(
        actor="lien personnel",
        action="meetings.registration_updated",
        obj=registration,
        object_repr=_repr(registration),
        changes=dict.fromkeys(changes, "modifié"),
    )
    return registration


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
def cancel_registration(*, registration, actor=None, now=None):
    """Cancel (by the person or an organiser); a freed place goes to the waiting list."""
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
