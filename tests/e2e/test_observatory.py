"""The figures pages in a real browser, for each of their readers: a facilitator, a
regional coordinator and the national administrator see their scope's figures, breakdowns,
map and charts (axe-core: no A or AA violation, also at 320 px), choose another scope and a
year, and download the figures as CSV and XLSX."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.factories import MembershipFactory
from tests.observatory.conftest import known  # noqa: F401

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(transactional_db, known):  # noqa: F811
    return known


def open_figures(page, login, user):
    login(user)
    page.goto(reverse("observatory:dashboard") + "?annee=2025")
    expect(page.locator("h1")).to_contain_text("Chiffres de la clause sociale")


def test_the_national_administrator_reads_the_country(page, login, world, axe, tmp_path):
    open_figures(page, login, MembershipFactory(national_admin=True).user)
    expect(page.locator("h1")).to_contain_text("France entière")
    cards = page.locator(".fr-tile")
    expect(cards.filter(has_text="Heures d'insertion")).to_contain_text("400")
    expect(cards.filter(has_text="Part des femmes")).to_contain_text(
        "Part des participants (personnes)."
    )
    expect(
        page.get_by_role("table", name="Sexe — part des participants (personnes)")
    ).to_be_visible()
    expect(page.get_by_role("group", name="Heures d'insertion par région")).to_be_visible()
    expect(page.locator("#chart-sex-titre")).to_have_text(
        "Sexe (part des participants (personnes))"
    )
    axe(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en XLSX").click()
    path = tmp_path / "chiffres.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert next(row for row in rows if row[2] == "Heures d'insertion")[4] == 400

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en CSV").click()
    path = tmp_path / "chiffres.csv"
    download.value.save_as(path)
    lines = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert any(line[2] == "Participants" and line[4] == "3" for line in lines)

    # Into a region through the map's list.
    page.get_by_role("link", name="Nouvelle-Aquitaine").first.click()
    expect(page.locator("h1")).to_contain_text("Nouvelle-Aquitaine")
    axe(page)


def test_a_regional_coordinator_reads_its_region_at_320_px(page, login, world, axe):
    coordinator = MembershipFactory(organisation=world.org_a, coordinator=True).user
    page.set_viewport_size({"width": 320, "height": 800})
    open_figures(page, login, coordinator)
    expect(page.locator("h1")).to_contain_text("Île-de-France")
    expect(page.locator(".fr-tile").filter(has_text="Heures d'insertion")).to_contain_text("340")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    axe(page)
    page.get_by_label("Échelle").select_option(label="Val-de-Marne (94)")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("h1")).to_contain_text("Val-de-Marne")
    expect(page.locator(".fr-tile").filter(has_text="Heures d'insertion")).to_contain_text("40")


def test_a_facilitator_reads_its_structure(page, login, world, axe):
    open_figures(page, login, MembershipFactory(organisation=world.org_a).user)
    expect(page.locator("h1")).to_contain_text("PLIE A")
    expect(page.locator(".fr-tile").filter(has_text="Participants").first).to_contain_text("2")
    axe(page)
    page.get_by_label("Ou du mois").fill("2025-03")
    page.get_by_label("au mois").fill("2025-04")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator(".fr-text--lead")).to_contain_text("03/2025 à 04/2025")
