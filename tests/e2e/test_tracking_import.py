"""Importing tracking data in a real browser: a file with two errors, listed by line and
column; the corrected file, its preview, the confirmation; the contract then appears."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import Workbook
from playwright.sync_api import expect

from clauses.insertion.transfer import columns
from clauses.procurement.models import Contract
from tests.factories import MembershipFactory
from tests.tracking.factories import make_siret

pytestmark = pytest.mark.e2e

BUYER = make_siret(301)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(*, notification_date, legal_basis):
    book = Workbook()
    book.remove(book.active)
    sheets = {
        columns.BUYERS: [[BUYER, "Ville de Bondy", "Commune ou intercommunalité", ""]],
        columns.CONTRACTS: [
            [
                "2026-BONDY-07",
                BUYER,
                "Entretien des espaces verts",
                "Services",
                "",
                "77310000",
                "480 000",
                notification_date,
                "36",
            ]
        ],
        columns.LOTS: [
            ["2026-BONDY-07", "1", "Parcs", "", "L2112-2", "1200"],
            ["2026-BONDY-07", "2", "Voirie", "", legal_basis, "800"],
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


def _upload(page, name, content):
    page.get_by_label("Fichiers à importer").set_input_files(
        files=[{"name": name, "mimeType": XLSX, "buffer": content}]
    )
    page.get_by_role("button", name="Vérifier les fichiers").click()


def test_facilitator_fixes_the_errors_then_imports(page, live_server, login):
    membership = MembershipFactory(organisation__name="PLIE Est Ensemble")
    login(membership.user)

    page.goto(reverse("workspace:home"))
    page.goto(reverse("transfers:import"))
    expect(page.locator("h1")).to_have_text("Importer des données")
    expect(page.get_by_role("link", name="Modèle vide (Excel)")).to_be_visible()

    _upload(page, "suivi.xlsx", _workbook(notification_date="0218-03-01", legal_basis=""))
    expect(page.locator("h1")).to_have_text("Aperçu de l'import")
    expect(page.get_by_role("alert")).to_contain_text("2 erreurs à corriger")
    errors = page.get_by_role("table", name="Erreurs à corriger")
    rows = errors.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(re.compile(r"Marchés\s+2\s+Date de notification"))
    expect(rows.nth(0)).to_contain_text("La date 0218-03-01 n'est pas plausible")
    expect(rows.nth(1)).to_contain_text(re.compile(r"Lots\s+3\s+Fondement juridique"))
    expect(rows.nth(1)).to_contain_text("Un lot suivi doit porter une clause sociale")
    expect(page.get_by_role("button", name="Confirmer l’import")).to_have_count(0)
    assert not Contract.objects.exists()

    page.get_by_role("link", name="Déposer le fichier corrigé").click()
    _upload(page, "suivi.xlsx", _workbook(notification_date="01/03/2026", legal_basis="L2112-2"))
    expect(page.get_by_role("heading", name=re.compile("Prêt à importer"))).to_contain_text(
        "4 créations"
    )
    summary = page.get_by_role("table", name="Ce que l’import va faire")
    expect(summary.get_by_role("row", name=re.compile("^Lots"))).to_contain_text("2")
    assert not Contract.objects.exists()

    page.get_by_role("button", name="Confirmer l’import").click()
    expect(page.get_by_role("heading", name=re.compile("Import terminé"))).to_contain_text(
        "4 créations"
    )
    expect(page.get_by_role("table", name="Ce qui a été importé")).to_be_visible()
    contract = Contract.objects.get(reference="2026-BONDY-07")
    assert contract.lots.count() == 2

    page.get_by_role("link", name="Voir les marchés").click()
    expect(page.locator("main")).to_contain_text("2026-BONDY-07")

    # The same file once more: nothing to change.
    page.goto(reverse("transfers:import"))
    _upload(page, "suivi.xlsx", _workbook(notification_date="01/03/2026", legal_basis="L2112-2"))
    expect(page.get_by_role("heading", name=re.compile("Prêt à importer"))).to_contain_text(
        "0 création, 0 mise à jour, 4 lignes inchangées"
    )
