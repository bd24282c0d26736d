import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from clauses.demo import data
from clauses.demo.meetings import HISTORY, HISTORY_EDITION, UPCOMING, next_quarter_start
from clauses.directory.enums import StructureSource, Visibility
from clauses.directory.models import Contact, Structure
from clauses.meetings.enums import RegistrationMode, RegistrationStatus
from clauses.meetings.models import Edition, Meeting, Registration
from tests.factories import DepartementFactory, RegionFactory

REGION_NAMES = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}
MAINLAND = {"11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"}


@pytest.fixture
def territories(db):
    regions = {code: RegionFactory(code=code, name=name) for code, name in REGION_NAMES.items()}
    departements = {code: region for code, (_, region) in data.DEPARTEMENTS.items()}
    for spec in [*HISTORY, *(item[1] for item in UPCOMING)]:
        departements.setdefault(spec.departement, spec.region)
    for code, region_code in departements.items():
        DepartementFactory(code=code, name=f"Département {code}", region=regions[region_code])


def seed_demo():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Edition, Meeting, Registration, Structure, Contact)
    } | {
        "checked_in": Registration.objects.filter(checked_in_at__isnull=False).count(),
        "statuses": sorted(Registration.objects.values_list("status", flat=True)),
    }


def history():
    return Meeting.objects.filter(edition__slug=HISTORY_EDITION["slug"])


def upcoming():
    return Meeting.objects.exclude(edition__slug=HISTORY_EDITION["slug"])


# Seeding takes a few seconds: each test seeds once and checks one area of the demo.


def test_seed_demo_is_idempotent_and_sends_no_email(territories):
    seed_demo()
    first = counts()

    output = seed_demo()

    assert counts() == first
    assert mail.outbox == []
    assert "Tour de France de la clause sociale 2021-2023 : 17 rencontres." in output
    assert "Annuaire :" in output


def test_history_has_one_meeting_per_region_with_programme_and_attendance(territories):
    seed_demo()

    regions = list(history().values_list("region__code", flat=True))
    assert len(regions) == len(set(regions))
    assert MAINLAND | {"01", "02", "03", "04"} == set(regions)
    for meeting in history():
        assert 2021 <= meeting.starts_at.year <= 2023
        assert 60 <= meeting.capacity <= 150
        assert 4 <= meeting.slots.count() <= 6
        assert 2 <= meeting.presented_practices.count() <= 3
        assert meeting.target_families
        assert 20 <= meeting.registrations.count() <= 80
    registrations = Registration.objects.filter(meeting__in=history())
    assert registrations.filter(checked_in_at__isnull=False).count() > registrations.count() * 0.7
    assert not registrations.exclude(email__endswith="@example.org").exists()
    assert set(registrations.values_list("visibility", flat=True)) == set(Visibility.values)


def test_upcoming_edition_is_open_with_an_approval_queue_and_a_waiting_list(territories):
    seed_demo()

    meetings = list(upcoming())
    base = next_quarter_start(timezone.localdate())
    assert 3 <= len(meetings) <= 4
    assert {m.edition.name for m in meetings} == {
        f"Tour de France de la clause sociale {base.year}"
    }
    for meeting in meetings:
        assert meeting.starts_at.date() >= base - datetime.timedelta(days=1)
        assert meeting.registration_is_open
    approval = upcoming().get(mode=RegistrationMode.APPROVAL)
    assert approval.registrations.filter(status=RegistrationStatus.PENDING).exists()
    assert approval.registrations.filter(status=RegistrationStatus.CONFIRMED).exists()
    full = upcoming().filter(registrations__status=RegistrationStatus.WAITING).distinct().get()
    assert full.registrations.confirmed().count() == full.capacity


def test_directory_has_structures_of_every_source_and_contacts_of_every_visibility(
    territories,
):
    seed_demo()

    sources = set(Structure.objects.values_list("source", flat=True))
    assert {StructureSource.REGISTRATION, StructureSource.SELF} <= sources
    assert 40 <= Structure.objects.count() <= 120
    assert set(Contact.objects.values_list("visibility", flat=True)) == set(Visibility.values)
    assert not Structure.objects.filter(
        source=StructureSource.REGISTRATION, departement__isnull=True
    ).exists()
