"""E-mails sent to registrants. Placeholder bodies: the meetings feature fills them in."""

from django.core.mail import send_mail


def _send(registration, subject, body):
    send_mail(subject, body, None, [registration.email])


def send_registration_received(registration):
    _send(
        registration,
        f"Inscription : {registration.meeting}",
        f"Statut : {registration.get_status_display()}",
    )


def send_promoted(registration):
    _send(registration, f"Une place s'est libérée : {registration.meeting}", "Vous êtes inscrit·e.")


def send_cancelled(registration):
    _send(registration, f"Inscription annulée : {registration.meeting}", "Annulation enregistrée.")


def send_decision(registration, reason=""):
    _send(
        registration,
        f"Votre inscription : {registration.meeting}",
        f"Statut : {registration.get_status_display()}. {reason}",
    )
