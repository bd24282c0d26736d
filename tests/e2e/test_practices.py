"""The good-practice collection through a real browser: an editor opens a draft, edits and
publishes it; a visitor finds it by typing without accents; its PDF and the recueil
contain its title."""

import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from clauses.core.models import JobProgress
from clauses.practices import services
from tests.factories import (
    DepartementFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionFactory,
)

pytestmark = pytest.mark.e2e

TITLE = "Réussir l'insertion des habitantes à Créteil"


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def draft(db):
    idf = RegionFactory(code="11", name="Île-de-France")
    val_de_marne = DepartementFactory(code="94", name="Val-de-Marne", region=idf)
    plie = OrganisationFactory(name="PLIE Créteil", departement=val_de_marne)
    contributor = MembershipFactory(organisation=plie).user
    coordination = OrganisationFactory(name="Coordination IDF", departement=val_de_marne)
    editor = MembershipFactory(organisation=coordination, coordinator=True).user
    practice = services.create_practice(
        actor=contributor,
        data={
            "title": "Brouillon à reprendre",
            "pitch": "Des visites de chantier pour les habitantes du quartier.",
            "themes": ["publics"],
            "region": idf,
            "departement": val_de_marne,
        },
    )
    return practice, editor


def test_editor_edits_and_publishes_then_visitor_finds_it(page, login, draft):
    practice, editor = draft
    login(editor)
    page.goto(reverse("practices_admin:list"))
    page.get_by_role("link", name="Brouillon à reprendre").click()
    page.get_by_role("link", name="Modifier").click()
    page.get_by_label("Titre", exact=True).fill(TITLE)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("h1")).to_have_text(TITLE)

    page.get_by_role("button", name="Publier").click()
    expect(page.locator(".fr-badge").first).to_have_text("Publiée")
    expect(page.get_by_role("link", name="Version 3")).to_be_visible()

    page.goto(reverse("practices:list") + "?q=reussir+habitantes+creteil")
    results = page.locator("#resultats")
    expect(results).to_contain_text("1 fiche")
    results.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1")).to_have_text(TITLE)

    practice.refresh_from_db()
    assert practice.slug == "reussir-linsertion-des-habitantes-a-creteil"
    sheet = page.request.get(reverse("practices:pdf", args=[practice.slug]))
    assert TITLE in pdf_text(sheet.body())

    page.goto(reverse("practices:recueil"))
    page.get_by_role("button", name="Compiler le recueil").click()
    expect(page).to_have_url(re.compile(r"/espace/"))
    job = JobProgress.objects.get()
    assert job.status == JobProgress.Status.DONE
    recueil = page.request.get(reverse("workspace:job_result", args=[job.pk]))
    assert TITLE in pdf_text(recueil.body())
