"""A territory's diversification shares against the country's, for the pages that point
people to what works elsewhere (« Pratiques de mon territoire »).

Public pages may read these comparisons: a share is shown only when neither of its two
groups (e.g. women and men) holds fewer than ``settings.OBSERVATORY_MIN_CELL`` people or,
for a share of hours, fewer than that many participants in the territory — the rule of
small cells (DOMAIN.md § 5), so that nobody can recompute a small group of people.
"""

from dataclasses import dataclass

from django.conf import settings

from . import live, registry
from .figures import Period, Scope

# The goals compared, the breakdown line holding each one's people, and the publics or
# market kinds of the practices that address it.
COMPARED = [
    ("share_participants_women", ("sex", "F")),
    ("share_participants_qpv", ("qpv", "qpv")),
    ("share_etp_outside_works", None),
]


@dataclass(frozen=True)
class Comparison:
    code: str
    label: str
    denominator: str
    share: object  # Decimal, or None when hidden or unknown
    national: object
    year: int | None
    hidden: bool = False  # too few people to publish the share

    @property
    def is_well_below(self):
        return (
            self.share is not None
            and self.national is not None
            and self.share < self.national - registry.GOAL_GAP
        )


def latest_year(scope):
    years = [row["year"] for row in live.series(scope)]
    return max(years) if years else None


def _disclosed(figures, code, line):
    threshold = settings.OBSERVATORY_MIN_CELL
    participants = figures["participants"]
    if line is None:
        return participants >= threshold
    breakdown, row_code = line
    people = next(
        (row.people for row in figures.breakdowns[breakdown].rows if row.code == row_code), 0
    )
    return people >= threshold and participants - people >= threshold


def compare(scope):
    """The compared goals of ``scope`` in its latest year with hours (else the country's),
    against the country's that year; shares are None where there is nothing to compare."""
    year = latest_year(scope) or latest_year(Scope.national())
    local = country = None
    if year is not None:
        period = Period.of_year(year)
        local = live.figures(scope, period)
        country = live.figures(Scope.national(), period)
    comparisons = []
    for code, line in COMPARED:
        indicator = registry.INDICATOR[code]
        has_data = local is not None and local["hours"] > 0
        disclosed = has_data and _disclosed(local, code, line)
        comparisons.append(
            Comparison(
                code=code,
                label=indicator.label,
                denominator=indicator.denominator_label,
                share=local[code] if disclosed else None,
                national=None if country is None else country[code],
                year=year if has_data else None,
                hidden=has_data and not disclosed,
            )
        )
    return comparisons
