import datetime
import re

import icalendar
import pytest
from django.core import mail

from clauses.meetings import emails
from clauses.meetings.enums import RegistrationStatus

from .factories import DocumentFactory, MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def attachment(message, content_type):
    for part in message.attachments:
        if hasattr(part, "get_content_type"):
            if part.get_content_type() == content_type:
                return part.get_payload(decode=True)
        elif part[2].startswith(content_type):
            return part[1]
    return None


def test_confirmation_has_text_html_personal_link_and_calendar(settings):
    settings.SITE_URL = "https://clauses.example.fr"
    registration = RegistrationFactory(first_name="Awa")

    emails.send_registration_received(registration)

    message = mail.outbox[0]
    html = message.alternatives[0][0]
    link = f"https://clauses.example.fr/rencontres/inscription/{registration.token}/"
    assert message.subject == f"Inscription confirmée : {registration.meeting.title}"
    assert "Bonjour Awa" in message.body and link in message.body
    assert link in html and 'src="cid:qr-pointage"' in html
    ics = attachment(message, "text/calendar")
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == registration.meeting.title
    assert event["DTSTART"].dt == registration.meeting.starts_at
    assert event["DTEND"].dt == registration.meeting.ends_at
    assert event["DTSTART"].dt.utcoffset() == datetime.timedelta(0)
    assert re.search(r"DTSTART:\d{8}T\d{6}Z", ics)
    assert "Saint-Ouen-sur-Seine" in str(event["LOCATION"])
    assert (
        str(event["URL"]) == f"https://clauses.example.fr/rencontres/{registration.meeting.slug}/"
    )
    assert str(event["UID"]).startswith(f"rencontre-{registration.meeting.pk}-")
    assert link in str(event["DESCRIPTION"])


def test_confirmation_qr_code_encodes_the_staff_check_in_page(settings):
    settings.SITE_URL = "https://clauses.example.fr"
    registration = RegistrationFactory()

    emails.send_registration_received(registration)

    png = attachment(mail.outbox[0], "image/png")
    check_in = emails.check_in_url(registration)
    assert png.startswith(b"\x89PNG")
    assert png == emails.qr_png(check_in)
    assert check_in == (
        f"https://clauses.example.fr/espace/rencontres/{registration.meeting.pk}/pointage/"
        f"{registration.token}/"
    )


def test_waiting_list_email_gives_the_position():
    meeting = MeetingFactory(capacity=1)
    RegistrationFactory(meeting=meeting)
    RegistrationFactory(meeting=meeting, status=RegistrationStatus.WAITING)
    registration = RegistrationFactory(meeting=meeting, status=RegistrationStatus.WAITING)

    emails.send_registration_received(registration)

    message = mail.outbox[0]
    assert message.subject.startswith("Liste d'attente")
    assert "en position 2" in message.body
    assert attachment(message, "text/calendar") is None


def test_pending_email_says_the_organiser_decides():
    registration = RegistrationFactory(status=RegistrationStatus.PENDING)

    emails.send_registration_received(registration)

    assert "validées par l'organisateur" in mail.outbox[0].body


def test_promotion_email_says_a_place_was_freed_with_calendar():
    registration = RegistrationFactory()

    emails.send_promoted(registration)

    message = mail.outbox[0]
    assert message.subject.startswith("Une place s'est libérée")
    assert "une place s'est libérée" in message.body
    assert attachment(message, "text/calendar")


def test_refusal_email_gives_the_reason():
    registration = RegistrationFactory(status=RegistrationStatus.REFUSED)

    emails.send_decision(registration, reason="Rencontre réservée aux bailleurs")

    assert "Motif : Rencontre réservée aux bailleurs" in mail.outbox[0].body


def test_cancellation_email():
    registration = RegistrationFactory(status=RegistrationStatus.CANCELLED)

    emails.send_cancelled(registration)

    assert "est annulée" in mail.outbox[0].body


def test_followup_email_links_documents_and_questionnaire(settings):
    settings.SITE_URL = "https://clauses.example.fr"
    meeting = MeetingFactory(past=True)
    document = DocumentFactory(meeting=meeting)
    registration = RegistrationFactory(meeting=meeting)

    emails.send_followup(registration)

    body = mail.outbox[0].body
    assert f"https://clauses.example.fr{document.file.url}" in body
    assert (
        f"https://clauses.example.fr/rencontres/inscription/{registration.token}/satisfaction/"
        in body
    )
