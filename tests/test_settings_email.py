"""E-mail: the settings choose SMTP or the console, and messages survive a real SMTP trip."""

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from tests.factories import UserFactory
from tests.support.settings import PRODUCTION_SECRET_KEY, read_settings

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
ICS = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//Clauses//Rencontres//FR\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:rencontre-1@clauses.local\r\n"
    "DTSTAMP:20260301T090000Z\r\n"
    "DTSTART:20260312T080000Z\r\n"
    "SUMMARY:Rencontre régionale de la clause sociale\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


@pytest.mark.parametrize("module", ["config.settings.base", "config.settings.dev"])
def test_settings_use_smtp_when_email_host_is_set(module):
    values = read_settings(
        module,
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        DJANGO_SECRET_KEY=PRODUCTION_SECRET_KEY,
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="587",
    )

    assert values == {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
    }


@pytest.mark.parametrize("module", ["config.settings.base", "config.settings.dev"])
def test_settings_use_the_console_without_email_host(module):
    values = read_settings(module, "EMAIL_BACKEND", DJANGO_SECRET_KEY=PRODUCTION_SECRET_KEY)

    assert values == {"EMAIL_BACKEND": CONSOLE_BACKEND}


def test_message_goes_through_real_smtp(smtp_backend):
    sent = mail.send_mail(
        "Bienvenue sur Clauses",
        "Votre compte est prêt.",
        None,
        ["facilitatrice@example.org"],
    )

    assert sent == 1
    [message] = smtp_backend.messages
    assert message["Subject"] == "Bienvenue sur Clauses"
    assert message["To"] == "facilitatrice@example.org"
    assert message.get_content().strip() == "Votre compte est prêt."
    assert smtp_backend.envelopes[0]["rcpt_tos"] == ["facilitatrice@example.org"]


def test_password_reset_email_arrives_through_real_smtp(client, db, smtp_backend):
    user = UserFactory(email="claire@example.org")

    response = client.post("/mot-de-passe/oubli/", {"email": user.email})

    assert response.status_code == 302
    [message] = smtp_backend.messages
    assert message["To"] == "claire@example.org"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "/mot-de-passe/" in body


def test_calendar_attachment_survives_smtp(smtp_backend):
    message = EmailMessage(
        "Votre inscription à la rencontre régionale",
        "Vous trouverez l'invitation en pièce jointe.",
        to=["participant@example.org"],
    )
    message.attach("rencontre.ics", ICS, "text/calendar")

    message.send()

    [received] = smtp_backend.messages
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "rencontre.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_content().replace("\r\n", "\n") == ICS.replace("\r\n", "\n")
