"""One registry of exporters feeding CSV and XLSX from the same rows (as pretix does).

An exporter has an ``identifier`` (used in the URL), a French ``verbose_name`` and yields
its header then its rows from one iterator (``iter_rows``); ``render_csv`` and
``render_xlsx`` turn any exporter into a file. Values stay typed (dates, datetimes,
numbers) until the renderer formats them: dates become real dates in XLSX.
"""

import csv
import datetime
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .duplicates import name_sort_key
from .enums import RegistrationStatus
from .forms import display_answer, visible_questions

EXPORTERS = {}

CSV_SEPARATOR = ";"
XLSX_MAX_WIDTH = 60


def register_exporter(cls):
    EXPORTERS[cls.identifier] = cls
    return cls


def get_exporter(identifier):
    return EXPORTERS.get(identifier)


class Exporter:
    do_not_call_in_templates = True  # templates list the classes themselves
    identifier = ""
    verbose_name = ""
    description = ""

    def __init__(self, meeting, registrations):
        self.meeting = meeting
        self.registrations = registrations

    def iter_rows(self):
        """Yield the header (list of French column names), then one list per row."""
        raise NotImplementedError

    def filename(self, extension):
        date = timezone.localtime(self.meeting.starts_at).date().isoformat()
        return f"{self.identifier}-{self.meeting.slug}-{date}.{extension}"


def _local(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


@register_exporter
class RegistrationsExporter(Exporter):
    identifier = "inscriptions"
    verbose_name = "Liste des inscriptions"
    description = "Toutes les inscriptions, avec les réponses aux questions de la rencontre."

    def iter_rows(self):
        questions = list(self.meeting.questions.all())
        yield [
            "N° d'inscription",
            "Statut",
            "Inscrit·e le",
            "Prénom",
            "Nom",
            "Adresse e-mail",
            "Structure",
            "Fonction",
            "Famille d'acteurs",
            "Région",
            "Besoins d'accessibilité",
            "Visibilité",
            "Annuaire",
            "Présence constatée le",
            *[question.label for question in questions],
        ]
        registrations = self.registrations.select_related("region").order_by("created_at", "pk")
        for r in registrations.iterator(chunk_size=2000):
            shown = {q.pk for q in visible_questions(questions, r.answers)}
            answers = [
                _answer(q, r.answers.get(str(q.pk))) if q.pk in shown else "" for q in questions
            ]
            yield [
                r.pk,
                r.get_status_display(),
                _local(r.created_at),
                r.first_name,
                r.last_name,
                r.email,
                r.organisation_name,
                r.function,
                r.get_actor_family_display(),
                r.region.name if r.region_id else "",
                r.accessibility_needs,
                r.get_visibility_display(),
                "Oui" if r.directory_opt_in else "Non",
                _local(r.checked_in_at),
                *answers,
            ]


def _answer(question, value):
    """Numbers stay numbers (a spreadsheet sums them); the rest reads as French text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = display_answer(question, value)
    return "" if text == "—" else text


@register_exporter
class AttendanceExporter(Exporter):
    identifier = "presences"
    verbose_name = "Liste de présence"
    description = "Les personnes confirmées, présentes ou absentes, par ordre alphabétique."

    def iter_rows(self):
        yield [
            "Nom",
            "Prénom",
            "Structure",
            "Fonction",
            "Famille d'acteurs",
            "Adresse e-mail",
            "Présence",
            "Pointé·e le",
        ]
        registrations = self.registrations.filter(status=RegistrationStatus.CONFIRMED)
        for r in sorted(registrations, key=name_sort_key):
            yield [
                r.last_name,
                r.first_name,
                r.organisation_name,
                r.function,
                r.get_actor_family_display(),
                r.email,
                "Présent·e" if r.checked_in_at else "Absent·e",
                _local(r.checked_in_at),
            ]


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return value


def render_csv(exporter):
    """CSV for French Excel: ``;`` separator, UTF-8 with a byte-order mark."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    for row in exporter.iter_rows():
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def render_xlsx(exporter):
    """XLSX with a bold, frozen header, widths fitted to the content, real dates."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = exporter.verbose_name[:31]
    widths = {}
    rows = exporter.iter_rows()
    header = next(rows)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, name in enumerate(header, start=1):
        widths[index] = len(str(name))
    for row_number, row in enumerate(rows, start=2):
        sheet.append([value if value is not None else None for value in row])
        for index, value in enumerate(row, start=1):
            if isinstance(value, datetime.datetime):
                sheet.cell(row=row_number, column=index).number_format = "DD/MM/YYYY HH:MM"
                length = 16
            elif isinstance(value, datetime.date):
                sheet.cell(row=row_number, column=index).number_format = "DD/MM/YYYY"
                length = 10
            else:
                length = len(str(value)) if value is not None else 0
            widths[index] = max(widths[index], length)
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, XLSX_MAX_WIDTH)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


RENDERERS = {
    "csv": (render_csv, "text/csv; charset=utf-8"),
    "xlsx": (
        render_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
