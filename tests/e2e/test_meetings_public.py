"""The issue's journey, as a new visitor would do it: find a meeting on /rencontres/,
register without an account, receive the confirmation through a real SMTP server (with
an .ics file that icalendar parses), cancel through the personal link, and see the first
person of the waiting list promoted and told by e-mail."""

import re

import icalendar
import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from clauses.meetings.enums import RegistrationStatus
from clauses.meetings.models import Registration
from tests.factories import RegionFactory
from tests.meetings.factories import MeetingFactory, QuestionFactory, SlotFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def meeting(transactional_db):
    cache.clear()  # the registration rate limit counts in the cache
    meeting = MeetingFactory(
        title="Rencontre régionale Île-de-France",
        capacity=1,
        region=RegionFactory(code="11", name="Île-de-France"),
    )
    SlotFactory(meeting=meeting)
    return meeting


def register(page, *, first_name, last_name, email):
    page.get_by_label("Prénom", exact=True).fill(first_name)
    page.get_by_label("Nom", exact=True).fill(last_name)
    page.get_by_label(re.compile(r"^\s*Adresse e-mail")).fill(email)
    page.get_by_label("Structure", exact=True).fill("PLIE Est 93")
    page.get_by_label("Famille d'acteurs").select_option(label="Facilitateur de la clause sociale")
    # As a sighted user does: the DSFR draws the checkbox in its label.
    page.get_by_text("J'accepte le traitement de mes données").click()
    expect(page.get_by_label(re.compile(r"^\s*J'accepte le traitement"))).to_be_checked()
    page.get_by_role("button", name="Envoyer mon inscription").click()


def personal_link(message, live_server):
    text = message.get_body(("plain",)).get_content()
    links = re.findall(re.escape(live_server.url) + r"/rencontres/inscription/[\w-]+/", text)
    assert links, text
    return links[0]


def ics_of(message):
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_payload(decode=True))
    raise AssertionError("pas de fichier .ics joint")


def test_register_cancel_and_the_waiting_list_moves_up(
    page, other_page, live_server, smtp_backend, settings, meeting
):
    settings.SITE_URL = live_server.url

    # A new visitor finds the meeting from the list and takes the last place.
    page.goto("/rencontres/")
    expect(page.locator("h1")).to_have_text("Rencontres régionales du Tour de France")
    expect(page.get_by_role("link", name="Île-de-France : 1 rencontre")).to_be_visible()
    expect(page.locator("#rencontres")).to_contain_text("1 place restante")
    page.get_by_role("link", name="Rencontre régionale Île-de-France").click()
    expect(page.locator("main")).to_contain_text("Table ronde")
    page.get_by_role("link", name="S'inscrire").click()
    register(page, first_name="Awa", last_name="Diallo", email="awa.diallo@example.org")
    expect(page.locator("main")).to_contain_text("Inscription confirmée")

    # A second person registers and lands on the waiting list.
    other_page.goto(f"/rencontres/{meeting.slug}/")
    expect(other_page.locator("#places-restantes")).to_have_text("Complet — liste d'attente")
    other_page.get_by_role("link", name="S'inscrire").click()
    register(other_page, first_name="Bruno", last_name="Martin", email="bruno@example.org")
    expect(other_page.locator("main")).to_contain_text("Liste d'attente : position 1")

    # The confirmation arrived through SMTP, with a calendar file.
    confirmation = next(m for m in smtp_backend.messages if m["To"] == "awa.diallo@example.org")
    assert " ".join(confirmation["Subject"].split()) == f"Inscription confirmée : {meeting.title}"
    event = ics_of(confirmation).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == meeting.title
    assert event["DTSTART"].dt == meeting.starts_at

    # Awa cancels through her personal link.
    page.goto(personal_link(confirmation, live_server))
    page.get_by_role("link", name="Annuler mon inscription").click()
    page.get_by_role("button", name="Oui, annuler mon inscription").click()
    expect(page.locator("main")).to_contain_text("Inscription annulée")

    # Bruno, first on the waiting list, has the place and an e-mail saying so.
    bruno = Registration.objects.get(email="bruno@example.org")
    assert bruno.status == RegistrationStatus.CONFIRMED
    promotion = next(
        m
        for m in smtp_backend.messages
        if m["To"] == "bruno@example.org" and "Une place s'est libérée" in m["Subject"]
    )
    assert ics_of(promotion).walk("VEVENT")[0]["SUMMARY"] == meeting.title
    other_page.goto(personal_link(promotion, live_server))
    expect(other_page.locator("main")).to_contain_text("Votre place est confirmée")


def test_conditional_question_appears_only_after_the_answer_it_depends_on(page, meeting):
    car = QuestionFactory(meeting=meeting, kind="oui_non", label="Venez-vous en voiture ?")
    QuestionFactory(
        meeting=meeting,
        label="Immatriculation",
        depends_on=car,
        depends_on_values=["oui"],
        required=True,
    )
    page.goto(f"/rencontres/{meeting.slug}/inscription/")
    plate = page.get_by_label(re.compile(r"^\s*Immatriculation"))

    expect(plate).to_be_hidden()
    page.get_by_text("Oui", exact=True).click()
    expect(plate).to_be_visible()
    page.get_by_text("Non", exact=True).first.click()
    expect(plate).to_be_hidden()
