"""E-mails of the accounts area (French, plain text, rendered from clauses/templates/emails/)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse


def invitation_url(invitation, *, base_url):
    return base_url.rstrip("/") + reverse("accounts:accept_invitation", args=[invitation.token])


def send_invitation(invitation, *, base_url):
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "invited_by": invitation.invited_by,
        "url": invitation_url(invitation, base_url=base_url),
        "expires_at": invitation.expires_at,
    }
    subject = render_to_string("emails/invitation_subject.txt", context).strip()
    body = render_to_string("emails/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
