"""The public observatory in a real browser: an anonymous visitor reads the published year,
picks a region, downloads its table, then reads the methodology and the open data
(axe-core: no A or AA violation on the three pages; no horizontal scroll at 320 px)."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from tests.observatory.conftest import known  # noqa: F401

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(transactional_db, known, settings):  # noqa: F811
    settings.OBSERVATORY_MIN_CELL = 1
    settings.OBSERVATORY_DOMINANCE = 1.0
    call_command(
        "consolidate", "--year", "2025", "--from-tracking", "--publish", stdout=io.StringIO()
    )
    return known


def test_an_anonymous_visitor_reads_the_observatory(page, world, axe, tmp_path):
    page.goto(reverse("www:observatory"))
    expect(page.locator("h1")).to_contain_text("France, 2025")
    expect(page.locator(".fr-tile").filter(has_text="Heures d'insertion")).to_contain_text("400")
    expect(page.locator(".fr-tile").filter(has_text="Part des femmes")).to_contain_text(
        "Part des participants (personnes)."
    )
    expect(page.get_by_role("group", name="Heures d'insertion par région, 2025")).to_be_visible()
    axe(page)

    page.get_by_label("Territoire", exact=True).select_option(label="Île-de-France (région)")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("h1")).to_contain_text("Île-de-France, 2025")
    expect(page.locator(".fr-tile").filter(has_text="Heures d'insertion")).to_contain_text("340")

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en CSV").click()
    path = tmp_path / "observatoire.csv"
    download.value.save_as(path)
    lines = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    total = next(line for line in lines if line[4] == "Ensemble")
    assert (total[1], total[7], total[8]) == ("Île-de-France", "2", "340,0")

    pages = page.get_by_role("navigation", name="Pages de l'observatoire")
    pages.get_by_role("link", name="Méthodologie").click()
    expect(page.locator("h1")).to_have_text("Méthodologie de l'observatoire")
    expect(page.locator("#secret-statistique")).to_be_visible()
    axe(page)

    pages.get_by_role("link", name="Données ouvertes").click()
    expect(page.locator("h1")).to_have_text("Données ouvertes de l'observatoire")
    expect(page.get_by_role("link", name="observatoire_2025.csv")).to_be_visible()
    axe(page)


def test_the_index_fits_a_320_px_screen(page, world, axe):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(reverse("www:observatory"))
    expect(page.locator("h1")).to_contain_text("France, 2025")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320 + 2
    axe(page)


def test_a_departement_under_the_default_rule_shows_secrets_accessibly(
    page,
    transactional_db,
    known,  # noqa: F811
    axe,
):
    call_command(
        "consolidate", "--year", "2025", "--from-tracking", "--publish", stdout=io.StringIO()
    )
    page.goto(reverse("www:observatory") + "?annee=2025&echelle=departement-93")
    expect(page.locator("h1")).to_contain_text("Seine-Saint-Denis (93), 2025")
    women = page.get_by_role("table", name="Sexe — part des participants (personnes)").locator(
        "tr", has_text="Femme"
    )
    expect(women).to_contain_text("secret statistique")
    expect(women).not_to_contain_text("1")
    axe(page)
