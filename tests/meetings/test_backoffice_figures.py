"""Attendance figures and duplicate detection (pure functions)."""

import pytest
from django.utils import timezone

from clauses.directory.enums import ActorFamily
from clauses.meetings import stats
from clauses.meetings.duplicates import duplicate_groups, normalise_email, normalise_name
from clauses.meetings.enums import RegistrationStatus
from clauses.meetings.models import Registration

from .factories import MeetingFactory, RegistrationFactory


@pytest.mark.django_db
def test_attendance_counts_each_status_and_presence():
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, checked_in_at=timezone.now())
    RegistrationFactory(meeting=meeting)
    RegistrationFactory(meeting=meeting, status=RegistrationStatus.WAITING)
    RegistrationFactory(meeting=meeting, status=RegistrationStatus.PENDING)
    RegistrationFactory(meeting=meeting, status=RegistrationStatus.CANCELLED)
    figures = stats.attendance(meeting.registrations.all())
    assert (figures.registered, figures.confirmed, figures.waiting) == (5, 2, 1)
    assert (figures.pending, figures.cancelled, figures.present, figures.absent) == (1, 1, 1, 1)
    assert figures.attendance_rate == 50


@pytest.mark.django_db
def test_attendance_by_family_largest_first():
    meeting = MeetingFactory()
    RegistrationFactory.create_batch(2, meeting=meeting, actor_family=ActorFamily.SIAE)
    RegistrationFactory(
        meeting=meeting, actor_family=ActorFamily.BUYER, checked_in_at=timezone.now()
    )
    families = stats.by_family(meeting.registrations.all())
    assert [(f.code, f.confirmed, f.present, f.absent) for f in families] == [
        ("siae", 2, 0, 2),
        ("acheteur", 1, 1, 0),
    ]


@pytest.mark.django_db
def test_attendance_of_an_empty_meeting():
    figures = stats.attendance(MeetingFactory().registrations.all())
    assert figures.registered == 0
    assert figures.attendance_rate is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Élodie", "Martin-Durand"), ("elodie", "MARTIN DURAND")),
        (("Jean", "Dupont"), ("DUPONT", "Jean")),
        (("Anaïs", "N'Diaye"), ("Anais", "N Diaye")),
    ],
)
def test_names_normalise_to_the_same_key(a, b):
    assert normalise_name(*a) == normalise_name(*b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Jean.Dupont@Gmail.com", "jeandupont@gmail.com"),
        ("jean.dupont+rencontre@gmail.com", "jeandupont@googlemail.com"),
        ("j.dupont+test@plie.fr", "j.dupont@plie.fr"),
    ],
)
def test_emails_normalise_to_the_same_key(a, b):
    assert normalise_email(a) == normalise_email(b)


def test_dots_matter_outside_gmail():
    assert normalise_email("j.dupont@plie.fr") != normalise_email("jdupont@plie.fr")


def _registration(pk, first, last, email, anonymised=False):
    return Registration(
        pk=pk,
        first_name=first,
        last_name=last,
        email=email,
        anonymised_at=timezone.now() if anonymised else None,
    )


def test_groups_join_name_and_email_matches():
    a = _registration(1, "Jean", "Dupont", "jean.dupont@gmail.com")
    b = _registration(2, "J.", "Dupont", "jeandupont+x@gmail.com")  # same e-mail as a
    c = _registration(3, "jean", "DUPONT", "jd@plie.fr")  # same name as a
    d = _registration(4, "Marie", "Curie", "marie@labo.fr")
    assert duplicate_groups([a, b, c, d]) == [[a, b, c]]


def test_anonymised_registrations_are_never_duplicates():
    a = _registration(1, "Personne anonymisée", "", "anonyme-1@anonyme.invalid", anonymised=True)
    b = _registration(2, "Personne anonymisée", "", "anonyme-2@anonyme.invalid", anonymised=True)
    assert duplicate_groups([a, b]) == []
