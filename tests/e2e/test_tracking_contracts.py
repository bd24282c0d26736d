"""A facilitator records a buyer, a contract, a lot with its social clause and a company,
then follows the progress of the clause; the buyer reads it, read-only, in its own browser."""

import datetime
import os
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clauses.procurement.models import Contract
from tests.factories import MembershipFactory
from tests.tracking.factories import (
    ClauseFactory,
    CompanyFactory,
    ContractFactory,
    HoursDeclarationFactory,
    LotCompanyFactory,
    LotFactory,
    MissionFactory,
    ParticipantFactory,
    make_siret,
    tracked_contract,
)

pytestmark = pytest.mark.e2e

SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def _open_workspace_menu(page, entry):
    navigation = page.locator("#fr-navigation")
    navigation.get_by_role("button", name="Espace facilitateur").click()
    navigation.get_by_role("link", name=entry, exact=True).click()


def test_facilitator_records_a_contract_and_the_buyer_reads_it(
    page, other_page, login, live_server, browser_errors
):
    facilitator = MembershipFactory(organisation__name="PLIE Est 93", user__first_name="Awa")
    reader = MembershipFactory(
        reader=True, organisation__name="Office HLM 93", user__first_name="Bruno"
    )
    siret = make_siret(42)
    login(facilitator.user)

    # From the workspace's home to the buyers, through the header's menu.
    page.goto(reverse("workspace:home"))
    expect(page.locator("main").get_by_role("link", name="Tableau de bord")).to_be_visible()
    _open_workspace_menu(page, "Acheteurs")
    expect(page.locator("h1")).to_have_text("Acheteurs")
    expect(page.locator("main")).to_contain_text("Aucun acheteur enregistré")

    # A buyer, its SIRET typed with spaces, linked to the buyer's own account.
    page.locator("main").get_by_role("link", name="Nouvel acheteur").first.click()
    page.get_by_label("Nom de l'acheteur").fill("Office HLM 93")
    page.get_by_label("SIRET").fill(f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}")
    page.get_by_label("Type d'acheteur").select_option(label="Bailleur social")
    page.get_by_label("Compte de l'acheteur sur la plateforme").select_option(label="Office HLM 93")
    page.get_by_role("button", name="Créer l'acheteur").click()
    expect(page.get_by_role("status")).to_contain_text("L'acheteur Office HLM 93 est créé.")
    expect(page.locator("main")).to_contain_text(siret)

    # Its contract.
    page.locator("main").get_by_role("link", name="Nouveau marché").click()
    page.get_by_label("Acheteur", exact=True).select_option(label="Office HLM 93")
    page.get_by_label("Référence du marché").fill("2025-TX-0042")
    page.get_by_label("Objet du marché").fill("Réhabilitation de 120 logements")
    page.get_by_label("Nature du marché").select_option(label="Travaux")
    page.get_by_label("Montant HT (€)").fill("2400000")
    page.get_by_label("Date de notification").fill("2025-01-15")
    page.get_by_label("Durée (mois)").fill("24")
    page.get_by_role("button", name="Créer le marché").click()
    expect(page.locator("h1")).to_have_text("Marché 2025-TX-0042")
    expect(page.get_by_role("status")).to_contain_text("Ajoutez maintenant ses lots")
    contract_url = page.url

    # A lot without its clause is refused, with the reason on the field.
    page.get_by_role("link", name="Ajouter un lot et sa clause").first.click()
    expect(page.get_by_label("Numéro de lot")).to_have_value("1")
    page.get_by_label("Intitulé du lot").fill("Gros œuvre")
    page.get_by_role("button", name="Enregistrer le lot et sa clause").click()
    expect(page.locator("main")).to_contain_text(
        "Un lot suivi doit porter une clause sociale : choisissez son fondement juridique."
    )
    _shot(page, "suivi-lot-sans-clause")
    page.get_by_label("Fondement juridique de la clause").select_option(
        label="Clause d'exécution (L2112-2)"
    )
    page.get_by_label("Heures d'insertion exigées").fill("1500")
    page.get_by_label("Part de main-d'œuvre (%)").fill("40")
    page.get_by_label("Taux d'insertion (%)").fill("7")
    page.get_by_label("Coût horaire chargé (€)").fill("35")
    page.get_by_role("button", name="Enregistrer le lot et sa clause").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Le Lot 1 — Gros œuvre et sa clause sociale sont enregistrés."
    )
    lot = page.get_by_role("region", name="Lot 1 — Gros œuvre")
    expect(lot).to_contain_text("Clause d'exécution (L2112-2)")
    expect(lot).to_contain_text("part de main-d'œuvre 40 % ; taux d'insertion 7 %")

    # A company, created from the lot, then attached to it as its holder.
    lot.get_by_role("link", name="Ajouter une entreprise").click()
    expect(page.locator("main")).to_contain_text("Aucune entreprise enregistrée")
    page.locator("main").get_by_role("link", name="Créer une entreprise").click()
    page.get_by_label("Raison sociale").fill("Bâtiment Est")
    page.get_by_label("SIRET").fill(make_siret(43))
    page.get_by_label("Type d'entreprise").select_option(label="Entreprise d'insertion (EI)")
    page.get_by_role("button", name="Créer l'entreprise").click()
    expect(page.locator("h1")).to_have_text("Ajouter une entreprise au Lot 1 — Gros œuvre")
    expect(page.get_by_label("Entreprise", exact=True)).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Rôle sur le lot").select_option(label="Titulaire")
    page.get_by_role("button", name="Rattacher l'entreprise").click()
    expect(page.get_by_role("status")).to_contain_text("Bâtiment Est est rattachée au Lot 1")
    lot = page.get_by_role("region", name="Lot 1 — Gros œuvre")
    companies = lot.get_by_role("table", name="Entreprises du Lot 1 — Gros œuvre")
    expect(companies).to_contain_text("Bâtiment Est")
    expect(companies).to_contain_text("SIAE")
    expect(companies).to_contain_text("Titulaire")
    expect(lot).to_contain_text("0 h sur 1 500 h (0 %)")

    # Hours are declared (by the insertion pages): the contract shows its progress.
    contract = Contract.objects.get(reference="2025-TX-0042")
    participant = ParticipantFactory(organisation=facilitator.organisation, last_name="Diallo")
    mission = MissionFactory(
        participant=participant,
        lot=contract.lots.get(),
        company=contract.lots.get().lot_companies.get().company,
    )
    for month in (2, 3, 4):
        HoursDeclarationFactory(
            mission=mission, month=datetime.date(2025, month, 1), hours=Decimal(120)
        )
    page.reload()
    bar = page.get_by_role("progressbar", name="Heures d'insertion réalisées sur le marché")
    expect(bar).to_have_attribute("value", "24")
    expect(page.locator("main")).to_contain_text("360 h sur 1 500 h (24 %)")
    expect(page.locator("main")).to_contain_text("1 mission d'insertion")
    _shot(page, "suivi-marche")
    page.goto(reverse("tracking:dashboard"))
    expect(page.locator("main")).to_contain_text("Marchés en retard sur leur prorata")
    _shot(page, "suivi-tableau-de-bord")
    page.goto(reverse("tracking:contract_list"))
    _shot(page, "suivi-marches")

    # The buyer, in its own browser: the same figures, no button, no name.
    login(reader.user, on=other_page)
    _open_workspace_menu(other_page, "Marchés")
    expect(other_page.locator("h1")).to_have_text("Marchés")
    expect(other_page.get_by_role("link", name="Nouveau marché")).to_have_count(0)
    other_page.get_by_role("link", name="2025-TX-0042").click()
    expect(other_page).to_have_url(contract_url)
    expect(other_page.locator("main")).to_contain_text("360 h sur 1 500 h (24 %)")
    expect(other_page.locator("main")).to_contain_text("Bâtiment Est")
    expect(other_page.locator("main")).to_contain_text("Lecture seule")
    _shot(other_page, "suivi-marche-acheteur")
    for label in ("Modifier le marché", "Ajouter un lot et sa clause", "Supprimer le marché"):
        expect(other_page.get_by_role("link", name=label)).to_have_count(0)
    expect(other_page.get_by_role("button", name="Retirer")).to_have_count(0)
    expect(other_page.locator("main")).not_to_contain_text("Diallo")
    expect(other_page.locator("main")).not_to_contain_text(participant.identifier)
    # The company's page is the facilitator's record.
    expect(other_page.get_by_role("link", name="Bâtiment Est")).to_have_count(0)
    browser_errors.allow(r"status of 404")
    response = other_page.goto(reverse("tracking:contract_edit", args=[contract.pk]))
    assert response.status == 404

    # The buyer's dashboard: read-only figures.
    other_page.goto(reverse("tracking:dashboard"))
    expect(other_page.locator("h1")).to_have_text("Tableau de bord")
    expect(other_page.locator("main")).to_contain_text("lecture seule")


def test_facilitator_groups_contracts_in_an_operation_and_tidies_up(page, login, live_server):
    facilitator = MembershipFactory(organisation__name="PLIE Est 93")
    organisation = facilitator.organisation
    objects = tracked_contract(organisation)  # 360 h of 1,500 since January 2025: late
    contract = objects["contract"]
    spare = ContractFactory(
        organisation=organisation,
        buyer=objects["buyer"],
        reference="2026-SV-0007",
        object="Nettoyage des parties communes",
        kind="services",
        amount_excl_tax=Decimal(90000),
        notification_date=datetime.date.today(),  # just started: not late
    )
    spare_lot = LotFactory(contract=spare, number="1", title="Nettoyage")
    ClauseFactory(lot=spare_lot, required_hours=Decimal(300))
    LotCompanyFactory(
        lot=spare_lot,
        company=CompanyFactory(organisation=organisation, name="Régie de quartier", kind="aci"),
        role="sous_traitant",
    )
    login(facilitator.user)

    # An NPNRU operation, then the late contract attached to it.
    _open_workspace_menu(page, "Opérations")
    page.locator("main").get_by_role("link", name="Nouvelle opération").first.click()
    page.get_by_label("Nom de l'opération").fill("NPNRU Bondy Nord")
    page.get_by_label("Maître d'ouvrage principal").select_option(label=objects["buyer"].name)
    page.get_by_text("Opération du NPNRU (charte ANRU)").click()
    page.get_by_label("Objectif ANRU (% des heures travaillées)").fill("5")
    page.get_by_role("button", name="Créer l'opération").click()
    expect(page.get_by_role("status")).to_contain_text("L'opération NPNRU Bondy Nord est créée.")
    expect(page.locator("main")).to_contain_text("5 % des heures travaillées")

    page.goto(reverse("tracking:contract_detail", args=[contract.pk]))
    page.get_by_role("link", name="Modifier le marché").click()
    page.get_by_label(re.compile(r"^\s*Opération")).select_option(label="NPNRU Bondy Nord")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Les modifications du marché")
    page.get_by_role("link", name="NPNRU Bondy Nord").click()
    expect(page.locator("h1")).to_have_text("NPNRU Bondy Nord")
    contracts = page.get_by_role("table", name="Marchés de l'opération")
    expect(contracts).to_contain_text(contract.reference)
    expect(contracts).to_contain_text("360 h sur 1 500 h (24 %)")

    # The contracts list: late ones only, then sorted by amount.
    _open_workspace_menu(page, "Marchés")
    rows = page.get_by_role("table", name="Marchés, heures d'insertion réalisées et exigées")
    expect(rows.locator("tbody tr")).to_have_count(2)
    page.get_by_text("En retard sur le prorata").click()
    page.get_by_role("button", name="Filtrer").click()
    expect(rows.locator("tbody tr")).to_have_count(1)
    expect(rows).to_contain_text(contract.reference)
    page.get_by_role("link", name="Effacer les filtres").click()
    page.get_by_role("link", name="Trier par montant ht, ordre croissant").click()
    expect(rows.locator("tbody tr").first).to_contain_text("2026-SV-0007")
    page.get_by_role("link", name="Trier par montant ht, ordre décroissant").click()
    expect(rows.locator("tbody tr").first).to_contain_text(contract.reference)

    # The companies: the SIAE filter, then a company's lots.
    _open_workspace_menu(page, "Entreprises")
    page.get_by_label("Type d'entreprise").select_option(label="Toutes les SIAE")
    page.get_by_role("button", name="Filtrer").click()
    companies = page.get_by_role("table", name="Entreprises, leurs lots, missions et heures")
    expect(companies.locator("tbody tr")).to_have_count(1)
    companies.get_by_role("link", name="Régie de quartier").click()
    expect(page.get_by_role("table", name="Lots de l'entreprise et son rôle")).to_contain_text(
        "Sous-traitant"
    )

    # The spare contract: its lot's clause changed, its company removed, then deleted.
    page.goto(reverse("tracking:contract_detail", args=[spare.pk]))
    lot = page.get_by_role("region", name="Lot 1 — Nettoyage")
    lot.get_by_role("link", name="Modifier le lot et sa clause").click()
    expect(page.get_by_label("Heures d'insertion exigées")).to_have_value("300.00")
    page.get_by_label("Heures d'insertion exigées").fill("450")
    page.get_by_role("button", name="Enregistrer le lot et sa clause").click()
    expect(lot).to_contain_text("0 h sur 450 h (0 %)")
    lot.get_by_role("button", name="Retirer").click()
    expect(page.get_by_role("status")).to_contain_text("Régie de quartier est retirée du Lot 1")
    expect(lot).to_contain_text("Aucune entreprise rattachée à ce lot.")
    page.get_by_role("link", name="Supprimer le marché").click()
    expect(page.locator("main")).to_contain_text("Cette suppression est définitive")
    page.get_by_role("button", name="Supprimer définitivement").click()
    expect(page.get_by_role("status")).to_contain_text("Le marché 2026-SV-0007 est supprimé.")
    expect(rows).to_contain_text(contract.reference)
    expect(rows).not_to_contain_text("2026-SV-0007")

    # The dashboard: the late contract, with what it lacks.
    _open_workspace_menu(page, "Tableau de bord")
    late = page.get_by_role("table", name="Marchés en retard, du plus grand manque au plus petit")
    expect(late).to_contain_text(contract.reference)
    bar = late.get_by_role("progressbar", name=f"Heures d'insertion du marché {contract.reference}")
    expect(bar).to_have_attribute("value", "24")
