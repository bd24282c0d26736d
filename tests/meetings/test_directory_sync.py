"""The directory follows the person's latest choice made through their personal link."""

import pytest

from clauses.directory.enums import ActorFamily, Visibility
from clauses.directory.models import Contact
from clauses.meetings import services

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _register(meeting, **overrides):
    data = {
        "first_name": "Awa",
        "last_name": "Diallo",
        "email": "awa.diallo@example.org",
        "organisation_name": "PLIE Est 93",
        "actor_family": ActorFamily.FACILITATOR,
        "visibility": Visibility.NOBODY,
        "directory_opt_in": False,
    }
    data.update(overrides)
    return services.register(meeting=meeting, data=data)


def test_opting_in_later_creates_the_contact_with_the_chosen_visibility():
    registration = _register(MeetingFactory())
    assert not Contact.objects.exists()

    services.update_registration(
        registration=registration,
        data={"directory_opt_in": True, "visibility": Visibility.PARTICIPANTS},
    )

    contact = Contact.objects.get()
    assert (contact.email, contact.visibility) == ("awa.diallo@example.org", "participants")
    registration.refresh_from_db()
    assert registration.contact == contact


def test_changing_visibility_updates_the_contact():
    registration = _register(MeetingFactory(), directory_opt_in=True)
    services.update_registration(registration=registration, data={"visibility": Visibility.PUBLIC})
    assert Contact.objects.get().visibility == Visibility.PUBLIC


def test_opting_out_removes_a_contact_that_came_only_from_the_registration():
    registration = _register(MeetingFactory(), directory_opt_in=True)
    assert Contact.objects.count() == 1

    services.update_registration(registration=registration, data={"directory_opt_in": False})

    assert not Contact.objects.exists()
    registration.refresh_from_db()
    assert registration.contact is None
