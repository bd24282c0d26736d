"""The actors' directory through a real browser: filtering, a structure's sheet with only
the contacts the visitor may see, « Qui rencontrer ? », and a member editing their sheet."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clauses.directory.enums import ActorFamily
from tests.directory.factories import ContactFactory, StructureFactory
from tests.factories import DepartementFactory, MembershipFactory, RegionFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def directory(db):
    idf = RegionFactory(code="11", name="Île-de-France")
    occitanie = RegionFactory(code="76", name="Occitanie")
    seine_saint_denis = DepartementFactory(code="93", name="Seine-Saint-Denis", region=idf)
    haute_garonne = DepartementFactory(code="31", name="Haute-Garonne", region=occitanie)
    plie = StructureFactory(
        name="PLIE Plaine Commune", family=ActorFamily.FACILITATOR, departement=seine_saint_denis
    )
    ContactFactory(structure=plie, first_name="Paula", last_name="Publique")
    ContactFactory(structure=plie, first_name="Pierre", last_name="Connecté", participants=True)
    ContactFactory(structure=plie, first_name="Noémie", last_name="Discrète", nobody=True)
    StructureFactory(
        name="Plaine Habitat", family=ActorFamily.SOCIAL_LANDLORD, departement=seine_saint_denis
    )
    StructureFactory(
        name="PLIE Toulouse Métropole", family=ActorFamily.FACILITATOR, departement=haute_garonne
    )
    return plie


def test_visitor_filters_the_directory_and_opens_a_structure(page, directory):
    page.goto(reverse("directory:list"))
    expect(page.locator("h1")).to_have_text("Annuaire des acteurs")
    expect(page.locator("#resultats h2")).to_contain_text("3 structures")

    page.get_by_label("Région").select_option(label="Île-de-France")
    page.get_by_label("Famille d'acteurs").select_option(value=ActorFamily.FACILITATOR)
    page.get_by_role("button", name="Afficher les structures").click()

    results = page.locator("#resultats")
    expect(results.locator("h2")).to_contain_text("1 structure")
    expect(results).not_to_contain_text("PLIE Toulouse Métropole")
    expect(page).to_have_url(re.compile(r"region=11"))  # htmx pushed the filtered URL

    results.get_by_role("link", name="PLIE Plaine Commune").click()
    expect(page.locator("h1")).to_have_text("PLIE Plaine Commune")
    main = page.locator("main")
    expect(main).to_contain_text("Paula Publique")
    expect(main).not_to_contain_text("Pierre Connecté")
    expect(main).not_to_contain_text("Noémie Discrète")
    who = page.get_by_role("region", name="Qui rencontrer ?")
    expect(who).to_contain_text("Plaine Habitat")
    who.get_by_role("link", name="Plaine Habitat").click()
    expect(page.locator("h1")).to_have_text("Plaine Habitat")


def test_member_edits_the_sheet_of_their_structure(page, login, directory):
    member = MembershipFactory(organisation__name="PLIE Plaine Commune (organisation)")
    directory.organisation = member.organisation
    directory.save()
    login(member.user)

    page.goto(reverse("directory:my_structure"))
    expect(page.locator("h1")).to_contain_text("Fiche annuaire de")
    page.get_by_label("Présentation").fill("Nous accompagnons les acheteurs du territoire.")
    page.get_by_label("SIRET").fill("12345678900016")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.locator("main")).to_contain_text("clé de contrôle est fausse")

    page.get_by_label("SIRET").fill("123 456 789 00015")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.get_by_role("status")).to_contain_text("La fiche de la structure est enregistrée.")

    page.get_by_role("link", name="Voir la fiche publique").click()
    expect(page.locator("main")).to_contain_text("Nous accompagnons les acheteurs du territoire.")
