"""Issue 5's "done when", walked as a new facilitator would, in one browser session.

A facilitator whose organisation has recorded nothing yet records a contract with its
social clause and two companies, five participants with their missions and six months of
hours in the grid, sees the contract's progress, imports more of the same from a
spreadsheet (errors reported by line and column, then fixed), and downloads the PDF report
to hand to the buyer, whose figures are read back from the PDF itself.
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from clauses.core.models import AuditEntry
from clauses.insertion.models import HoursDeclaration, Mission, Participant
from clauses.insertion.transfer import columns
from clauses.procurement.models import Contract
from tests.factories import MembershipFactory
from tests.tracking.factories import make_siret

pytestmark = pytest.mark.e2e

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin"]
BUYER_SIRET = make_siret(501)
HOLDER_SIRET = make_siret(502)
SUBCONTRACTOR_SIRET = make_siret(503)
PEOPLE = [
    ("P-101", "Diallo", "Awa", "1994-02-11", "Femme"),
    ("P-102", "Martin", "Hugo", "1988-09-30", "Homme"),
    ("P-103", "Benali", "Karim", "2001-06-02", "Homme"),
    ("P-104", "Nguyen", "Linh", "1975-12-19", "Femme"),
    ("P-105", "Moreau", "Théo", "2003-03-25", "Homme"),
]


def _hours(person, month):
    """The hours typed for a participant and a month: 60 to 125 (2,775 h in all)."""
    return 60 + 10 * person + 5 * month


def _menu(page, entry):
    navigation = page.locator("#fr-navigation")
    navigation.get_by_role("button", name="Espace facilitateur").click()
    navigation.get_by_role("link", name=entry, exact=True).click()


def _workbook(year, *, siret, september_hours):
    """Two more participants, their missions on the same lot and three months of hours;
    ``siret`` is the company of the second mission, ``september_hours`` the first's."""
    book = Workbook()
    book.remove(book.active)
    sheets = {
        columns.PARTICIPANTS: [
            ["P-106", "Petit", "Inès", f"14/05/{year - 30}", "Femme"],
            ["P-107", "Garnier", "Yanis", f"02/10/{year - 22}", "Homme"],
        ],
        columns.MISSIONS: [
            [p, "2026-TX-0100", "1", company, "Embauche directe", "CDD", f"01/07/{year}", ""]
            for p, company in (("P-106", HOLDER_SIRET), ("P-107", siret))
        ],
        columns.HOURS: [
            [p, "2026-TX-0100", "1", HOLDER_SIRET, "", f"{month:02d}/{year}", hours]
            for p, september in (("P-106", september_hours), ("P-107", "140"))
            for month, hours in ((7, "120"), (8, "98,5"), (9, september))
        ],
    }
    for sheet, rows in sheets.items():
        worksheet = book.create_sheet(sheet.title)
        worksheet.append(sheet.headers)
        for row in rows:
            worksheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(page, content):
    page.get_by_label("Fichiers à importer").set_input_files(
        files=[{"name": "suivi-chantier.xlsx", "mimeType": XLSX, "buffer": content}]
    )
    page.get_by_role("button", name="Vérifier les fichiers").click()


def test_new_facilitator_from_an_empty_workspace_to_the_buyer_s_pdf_report(
    page, login, live_server, tmp_path
):
    year = datetime.date.today().year - 1  # a whole past year: every month may be declared
    facilitator = MembershipFactory(organisation__name="PLIE Vallée de l'Ourcq")
    login(facilitator.user)

    # 1. An empty workspace: the buyer, its contract, the lot with its clause.
    page.goto(reverse("workspace:home"))
    _menu(page, "Acheteurs")
    expect(page.locator("main")).to_contain_text("Aucun acheteur enregistré")
    page.locator("main").get_by_role("link", name="Nouvel acheteur").first.click()
    page.get_by_label("Nom de l'acheteur").fill("Ourcq Habitat")
    page.get_by_label("SIRET").fill("123 456 789 00012")  # a typing mistake
    page.get_by_label("Type d'acheteur").select_option(label="Bailleur social")
    page.get_by_role("button", name="Créer l'acheteur").click()
    expect(page.locator("main")).to_contain_text("SIRET")
    expect(page.locator("main")).to_contain_text("n'est pas valide")
    page.get_by_label("SIRET").fill(BUYER_SIRET)
    page.get_by_role("button", name="Créer l'acheteur").click()
    expect(page.get_by_role("status")).to_contain_text("L'acheteur Ourcq Habitat est créé.")

    page.locator("main").get_by_role("link", name="Nouveau marché").click()
    page.get_by_label("Acheteur", exact=True).select_option(label="Ourcq Habitat")
    page.get_by_label("Référence du marché").fill("2026-TX-0100")
    page.get_by_label("Objet du marché").fill("Réhabilitation thermique de 80 logements")
    page.get_by_label("Nature du marché").select_option(label="Travaux")
    page.get_by_label("Montant HT (€)").fill("3200000")
    page.get_by_label("Date de notification").fill(f"{year - 1}-12-01")
    page.get_by_label("Durée (mois)").fill("24")
    page.get_by_role("button", name="Créer le marché").click()
    expect(page.locator("h1")).to_have_text("Marché 2026-TX-0100")

    page.get_by_role("link", name="Ajouter un lot et sa clause").first.click()
    page.get_by_label("Intitulé du lot").fill("Isolation et façades")
    page.get_by_label("Fondement juridique de la clause").select_option(
        label="Clause d'exécution (L2112-2)"
    )
    page.get_by_label("Heures d'insertion exigées").fill("6000")
    page.get_by_role("button", name="Enregistrer le lot et sa clause").click()
    expect(page.get_by_role("status")).to_contain_text("sa clause sociale sont enregistrés")
    lot_title = "Lot 1 — Isolation et façades"

    # 2. Its companies: the holder and an ETTI as subcontractor.
    for name, siret, kind, role in (
        ("Façades de l'Ourcq", HOLDER_SIRET, "Entreprise classique", "Titulaire"),
        (
            "Ourcq Intérim Insertion",
            SUBCONTRACTOR_SIRET,
            "Entreprise de travail temporaire d'insertion (ETTI)",
            "Sous-traitant",
        ),
    ):
        lot = page.get_by_role("region", name=lot_title)
        lot.get_by_role("link", name="Ajouter une entreprise").click()
        page.locator("main").get_by_role("link", name="Créer une entreprise").click()
        page.get_by_label("Raison sociale").fill(name)
        page.get_by_label("SIRET").fill(siret)
        page.get_by_label("Type d'entreprise").select_option(label=kind)
        page.get_by_role("button", name="Créer l'entreprise").click()
        page.get_by_label("Rôle sur le lot").select_option(label=role)
        page.get_by_role("button", name="Rattacher l'entreprise").click()
        expect(page.get_by_role("status")).to_contain_text(f"{name} est rattachée au Lot 1")
    companies = page.get_by_role("table", name=f"Entreprises du {lot_title}")
    expect(companies).to_contain_text("Façades de l'Ourcq")
    expect(companies).to_contain_text("Ourcq Intérim Insertion")
    expect(page.get_by_role("region", name=lot_title)).to_contain_text("0 h sur 6 000 h (0 %)")
    contract_url = page.url

    # 3. Five participants, each with a mission on the lot for the first half of the year.
    for identifier, last_name, first_name, birth_date, sex in PEOPLE:
        _menu(page, "Participants")
        page.get_by_role("link", name="Nouveau participant").click()
        page.get_by_label("Identifiant").fill(identifier)
        page.get_by_label(re.compile(r"^\s*Nom\b")).fill(last_name)
        page.get_by_label("Prénom").fill(first_name)
        page.get_by_label("Date de naissance").fill(birth_date)
        page.get_by_text(sex, exact=True).click()
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator("h1")).to_have_text(f"Participant {identifier}")

        page.get_by_role("link", name="Nouvelle mission").click()
        page.get_by_label("Marché et lot").select_option(label=f"2026-TX-0100 — {lot_title}")
        company = page.get_by_label("Entreprise")
        # The companies of the chosen lot come first (the field is refreshed by htmx).
        expect(company.locator("optgroup[label='Entreprises du lot'] option")).to_have_count(2)
        company.select_option(label="Façades de l'Ourcq")
        page.get_by_label("Modalité de mise en œuvre").select_option(label="Embauche directe")
        page.get_by_label("Type de contrat de travail").select_option(label="CDD")
        page.get_by_label("Début").fill(f"{year}-01-05")
        page.get_by_label(re.compile(r"^\s*Fin\b")).fill(f"{year}-06-30")
        page.get_by_role("button", name="Enregistrer la mission").click()
        expect(page.locator("h1")).to_have_text(f"Participant {identifier}")
        expect(page.locator("article", has_text=lot_title)).to_contain_text(
            "Aucune heure déclarée pour cette mission."
        )
    assert Participant.objects.filter(organisation=facilitator.organisation).count() == 5

    # 4. Six months of hours, typed in the grid and saved cell by cell.
    contract = Contract.objects.get(reference="2026-TX-0100")
    page.goto(f"{reverse('insertion:hours_grid')}?marche={contract.pk}&annee={year}")
    expect(page.locator("h1")).to_have_text("Heures mensuelles — 2026-TX-0100")
    status = page.locator("#statut-grille")
    for person, (identifier, *_rest) in enumerate(PEOPLE):
        for month, name in enumerate(MONTHS):
            cell = page.get_by_label(f"Heures de {identifier} en {name} {year}", exact=True)
            cell.fill(str(_hours(person, month)))
            cell.press("Tab")
            expect(status).to_have_text(
                f"{identifier}, {name} {year} : {_hours(person, month)} h enregistrées."
            )
    typed = sum(_hours(p, m) for p in range(len(PEOPLE)) for m in range(len(MONTHS)))
    assert typed == 2_775
    expect(page.locator("#total-annee")).to_have_text("2 775")
    assert HoursDeclaration.objects.filter(mission__lot__contract=contract).count() == 30

    # 5. The progress of the clause, on the contract and on the dashboard.
    page.goto(contract_url)
    bar = page.get_by_role("progressbar", name="Heures d'insertion réalisées sur le marché")
    expect(bar).to_have_attribute("value", "46")
    expect(page.locator("main")).to_contain_text("2 775 h sur 6 000 h (46 %)")
    expect(page.locator("main")).to_contain_text("5 missions d'insertion")
    _menu(page, "Tableau de bord")
    expect(page.locator("h1")).to_have_text("Tableau de bord")
    expect(page.locator("main")).to_contain_text("2026-TX-0100")

    # 6. The summer's missions come from the company's spreadsheet: first with two mistakes.
    _menu(page, "Import/Export")
    expect(page.locator("h1")).to_have_text("Importer des données")
    _upload(page, _workbook(year, siret="12345678900012", september_hours="250"))
    expect(page.locator("h1")).to_have_text("Aperçu de l'import")
    errors = page.get_by_role("table", name="Erreurs à corriger")
    expect(errors).to_contain_text(re.compile(r"Missions\s+3\s+SIRET de l'entreprise"))
    expect(errors).to_contain_text("Le SIRET « 12345678900012 » n'est pas valide")
    expect(errors).to_contain_text(re.compile(r"Heures\s+4\s+Heures"))
    expect(errors).to_contain_text("dépasse le plafond plausible de 200 h par mois")
    expect(page.get_by_role("button", name="Confirmer l’import")).to_have_count(0)
    assert not Participant.objects.filter(identifier="P-106").exists()

    page.get_by_role("link", name="Déposer le fichier corrigé").click()
    _upload(page, _workbook(year, siret=HOLDER_SIRET, september_hours="140"))
    expect(page.get_by_role("heading", name=re.compile("Prêt à importer"))).to_contain_text(
        "10 créations"
    )
    page.get_by_role("button", name="Confirmer l’import").click()
    expect(page.get_by_role("heading", name=re.compile("Import terminé"))).to_contain_text(
        "10 créations"
    )
    assert Mission.objects.filter(lot__contract=contract).count() == 7
    imported = 2 * (120 + 98.5 + 140)
    page.goto(contract_url)
    expect(page.locator("main")).to_contain_text("3 492 h sur 6 000 h (58 %)")
    assert typed + imported == 3_492

    # 7. The report for the buyer: the page, then its PDF, read back.
    page.get_by_role("link", name="Bilan du marché").click()
    expect(page.locator("h1")).to_have_text("Bilan de la clause sociale — marché 2026-TX-0100")
    expect(page.locator("#report-hours")).to_contain_text(
        re.compile(r"3\s492 heures réalisées sur 6\s000 heures exigées")
    )
    expect(page.locator("main")).not_to_contain_text("Diallo")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    assert target.suffix == ".pdf"
    reader = PdfReader(io.BytesIO(Path(target).read_bytes()))
    content = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "2026-TX-0100" in content and "Ourcq Habitat" in content
    assert re.search(r"3 ?492 heures réalisées sur 6 ?000 heures exigées", content), content
    assert "7 participants" in content
    for _identifier, last_name, *_rest in PEOPLE:
        assert last_name not in content
    assert AuditEntry.objects.filter(
        action="insertion.report_downloaded", object_id=str(contract.pk)
    ).exists()
