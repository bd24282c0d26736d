"""Key national figures shown on the home page, each with its source and year.

Two kinds of figures:

- ``SEED_FIGURES``: the 2020 figures quoted by the Tour de France de la clause sociale
  (Alliance Villes Emploi), written here because they come from a text, not a file;
- published figures read from ``data/clauses/chiffres_publies_clauses_sociales.csv`` at
  request time. The parsed file is cached in memory and re-read when it changes.

Units matter: shares by market kind are shares of ETP (hours), shares by sex or QPV
residence are shares of participants (people).
"""

import csv
import dataclasses
import functools
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

CSV_PATH = Path(settings.BASE_DIR) / "data" / "clauses" / "chiffres_publies_clauses_sociales.csv"

HOURS = "heures_insertion_realisees"
CLAUSE_SHARE = "part_marches_avec_clause_sociale"
TARGET_SHARE = "objectif_part_contrats_consideration_sociale"
# Other published counts shown as cards, in this order.
OTHER_INDICATORS = {
    "personnes_beneficiaires": "personnes ont bénéficié de la clause sociale",
    "entreprises_attributaires": "entreprises attributaires ont mis en œuvre une clause",
    "facilitateurs": "facilitateurs de la clause sociale en poste",
    "structures_portant_facilitateurs": "structures portent un poste de facilitateur",
}

SEED_SOURCE_LABEL = "Tour de France de la clause sociale — Alliance Villes Emploi"
SEED_SOURCE_URL = "https://www.ville-emploi.asso.fr/"


@dataclasses.dataclass(frozen=True)
class SeedFigure:
    value: str
    label: str
    unit_note: str
    year: int = 2020
    source_label: str = SEED_SOURCE_LABEL
    source_url: str = SEED_SOURCE_URL


SEED_FIGURES = [
    SeedFigure(
        value="près de 20 millions",
        label="d'heures d'insertion réalisées",
        unit_note="en heures de travail",
    ),
    SeedFigure(
        value="56 %",
        label="des ETP dans des marchés de travaux",
        unit_note="part des équivalents temps plein (heures)",
    ),
    SeedFigure(
        value="8 %",
        label="des ETP dans des marchés réservés",
        unit_note="part des équivalents temps plein (heures)",
    ),
    SeedFigure(
        value="82 %",
        label="de publics masculins",
        unit_note="part des participants (personnes)",
    ),
    SeedFigure(
        value="23 %",
        label="d'habitants des quartiers prioritaires (QPV)",
        unit_note="part des participants (personnes)",
    ),
]


@dataclasses.dataclass(frozen=True)
class PublishedFigure:
    """One row of the published figures file."""

    year: int
    scope: str
    indicator: str
    value: Decimal
    unit: str
    source_url: str
    excerpt: str

    @property
    def source_name(self):
        host = urlsplit(self.source_url).hostname or self.source_url
        return host.removeprefix("www.")

    @property
    def number(self):
        return format_number(self.value)

    @property
    def display_value(self):
        return format_value(self.value, self.unit)


def format_number(value):
    """French formatting: narrow no-break space between thousands, comma for decimals."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}".replace(",", "\u202f")
    integer, _, decimals = f"{value.normalize():f}".partition(".")
    return f"{int(integer):,}".replace(",", "\u202f") + "," + decimals


def format_value(value, unit):
    if unit == "%":
        return f"{format_number(value)}\u00a0%"
    if unit == "heures" and value >= 1_000_000:
        millions = (Decimal(value) / 1_000_000).quantize(Decimal("0.01")).normalize()
        return f"{format_number(millions)} millions d'heures"
    return f"{format_number(value)} {unit}"


def parse_csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            PublishedFigure(
                year=int(row["annee"]),
                scope=row["perimetre"].strip(),
                indicator=row["indicateur"].strip(),
                value=Decimal(row["valeur"]),
                unit=row["unite"].strip(),
                source_url=row["source_url"].strip(),
                excerpt=row["extrait"].strip(),
            )
            for row in csv.DictReader(handle)
        ]


@functools.lru_cache(maxsize=4)
def _cached(path, mtime_ns, size):
    return tuple(parse_csv(path))


def published_figures(path=None):
    """All rows of the published figures file, parsed once per version of the file."""
    path = Path(path or CSV_PATH)
    stat = path.stat()
    return _cached(str(path), stat.st_mtime_ns, stat.st_size)


def home_figures(path=None):
    """What the home page shows: the seed figures and the published series."""
    rows = published_figures(path)
    hours = sorted((r for r in rows if r.indicator == HOURS), key=lambda r: r.year)
    shares = sorted(
        (r for r in rows if r.indicator == CLAUSE_SHARE), key=lambda r: (r.year, r.scope)
    )
    targets = [r for r in rows if r.indicator == TARGET_SHARE]
    others = sorted(
        (r for r in rows if r.indicator in OTHER_INDICATORS),
        key=lambda r: (list(OTHER_INDICATORS).index(r.indicator), r.year),
    )
    return {
        "seed_figures": SEED_FIGURES,
        "hours_series": hours,
        "clause_share_series": shares,
        "clause_share_target": targets[0] if targets else None,
        "other_figures": [
            {"figure": row, "label": OTHER_INDICATORS[row.indicator]} for row in others
        ],
    }
