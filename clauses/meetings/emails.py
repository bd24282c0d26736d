"""E-mails sent to registrants: plain text with an HTML alternative, in French.

The services call these through ``transaction.on_commit``; the management commands call
the reminder and follow-up ones. Links are absolute (``settings.SITE_URL``). Confirmations
carry the meeting's ``.ics`` file and a QR code that opens the staff check-in page of the
registration.
"""

import io
from email.mime.image import MIMEImage

import segno
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .enums import RegistrationStatus
from .ics import meeting_calendar

QR_CONTENT_ID = "qr-pointage"


def absolute(path):
    return settings.SITE_URL + path


def check_in_url(registration):
    """The staff check-in page of this registration (what the QR code encodes)."""
    try:
        path = reverse(
            "meetings_admin:check_in_registration",
            args=[registration.meeting_id, registration.token],
        )
    except NoReverseMatch:  # the back-office page is not mounted (yet)
        path = f"/espace/rencontres/{registration.meeting_id}/pointage/{registration.token}/"
    return absolute(path)


def qr_png(data):
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def _context(registration, **extra):
    from .services import waiting_position

    meeting = registration.meeting
    return {
        "registration": registration,
        "meeting": meeting,
        "starts_at": timezone.localtime(meeting.starts_at),
        "ends_at": timezone.localtime(meeting.ends_at),
        "personal_url": absolute(registration.get_absolute_url()),
        "meeting_url": absolute(meeting.get_absolute_url()),
        "personal_data_url": absolute(reverse("www:personal_data")),
        "position": waiting_position(registration),
        "with_ics": False,
        "with_qr": False,
        "reason": "",
        "days": 0,
        "documents": [],
        "satisfaction_url": "",
        **extra,
    }


def _send(registration, template, subject, *, with_ics=False, with_qr=False, **extra):
    context = _context(registration, with_ics=with_ics, with_qr=with_qr, **extra)
    text = render_to_string(f"emails/meetings/{template}.txt", context)
    html = render_to_string(f"emails/meetings/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=None, to=[registration.email]
    )
    message.attach_alternative(html, "text/html")
    if with_ics:
        message.attach(
            "rencontre.ics",
            meeting_calendar(registration.meeting, registration=registration).decode(),
            "text/calendar",
        )
    if with_qr:
        image = MIMEImage(qr_png(check_in_url(registration)), "png")
        image.add_header("Content-ID", f"<{QR_CONTENT_ID}>")
        image.add_header("Content-Disposition", "inline", filename="pointage.png")
        message.attach(image)
    message.send()
    return message


def send_registration_received(registration):
    meeting = registration.meeting
    if registration.status == RegistrationStatus.CONFIRMED:
        return _send(
            registration,
            "confirmed",
            f"Inscription confirmée : {meeting}",
            with_ics=True,
            with_qr=True,
        )
    if registration.status == RegistrationStatus.WAITING:
        return _send(registration, "waiting", f"Liste d'attente : {meeting}")
    return _send(
        registration, "pending", f"Inscription reçue, en attente de validation : {meeting}"
    )


def send_promoted(registration):
    return _send(
        registration,
        "promoted",
        f"Une place s'est libérée : vous êtes inscrit·e à {registration.meeting}",
        with_ics=True,
        with_qr=True,
    )


def send_cancelled(registration):
    return _send(registration, "cancelled", f"Inscription annulée : {registration.meeting}")


def send_decision(registration, reason=""):
    meeting = registration.meeting
    if registration.status == RegistrationStatus.REFUSED:
        return _send(registration, "refused", f"Inscription non retenue : {meeting}", reason=reason)
    if registration.status == RegistrationStatus.WAITING:
        return _send(registration, "waiting", f"Inscription validée, liste d'attente : {meeting}")
    return _send(
        registration,
        "confirmed",
        f"Inscription validée : {meeting}",
        with_ics=True,
        with_qr=True,
    )


def send_reminder(registration, *, days):
    when = "demain" if days == 1 else "dans une semaine"
    return _send(
        registration,
        "reminder",
        f"Rappel : {registration.meeting} a lieu {when}",
        with_ics=True,
        with_qr=True,
        days=days,
    )


def send_followup(registration):
    meeting = registration.meeting
    documents = [
        {
            "title": document.title,
            "kind": document.get_kind_display(),
            "url": absolute(document.file.url),
        }
        for document in meeting.documents.all()
    ]
    return _send(
        registration,
        "followup",
        f"Merci de votre participation : {meeting}",
        documents=documents,
        satisfaction_url=absolute(reverse("meetings:satisfaction", args=[registration.token])),
    )
