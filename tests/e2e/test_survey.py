"""The issue's journey, as new users would do it: start the national survey with an e-mail
address, answer with its conditional questions, stop (« Enregistrer et reprendre plus
tard »), resume from the e-mailed link (real SMTP server) in another browser, and submit;
the confirmation e-mail carries a copy of the answers. Then an editor promotes the answer,
edits and publishes the sheet, a visitor finds it typing without accents, and its PDF and
the recueil carry its title."""

import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from clauses.core.models import JobProgress
from clauses.practices.models import Practice
from clauses.survey import national
from clauses.survey.enums import ResponseStatus
from clauses.survey.models import Response
from tests.factories import DepartementFactory, MembershipFactory, RegionFactory

pytestmark = pytest.mark.e2e

PUBLISHED_TITLE = "Le café de l'emploi, une équipe au pied des tours"


@pytest.fixture
def survey(transactional_db):
    cache.clear()  # the start form's rate limit counts in the cache
    DepartementFactory(code="93", region=RegionFactory(code="11", name="Île-de-France"))
    survey, _ = national.install()
    return survey


def resume_link(message, live_server):
    text = message.get_body(("plain",)).get_content()
    links = re.findall(re.escape(live_server.url) + r"/enquete/reponse/[\w-]+/", text)
    assert links, text
    return links[0]


def label(text):
    return re.compile(r"^\s*" + re.escape(text))


def test_answer_stop_resume_from_the_emailed_link_and_submit(
    page, other_page, live_server, smtp_backend, settings, survey, browser_errors, login
):
    settings.SITE_URL = live_server.url
    browser_errors.allow(r"status of 400")  # the form sent without its required answers
    page.goto("/")
    page.get_by_role("link", name="Enquête nationale").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(national.TITLE)
    page.get_by_label(label("Votre adresse e-mail")).fill("awa.diallo@example.org")
    page.get_by_role("button", name="Recevoir mon lien pour répondre").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()

    page.goto(resume_link(smtp_backend.messages[0], live_server))
    page.get_by_role("link", name="Continuer").click()
    # Profile: an empty required answer is refused, in French, next to the question.
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Répondez à cette question.").first).to_be_visible()
    page.get_by_label(label("Nom de votre structure")).fill("PLIE Est 93")
    page.get_by_label(label("Famille d'acteurs")).select_option(label="PLIE ou Maison de l'emploi")
    page.get_by_label(label("Région de votre territoire")).select_option(label="Île-de-France")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # The NPNRU questions appear only after « Oui ».
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "La clause sociale dans les quartiers prioritaires"
    )
    links = page.get_by_label(label("Comment articulez-vous la clause sociale et le projet NPNRU"))
    expect(links).to_be_hidden()
    npnru = page.locator("[data-question-name]").filter(has_text="projet de renouvellement")
    npnru.get_by_text("Oui", exact=True).click()
    expect(links).to_be_visible()
    links.fill("Une charte locale d'insertion commune.")
    page.get_by_role("button", name="Enregistrer et reprendre plus tard").click()
    expect(page.get_by_text("Vos réponses sont enregistrées")).to_be_visible()

    # Another browser, from the link e-mailed on « reprendre plus tard ».
    saved = next(m for m in smtp_backend.messages if "enregistrées" in m["Subject"])
    other_page.goto(resume_link(saved, live_server))
    other_page.get_by_role("link", name="Continuer").click()
    expect(
        other_page.get_by_label(label("Comment articulez-vous la clause sociale"))
    ).to_have_value("Une charte locale d'insertion commune.")
    other_page.get_by_role("button", name="Enregistrer et continuer").click()
    # Results.
    other_page.locator("[data-question-name]").filter(has_text="Dans quelle mesure").get_by_text(
        "4", exact=True
    ).click()
    other_page.get_by_role("button", name="Enregistrer et continuer").click()
    # Difficulties: nothing required.
    other_page.get_by_role("button", name="Enregistrer et continuer").click()
    # The inspiring-practice section appears only after « Oui ».
    other_page.get_by_text("Oui", exact=True).click()
    other_page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(other_page.get_by_role("heading", level=1)).to_contain_text("Décrivez la pratique")
    other_page.get_by_label(label("Titre de la pratique")).fill("Le café de l'emploi")
    other_page.get_by_label(label("La pratique en une phrase")).fill("Un rendez-vous mensuel.")
    other_page.get_by_label(label("Contexte")).fill("Peu d'habitants en mission.")
    other_page.get_by_label(label("Actions menées")).fill("Permanences au pied des tours.")
    consent = other_page.locator("[data-question-name]").filter(has_text="Acceptez-vous")
    consent.get_by_text("Oui", exact=True).click()
    other_page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(other_page.get_by_role("heading", level=1)).to_have_text("Récapitulatif de vos réponses")
    expect(other_page.get_by_text("Une charte locale d'insertion commune.")).to_be_visible()
    other_page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(other_page.get_by_text("Merci, votre réponse est envoyée")).to_be_visible()

    response = Response.objects.get()
    assert response.status == ResponseStatus.SUBMITTED
    assert (response.region.code, response.consent_to_publish) == ("11", True)
    subjects = [m["Subject"] for m in smtp_backend.messages]
    confirmation = next(
        (m for m in smtp_backend.messages if m["Subject"].strip().startswith("Merci")), None
    )
    assert confirmation is not None, subjects
    assert "Le café de l'emploi" in confirmation.get_body(("plain",)).get_content()

    # An editor promotes the answer, edits and publishes the sheet (issue 4, « Done when »).
    editor = MembershipFactory(national_admin=True).user
    login(editor)
    page.goto(reverse("survey_admin:response", args=[survey.pk, response.pk]))
    page.get_by_role("button", name="Promouvoir en fiche pratique").click()
    page.get_by_role("link", name="Modifier").first.click()
    page.get_by_label("Titre", exact=True).fill(PUBLISHED_TITLE)
    page.locator("label", has_text="La mobilisation des partenaires").click()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("h1")).to_have_text(PUBLISHED_TITLE)
    page.get_by_role("button", name="Publier").click()
    expect(page.locator(".fr-badge").first).to_have_text("Publiée")
    practice = Practice.objects.get()
    assert practice.source_response == response

    # A visitor types the words without accents and finds it.
    other_page.goto(reverse("practices:list") + "?q=cafe+emploi+equipe")
    results = other_page.locator("#resultats")
    expect(results).to_contain_text("1 fiche")
    results.get_by_role("link", name=PUBLISHED_TITLE).click()
    expect(other_page.locator("h1")).to_have_text(PUBLISHED_TITLE)

    # Its PDF and the compiled recueil carry its title.
    sheet = other_page.request.get(reverse("practices:pdf", args=[practice.slug]))
    assert PUBLISHED_TITLE in pdf_text(sheet.body())
    page.goto(reverse("practices:recueil"))
    page.get_by_role("button", name="Compiler le recueil").click()
    expect(page).to_have_url(re.compile(r"/espace/"))
    job = JobProgress.objects.get()
    assert job.status == JobProgress.Status.DONE
    recueil = page.request.get(reverse("workspace:job_result", args=[job.pk]))
    assert PUBLISHED_TITLE in pdf_text(recueil.body())


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
