"""Reminders of a consolidation campaign: each expected structure whose year is not
submitted yet (or was sent back for a fix) gets an e-mail, to its active facilitators, with
the deadline, the reviewer's message when there is one, and the link to its year."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from clauses.accounts.enums import Role
from clauses.accounts.models import Membership
from clauses.core import audit

from .campaigns import SUBMITTABLE, expected_structures, working_version
from .enums import SubmissionStatus

REMINDED = "observatory.reminders_sent"


def _url(campaign, organisation):
    try:
        path = reverse("campaigns:submission", args=[campaign.year, organisation.pk])
    except NoReverseMatch:  # the campaign's pages are not mounted
        path = reverse("observatory:dashboard")
    return settings.SITE_URL + path


def pending(campaign):
    """(structure, its working version or None) of every structure still to submit."""
    for organisation in expected_structures(campaign):
        submission = working_version(campaign, organisation)
        if submission is None or submission.status in SUBMITTABLE:
            yield organisation, submission


def send_reminders(*, actor, campaign, today=None):
    """E-mail every structure still to submit; returns how many structures were reminded."""
    today = today or timezone.localdate()
    reminded = 0
    for organisation, submission in pending(campaign):
        recipients = sorted(
            Membership.objects.active()
            .filter(organisation=organisation, role=Role.FACILITATOR, user__is_active=True)
            .values_list("user__email", flat=True)
        )
        if not recipients:
            continue
        fix = None
        if submission is not None and submission.status == SubmissionStatus.TO_FIX:
            fix = submission.events.filter(status=SubmissionStatus.TO_FIX).last()
        context = {
            "campaign": campaign,
            "organisation": organisation,
            "submission": submission,
            "fix": fix,
            "late": today > campaign.submission_deadline,
            "url": _url(campaign, organisation),
        }
        subject = render_to_string("emails/campaigns/reminder_subject.txt", context).strip()
        body = render_to_string("emails/campaigns/reminder.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        reminded += 1
    audit.log(
        actor=actor,
        action=REMINDED,
        obj=campaign,
        changes={"structures relancées": reminded},
    )
    return reminded
