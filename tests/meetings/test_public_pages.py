import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clauses.directory.enums import Visibility
from clauses.meetings.enums import RegistrationStatus
from tests.factories import RegionFactory, UserFactory

from .factories import (
    DocumentFactory,
    EditionFactory,
    MeetingFactory,
    PracticeFactory,
    RegistrationFactory,
    SlotFactory,
)

pytestmark = pytest.mark.django_db


def text(response):
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def test_list_shows_published_upcoming_and_past_meetings(client):
    upcoming = MeetingFactory(title="Rencontre de Bobigny")
    past = MeetingFactory(title="Rencontre de Lyon", past=True)
    MeetingFactory(title="Rencontre brouillon", is_published=False)

    content = text(client.get(reverse("meetings:list")))

    assert upcoming.title in content and past.title in content
    assert "Rencontre brouillon" not in content
    assert content.index("Prochaines rencontres") < content.index(upcoming.title)
    assert content.index("Rencontres passées") < content.index(past.title)


def test_list_says_full_meetings_have_a_waiting_list(client):
    meeting = MeetingFactory(capacity=1)
    RegistrationFactory(meeting=meeting)

    assert "Complet — liste d'attente" in text(client.get(reverse("meetings:list")))


def test_list_shows_remaining_places(client):
    meeting = MeetingFactory(capacity=3)
    RegistrationFactory(meeting=meeting)
    RegistrationFactory(meeting=meeting, status=RegistrationStatus.CANCELLED)

    assert "2 places restantes" in text(client.get(reverse("meetings:list")))


def test_list_filters_by_region_and_edition(client):
    occitanie = RegionFactory(code="76", name="Occitanie")
    old = EditionFactory(slug="tour-2021-2023", name="Tour 2021-2023", year_start=2021)
    MeetingFactory(title="Rencontre Toulouse", region=occitanie, edition=old)
    MeetingFactory(title="Rencontre Bobigny")

    by_region = text(client.get(reverse("meetings:list"), {"region": "76"}))
    by_edition = text(client.get(reverse("meetings:list"), {"edition": "tour-2026"}))

    assert "Rencontre Toulouse" in by_region and "Rencontre Bobigny" not in by_region
    assert "Rencontre Bobigny" in by_edition and "Rencontre Toulouse" not in by_edition


def test_map_has_one_named_link_per_region_with_its_count(client):
    RegionFactory(code="76", name="Occitanie")
    MeetingFactory.create_batch(2, region=RegionFactory(code="11"))

    content = client.get(reverse("meetings:list")).content.decode()
    svg = content[content.index('<svg class="clauses-map"') : content.index("</svg>")]

    assert svg.count("<a ") == 18  # 13 mainland regions and 5 overseas insets
    assert 'aria-label="Île-de-France : 2 rencontres"' in svg
    assert 'aria-label="Guyane : aucune rencontre"' in svg
    idf_link = re.search(r'<a href="([^"]+)"\s+class="([^"]+)"\s+aria-label="Île-de-France', svg)
    assert idf_link.group(1) == "/rencontres/?region=11#rencontres"
    assert "clauses-map__region--active" in idf_link.group(2)
    assert re.search(r'<path d="M[\d.,LMZ]+"', svg)


def test_list_query_count_stays_flat(client, django_assert_max_num_queries):
    for code in ["11", "24", "27", "28", "32", "44", "52", "53"]:
        meeting = MeetingFactory(region=RegionFactory(code=code, name=f"Région {code}"))
        RegistrationFactory.create_batch(3, meeting=meeting)
        MeetingFactory(region=meeting.region, past=True)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("meetings:list"))
    assert response.status_code == 200


def test_detail_shows_programme_practices_documents_and_access(client):
    meeting = MeetingFactory(past=True)
    SlotFactory(meeting=meeting)
    PracticeFactory(meeting=meeting)
    DocumentFactory(meeting=meeting)

    content = text(client.get(meeting.get_absolute_url()))

    assert "Table ronde : la clause sociale dans le renouvellement urbain" in content
    assert "Avec Camille Martin (PLIE), Karim Benali (bailleur)" in content
    assert "Un guichet unique emploi-habitat" in content
    assert "Synthèse de la journée" in content
    assert "Salle de plain-pied, boucle magnétique." in content
    assert "Facilitateur de la clause sociale" in content  # a target family


def test_unpublished_meeting_is_not_found(client):
    meeting = MeetingFactory(is_published=False)

    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_detail_lists_participants_according_to_their_choice(client):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, last_name="Publique", visibility=Visibility.PUBLIC)
    RegistrationFactory(
        meeting=meeting, last_name="Participante", visibility=Visibility.PARTICIPANTS
    )
    RegistrationFactory(meeting=meeting, last_name="Discrète", visibility=Visibility.NOBODY)
    RegistrationFactory(
        meeting=meeting,
        last_name="Attente",
        visibility=Visibility.PUBLIC,
        status=RegistrationStatus.WAITING,
    )

    anonymous = text(client.get(meeting.get_absolute_url()))
    client.force_login(UserFactory())
    logged_in = text(client.get(meeting.get_absolute_url()))

    assert "Publique" in anonymous and "Participante" not in anonymous
    assert "Publique" in logged_in and "Participante" in logged_in
    assert "Discrète" not in logged_in and "Attente" not in logged_in


def test_detail_polls_the_remaining_places(client):
    meeting = MeetingFactory(capacity=5)
    RegistrationFactory(meeting=meeting)

    content = client.get(meeting.get_absolute_url()).content.decode()
    fragment = client.get(reverse("meetings:places", args=[meeting.slug])).content.decode()

    assert f'hx-get="{reverse("meetings:places", args=[meeting.slug])}"' in content
    assert 'hx-trigger="every 30s"' in content
    assert "4 places restantes" in fragment
    assert "<html" not in fragment


def test_detail_of_closed_registration_explains_why(client):
    meeting = MeetingFactory(
        registration_closes_at=timezone.now() - datetime.timedelta(hours=1),
        registration_opens_at=timezone.now() - datetime.timedelta(days=5),
    )

    content = text(client.get(meeting.get_absolute_url()))

    assert "Les inscriptions sont closes depuis le" in content
    assert reverse("meetings:register", args=[meeting.slug]) not in content


def test_detail_of_invitation_meeting_needs_the_code(client):
    meeting = MeetingFactory(mode="invitation", invitation_code="bienvenue")

    without = text(client.get(meeting.get_absolute_url()))
    with_code = client.get(meeting.get_absolute_url(), {"code": "bienvenue"}).content.decode()

    assert "Cette rencontre est sur invitation" in without
    assert reverse("meetings:register", args=[meeting.slug]) + "?code=bienvenue" in with_code
