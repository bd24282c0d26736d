"""Export of an organisation's tracking data in the import format (columns.py).

XLSX: one sheet per object, the same columns as the import, real dates and numbers.
CSV: one file per object (``;``, UTF-8 with BOM, through ``clauses.core.exports``), all of
them in a ZIP archive, or one object alone. Text that starts like a spreadsheet formula is
neutralised in both. Choices are written as their French labels, which the import reads
back: exporting, importing into another organisation and exporting again gives the same
files.
"""

import dataclasses
import datetime
import io
import zipfile
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from clauses.core import audit
from clauses.core.exports import XLSX_MAX_WIDTH, neutralise, render_csv
from clauses.insertion.models import Eligibility, HoursDeclaration, Mission, Outcome, Participant
from clauses.procurement.models import Buyer, Company, Contract, Lot, LotCompany, Operation

from . import columns as c

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
}
# Rows measured to fit the XLSX column widths.
WIDTH_SAMPLE = 500


def _number(value):
    """A Decimal without its useless trailing zeros (1500.00 -> 1500, 35.50 -> 35.5)."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()


def _percent(value):
    return None if value is None else _number(Decimal(value) * 100)


def _label(enum, value):
    if not value:
        return ""
    try:
        return enum(value).label
    except ValueError:
        return value


def _month(value):
    return f"{value:%m/%Y}"


def _yes_no(value):
    return "Oui" if value else "Non"


def _buyers(organisation):
    for buyer in (
        Buyer.objects.filter(organisation=organisation)
        .select_related("departement")
        .order_by("siret")
    ):
        yield [
            buyer.siret,
            buyer.name,
            _label(c.BUYERS.column("kind").choices, buyer.kind),
            buyer.departement.code if buyer.departement_id else "",
        ]


def _operations(organisation):
    for operation in (
        Operation.objects.filter(organisation=organisation)
        .select_related("buyer", "qpv")
        .order_by("name")
    ):
        yield [
            operation.name,
            operation.buyer.siret if operation.buyer_id else "",
            _yes_no(operation.is_npnru),
            operation.qpv.code if operation.qpv_id else "",
            _percent(operation.anru_target_rate),
            operation.description,
        ]


def _contracts(organisation):
    for contract in (
        Contract.objects.filter(organisation=organisation)
        .select_related("buyer", "operation")
        .order_by("reference")
    ):
        yield [
            contract.reference,
            contract.buyer.siret,
            contract.object,
            _label(c.CONTRACTS.column("kind").choices, contract.kind),
            contract.operation.name if contract.operation_id else "",
            contract.cpv_code,
            _number(contract.amount_excl_tax),
            contract.notification_date,
            contract.duration_months,
        ]


def _lots(organisation):
    for lot in (
        Lot.objects.filter(contract__organisation=organisation)
        .select_related("contract", "clause")
        .order_by("contract__reference", "number")
    ):
        clause = getattr(lot, "clause", None)
        yield [
            lot.contract.reference,
            lot.number,
            lot.title,
            _number(lot.amount_excl_tax),
            _label(c.LOTS.column("legal_basis").choices, clause.legal_basis) if clause else "",
            _number(clause.required_hours) if clause else None,
            _label(c.LOTS.column("calculation_method").choices, clause.calculation_method)
            if clause
            else "",
            _percent(clause.labour_share) if clause else None,
            _percent(clause.insertion_rate) if clause else None,
            _number(clause.hourly_cost) if clause else None,
            clause.calculation_note if clause else "",
            _number(clause.anru_target_hours) if clause else None,
        ]


def _commune_postal_code(commune):
    return (commune.postal_codes or [""])[0] if commune else ""


def _companies(organisation):
    for company in (
        Company.objects.filter(organisation=organisation)
        .select_related("commune")
        .order_by("siret")
    ):
        yield [
            company.siret,
            company.name,
            _label(c.COMPANIES.column("kind").choices, company.kind),
            _commune_postal_code(company.commune),
            company.commune.name if company.commune_id else "",
        ]


def _lot_companies(organisation):
    for link in (
        LotCompany.objects.filter(lot__contract__organisation=organisation)
        .select_related("lot__contract", "company")
        .order_by("lot__contract__reference", "lot__number", "company__siret")
    ):
        yield [
            link.lot.contract.reference,
            link.lot.number,
            link.company.siret,
            _label(c.LOT_COMPANIES.column("role").choices, link.role),
        ]


def _participants(organisation):
    sheet = c.PARTICIPANTS
    for participant in (
        Participant.objects.filter(organisation=organisation)
        .select_related("commune", "qpv")
        .order_by("identifier")
    ):
        yield [
            participant.identifier,
            participant.last_name,
            participant.first_name,
            participant.birth_date,
            _label(sheet.column("sex").choices, participant.sex),
            participant.address,
            participant.postal_code,
            participant.commune.name if participant.commune_id else "",
            participant.qpv.code if participant.qpv_id else "",
            participant.qpv_list_year,
            _label(sheet.column("qpv_source").choices, participant.qpv_source),
            _label(sheet.column("education_level").choices, participant.education_level),
            _label(sheet.column("prescriber").choices, participant.prescriber),
            participant.exception_reason,
        ]


def _eligibilities(organisation):
    for eligibility in (
        Eligibility.objects.filter(participant__organisation=organisation)
        .select_related("participant")
        .order_by("participant__identifier", "criterion", "assessed_on")
    ):
        yield [
            eligibility.participant.identifier,
            _label(c.ELIGIBILITIES.column("criterion").choices, eligibility.criterion),
            eligibility.assessed_on,
            eligibility.valid_until,
            eligibility.note,
        ]


MISSION_ORDER = [
    "participant__identifier",
    "lot__contract__reference",
    "lot__number",
    "company__siret",
    "start_date",
]


def _missions(organisation):
    sheet = c.MISSIONS
    for mission in (
        Mission.objects.filter(lot__contract__organisation=organisation)
        .select_related("participant", "lot__contract", "company")
        .order_by(*MISSION_ORDER)
    ):
        yield [
            mission.participant.identifier,
            mission.lot.contract.reference,
            mission.lot.number,
            mission.company.siret,
            _label(sheet.column("modality").choices, mission.modality),
            _label(sheet.column("work_contract_type").choices, mission.work_contract_type),
            mission.start_date,
            mission.end_date,
        ]


def _hours(organisation):
    mission_key = [f"mission__{name}" for name in MISSION_ORDER]
    rows = (
        HoursDeclaration.objects.filter(mission__lot__contract__organisation=organisation)
        .order_by(*mission_key, "month")
        .values_list(*mission_key, "month", "hours")
    )
    for identifier, reference, number, siret, start, month, hours in rows.iterator(chunk_size=5000):
        yield [identifier, reference, number, siret, start, _month(month), _number(hours)]


def _outcomes(organisation):
    sheet = c.OUTCOMES
    for outcome in (
        Outcome.objects.filter(mission__lot__contract__organisation=organisation)
        .select_related("mission__participant", "mission__lot__contract", "mission__company")
        .order_by(*[f"mission__{name}" for name in MISSION_ORDER], "moment")
    ):
        mission = outcome.mission
        yield [
            mission.participant.identifier,
            mission.lot.contract.reference,
            mission.lot.number,
            mission.company.siret,
            mission.start_date,
            _label(sheet.column("moment").choices, outcome.moment),
            _label(sheet.column("detail").choices, outcome.detail),
            outcome.observed_on,
            outcome.note,
        ]


ROWS = {
    "buyers": _buyers,
    "operations": _operations,
    "contracts": _contracts,
    "lots": _lots,
    "companies": _companies,
    "lot_companies": _lot_companies,
    "participants": _participants,
    "eligibilities": _eligibilities,
    "missions": _missions,
    "hours": _hours,
    "outcomes": _outcomes,
}


def sheet_rows(organisation, sheet):
    """The rows of one object of ``organisation`` (without the header), as typed values."""
    return ROWS[sheet.key](organisation)


def counts(organisation):
    """{sheet key: number of rows} of the export, one COUNT query per object."""
    querysets = {
        "buyers": Buyer.objects.filter(organisation=organisation),
        "operations": Operation.objects.filter(organisation=organisation),
        "contracts": Contract.objects.filter(organisation=organisation),
        "lots": Lot.objects.filter(contract__organisation=organisation),
        "companies": Company.objects.filter(organisation=organisation),
        "lot_companies": LotCompany.objects.filter(lot__contract__organisation=organisation),
        "participants": Participant.objects.filter(organisation=organisation),
        "eligibilities": Eligibility.objects.filter(participant__organisation=organisation),
        "missions": Mission.objects.filter(lot__contract__organisation=organisation),
        "hours": HoursDeclaration.objects.filter(mission__lot__contract__organisation=organisation),
        "outcomes": Outcome.objects.filter(mission__lot__contract__organisation=organisation),
    }
    return {key: queryset.count() for key, queryset in querysets.items()}


# --- Files -------------------------------------------------------------------------------


def _csv_value(value):
    """French CSV numbers: decimal comma (dates and text are handled by render_csv)."""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return value


def render_sheet_csv(sheet, rows):
    return render_csv(_with_header(sheet, ([_csv_value(value) for value in row] for row in rows)))


def _with_header(sheet, rows):
    yield sheet.headers
    yield from rows


def render_workbook(sheets_and_rows):
    """One XLSX workbook, one sheet per object: bold frozen header, fitted widths, dates."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet, rows in sheets_and_rows:
        worksheet = workbook.create_sheet(sheet.title[:31])
        rows = list(rows)
        widths = [len(header) for header in sheet.headers]
        for row in rows[:WIDTH_SAMPLE]:
            for index, value in enumerate(row):
                length = 10 if isinstance(value, datetime.date) else len(str(value or ""))
                widths[index] = max(widths[index], length)
        for index, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = min(
                width + 2, XLSX_MAX_WIDTH
            )
        worksheet.freeze_panes = "A2"
        header = []
        for name in sheet.headers:
            cell = WriteOnlyCell(worksheet, value=name)
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        for row in rows:
            worksheet.append([_xlsx_cell(worksheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(worksheet, value):
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return neutralise(value)


def render_zip(sheets_and_rows):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet, rows in sheets_and_rows:
            archive.writestr(f"{sheet.file_stem}.csv", render_sheet_csv(sheet, rows))
    return buffer.getvalue()


def export(organisation, fmt, *, sheet=None):
    """(content, filename, content type) of ``organisation``'s data: "xlsx" (all objects),
    "csv" (a ZIP of one CSV per object, or the CSV of ``sheet`` alone)."""
    stem = f"suivi-{slugify(organisation.name) or 'structure'}-{timezone.localdate():%Y-%m-%d}"
    if fmt == "xlsx":
        content = render_workbook(
            (each, sheet_rows(organisation, each)) for each in (sheet and [sheet] or c.SHEETS)
        )
        return content, f"{stem}.xlsx", CONTENT_TYPES["xlsx"]
    if sheet is not None:
        content = render_sheet_csv(sheet, sheet_rows(organisation, sheet))
        return content, f"{stem}-{sheet.file_stem}.csv", CONTENT_TYPES["csv"]
    content = render_zip((each, sheet_rows(organisation, each)) for each in c.SHEETS)
    return content, f"{stem}-csv.zip", CONTENT_TYPES["zip"]


# The month's sheet to fill: the « Heures » sheet of the import format, plus the participant's
# name for whoever fills it in (a company knows its staff by name); the import ignores that
# column, with a warning.
PARTICIPANT_NAME = c.Column("participant_name", "Participant (pour information)")
MONTH_SHEET = dataclasses.replace(c.HOURS, columns=(*c.HOURS.columns, PARTICIPANT_NAME))


def month_sheet(missions, month):
    """An XLSX file of ``missions``' hours of ``month`` in the import format, one line per
    mission, the hours already declared filled in, the others empty: sent to a company to
    fill, imported back as it is. ``missions`` come with participant, lot's contract and
    company."""
    declared = dict(
        HoursDeclaration.objects.filter(
            mission__in=missions.order_by().values("pk"), month=month
        ).values_list("mission_id", "hours")
    )
    rows = (
        [
            mission.participant.identifier,
            mission.lot.contract.reference,
            mission.lot.number,
            mission.company.siret,
            mission.start_date,
            _month(month),
            _number(declared.get(mission.pk)),
            mission.participant.name,
        ]
        for mission in missions
    )
    return render_workbook([(MONTH_SHEET, rows)])


def log_export(*, actor, organisation, fmt, sheet=None):
    audit.log(
        actor=actor,
        action="insertion.export",
        obj=organisation,
        object_repr=f"Export de données — {organisation}"[:255],
        changes={
            "format": fmt,
            "objets": [sheet.title] if sheet else [each.title for each in c.SHEETS],
        },
    )
