"""The organisers' export of the directory: one row iterator, written as CSV (``;``, UTF-8
with BOM for spreadsheet software) or XLSX."""

import csv
import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

HEADERS = [
    "Structure",
    "SIRET",
    "Famille d'acteurs",
    "Typologie data·inclusion",
    "Région",
    "Département",
    "Commune",
    "QPV d'intervention",
    "Site web",
    "E-mail de la structure",
    "Téléphone",
    "Publiée",
    "Prénom du contact",
    "Nom du contact",
    "Fonction",
    "E-mail du contact",
    "Visibilité choisie",
]


def rows(structures):
    """Header, then one row per contact (a structure without contact gets one row)."""
    yield HEADERS
    for structure in structures:
        head = [
            structure.name,
            structure.siret,
            structure.get_family_display(),
            structure.typology,
            structure.region.name,
            structure.departement.name if structure.departement_id else "",
            structure.commune.name if structure.commune_id else "",
            ", ".join(f"{q.name} ({q.code})" for q in structure.qpvs.all()),
            structure.website,
            structure.email,
            structure.phone,
            "oui" if structure.is_published else "non",
        ]
        contacts = structure.exported_contacts
        if not contacts:
            yield head + ["", "", "", "", ""]
        for contact in contacts:
            yield head + [
                contact.first_name,
                contact.last_name,
                contact.function,
                contact.email,
                contact.get_visibility_display(),
            ]


def _safe(value):
    """Neutralise spreadsheet formulas in user-typed text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def as_csv(structures):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows(structures):
        writer.writerow([_safe(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def as_xlsx(structures):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Annuaire"
    for row in rows(structures):
        sheet.append([_safe(v) for v in row])
    for index, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
