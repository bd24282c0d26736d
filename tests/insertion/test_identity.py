"""clauses/insertion/identity.py: one pseudonymous key per person, whatever the structure."""

import datetime
import io

import pytest
from django.core.management import call_command

from clauses.insertion import identity, services
from clauses.insertion.models import Participant
from tests.factories import OrganisationFactory
from tests.tracking.factories import ParticipantFactory

BIRTH = datetime.date(1990, 4, 12)


def key(last, first, birth=BIRTH, organisation_id=1, identifier="A"):
    return identity.person_key(
        last_name=last,
        first_name=first,
        birth_date=birth,
        organisation_id=organisation_id,
        identifier=identifier,
    )


def test_spelling_variants_of_one_person_share_a_key():
    reference = key("Lefèvre", "Jean-Pierre")
    assert key("LEFEVRE", "jean pierre", organisation_id=2, identifier="Z") == reference
    assert key(" lefèvre ", "Jean Pierre") == reference


def test_ligatures_are_spelled_out():
    assert key("Cœur", "Lætitia") == key("Coeur", "Laetitia")


def test_another_birth_date_or_name_is_another_person():
    reference = key("Martin", "Claire")
    assert key("Martin", "Claire", datetime.date(1990, 4, 13)) != reference
    assert key("Martin", "Claira") != reference


def test_the_key_is_keyed_by_the_secret(settings):
    reference = key("Martin", "Claire")
    settings.PERSON_KEY_SECRET = "another secret"
    assert key("Martin", "Claire") != reference


def test_the_key_shows_no_name():
    value = key("Martin", "Claire")
    assert value.startswith(identity.PERSON_PREFIX)
    assert len(value) == identity.KEY_LENGTH
    assert "martin" not in value.lower()


def test_without_identity_the_key_is_one_per_structure():
    first = key("", "Claire", organisation_id=1, identifier="P-1")
    assert first.startswith(identity.LOCAL_PREFIX)
    assert key("", "Claire", organisation_id=2, identifier="P-1") != first
    assert key("Martin", "Claire", birth=None, organisation_id=1, identifier="p-1 ") == first


@pytest.mark.django_db
def test_save_participant_stores_the_key_and_follows_changes():
    organisation = OrganisationFactory()
    participant = services.save_participant(
        actor=None,
        organisation=organisation,
        identifier="P-1",
        last_name="Martin",
        first_name="Claire",
        birth_date=BIRTH,
        sex="F",
    )
    assert participant.person_key == key("Martin", "Claire")
    services.save_participant(
        actor=None, organisation=organisation, participant=participant, first_name="Clara"
    )
    participant.refresh_from_db()
    assert participant.person_key == key("Martin", "Clara")


@pytest.mark.django_db
def test_rekey_participants_recomputes_keys_after_a_new_secret(settings):
    participant = ParticipantFactory(last_name="Martin", first_name="Claire", birth_date=BIRTH)
    settings.PERSON_KEY_SECRET = "rotated"
    output = io.StringIO()
    call_command("rekey_participants", stdout=output)
    assert output.getvalue().startswith("1 clé")
    participant.refresh_from_db()
    assert participant.person_key == identity.key_of(Participant.objects.get(pk=participant.pk))
    assert participant.person_key == key("Martin", "Claire")
