import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django.asserts import assertContains, assertNotContains

from clauses.directory.enums import ActorFamily, Visibility
from clauses.directory.models import Structure
from clauses.meetings.enums import RegistrationStatus
from tests.factories import MembershipFactory, OrganisationFactory
from tests.meetings.factories import MeetingFactory, RegistrationFactory

from .factories import ContactFactory, StructureFactory

LIST = reverse("directory:list")


def names(response):
    return [s.name for s in response.context["page_obj"].object_list]


@pytest.fixture
def directory(places):
    """A facilitator and a social landlord in Seine-Saint-Denis, a SIAE in Paris, a
    company in Toulouse; the facilitator has one contact of each visibility."""
    plie = StructureFactory(
        name="PLIE Plaine Commune",
        family=ActorFamily.FACILITATOR,
        departement=places["93"],
        commune=places["saint_denis"],
        description="Facilitateur des clauses sociales du territoire.",
    )
    landlord = StructureFactory(
        name="Plaine Habitat", family=ActorFamily.SOCIAL_LANDLORD, departement=places["93"]
    )
    landlord.qpvs.add(places["qpv"])
    siae = StructureFactory(
        name="Régie de quartier Paris Est", family=ActorFamily.SIAE, departement=places["75"]
    )
    company = StructureFactory(
        name="BTP Garonne",
        family=ActorFamily.COMPANY,
        departement=places["31"],
        commune=places["toulouse"],
    )
    public = ContactFactory(structure=plie, first_name="Paula", last_name="Publique")
    participants = ContactFactory(
        structure=plie, first_name="Pierre", last_name="Participant", participants=True
    )
    nobody = ContactFactory(structure=plie, first_name="Noémie", last_name="Personne", nobody=True)
    ContactFactory(structure=landlord, first_name="Lina", last_name="Logement", participants=True)
    return {
        "plie": plie,
        "landlord": landlord,
        "siae": siae,
        "company": company,
        "public": public,
        "participants": participants,
        "nobody": nobody,
    }


# --- List ------------------------------------------------------------------------------------


def test_list_shows_published_structures_only(client, directory):
    StructureFactory(
        name="Fiche en brouillon", is_published=False, departement=directory["plie"].departement
    )

    response = client.get(LIST)

    assert response.status_code == 200
    assert "Fiche en brouillon" not in names(response)
    assert len(names(response)) == 4


def test_list_filters_by_region(client, directory, places):
    response = client.get(LIST, {"region": "76"})

    assert names(response) == ["BTP Garonne"]


def test_list_filters_by_departement(client, directory):
    response = client.get(LIST, {"region": "11", "departement": "75"})

    assert names(response) == ["Régie de quartier Paris Est"]


def test_list_filters_by_family(client, directory):
    response = client.get(LIST, {"family": ActorFamily.SOCIAL_LANDLORD})

    assert names(response) == ["Plaine Habitat"]


def test_qpv_filter_finds_structures_of_the_qpv_and_of_its_communes(client, directory):
    response = client.get(LIST, {"qpv": "qn09301m"})

    # Plaine Habitat acts in the QPV; the PLIE sits in Saint-Denis, a commune of the QPV.
    assert names(response) == ["PLIE Plaine Commune", "Plaine Habitat"]


def test_unknown_qpv_code_gets_a_french_message(client, directory):
    response = client.get(LIST, {"qpv": "QN00000X"})

    assertContains(response, "Aucun quartier prioritaire ne porte ce code")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("garonne", ["BTP Garonne"]),
        ("toulouse", ["BTP Garonne"]),
        ("facilitateur", ["PLIE Plaine Commune"]),
    ],
)
def test_search_looks_in_name_commune_and_description(client, directory, query, expected):
    assert names(client.get(LIST, {"q": query})) == expected


def test_htmx_request_gets_only_the_results(client, directory):
    response = client.get(LIST, {"family": ActorFamily.SIAE}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert 'id="resultats"' in content
    assert "<html" not in content
    assert "Régie de quartier Paris Est" in content


def test_list_counts_only_the_contacts_the_visitor_may_see(client, directory):
    anonymous = {s.name: s.visible_contact_count for s in client.get(LIST).context["page_obj"]}
    client.force_login(MembershipFactory().user)
    member = {s.name: s.visible_contact_count for s in client.get(LIST).context["page_obj"]}

    assert anonymous["PLIE Plaine Commune"] == 1
    assert member["PLIE Plaine Commune"] == 2


def test_list_query_count_stays_flat(client, places, django_assert_max_num_queries):
    for number in range(30):
        structure = StructureFactory(departement=places["93"], name=f"Structure {number:02}")
        ContactFactory(structure=structure)

    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"region": "11", "q": "structure"})

    assert response.context["page_obj"].paginator.count == 30


def test_list_is_paginated(client, places):
    for number in range(25):
        StructureFactory(departement=places["93"], name=f"Structure {number:02}")

    response = client.get(LIST, {"page": 2})

    assert names(response) == [f"Structure {n}" for n in range(20, 25)]


# --- Detail ----------------------------------------------------------------------------------


def detail(client, structure):
    return client.get(reverse("directory:detail", args=[structure.pk]))


def test_anonymous_visitor_sees_only_public_contacts(client, directory):
    response = detail(client, directory["plie"])

    assertContains(response, "Paula Publique")
    assertNotContains(response, "Participant")
    assertNotContains(response, "Noémie")


def test_logged_in_visitor_also_sees_participants_contacts_never_nobody(client, directory):
    client.force_login(MembershipFactory().user)

    response = detail(client, directory["plie"])

    assertContains(response, "Paula Publique")
    assertContains(response, "Pierre Participant")
    assertNotContains(response, "Noémie")
    assertNotContains(response, directory["nobody"].email)


def test_unpublished_structure_is_404_for_the_public(client, places):
    structure = StructureFactory(is_published=False, departement=places["93"])

    assert detail(client, structure).status_code == 404


def test_who_to_meet_lists_complementary_actors_of_the_same_departement(client, directory):
    response = detail(client, directory["plie"])

    who = response.context["who_to_meet"]
    assert who.scope == "département"
    assert [s.name for s in who.structures] == ["Plaine Habitat"]
    assertContains(response, "Qui rencontrer ?")


def test_who_to_meet_falls_back_to_the_region(client, directory, places):
    structure = StructureFactory(
        name="GEIQ Paris", family=ActorFamily.GEIQ, departement=places["75"]
    )

    who = detail(client, structure).context["who_to_meet"]

    # Nothing complementary in Paris: the facilitator of the region, not the company of
    # another region, nor the SIAE (not a complementary family of a GEIQ).
    assert who.scope == "région"
    assert [s.name for s in who.structures] == ["PLIE Plaine Commune"]


def test_who_to_meet_honours_contact_visibility(client, directory, places):
    structure = StructureFactory(family=ActorFamily.SOCIAL_LANDLORD, departement=places["93"])

    anonymous = detail(client, structure)
    client.force_login(MembershipFactory().user)
    member = detail(client, structure)

    assertNotContains(anonymous, "Pierre Participant")
    assertContains(member, "Pierre Participant")
    assertNotContains(member, "Noémie")


def test_meetings_attended_show_only_people_who_allow_it(client, directory, places):
    meeting = MeetingFactory(past=True, region=places["idf"], title="Rencontre de Saint-Denis")
    for contact, visibility in [
        (directory["public"], Visibility.PUBLIC),
        (directory["nobody"], Visibility.NOBODY),
    ]:
        RegistrationFactory(
            meeting=meeting,
            contact=contact,
            first_name=contact.first_name,
            last_name=contact.last_name,
            visibility=visibility,
            status=RegistrationStatus.CONFIRMED,
        )

    response = detail(client, directory["plie"])

    [(shown_meeting, people)] = response.context["meetings"]
    assert shown_meeting == meeting
    assert people == ["Paula Publique"]


# --- Self-service ----------------------------------------------------------------------------


def test_my_structure_is_404_without_organisation(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    assert client.get(reverse("directory:my_structure")).status_code == 404


def test_member_creates_the_sheet_of_their_organisation(client, places):
    organisation = OrganisationFactory(name="PLIE Est", departement=places["93"])
    client.force_login(MembershipFactory(organisation=organisation).user)

    form = client.get(reverse("directory:my_structure"))
    assert form.context["form"].initial["name"] == "PLIE Est"
    response = client.post(
        reverse("directory:my_structure"),
        {
            "name": "PLIE Est Ensemble",
            "family": ActorFamily.FACILITATOR,
            "region": "11",
            "departement": "93",
            "commune": "93066",
            "qpvs": "QN09301M",
            "is_published": "on",
            "organisation": organisation.pk,
        },
    )

    structure = Structure.objects.get(organisation=organisation)
    assert response.status_code == 302
    assert response.url == reverse("directory:edit", args=[structure.pk])
    assert structure.commune == places["saint_denis"]
    assert list(structure.qpvs.all()) == [places["qpv"]]


def test_invalid_siret_is_explained_next_to_the_field(client, places):
    organisation = OrganisationFactory(departement=places["93"])
    client.force_login(MembershipFactory(organisation=organisation).user)

    response = client.post(
        reverse("directory:my_structure"),
        {"name": "X", "family": ActorFamily.FACILITATOR, "region": "11", "siret": "12345678900016"},
    )

    assert response.status_code == 200
    assert "clé de contrôle" in response.context["form"].errors["siret"][0]


def test_member_adds_a_contact_with_consent(client, places):
    organisation = OrganisationFactory(departement=places["93"])
    structure = StructureFactory(organisation=organisation, departement=places["93"])
    client.force_login(MembershipFactory(organisation=organisation).user)
    url = reverse("directory:contact_add", args=[structure.pk])
    data = {
        "first_name": "Léa",
        "last_name": "Martin",
        "email": "lea@example.org",
        "visibility": Visibility.PUBLIC,
    }

    refused = client.post(url, data)
    accepted = client.post(url, {**data, "consent": "on"})

    assert "accord de la personne" in refused.context["form"].errors["consent"][0]
    assert accepted.status_code == 302
    assert structure.contacts.get().visibility == Visibility.PUBLIC


def test_organiser_of_another_region_cannot_edit(client, directory, places):
    coordination = OrganisationFactory(departement=places["31"])
    client.force_login(MembershipFactory(organisation=coordination, coordinator=True).user)

    response = client.get(reverse("directory:edit", args=[directory["plie"].pk]))

    assert response.status_code == 404


# --- Export ----------------------------------------------------------------------------------


def export(client, fmt):
    return client.get(reverse("directory:export", args=[fmt]))


def test_export_is_404_for_a_facilitator(client, directory):
    client.force_login(MembershipFactory().user)

    assert export(client, "csv").status_code == 404


def test_csv_export_uses_semicolons_and_a_bom_without_nobody_contacts(client, directory):
    client.force_login(MembershipFactory(national_admin=True).user)

    response = export(client, "csv")

    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Structure"
    emails = {row[15] for row in rows[1:]}
    assert directory["public"].email in emails
    assert directory["participants"].email in emails
    assert directory["nobody"].email not in emails


def test_xlsx_export_of_a_coordinator_covers_their_region_only(client, directory, places):
    coordination = OrganisationFactory(departement=places["93"])
    client.force_login(MembershipFactory(organisation=coordination, coordinator=True).user)

    response = export(client, "xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    structures = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert structures == {"PLIE Plaine Commune", "Plaine Habitat", "Régie de quartier Paris Est"}
    assert response["Content-Disposition"] == 'attachment; filename="annuaire-des-acteurs.xlsx"'
