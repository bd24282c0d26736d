"""The sign-in sheet and the badges, read back with pypdf."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from clauses.meetings import pdf
from clauses.meetings.enums import RegistrationStatus
from tests.factories import MembershipFactory

from .factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _text(content):
    reader = PdfReader(io.BytesIO(content))
    return [page.extract_text() for page in reader.pages]


@pytest.fixture
def meeting():
    return MeetingFactory(title="Rencontre régionale d'Occitanie")


def test_sign_in_sheet_lists_confirmed_people_with_accents(meeting):
    RegistrationFactory(meeting=meeting, first_name="Hélène", last_name="Côté")
    RegistrationFactory(meeting=meeting, first_name="Françoise", last_name="Lœuvre")
    RegistrationFactory(
        meeting=meeting, first_name="Absent", last_name="Attente", status=RegistrationStatus.WAITING
    )
    text = "\n".join(_text(pdf.sign_in_sheet(meeting, meeting.registrations.all())))
    assert "Hélène" in text and "CÔTÉ" in text
    assert "Françoise" in text and "LŒUVRE" in text
    assert "ATTENTE" not in text
    assert "Feuille d'émargement" in text
    assert "Rencontre régionale d'Occitanie" in text
    assert "Signature" in text


def test_sign_in_sheet_is_sorted_by_last_name(meeting):
    for name in ["Martin", "Bernard", "Dubois"]:
        RegistrationFactory(meeting=meeting, last_name=name)
    text = _text(pdf.sign_in_sheet(meeting, meeting.registrations.all()))[0]
    assert text.index("BERNARD") < text.index("DUBOIS") < text.index("MARTIN")


def test_sign_in_sheet_repeats_its_header_and_numbers_pages(meeting):
    RegistrationFactory.create_batch(45, meeting=meeting)
    pages = _text(pdf.sign_in_sheet(meeting, meeting.registrations.all()))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "Feuille d'émargement" in text
        assert "Signature" in text  # the table header
        assert f"Page {number} / {len(pages)}" in text


def test_badges_carry_name_organisation_and_meeting(meeting):
    RegistrationFactory(
        meeting=meeting, first_name="Zoé", last_name="Müller", organisation_name="Bailleur Sud"
    )
    text = _text(pdf.badges(meeting, meeting.registrations.all()))[0]
    assert "Zoé Müller" in text
    assert "Bailleur Sud" in text
    assert "Rencontre régionale d'Occitanie" in text


def test_badges_fill_ten_per_a4_page(meeting):
    RegistrationFactory.create_batch(11, meeting=meeting)
    assert len(_text(pdf.badges(meeting, meeting.registrations.all()))) == 2


def test_sign_in_sheet_view_downloads_a_pdf(client, meeting):
    client.force_login(MembershipFactory(organisation=meeting.organiser).user)
    RegistrationFactory(meeting=meeting, first_name="Noé", last_name="Ébrard")
    response = client.get(reverse("meetings_admin:sign_in_sheet", args=[meeting.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "ÉBRARD" in "\n".join(_text(response.content))


def test_fonts_prefer_dejavu_when_installed():
    regular, bold = pdf.fonts()
    assert regular in ("DejaVuSans", "Helvetica")
    assert bold.startswith(regular.split("-")[0])


def test_sign_in_sheet_order_ignores_accents(meeting):
    for name in ["Blin", "Bègue", "Bazin"]:
        RegistrationFactory(meeting=meeting, last_name=name)
    text = _text(pdf.sign_in_sheet(meeting, meeting.registrations.all()))[0]
    assert text.index("BAZIN") < text.index("BÈGUE") < text.index("BLIN")
