"""The registration services' rules: places, waiting list order, promotion, approval,
capacity; and the back-office services (meetings, programme, documents)."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from clauses.core.exceptions import DomainError
from clauses.core.models import AuditEntry
from clauses.directory.enums import ActorFamily
from clauses.meetings import services
from clauses.meetings.enums import RegistrationMode, RegistrationStatus
from clauses.meetings.models import Meeting
from tests.factories import DepartementFactory, MembershipFactory, RegionFactory

from .factories import EditionFactory, MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _data(n, **extra):
    return {
        "first_name": f"Prénom{n}",
        "last_name": f"Nom{n}",
        "email": f"personne{n}@example.org",
        "organisation_name": "Mission locale",
        "actor_family": ActorFamily.PUBLIC_EMPLOYMENT,
        **extra,
    }


def _register(meeting, n, **extra):
    return services.register(meeting=meeting, data=_data(n, **extra))


@pytest.fixture
def organiser():
    return MembershipFactory().user


def test_registrations_are_confirmed_while_places_remain():
    meeting = MeetingFactory(capacity=2)
    assert [_register(meeting, n).status for n in range(2)] == [RegistrationStatus.CONFIRMED] * 2


def test_registration_beyond_capacity_goes_to_the_waiting_list():
    meeting = MeetingFactory(capacity=1)
    _register(meeting, 1)
    assert _register(meeting, 2).status == RegistrationStatus.WAITING


def test_waiting_list_is_first_come_first_served():
    meeting = MeetingFactory(capacity=1)
    _register(meeting, 0)
    waiting = [_register(meeting, n) for n in range(1, 4)]
    assert list(meeting.registrations.waiting()) == waiting
    assert [services.waiting_position(r) for r in waiting] == [1, 2, 3]


def test_cancelling_a_confirmed_registration_promotes_the_first_waiting():
    meeting = MeetingFactory(capacity=1)
    first = _register(meeting, 1)
    second, third = _register(meeting, 2), _register(meeting, 3)
    promoted = services.cancel_registration(registration=first)
    assert promoted == [second]
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING,
    )
    assert second.promoted_at is not None


def test_cancelling_a_waiting_registration_promotes_nobody():
    meeting = MeetingFactory(capacity=1)
    _register(meeting, 1)
    waiting = _register(meeting, 2)
    assert services.cancel_registration(registration=waiting) == []


def test_cancelling_twice_is_refused():
    registration = _register(MeetingFactory(), 1)
    services.cancel_registration(registration=registration)
    with pytest.raises(DomainError, match="déjà annulée"):
        services.cancel_registration(registration=registration)


def test_the_same_email_cannot_register_twice():
    meeting = MeetingFactory()
    _register(meeting, 1)
    with pytest.raises(DomainError) as error:
        services.register(meeting=meeting, data=_data(2, email="PERSONNE1@example.org"))
    assert error.value.field == "email"


def test_registration_after_closing_is_refused_with_the_date():
    meeting = MeetingFactory(registration_closes_at=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(DomainError, match="closes depuis le"):
        _register(meeting, 1)


def test_registration_on_a_past_meeting_is_refused():
    with pytest.raises(DomainError, match="a eu lieu"):
        _register(MeetingFactory(past=True), 1)


def test_moderated_meeting_registrations_wait_for_approval(organiser):
    meeting = MeetingFactory(mode=RegistrationMode.APPROVAL, capacity=1)
    registration = _register(meeting, 1)
    assert registration.status == RegistrationStatus.PENDING
    services.approve_registration(registration=registration, actor=organiser)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.decided_at is not None


def test_approval_of_a_full_meeting_puts_on_the_waiting_list(organiser):
    meeting = MeetingFactory(mode=RegistrationMode.APPROVAL, capacity=1)
    RegistrationFactory(meeting=meeting)
    registration = _register(meeting, 1)
    services.approve_registration(registration=registration, actor=organiser)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.WAITING


def test_only_pending_registrations_can_be_approved(organiser):
    registration = RegistrationFactory()
    with pytest.raises(DomainError, match="en attente de validation"):
        services.approve_registration(registration=registration, actor=organiser)


def test_refusal_keeps_the_reason_in_the_audit_log(organiser):
    meeting = MeetingFactory(mode=RegistrationMode.APPROVAL)
    registration = _register(meeting, 1)
    services.refuse_registration(registration=registration, actor=organiser, reason="Hors public")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REFUSED
    entry = AuditEntry.objects.get(action="meetings.refused")
    assert entry.changes == {"motif": "Hors public"}
    assert "Nom1" not in entry.object_repr  # no name in the audit log


def test_more_places_promote_the_waiting_list_in_order(organiser):
    meeting = MeetingFactory(capacity=1)
    _register(meeting, 0)
    waiting = [_register(meeting, n) for n in range(1, 4)]
    promoted = services.set_capacity(meeting=meeting, capacity=3, actor=organiser)
    assert promoted == waiting[:2]
    assert list(meeting.registrations.waiting()) == waiting[2:]


def test_capacity_cannot_drop_below_the_confirmed(organiser):
    meeting = MeetingFactory(capacity=3)
    for n in range(3):
        _register(meeting, n)
    with pytest.raises(DomainError) as error:
        services.set_capacity(meeting=meeting, capacity=2, actor=organiser)
    assert error.value.field == "capacity"
    meeting.refresh_from_db()
    assert meeting.capacity == 3


def test_check_in_is_idempotent_and_audited_once(organiser):
    registration = RegistrationFactory()
    first = services.check_in(registration=registration, actor=organiser).checked_in_at
    again = services.check_in(registration=registration, actor=organiser).checked_in_at
    assert first == again
    assert AuditEntry.objects.filter(action="meetings.checked_in").count() == 1


def test_only_confirmed_registrations_can_be_checked_in(organiser):
    registration = RegistrationFactory(status=RegistrationStatus.WAITING)
    with pytest.raises(DomainError, match="liste d'attente"):
        services.check_in(registration=registration, actor=organiser)


def test_undo_check_in(organiser):
    registration = RegistrationFactory(checked_in_at=timezone.now())
    services.undo_check_in(registration=registration, actor=organiser)
    registration.refresh_from_db()
    assert registration.checked_in_at is None


# --- Back-office services -------------------------------------------------------------


def _meeting_data(organiser_org, **extra):
    region = RegionFactory()
    starts = (timezone.now() + datetime.timedelta(days=30)).replace(microsecond=0)
    return {
        "organiser": organiser_org,
        "edition": EditionFactory(),
        "title": "Rencontre d'Île-de-France",
        "summary": "",
        "region": region,
        "departement": DepartementFactory(region=region),
        "venue_name": "Hôtel de région",
        "venue_address": "2 rue Simone-Veil",
        "venue_postal_code": "93400",
        "venue_city": "Saint-Ouen-sur-Seine",
        "access_info": "",
        "accessibility_info": "",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=7),
        "capacity": 80,
        "registration_opens_at": timezone.now(),
        "registration_closes_at": starts - datetime.timedelta(days=1),
        "mode": RegistrationMode.OPEN,
        "invitation_code": "",
        "target_families": [ActorFamily.FACILITATOR],
        "retention_days": 365,
        **extra,
    }


def test_create_meeting_is_unpublished_with_a_unique_slug(organiser):
    org = organiser.active_memberships[0].organisation
    first = services.create_meeting(actor=organiser, data=_meeting_data(org))
    second = services.create_meeting(actor=organiser, data=_meeting_data(org))
    assert not first.is_published
    assert first.slug == "rencontre-dile-de-france"
    assert second.slug == "rencontre-dile-de-france-2"
    assert AuditEntry.objects.filter(action="meetings.meeting_created").count() == 2


def test_create_meeting_refuses_registrations_closing_after_the_meeting(organiser):
    org = organiser.active_memberships[0].organisation
    data = _meeting_data(org)
    data["registration_closes_at"] = data["ends_at"] + datetime.timedelta(hours=1)
    with pytest.raises(DomainError) as error:
        services.create_meeting(actor=organiser, data=data)
    assert error.value.field == "registration_closes_at"


def test_invitation_meeting_needs_a_code(organiser):
    org = organiser.active_memberships[0].organisation
    with pytest.raises(DomainError) as error:
        services.create_meeting(
            actor=organiser, data=_meeting_data(org, mode=RegistrationMode.INVITATION)
        )
    assert error.value.field == "invitation_code"


def test_departement_must_be_in_the_region(organiser):
    org = organiser.active_memberships[0].organisation
    other = DepartementFactory(code="31", region=RegionFactory(code="76", name="Occitanie"))
    with pytest.raises(DomainError) as error:
        services.create_meeting(actor=organiser, data=_meeting_data(org, departement=other))
    assert error.value.field == "departement"


def test_update_meeting_changes_capacity_through_set_capacity(organiser):
    meeting = MeetingFactory(capacity=1)
    _register(meeting, 0)
    waiting = _register(meeting, 1)
    data = {field: getattr(meeting, field) for field in services.MEETING_FIELDS}
    data["capacity"] = 2
    data["title"] = "Nouveau titre"
    services.update_meeting(meeting=meeting, actor=organiser, data=data)
    meeting.refresh_from_db()
    waiting.refresh_from_db()
    assert (meeting.capacity, meeting.title) == (2, "Nouveau titre")
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert AuditEntry.objects.filter(action="meetings.capacity_changed").exists()


def test_set_published_is_audited_once(organiser):
    meeting = MeetingFactory(is_published=False)
    services.set_published(meeting=meeting, actor=organiser, published=True)
    services.set_published(meeting=meeting, actor=organiser, published=True)
    assert Meeting.objects.get(pk=meeting.pk).is_published
    assert AuditEntry.objects.filter(action="meetings.published").count() == 1


def test_documents_are_published_after_the_meeting_only(organiser):
    meeting = MeetingFactory()
    with pytest.raises(DomainError, match="après la rencontre"):
        services.add_document(
            meeting=meeting,
            actor=organiser,
            title="Diaporama",
            kind="diaporama",
            file=ContentFile(b"%PDF-1.4", name="diaporama.pdf"),
        )


def test_document_of_a_past_meeting_is_added_and_deleted(organiser):
    meeting = MeetingFactory(past=True)
    document = services.add_document(
        meeting=meeting,
        actor=organiser,
        title="Synthèse",
        kind="synthese",
        file=ContentFile(b"%PDF-1.4", name="synthese.pdf"),
    )
    assert meeting.documents.get() == document
    services.delete_document(document=document, actor=organiser)
    assert not meeting.documents.exists()
