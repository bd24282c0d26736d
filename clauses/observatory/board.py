"""The campaign board's checks: plain rules on a structure's totals that point reviewers to
the submissions worth a second look before they validate them. Pure functions on numbers,
so the board, the submission page and the tests share one definition.
"""

from dataclasses import dataclass
from decimal import Decimal

from clauses.procurement.calculator import format_number

# A full-time year (the ETP conversion): more hours than that per person is implausible.
MAX_HOURS_PER_PARTICIPANT = Decimal(1600)
# A change on the previous published year beyond which the figures need an explanation.
MAX_CHANGE = Decimal("0.5")
# A breakdown mostly « non renseigné » says little: past this share, say so.
MAX_UNKNOWN = Decimal("0.2")


@dataclass(frozen=True)
class Anomaly:
    code: str
    label: str


def _decimal(value):
    return Decimal(value or 0)


def change(hours, previous_hours):
    """The relative change of ``hours`` on ``previous_hours``, None without a base to compare
    with (no previous published submission, or zero hours then)."""
    if previous_hours is None or _decimal(previous_hours) == 0:
        return None
    previous = _decimal(previous_hours)
    return (_decimal(hours) - previous) / previous


def anomalies(*, hours, participants, previous_hours=None):
    """The anomalies of a structure's year: too many hours per participant, a change of more
    than 50 % on its previous published year, hours without participants, no hours."""
    hours = _decimal(hours)
    participants = participants or 0
    found = []
    if hours == 0:
        found.append(Anomaly("no_hours", "Aucune heure déclarée"))
    elif participants == 0:
        found.append(Anomaly("hours_without_participants", "Des heures sans participant"))
    elif hours / participants > MAX_HOURS_PER_PARTICIPANT:
        found.append(
            Anomaly(
                "hours_per_participant",
                f"Plus de {format_number(MAX_HOURS_PER_PARTICIPANT, 0)} heures par participant "
                f"({format_number(hours / participants, 0)} heures en moyenne)",
            )
        )
    ratio = change(hours, previous_hours)
    if ratio is not None and abs(ratio) > MAX_CHANGE:
        sign = "+" if ratio > 0 else "−"
        found.append(
            Anomaly(
                "change",
                f"Variation de {sign}{format_number(abs(ratio) * 100, 0)}\xa0% "
                "sur l'année précédente publiée",
            )
        )
    return found


def unknown(figures, threshold=MAX_UNKNOWN):
    """The breakdowns of ``figures`` whose « non renseigné » share exceeds ``threshold``."""
    found = []
    for code, breakdown in figures.breakdowns.items():
        share = breakdown.unknown_share
        if breakdown.breakdown.exclusive and breakdown.total and share > threshold:
            found.append(
                Anomaly(
                    f"unknown_{code}",
                    f"{breakdown.breakdown.label} : {format_number(share * 100, 0)}\xa0% non "
                    f"renseigné ({breakdown.breakdown.denominator_label})",
                )
            )
    return found


def completeness(done, expected):
    """The share of expected structures whose year is submitted or validated."""
    return None if not expected else Decimal(done) / Decimal(expected)


def coverage(hours, previous_hours):
    """This campaign's submitted and validated hours against the previous published year's."""
    previous = _decimal(previous_hours)
    return None if previous == 0 else _decimal(hours) / previous
