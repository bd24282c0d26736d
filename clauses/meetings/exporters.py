"""One registry of exporters feeding CSV and XLSX from the same rows (as pretix does).

An exporter has an ``identifier`` (used in the URL), a French ``verbose_name`` and yields
its header then its rows from one iterator (``iter_rows``); ``render_csv`` and
``render_xlsx`` of ``clauses.core.exports`` write the rows as a file.
"""

import datetime

from django.utils import timezone

from .duplicates import name_sort_key
from .enums import RegistrationStatus
from .forms import display_answer, visible_questions

EXPORTERS = {}


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
