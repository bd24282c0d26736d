"""What the public observatory reads: the stored protected release (``PublishedCell``) of
each published campaign, never the frozen facts, the engine over tracking data nor any
participant. A secret cell has no values here, so nothing built on these functions can
show one; a share exists only when both its cells are published.

The coverage of a year (structures expected, submitted, validated) counts structures, not
people; its hours are the country's total, shown only when that cell is published.
"""

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from . import opendata
from .campaigns import expected_structures, published_submissions
from .figures import to_etp
from .models import Campaign, PublishedCell, Submission
from .release import DEPARTEMENT, NATIONAL, REGION, TOTAL, VENTILATIONS, ReleaseRow

LEVELS = (NATIONAL, REGION, DEPARTEMENT)
ENSEMBLE = TOTAL


def published_campaigns():
    """Published campaigns whose release is stored, the latest year first."""
    return Campaign.objects.filter(published_at__isnull=False, release_version__gt=0).order_by(
        "-year"
    )


def previous_campaign(campaign):
    """The published campaign before ``campaign``, or None."""
    return published_campaigns().filter(year__lt=campaign.year).first()


@dataclass(frozen=True)
class Territory:
    level: str
    code: str
    name: str

    @property
    def key(self):
        """The selector's value: « national », « region-11 », « departement-93 »."""
        return NATIONAL if self.level == NATIONAL else f"{self.level}-{self.code}"

    @property
    def label(self):
        if self.level == REGION:
            return f"{self.name} (région)"
        return self.name


def territories(campaign):
    """The territories the campaign's release has cells for: France, regions, départements."""
    rows = (
        PublishedCell.objects.filter(
            campaign=campaign, ventilation=ENSEMBLE[0], modality=ENSEMBLE[1]
        )
        .values_list("level", "code", "name")
        .distinct()
    )
    found = [Territory(*row) for row in rows]
    return sorted(found, key=lambda t: (LEVELS.index(t.level), t.code))


def territory_of(campaign, key):
    """The territory named by a selector value, or None when the release has no such cells."""
    return next((t for t in territories(campaign) if t.key == key), None)


def table(campaign, level, code):
    """{(ventilation, modality): PublishedCell} of one territory of the release."""
    cells = PublishedCell.objects.filter(campaign=campaign, level=level, code=code)
    return {(cell.ventilation, cell.modality): cell for cell in cells}


def totals(campaign, level):
    """{code: the territory's total cell} of every territory of ``level`` (one query)."""
    cells = PublishedCell.objects.filter(
        campaign=campaign, level=level, ventilation=ENSEMBLE[0], modality=ENSEMBLE[1]
    )
    return {cell.code: cell for cell in cells}


def is_published(cell):
    return cell is not None and not cell.secret


def value(cell, attr):
    """The cell's people or hours, None when secret or absent."""
    return getattr(cell, attr) if is_published(cell) else None


def share(part, whole, attr="people"):
    """``part`` over ``whole`` (people or hours), None unless both cells are published."""
    numerator, denominator = value(part, attr), value(whole, attr)
    if numerator is None or denominator is None or not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def share_of_sum(parts, whole, attr="hours"):
    """The sum of ``parts`` over ``whole``: every part and the whole must be published."""
    if not parts or any(not is_published(part) for part in parts):
        return None
    denominator = value(whole, attr)
    if denominator is None or not denominator:
        return None
    return sum(Decimal(getattr(part, attr)) for part in parts) / Decimal(denominator)


def etp(cell):
    hours = value(cell, "hours")
    return None if hours is None else to_etp(hours)


def series(level, code):
    """The territory's totals per published year, oldest first: year, people, hours, ETP
    and the secret status (None values when secret)."""
    cells = (
        PublishedCell.objects.filter(
            campaign__in=published_campaigns(),
            level=level,
            code=code,
            ventilation=ENSEMBLE[0],
            modality=ENSEMBLE[1],
        )
        .select_related("campaign")
        .order_by("campaign__year")
    )
    return [
        {
            "year": cell.campaign.year,
            "people": value(cell, "people"),
            "hours": value(cell, "hours"),
            "etp": etp(cell),
            "secret": cell.secret,
        }
        for cell in cells
    ]


@dataclass(frozen=True)
class Coverage:
    expected: int
    submitted: int
    validated: int
    hours: Decimal | None  # None when the country's total is secret
    previous_year: int | None
    previous_hours: Decimal | None

    @property
    def hours_ratio(self):
        """This year's hours against the previous published year's, when both are shown."""
        if self.hours is None or not self.previous_hours:
            return None
        return self.hours / self.previous_hours


def _covered_hours(campaign):
    """The published submissions' hours, only when the country's total cell is published
    (they are the same total: a secret one must not come back through the coverage)."""
    national = table(campaign, NATIONAL, "").get(ENSEMBLE)
    if not is_published(national):
        return None
    total = published_submissions(campaign).aggregate(total=Sum("hours"))["total"]
    return Decimal(total or 0)


def coverage(campaign):
    """How complete the year is: structures expected, having submitted, validated (their
    latest version), and the hours covered against the previous published year's."""
    submitted = (
        Submission.objects.filter(campaign=campaign, submitted_at__isnull=False)
        .values("organisation")
        .distinct()
        .count()
    )
    previous = previous_campaign(campaign)
    return Coverage(
        expected=expected_structures(campaign).count(),
        submitted=submitted,
        validated=published_submissions(campaign).count(),
        hours=_covered_hours(campaign),
        previous_year=previous.year if previous else None,
        previous_hours=_covered_hours(previous) if previous else None,
    )


# Open data from the stored cells ----------------------------------------------------------


@dataclass
class StoredRelease:
    """The stored release in the shape ``opendata.records`` reads (year and rows)."""

    year: int
    rows: list


def cell_order(cell):
    ventilations = [ENSEMBLE[0]] + [name for name, _code, _kind in VENTILATIONS]
    return (
        LEVELS.index(cell.level),
        cell.code,
        ventilations.index(cell.ventilation) if cell.ventilation in ventilations else 99,
        cell.modality,
    )


def stored_release(campaign):
    """The campaign's stored cells as release rows (secret ones without values)."""
    cells = sorted(PublishedCell.objects.filter(campaign=campaign), key=cell_order)
    rows = [
        ReleaseRow(
            year=campaign.year,
            level=cell.level,
            code=cell.code,
            name=cell.name,
            ventilation=cell.ventilation,
            modality=cell.modality,
            people=cell.people,
            hours=cell.hours,
            secret=cell.secret,
        )
        for cell in cells
    ]
    return StoredRelease(campaign.year, rows)


def open_data_csv(campaign):
    """``observatoire_<year>.csv`` as text: the open-data columns, comma-separated."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=opendata.COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in opendata.records(stored_release(campaign)):
        writer.writerow({key: "" if v is None else v for key, v in record.items()})
    return buffer.getvalue()


def open_data_json(campaign):
    records = list(opendata.records(stored_release(campaign)))
    return json.dumps(records, ensure_ascii=False, indent=1)


def schema_json():
    return json.dumps(opendata.schema(), ensure_ascii=False, indent=2)
