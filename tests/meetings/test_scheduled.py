import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from clauses.directory.enums import ActorFamily, StructureSource
from clauses.directory.models import Contact, Structure
from clauses.meetings import services
from clauses.meetings.enums import RegistrationStatus
from clauses.meetings.models import Registration
from tests.factories import RegionFactory

from .factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def in_days(days):
    start = timezone.now() + datetime.timedelta(days=days)
    return {
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=6),
        "registration_opens_at": start - datetime.timedelta(days=60),
        "registration_closes_at": start - datetime.timedelta(days=1),
    }


def test_seven_day_reminder_goes_to_confirmed_registrants_once():
    meeting = MeetingFactory(**in_days(6))
    confirmed = RegistrationFactory(meeting=meeting)
    RegistrationFactory(meeting=meeting, status=RegistrationStatus.WAITING)
    RegistrationFactory(meeting=meeting, status=RegistrationStatus.CANCELLED)

    call_command("send_meeting_reminders", stdout=None)
    call_command("send_meeting_reminders", stdout=None)

    assert [m.to for m in mail.outbox] == [[confirmed.email]]
    assert "dans une semaine" in mail.outbox[0].subject
    confirmed.refresh_from_db()
    assert confirmed.reminder_7d_sent_at is not None and confirmed.reminder_1d_sent_at is None


def test_one_day_reminder_follows_the_seven_day_one():
    meeting = MeetingFactory(**in_days(6))
    registration = RegistrationFactory(meeting=meeting)
    services.send_due_reminders()

    sent = services.send_due_reminders(now=meeting.starts_at - datetime.timedelta(hours=20))
    again = services.send_due_reminders(now=meeting.starts_at - datetime.timedelta(hours=10))

    assert sent == {7: 0, 1: 1} and again == {7: 0, 1: 0}
    assert "demain" in mail.outbox[-1].subject
    registration.refresh_from_db()
    assert registration.reminder_1d_sent_at is not None


def test_no_reminder_for_meetings_further_away_or_started():
    RegistrationFactory(meeting=MeetingFactory(**in_days(10)))
    RegistrationFactory(meeting=MeetingFactory(**in_days(-0.1)))

    assert services.send_due_reminders() == {7: 0, 1: 0}
    assert mail.outbox == []


def test_followup_is_sent_once_after_the_meeting():
    meeting = MeetingFactory(**in_days(-2))
    registration = RegistrationFactory(meeting=meeting)
    RegistrationFactory(meeting=meeting, status=RegistrationStatus.CANCELLED)
    RegistrationFactory(meeting=MeetingFactory(**in_days(3)))

    call_command("send_meeting_followups", stdout=None)
    call_command("send_meeting_followups", stdout=None)

    assert [m.to for m in mail.outbox] == [[registration.email]]
    assert "Merci de votre participation" in mail.outbox[0].subject
    meeting.refresh_from_db()
    assert meeting.followup_sent_at is not None


def test_followup_is_not_sent_for_old_meetings():
    RegistrationFactory(meeting=MeetingFactory(**in_days(-90)))

    assert services.send_due_followups() == 0


def contact_for(registration, *, created_before=False):
    structure = Structure.objects.create(
        name=registration.organisation_name,
        family=ActorFamily.PUBLIC_EMPLOYMENT,
        region=RegionFactory(),
        source=StructureSource.values[0],
    )
    contact = Contact.objects.create(
        structure=structure,
        first_name=registration.first_name,
        last_name=registration.last_name,
        email=registration.email,
        consent_at=timezone.now(),
    )
    if created_before:
        Contact.objects.filter(pk=contact.pk).update(
            created_at=registration.created_at - datetime.timedelta(days=30)
        )
    registration.contact = contact
    registration.save()
    return contact


def test_purge_anonymises_after_the_retention_period_and_is_idempotent():
    expired = MeetingFactory(retention_days=30, **in_days(-40))
    kept = MeetingFactory(retention_days=365, **in_days(-40))
    gone = RegistrationFactory(meeting=expired, last_name="Diallo", answers={"1": "oui"})
    RegistrationFactory(meeting=kept, last_name="Martin")

    call_command("purge_expired_personal_data", stdout=None)
    first_run = gone.__class__.objects.get(pk=gone.pk)
    assert services.purge_expired_personal_data() == (0, 0, 0)

    assert first_run.anonymised_at is not None
    assert first_run.last_name == "" and first_run.answers == {}
    assert first_run.status == RegistrationStatus.CONFIRMED  # the counts stay right
    assert first_run.actor_family == ActorFamily.PUBLIC_EMPLOYMENT
    assert Registration.objects.get(last_name="Martin").anonymised_at is None
    expired.refresh_from_db()
    assert expired.personal_data_purged_at is not None


def test_purge_deletes_directory_contacts_that_came_only_from_the_registration():
    meeting = MeetingFactory(retention_days=1, **in_days(-5))
    from_registration = contact_for(RegistrationFactory(meeting=meeting))
    declared_before = contact_for(RegistrationFactory(meeting=meeting), created_before=True)

    meetings, registrations, contacts = services.purge_expired_personal_data()

    assert (meetings, registrations, contacts) == (1, 2, 1)
    assert not Contact.objects.filter(pk=from_registration.pk).exists()
    assert Contact.objects.filter(pk=declared_before.pk).exists()


def test_contact_still_linked_to_a_live_registration_is_kept():
    old = MeetingFactory(retention_days=1, **in_days(-5))
    contact = contact_for(RegistrationFactory(meeting=old))
    RegistrationFactory(meeting=MeetingFactory(), contact=contact)

    services.purge_expired_personal_data()

    assert Contact.objects.filter(pk=contact.pk).exists()


def test_person_deleting_data_removes_the_contact_from_the_registration():
    registration = RegistrationFactory()
    contact = contact_for(registration)

    services.delete_personal_data(registration=registration)

    assert not Contact.objects.filter(pk=contact.pk).exists()
