"""The calibration calculator in a real browser: the result follows the typing (htmx), a trade
fills its labour share, the ANRU mode; a facilitator applies a result to one of their lots."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clauses.procurement.models import Clause, LabourShare
from tests.factories import MembershipFactory
from tests.tracking.factories import tracked_contract

pytestmark = pytest.mark.e2e


@pytest.fixture
def painting(transactional_db):
    # Live-server tests empty the database afterwards: the migration's rows may be gone.
    return LabourShare.objects.update_or_create(
        trade="Peinture intérieure",
        defaults={"share": Decimal("0.70"), "source": "MEF Sud 77", "position": 1},
    )[0]


def _result(page):
    return page.locator("#calculator-result")


def test_anonymous_user_calculates_hours_as_they_type(page, live_server, painting):
    page.goto(reverse("tools:calculator"))
    expect(page.locator("h1")).to_have_text("Calculer les heures d'insertion d'une clause")
    expect(_result(page)).to_contain_text("Comment le nombre d’heures est calculé")
    expect(page.get_by_role("table", name=re.compile("Parts de main-d’œuvre"))).to_contain_text(
        "Peinture intérieure"
    )

    page.get_by_label("Montant HT").fill("1 000 000")
    page.get_by_label("Part de main-d'œuvre (%)").fill("50")
    # Insertion rate (5 %) and hourly cost (30 €) are pre-filled.
    expect(page.locator("#calculator-hours")).to_contain_text(re.compile(r"833\s+heures"))
    expect(page.locator("#calculator-formula")).to_contain_text(
        re.compile(r"1\s000\s000\s€ HT × 50\s% de main-d'œuvre × 5\s% d'insertion ÷ 30\s€/h")
    )
    expect(_result(page)).to_contain_text(re.compile(r"1 ETP = 1\s600 heures"))
    # The address keeps the inputs: the calculation can be shared.
    expect(page).to_have_url(re.compile(r"amount=1"))

    # Choosing a trade fills its share, and the result follows.
    page.get_by_label("Corps d'état ou type de prestation").select_option(str(painting.pk))
    expect(page.get_by_label("Part de main-d'œuvre (%)")).to_have_value("70")
    expect(page.locator("#calculator-formula")).to_contain_text(re.compile(r"× 70\s% de main"))
    expect(page.locator("#calculator-hours")).to_contain_text(re.compile(r"1\s167\s+heures"))

    # ANRU charter: 5 % of the hours worked, for residents of priority neighbourhoods.
    page.get_by_text("Charte ANRU (opération NPNRU) : part des heures travaillées").click()
    expect(page.locator("#calculator-hours")).to_contain_text("pour des habitants des QPV")
    expect(_result(page)).to_contain_text("Heures travaillées estimées")
    expect(_result(page)).to_contain_text(re.compile(r"23\s333\s+h"))  # 700 000 € ÷ 30 €/h

    # A mistake is named in French.
    page.get_by_label("Coût horaire chargé").fill("0")
    expect(_result(page)).to_contain_text("Le coût horaire chargé doit être supérieur à 0 €.")
    expect(page.locator("#calculator-hours")).to_have_count(0)
    # No « apply » form for an anonymous visitor.
    expect(page.get_by_role("button", name="Appliquer à ce lot")).to_have_count(0)


def test_calculator_works_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(reverse("tools:calculator"))
        page.get_by_label("Montant HT").fill("2 400 000")
        page.get_by_label("Part de main-d'œuvre (%)").fill("40")
        page.get_by_label("Taux d'insertion (%)").fill("7")
        page.get_by_label("Coût horaire chargé").fill("35")
        page.get_by_role("button", name="Calculer").click()
        expect(page.locator("#calculator-hours")).to_contain_text(re.compile(r"1\s920\s+heures"))
    finally:
        context.close()


def test_facilitator_applies_the_result_to_a_lot(page, login, live_server):
    facilitator = MembershipFactory(organisation__name="PLIE Est 93")
    objects = tracked_contract(facilitator.organisation, participants=0)
    lot = objects["lot"]
    login(facilitator.user)

    # Coming from the lot: its amount and clause give a first result at once.
    page.goto(f"{reverse('tools:calculator')}?lot={lot.pk}")
    expect(page.get_by_label("Montant HT")).to_have_value("1 200 000")
    page.get_by_label("Taux d'insertion (%)").fill("10")
    expected = (lot.amount_excl_tax * Decimal("0.40") * Decimal("0.10") / 35).quantize(1)
    hours_text = f"{expected:,}".replace(",", " ")
    expect(page.locator("#calculator-hours")).to_contain_text(
        re.compile(hours_text.replace(" ", r"\s") + r"\s+heures")
    )
    apply_form = page.locator("#apply-form")
    expect(apply_form.get_by_label("Lot", exact=True)).to_have_value(str(lot.pk))
    apply_form.get_by_role("button", name="Appliquer à ce lot").click()

    reference = objects["contract"].reference
    expect(page.get_by_role("status")).to_contain_text(
        f"Calcul appliqué au lot {lot.number} (Gros œuvre) du marché {reference}"
    )
    clause = Clause.objects.get(lot=lot)
    assert clause.required_hours == expected
    assert clause.insertion_rate == Decimal("0.10")
    assert "d'insertion ÷ 35" in clause.calculation_note
