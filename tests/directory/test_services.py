import pytest

from clauses.core.exceptions import DomainError
from clauses.core.models import AuditEntry
from clauses.directory import services
from clauses.directory.enums import ActorFamily, StructureSource, Visibility
from clauses.directory.models import Contact, Structure
from clauses.meetings import services as meeting_services
from tests.factories import MembershipFactory, OrganisationFactory
from tests.meetings.factories import MeetingFactory

from .factories import ContactFactory, StructureFactory


def registration_data(places, **overrides):
    data = {
        "first_name": "Awa",
        "last_name": "Diop",
        "email": "awa.diop@example.org",
        "organisation_name": "Mission locale de Saint-Denis",
        "function": "Conseillère",
        "actor_family": ActorFamily.PUBLIC_EMPLOYMENT,
        "region": places["idf"],
        "visibility": Visibility.PUBLIC,
        "directory_opt_in": True,
    }
    data.update(overrides)
    return data


@pytest.fixture
def meeting(places):
    return MeetingFactory(region=places["idf"])


# --- record_registration ---------------------------------------------------------------------


def test_opt_in_registration_creates_structure_and_contact(places, meeting):
    registration = meeting_services.register(meeting=meeting, data=registration_data(places))

    structure = Structure.objects.get()
    assert structure.name == "Mission locale de Saint-Denis"
    assert structure.family == ActorFamily.PUBLIC_EMPLOYMENT
    assert structure.region == places["idf"]
    assert structure.source == StructureSource.REGISTRATION
    registration.refresh_from_db()
    assert registration.contact.structure == structure
    assert registration.contact.visibility == Visibility.PUBLIC
    assert registration.contact.consent_at == registration.consent_at


def test_registration_without_opt_in_leaves_the_directory_alone(places, meeting):
    meeting_services.register(
        meeting=meeting, data=registration_data(places, directory_opt_in=False)
    )

    assert not Structure.objects.exists()
    assert not Contact.objects.exists()


def test_structure_is_reused_by_normalised_name_in_the_same_region(places, meeting):
    existing = StructureFactory(
        name="Mission Locale de SAINT DENIS", departement=places["93"], region=places["idf"]
    )

    meeting_services.register(
        meeting=meeting,
        data=registration_data(places, organisation_name="  mission locale de Saint-Denis "),
    )

    assert list(Structure.objects.all()) == [existing]
    assert existing.contacts.get().email == "awa.diop@example.org"


def test_same_name_in_another_region_is_another_structure(places, meeting):
    StructureFactory(name="Mission locale de Saint-Denis", departement=places["31"])

    meeting_services.register(meeting=meeting, data=registration_data(places))

    assert Structure.objects.count() == 2


def test_a_new_registration_updates_the_contact_visibility(places, meeting):
    meeting_services.register(meeting=meeting, data=registration_data(places))
    other = MeetingFactory(region=places["idf"])

    meeting_services.register(
        meeting=other, data=registration_data(places, visibility=Visibility.PARTICIPANTS)
    )

    contact = Contact.objects.get()
    assert contact.visibility == Visibility.PARTICIPANTS
    assert contact.registrations.count() == 2


def test_recording_is_audited_without_the_person_name(places, meeting):
    meeting_services.register(meeting=meeting, data=registration_data(places))

    entry = AuditEntry.objects.get(action="directory.contact_created")
    assert "Diop" not in entry.object_repr


# --- SIRET -----------------------------------------------------------------------------------


def test_valid_siret_is_normalised():
    assert services.validate_siret("123 456 789 00015") == "12345678900015"


def test_siret_with_a_wrong_key_is_refused_in_french():
    with pytest.raises(DomainError, match="clé de contrôle") as error:
        services.validate_siret("12345678900016")
    assert error.value.field == "siret"


@pytest.mark.parametrize("value", ["1234567890001", "1234567890001A", "123456789000150"])
def test_siret_must_have_14_digits(value):
    with pytest.raises(DomainError, match="14 chiffres"):
        services.validate_siret(value)


def test_la_poste_establishments_follow_their_own_rule():
    # Not a Luhn number, but its digits add up to a multiple of 5, as La Poste's do.
    assert services.validate_siret("35600000010000") == "35600000010000"


def test_la_poste_establishment_with_a_wrong_sum_is_refused():
    with pytest.raises(DomainError):
        services.validate_siret("35600000010001")


def test_empty_siret_is_allowed():
    assert services.validate_siret("") == ""


# --- Sheets kept by organisations and organisers ---------------------------------------------


def sheet_data(places, **overrides):
    data = {
        "name": "PLIE Plaine Commune",
        "siret": "",
        "family": ActorFamily.FACILITATOR,
        "typology": "PLIE",
        "region": places["idf"],
        "departement": None,
        "commune": places["saint_denis"],
        "description": "Facilitateur des clauses.",
        "website": "",
        "email": "",
        "phone": "",
        "is_published": True,
    }
    data.update(overrides)
    return data


def test_a_member_creates_the_sheet_of_their_organisation(places):
    membership = MembershipFactory(organisation=OrganisationFactory(departement=places["93"]))

    structure = services.save_structure(
        actor=membership.user, organisation=membership.organisation, data=sheet_data(places)
    )

    assert structure.organisation == membership.organisation
    assert structure.source == StructureSource.SELF
    assert structure.departement == places["93"]  # deduced from the commune
    assert AuditEntry.objects.filter(action="directory.structure_created").exists()


def test_an_outsider_cannot_create_the_sheet_of_an_organisation(places):
    outsider = MembershipFactory().user
    organisation = OrganisationFactory(departement=places["93"])

    with pytest.raises(DomainError):
        services.save_structure(actor=outsider, organisation=organisation, data=sheet_data(places))


def test_a_siret_already_in_the_directory_is_refused(places):
    StructureFactory(siret="12345678900015", departement=places["93"])
    membership = MembershipFactory(organisation=OrganisationFactory(departement=places["93"]))

    with pytest.raises(DomainError, match="déjà ce SIRET"):
        services.save_structure(
            actor=membership.user,
            organisation=membership.organisation,
            data=sheet_data(places, siret="12345678900015"),
        )


def test_a_regional_coordinator_edits_a_structure_of_their_region(places):
    coordination = OrganisationFactory(departement=places["75"])
    coordinator = MembershipFactory(organisation=coordination, coordinator=True).user
    structure = StructureFactory(departement=places["93"])

    services.save_structure(
        actor=coordinator, structure=structure, data=sheet_data(places, name="Nouveau nom")
    )

    structure.refresh_from_db()
    assert structure.name == "Nouveau nom"


def test_a_coordinator_of_another_region_cannot_edit(places):
    coordination = OrganisationFactory(departement=places["31"])
    coordinator = MembershipFactory(organisation=coordination, coordinator=True).user
    structure = StructureFactory(departement=places["93"])

    with pytest.raises(DomainError):
        services.save_structure(actor=coordinator, structure=structure, data=sheet_data(places))


def test_qpvs_of_intervention_are_replaced(places):
    structure = StructureFactory(departement=places["93"])
    admin = MembershipFactory(national_admin=True).user

    services.save_structure(
        actor=admin, structure=structure, data=sheet_data(places), qpvs=[places["qpv"]]
    )

    assert list(structure.qpvs.all()) == [places["qpv"]]


def test_contact_email_is_unique_per_structure(places):
    contact = ContactFactory(structure__departement=places["93"])
    admin = MembershipFactory(national_admin=True).user

    with pytest.raises(DomainError, match="déjà celle d'un contact"):
        services.save_contact(
            actor=admin,
            structure=contact.structure,
            data={
                "first_name": "A",
                "last_name": "B",
                "email": contact.email.upper(),
                "visibility": Visibility.PUBLIC,
            },
        )


def test_removing_a_contact_deletes_it_and_audits(places):
    contact = ContactFactory(structure__departement=places["93"])
    admin = MembershipFactory(national_admin=True).user

    services.remove_contact(contact=contact, actor=admin)

    assert not Contact.objects.exists()
    assert AuditEntry.objects.filter(action="directory.contact_removed").exists()
