"""E-mails to respondents: plain text with an HTML alternative, in French, absolute links."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone


def absolute(path):
    return settings.SITE_URL + path


def _send(*, to, template, subject, survey, **context):
    context = {
        "survey": survey,
        "closes_at": timezone.localtime(survey.closes_at),
        "personal_data_url": absolute(reverse("www:personal_data")),
        "first_name": "",
        "resume_url": "",
        "recap": [],
        **context,
    }
    name = context["first_name"]
    context["greeting"] = f"Bonjour {name}," if name else "Bonjour,"
    text = render_to_string(f"emails/survey/{template}.txt", context)
    html = render_to_string(f"emails/survey/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=None, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
    return message


def resume_url(respondent):
    return absolute(reverse("survey:resume", args=[respondent.token]))


def send_link(respondent, *, to=None, saved=False):
    """The personal link: on start (identified mode), or after « enregistrer et reprendre »."""
    survey = respondent.survey
    subject = (
        f"Vos réponses sont enregistrées : {survey}"
        if saved
        else f"Votre lien pour répondre : {survey}"
    )
    return _send(
        to=to or respondent.email,
        template="link",
        subject=subject,
        survey=survey,
        first_name=respondent.first_name,
        resume_url=resume_url(respondent),
        saved=saved,
    )


def send_confirmation(response, recap, *, to=None):
    respondent = response.respondent
    return _send(
        to=to or respondent.email,
        template="confirmation",
        subject=f"Merci pour votre réponse : {response.survey}",
        survey=response.survey,
        first_name=respondent.first_name,
        resume_url=resume_url(respondent),
        recap=recap,
    )


def send_invitation(respondent, *, reminder=False):
    survey = respondent.survey
    subject = f"Rappel : {survey}" if reminder else f"Invitation à répondre : {survey}"
    return _send(
        to=respondent.email,
        template="invitation",
        subject=subject,
        survey=survey,
        first_name=respondent.first_name,
        resume_url=resume_url(respondent),
        reminder=reminder,
    )
