"""The calendar file (.ics) attached to confirmations: one VEVENT per meeting."""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vText

PRODID = "-//Clauses//Rencontres du Tour de France//FR"


def meeting_uid(meeting):
    """Stable per meeting: a calendar updates the same event when a new file comes."""
    return f"rencontre-{meeting.pk}-{meeting.slug}@clauses"


def meeting_calendar(meeting, *, registration=None):
    """The .ics bytes for ``meeting`` (times in UTC)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("calscale", "GREGORIAN")
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
    event.add("dtend", meeting.ends_at.astimezone(datetime.UTC))
    event.add("summary", meeting.title)
    location = ", ".join(
        part
        for part in [
            meeting.venue_name,
            meeting.venue_address,
            f"{meeting.venue_postal_code} {meeting.venue_city}".strip(),
        ]
        if part
    )
    event.add("location", vText(location))
    url = settings.SITE_URL + meeting.get_absolute_url()
    description = [meeting.summary.strip()] if meeting.summary.strip() else []
    if meeting.access_info:
        description.append(f"Accès : {meeting.access_info}")
    if registration is not None:
        description.append(
            f"Votre inscription : {settings.SITE_URL}{registration.get_absolute_url()}"
        )
    description.append(f"Programme : {url}")
    event.add("description", "\n\n".join(description))
    event.add("url", url)
    event.add("status", "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
