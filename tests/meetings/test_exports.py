"""The exporter registry: the same rows as CSV (for French Excel) and XLSX."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from clauses.core import exports
from clauses.meetings import exporters
from clauses.meetings.enums import QuestionKind, RegistrationStatus
from tests.factories import MembershipFactory

from .factories import MeetingFactory, QuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return MeetingFactory()


def _csv_rows(content):
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_registry_knows_both_exporters():
    assert set(exporters.EXPORTERS) == {"inscriptions", "presences"}
    assert all(e.verbose_name for e in exporters.EXPORTERS.values())


def test_registrations_export_has_the_answers_as_readable_columns(meeting):
    lunch = QuestionFactory(meeting=meeting, label="Déjeuner sur place ?", kind=QuestionKind.YES_NO)
    workshops = QuestionFactory(
        meeting=meeting,
        label="Ateliers",
        kind=QuestionKind.MULTIPLE_CHOICE,
        choices=["Achats", "Logement"],
    )
    RegistrationFactory(
        meeting=meeting,
        first_name="Chloé",
        answers={str(lunch.pk): "oui", str(workshops.pk): ["Achats", "Logement"]},
    )
    exporter = exporters.RegistrationsExporter(meeting, meeting.registrations.all())
    header, row = _csv_rows(exports.render_csv(exporter.iter_rows()))
    assert header[-2:] == ["Déjeuner sur place ?", "Ateliers"]
    assert "Prénom" in header and "Statut" in header
    assert row[header.index("Prénom")] == "Chloé"
    assert row[-2:] == ["Oui", "Achats, Logement"]


def test_answer_of_a_hidden_conditional_question_is_left_empty(meeting):
    lunch = QuestionFactory(meeting=meeting, label="Déjeuner ?", kind=QuestionKind.YES_NO)
    diet = QuestionFactory(
        meeting=meeting, label="Régime", depends_on=lunch, depends_on_values=["oui"]
    )
    RegistrationFactory(meeting=meeting, answers={str(lunch.pk): "non", str(diet.pk): "vegan"})
    exporter = exporters.RegistrationsExporter(meeting, meeting.registrations.all())
    _, row = _csv_rows(exports.render_csv(exporter.iter_rows()))
    assert row[-1] == ""


def test_csv_dates_are_french(meeting):
    RegistrationFactory(meeting=meeting)
    exporter = exporters.RegistrationsExporter(meeting, meeting.registrations.all())
    header, row = _csv_rows(exports.render_csv(exporter.iter_rows()))
    created = row[header.index("Inscrit·e le")]
    assert datetime.datetime.strptime(created, "%d/%m/%Y %H:%M")


def test_xlsx_has_a_bold_header_real_dates_and_widths(meeting):
    checked = timezone.now().replace(microsecond=0)
    RegistrationFactory(meeting=meeting, last_name="Lefèvre", checked_in_at=checked)
    exporter = exporters.AttendanceExporter(meeting, meeting.registrations.all())
    sheet = load_workbook(io.BytesIO(exports.render_xlsx(exporter.iter_rows()))).active
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "Nom"
    assert sheet["A1"].font.bold
    assert sheet["A2"].value == "Lefèvre"
    date_cell = sheet.cell(row=2, column=header.index("Pointé·e le") + 1)
    assert isinstance(date_cell.value, datetime.datetime)
    assert date_cell.value == timezone.localtime(checked).replace(tzinfo=None)
    assert sheet.column_dimensions["A"].width >= len("Lefèvre")


def test_attendance_export_lists_confirmed_people_by_name_with_presence(meeting):
    RegistrationFactory(meeting=meeting, last_name="Zola")
    RegistrationFactory(meeting=meeting, last_name="Abad", checked_in_at=timezone.now())
    RegistrationFactory(meeting=meeting, last_name="Attente", status=RegistrationStatus.WAITING)
    exporter = exporters.AttendanceExporter(meeting, meeting.registrations.all())
    rows = list(exporter.iter_rows())[1:]
    assert [(row[0], row[6]) for row in rows] == [("Abad", "Présent·e"), ("Zola", "Absent·e")]


def test_export_view_sends_a_named_xlsx_file(client, meeting):
    client.force_login(MembershipFactory(organisation=meeting.organiser).user)
    RegistrationFactory(meeting=meeting, last_name="Nguyễn")
    response = client.get(
        reverse("meetings_admin:export", args=[meeting.pk, "inscriptions", "xlsx"])
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="inscriptions-{meeting.slug}-' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "Nguyễn" in [cell.value for cell in sheet[2]]


def test_export_view_answers_404_for_an_unknown_exporter_or_format(client, meeting):
    client.force_login(MembershipFactory(organisation=meeting.organiser).user)
    for identifier, fmt in [("inconnu", "csv"), ("inscriptions", "pdf")]:
        url = reverse("meetings_admin:export", args=[meeting.pk, identifier, fmt])
        assert client.get(url).status_code == 404
