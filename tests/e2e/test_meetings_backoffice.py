"""The organiser's day: approve a registration, export the list, print the sign-in sheet,
check people in — in a real browser, under the strict CSP."""

import csv
import io
import os

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from clauses.meetings.enums import RegistrationMode, RegistrationStatus
from tests.factories import MembershipFactory
from tests.meetings.factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.e2e

SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def meeting():
    organiser = MembershipFactory(organisation__name="PLIE Est Ensemble")
    meeting = MeetingFactory(
        organiser=organiser.organisation,
        title="Rencontre régionale d'Île-de-France",
        mode=RegistrationMode.APPROVAL,
        capacity=20,
    )
    RegistrationFactory(
        meeting=meeting, first_name="Hélène", last_name="Côté", organisation_name="Bailleur 93"
    )
    RegistrationFactory(
        meeting=meeting, first_name="Jérôme", last_name="Éluard", organisation_name="SIAE Nord"
    )
    RegistrationFactory(
        meeting=meeting,
        first_name="Zoé",
        last_name="Lefèvre",
        organisation_name="Mission locale",
        status=RegistrationStatus.PENDING,
    )
    meeting.organiser_user = organiser.user
    return meeting


def test_organiser_approves_exports_prints_and_checks_in(page, login, live_server, meeting):
    login(meeting.organiser_user)

    # Registrations: approve the pending one.
    page.goto(reverse("meetings_admin:registrations", args=[meeting.pk]))
    expect(page.locator("h1")).to_have_text(meeting.title)
    _shot(page, "inscriptions")
    page.get_by_role("button", name="Valider l'inscription de Zoé Lefèvre").click()
    expect(page.get_by_role("status")).to_contain_text("Inscription de Zoé Lefèvre confirmée.")
    table = page.get_by_role("table", name="Inscriptions de la rencontre")
    expect(table).not_to_contain_text("En attente de validation")

    # Exports, from the meeting's dashboard.
    page.goto(reverse("meetings_admin:detail", args=[meeting.pk]))
    _shot(page, "tableau-de-bord")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Liste des inscriptions (Excel)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as file:
        sheet = load_workbook(io.BytesIO(file.read())).active
    names = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"Hélène", "Jérôme", "Zoé"}

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Liste des inscriptions (CSV)").click()
    with open(download_info.value.path(), encoding="utf-8-sig") as file:
        content = file.read()
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert {row[4] for row in rows[1:]} == {"Côté", "Éluard", "Lefèvre"}

    # The sign-in sheet.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Feuille d'émargement (PDF)").click()
    reader = PdfReader(download_info.value.path())
    text = "\n".join(p.extract_text() for p in reader.pages)
    for name in ["CÔTÉ", "Hélène", "ÉLUARD", "Jérôme", "LEFÈVRE", "Zoé"]:
        assert name in text

    # Check-in: live search, one click, the counts follow.
    page.goto(reverse("meetings_admin:check_in", args=[meeting.pk]))
    expect(page.locator("#check-in-counts")).to_contain_text("0 présent sur 3")
    page.get_by_label("Rechercher une personne").fill("éluard")
    results = page.locator("#check-in-results")
    expect(results).to_contain_text("1 personne trouvée")
    expect(results).not_to_contain_text("CÔTÉ")
    results.get_by_role("button", name="Marquer présent·e : Jérôme Éluard").click()
    expect(results).to_contain_text("Présent·e à")
    expect(page.locator("#check-in-counts")).to_contain_text("1 présent sur 3")
    _shot(page, "pointage")
    assert page.url == live_server.url + reverse("meetings_admin:check_in", args=[meeting.pk])
    registration = meeting.registrations.get(last_name="Éluard")
    assert registration.checked_in_at is not None
