"""The empty template and the filled example of the import format, in XLSX and CSV.

Both workbooks open with a « Mode d'emploi » sheet (ignored by the import) describing each
column. The example is a small, consistent file that imports as it is into an empty
organisation (where the communes are loaded).
"""

import datetime
from decimal import Decimal

from . import columns as c
from .exporting import render_sheet_csv, render_workbook

GUIDE = c.Sheet(
    key="guide",
    title="Mode d'emploi",
    file_stem="mode_d_emploi",
    description="",
    columns=(
        c.Column("sheet", "Feuille"),
        c.Column("column", "Colonne"),
        c.Column("required", "Obligatoire"),
        c.Column("kind", "Format"),
        c.Column("help", "Précisions et valeurs possibles"),
    ),
    natural_key=(),
)

D = datetime.date
BUYER = "27930001600128"
BUILDER = "39012345300214"
SIAE = "51234567900348"

EXAMPLE = {
    "buyers": [
        [BUYER, "Seine-Saint-Denis Habitat", "Bailleur social", "93"],
    ],
    "operations": [
        [
            "NPNRU Bobigny centre-ville",
            BUYER,
            "Oui",
            "",
            Decimal(5),
            "Renouvellement urbain du quartier de l'Abreuvoir.",
        ],
    ],
    "contracts": [
        [
            "2025-TX-014",
            BUYER,
            "Réhabilitation de 120 logements",
            "Travaux",
            "NPNRU Bobigny centre-ville",
            "45453000",
            Decimal(2400000),
            D(2025, 1, 15),
            24,
        ],
    ],
    "lots": [
        [
            "2025-TX-014",
            "1",
            "Gros œuvre",
            Decimal(1200000),
            "Clause d'exécution (L2112-2)",
            Decimal(960),
            "Montant × part de main-d'œuvre × taux d'insertion ÷ coût horaire",
            Decimal(40),
            Decimal(7),
            Decimal(35),
            "1 200 000 € × 40 % × 7 % ÷ 35 €",
            None,
        ],
        [
            "2025-TX-014",
            "2",
            "Peinture",
            Decimal(300000),
            "Clause d'exécution (L2112-2)",
            Decimal(420),
            "Volume d'heures fixé par l'acheteur",
            None,
            None,
            None,
            "",
            None,
        ],
    ],
    "companies": [
        [BUILDER, "Bâtiment Est SAS", "Entreprise classique", "93000", "Bobigny"],
        [SIAE, "Bobigny Insertion Travaux", "Entreprise d'insertion (EI)", "93000", "Bobigny"],
    ],
    "lot_companies": [
        ["2025-TX-014", "1", BUILDER, "Titulaire"],
        ["2025-TX-014", "2", SIAE, "Titulaire"],
    ],
    "participants": [
        [
            "P-2025-001",
            "Diallo",
            "Awa",
            D(1994, 4, 12),
            "Femme",
            "",
            "93000",
            "Bobigny",
            "",
            None,
            "",
            "Sans diplôme ni qualification (niveau 1-2)",
            "PLIE",
            "",
        ],
        [
            "P-2025-002",
            "Martin",
            "Karim",
            D(1971, 9, 3),
            "Homme",
            "",
            "",
            "",
            "",
            None,
            "",
            "CAP, BEP (niveau 3)",
            "France Travail",
            "",
        ],
    ],
    "eligibilities": [
        ["P-2025-001", "Bénéficiaire du RSA", D(2025, 1, 20), None, "Attestation CAF"],
        ["P-2025-002", "Demandeur d'emploi de 50 ans et plus", D(2025, 2, 3), None, ""],
    ],
    "missions": [
        [
            "P-2025-001",
            "2025-TX-014",
            "1",
            BUILDER,
            "Embauche directe",
            "CDD",
            D(2025, 2, 1),
            D(2025, 7, 31),
        ],
        [
            "P-2025-002",
            "2025-TX-014",
            "2",
            SIAE,
            "Sous-traitance ou cotraitance avec une SIAE",
            "CDD d'insertion (CDDI)",
            D(2025, 3, 1),
            None,
        ],
    ],
    "hours": [
        ["P-2025-001", "2025-TX-014", "1", BUILDER, D(2025, 2, 1), "02/2025", Decimal(120)],
        ["P-2025-001", "2025-TX-014", "1", BUILDER, D(2025, 2, 1), "03/2025", Decimal("151.5")],
        ["P-2025-001", "2025-TX-014", "1", BUILDER, D(2025, 2, 1), "04/2025", Decimal(140)],
        ["P-2025-002", "2025-TX-014", "2", SIAE, D(2025, 3, 1), "03/2025", Decimal(80)],
        ["P-2025-002", "2025-TX-014", "2", SIAE, D(2025, 3, 1), "04/2025", Decimal(104)],
    ],
    "outcomes": [
        [
            "P-2025-001",
            "2025-TX-014",
            "1",
            BUILDER,
            D(2025, 2, 1),
            "À la sortie",
            "CDI",
            D(2025, 8, 1),
            "Embauchée par l'entreprise titulaire.",
        ],
    ],
}


def guide_rows():
    for sheet in c.SHEETS:
        for column in sheet.columns:
            details = column.help
            if column.choices is not None:
                values = "; ".join(label for _, label in column.choices.choices)
                details = f"{details} Valeurs : {values}.".strip()
            yield [
                sheet.title,
                column.header,
                "Oui" if column.required else "",
                c.KIND_LABELS[column.kind],
                details,
            ]


def workbook(*, example=False):
    """The XLSX template (headers only) or example, with its « Mode d'emploi » sheet."""
    sheets = [(GUIDE, list(guide_rows()))]
    sheets += [(sheet, EXAMPLE[sheet.key] if example else []) for sheet in c.SHEETS]
    return render_workbook(sheets)


def csv_files(*, example=False):
    """{file name: CSV bytes} of every object, headers only or with the example rows."""
    return {
        f"{sheet.file_stem}.csv": render_sheet_csv(sheet, EXAMPLE[sheet.key] if example else [])
        for sheet in c.SHEETS
    }
