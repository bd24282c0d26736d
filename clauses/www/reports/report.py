"""A report (bilan) of the social clause for a contract, an operation or a buyer.

``Report`` gathers the header and the indicators (clauses/observatory/reports.py); the
page and the PDF render the same template (``reports/_content.html``), the spreadsheet
writes one sheet per section from the same object. No participant is named: a buyer
reads these reports.
"""

import dataclasses
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from clauses.core.exports import XLSX_MAX_WIDTH, neutralise
from clauses.observatory import reports as figures
from clauses.procurement.calculator import format_euros, format_number, format_percent

MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def month_label(day):
    return f"{MONTHS[day.month - 1]} {day.year}" if day else ""


def date_label(day):
    return day.strftime("%d/%m/%Y") if day else ""


@dataclass
class Report:
    kind: str  # "contract", "operation" or "buyer"
    title: str
    subject: str
    header: list  # (label, value) pairs
    indicators: figures.Indicators
    detail_title: str
    detail_caption: str
    filename: str
    organisation: str = ""
    generated_at: object = field(default_factory=timezone.now)
    # For a reader outside the structure that follows it: small counts hidden.
    protected: bool = False

    @property
    def min_cell(self):
        return settings.OBSERVATORY_MIN_CELL

    def for_outside_reader(self):
        """This report as a reader outside the structure may see it (``reports.protected``)."""
        return dataclasses.replace(
            self, indicators=figures.protected(self.indicators), protected=True
        )

    @property
    def period(self):
        first, last = self.indicators.first_month, self.indicators.last_month
        if not first:
            return "aucune heure déclarée"
        if first == last:
            return month_label(first)
        return f"de {month_label(first)} à {month_label(last)}"

    @property
    def conversion(self):
        return f"1 ETP = {format_number(self.indicators.hours_per_etp)} heures"

    @property
    def detail_rows(self):
        """Hours per lot (a contract) or per contract (an operation, a buyer)."""
        if self.kind == "contract":
            return [
                {
                    "label": f"Lot {lot.number}" + (f" — {lot.title}" if lot.title else ""),
                    "detail": lot.legal_basis_label,
                    "required": lot.required_hours,
                    "done": lot.hours_done,
                    "progress": lot.progress,
                }
                for lot in self.indicators.lots
            ]
        return [
            {
                "label": contract.reference,
                "detail": contract.object,
                "required": contract.required_hours,
                "done": contract.hours_done,
                "progress": contract.progress,
            }
            for contract in self.indicators.by_contract
        ]

    @property
    def progress_label(self):
        return _percent(self.indicators.progress)

    @property
    def qpv_share_label(self):
        return _percent(self.indicators.qpv_share)

    @property
    def anru_progress_label(self):
        return _percent(self.indicators.anru.progress) if self.indicators.anru else ""

    @property
    def bar_percent(self):
        """Width of a progress bar (0 to 100)."""
        return _bar(self.indicators.progress)

    @property
    def anru_bar_percent(self):
        return _bar(self.indicators.anru.progress) if self.indicators.anru else 0

    def pdf(self):
        """The report printed by WeasyPrint from the page's own template."""
        import weasyprint

        html = render_to_string(
            "reports/report_pdf.html", {"report": self, "for_pdf": True, "fonts": _fonts()}
        )
        # Local files only (fonts): a report never reaches the network.
        fetcher = weasyprint.URLFetcher(allowed_protocols={"file", "data"})
        return weasyprint.HTML(
            string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher
        ).write_pdf()

    def xlsx(self):
        return _workbook(self)


def _percent(share):
    """A share as a rounded French percentage (« 72 % »), or an empty string."""
    if share is None:
        return ""
    return f"{format_number(share * 100)}\u00a0%"


def _bar(progress):
    if progress is None:
        return 0
    return int(min(progress, Decimal(1)) * 100)


def _fonts():
    """file:// URLs of the DSFR's Marianne font (DejaVu Sans stands in when absent)."""
    found = {}
    for weight, name in (("regular", "Marianne-Regular.woff"), ("bold", "Marianne-Bold.woff")):
        path = finders.find(f"dsfr/dist/fonts/{name}")
        if path:
            found[weight] = Path(path).resolve().as_uri()
    return found if len(found) == 2 else {}


def contract_report(contract, lots):
    indicators = figures.compute(lots)
    header = [
        ("Acheteur", contract.buyer.name),
        ("Marché", f"{contract.reference} — {contract.object}"),
        ("Nature", contract.get_kind_display()),
    ]
    if contract.amount_excl_tax is not None:
        header.append(("Montant HT", format_euros(contract.amount_excl_tax)))
    if contract.operation_id:
        operation = contract.operation.name
        if contract.operation.is_npnru:
            operation += " (NPNRU)"
        header.append(("Opération", operation))
    if contract.notification_date:
        dates = f"notifié le {date_label(contract.notification_date)}"
        if contract.end_date:
            dates += f", jusqu'au {date_label(contract.end_date)}"
        header.append(("Exécution", dates))
    header.append(("Structure de facilitation", contract.organisation.name))
    return Report(
        kind="contract",
        title=f"Bilan de la clause sociale — marché {contract.reference}",
        subject=contract.object,
        header=header,
        indicators=indicators,
        detail_title="Heures par lot",
        detail_caption="Heures d'insertion exigées et réalisées par lot",
        filename=f"bilan-marche-{slugify(contract.reference)}",
        organisation=contract.organisation.name,
    )


def operation_report(operation, lots):
    indicators = figures.compute(lots)
    header = [("Opération", operation.name)]
    if operation.buyer_id:
        header.append(("Maître d'ouvrage principal", operation.buyer.name))
    header.append(
        ("Renouvellement urbain", "Opération NPNRU (charte ANRU)" if operation.is_npnru else "Non")
    )
    if operation.qpv_id:
        header.append(("Quartier prioritaire", f"{operation.qpv.name} ({operation.qpv.code})"))
    if operation.anru_target_rate is not None:
        header.append(
            (
                "Objectif ANRU",
                f"{format_percent(operation.anru_target_rate)} des heures travaillées",
            )
        )
    header.append(("Marchés suivis", str(len(indicators.by_contract))))
    header.append(("Structure de facilitation", operation.organisation.name))
    return Report(
        kind="operation",
        title=f"Bilan de la clause sociale — opération {operation.name}",
        subject=operation.description[:300] if operation.description else "",
        header=header,
        indicators=indicators,
        detail_title="Heures par marché",
        detail_caption="Heures d'insertion exigées et réalisées par marché de l'opération",
        filename=f"bilan-operation-{slugify(operation.name)[:60]}",
        organisation=operation.organisation.name,
    )


def buyer_report(buyer, lots):
    indicators = figures.compute(lots)
    header = [
        ("Acheteur", buyer.name),
        ("Type d'acheteur", buyer.get_kind_display()),
        ("SIRET", buyer.siret),
        ("Marchés suivis", str(len(indicators.by_contract))),
        ("Structure de facilitation", buyer.organisation.name),
    ]
    return Report(
        kind="buyer",
        title=f"Bilan de la clause sociale — {buyer.name}",
        subject="",
        header=header,
        indicators=indicators,
        detail_title="Heures par marché",
        detail_caption="Heures d'insertion exigées et réalisées par marché de l'acheteur",
        filename=f"bilan-acheteur-{slugify(buyer.name)[:60]}",
        organisation=buyer.organisation.name,
    )


# The spreadsheet: one sheet per section, numbers kept as numbers.

PERCENT = "0.0 %"
HOURS = "#,##0"
ETP = "#,##0.00"


def _sheet(workbook, title, header, rows, formats=None):
    sheet = workbook.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(name)) for name in header]
    for row in rows:
        sheet.append([neutralise(value) for value in row])
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(str(value)) if value is not None else 0)
    for column, number_format in (formats or {}).items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, XLSX_MAX_WIDTH)
    sheet.freeze_panes = "A2"
    return sheet


def _format_by_label(sheet, formats):
    """Number formats for the value cells of a two-column (label, value) sheet."""
    for label, value in sheet.iter_rows(min_row=2, max_col=2):
        if label.value in formats:
            value.number_format = formats[label.value]


def _workbook(report):
    data = report.indicators
    workbook = Workbook()
    workbook.remove(workbook.active)
    summary = [(label, value) for label, value in report.header]
    summary += [
        ("Période couverte", report.period),
        ("Heures d'insertion réalisées", data.hours_done),
        ("Heures d'insertion exigées", data.required_hours),
        ("Avancement", data.progress),
        ("ETP réalisés", data.etp_done),
        ("ETP exigés", data.etp_required),
        ("Conversion", report.conversion),
        ("Participants", data.participants_shown),
        ("Contrats de travail", data.work_contracts),
        ("Participants habitant un QPV", data.qpv_residents_shown),
        ("Édité le", report.generated_at.strftime("%d/%m/%Y")),
    ]
    sheet = _sheet(workbook, "Synthèse", ["Indicateur", "Valeur"], summary)
    _format_by_label(sheet, {"Avancement": PERCENT, "ETP réalisés": ETP, "ETP exigés": ETP})
    _sheet(
        workbook,
        "Heures par année",
        ["Année", "Heures réalisées", "ETP", "Heures d'habitants des QPV"],
        [(y.year, y.hours, y.etp, y.qpv_hours) for y in data.hours_by_year],
        {2: HOURS, 3: ETP, 4: HOURS},
    )
    _sheet(
        workbook,
        report.detail_title,
        [
            "Lot" if report.kind == "contract" else "Marché",
            "Détail",
            "Heures exigées",
            "Heures réalisées",
            "Avancement",
        ],
        [
            (r["label"], r["detail"], r["required"], r["done"], r["progress"])
            for r in report.detail_rows
        ],
        {3: HOURS, 4: HOURS, 5: PERCENT},
    )
    people = [("Sexe", row.label, row.shown, row.share) for row in data.by_sex]
    people += [
        ("Âge au début de la mission", row.label, row.shown, row.share) for row in data.by_age_band
    ]
    people += [
        ("Résidence", "Habitant d'un QPV", data.qpv_residents_shown, data.qpv_share),
        (
            "Résidence",
            "Hors QPV ou non renseigné",
            data.non_qpv_shown,
            None
            if data.qpv_secret
            else figures.ratio(data.participants - data.qpv_residents, data.participants),
        ),
    ]
    _sheet(
        workbook,
        "Participants",
        ["Répartition", "Catégorie", "Participants", "Part"],
        people,
        {4: PERCENT},
    )
    _sheet(
        workbook,
        "Modalités",
        ["Modalité", "Heures", "ETP", "Part des heures", "Participants"],
        [
            (
                row.label,
                row.hours,
                figures.to_etp(row.hours, data.hours_per_etp),
                row.share,
                row.shown,
            )
            for row in data.by_modality
        ],
        {2: HOURS, 3: ETP, 4: PERCENT},
    )
    _sheet(
        workbook,
        "Contrats de travail",
        ["Type de contrat", "Contrats", "Part des contrats", "Heures"],
        [(row.label, row.count, row.share, row.hours) for row in data.by_work_contract],
        {3: PERCENT, 4: HOURS},
    )
    _sheet(
        workbook,
        "Sorties",
        ["Moment", "Type de sortie", "Participants", "Part"],
        [
            (group.label, row.label, row.count, row.share)
            for group in data.outcomes
            for row in group.rows
        ],
        {4: PERCENT},
    )
    if data.anru:
        anru = data.anru
        sheet = _sheet(
            workbook,
            "Objectif ANRU",
            ["Indicateur", "Valeur"],
            [
                ("Lots d'opérations NPNRU", anru.lots),
                ("Objectif (heures pour des habitants des QPV)", anru.target_hours),
                ("Heures réalisées par des habitants des QPV", anru.qpv_hours),
                ("Avancement", anru.progress),
                ("Heures réalisées sur ces lots", anru.hours_done),
                ("Part des heures réalisées par des habitants des QPV", anru.qpv_share_of_hours),
                ("Lots sans objectif calculable", anru.lots_without_target),
            ],
        )
        _format_by_label(
            sheet,
            {
                "Avancement": PERCENT,
                "Part des heures réalisées par des habitants des QPV": PERCENT,
            },
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
