"""Reports (bilans) in a real browser: a facilitator finds a contract's report, reads it and
downloads its PDF and spreadsheet; the buyer reads its own report."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from clauses.insertion.models import HoursDeclaration
from tests.factories import MembershipFactory
from tests.tracking.factories import tracked_contract

pytestmark = pytest.mark.e2e


def _spaced(number):
    """A regex for a French grouped integer (1 080 → 1\\s080)."""
    return f"{number:,}".replace(",", r"\s")


@pytest.fixture
def setting(transactional_db):
    facilitator = MembershipFactory(organisation__name="PLIE Est 93")
    reader = MembershipFactory(reader=True, organisation__name="Office HLM 93")
    objects = tracked_contract(
        facilitator.organisation, buyer_account=reader.organisation, participants=2
    )
    done = sum(h.hours for h in HoursDeclaration.objects.all())
    return {
        "facilitator": facilitator,
        "reader": reader,
        "objects": objects,
        "done": int(done),
        "required": int(objects["clause"].required_hours),
    }


def test_facilitator_opens_a_contract_report_and_downloads_it(page, login, setting, tmp_path):
    contract = setting["objects"]["contract"]
    login(setting["facilitator"].user)
    page.goto(reverse("reports:index"))
    expect(page.locator("h1")).to_have_text("Bilans de la clause sociale")
    listing = page.get_by_role("table", name="Bilans par marché")
    expect(listing).to_contain_text(
        re.compile(rf"{_spaced(setting['done'])} / {_spaced(setting['required'])} h")
    )
    listing.get_by_role("link", name=contract.reference).click()

    expect(page.locator("h1")).to_have_text(
        f"Bilan de la clause sociale — marché {contract.reference}"
    )
    expect(page.locator("#report-hours")).to_contain_text(
        re.compile(
            rf"{_spaced(setting['done'])} heures réalisées sur "
            rf"{_spaced(setting['required'])} heures exigées"
        )
    )
    expect(page.locator("main")).to_contain_text(re.compile(r"1 ETP = 1\s600 heures"))
    expect(page.get_by_role("table", name="Par sexe")).to_contain_text("Homme")
    participant = setting["objects"]["participant"]
    expect(page.locator("main")).not_to_contain_text(participant.last_name)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("bilan-marche-")
    assert download.suggested_filename.endswith(".pdf")
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le tableur (XLSX)").click()
    target = tmp_path / "bilan.xlsx"
    download_info.value.save_as(target)
    summary = {
        row[0]: row[1]
        for row in load_workbook(target)["Synthèse"].iter_rows(min_row=2, values_only=True)
    }
    assert Decimal(str(summary["Heures d'insertion réalisées"])) == setting["done"]


def test_buyer_reads_the_report_of_its_contract(page, login, setting):
    contract = setting["objects"]["contract"]
    login(setting["reader"].user)
    page.goto(reverse("reports:index"))
    page.get_by_role("link", name=contract.reference).click()
    expect(page.locator("h1")).to_contain_text(contract.reference)
    expect(page.locator("#report-qpv")).to_contain_text("Habitants d’un quartier prioritaire")
    # The operation's report is the facilitator's: the buyer's reader does not reach it.
    response = page.request.get(
        reverse("reports:operation", args=[setting["objects"]["operation"].pk])
    )
    assert response.status == 404
