"""The figures of the registry as pages and files show them: French numbers, every share
with its denominator, every ETP with its conversion, changes on the previous year.

One presenter for the page, the CSV and the XLSX: the same rows, the same labels.
"""

from dataclasses import dataclass
from decimal import Decimal

from clauses.core.charts import bar_chart, time_series
from clauses.observatory import registry
from clauses.procurement.calculator import format_number, format_percent

DASH = "—"


def number(value, decimals=0):
    return DASH if value is None else format_number(value, decimals)


def percent(share):
    return DASH if share is None else format_percent(share)


def value_text(code, value):
    indicator = registry.INDICATOR[code]
    if indicator.is_share:
        return percent(value)
    return number(value, 1 if code == "etp" else 0)


def change_text(code, value, previous):
    """« +12 % » for a count, « +1,5 point » for a share; None without a previous value."""
    if value is None or previous is None:
        return None
    if registry.INDICATOR[code].is_share:
        points = (Decimal(value) - Decimal(previous)) * 100
        sign = "+" if points > 0 else ""
        unit = "point" if abs(points) < 2 else "points"
        return f"{sign}{format_number(points, 1)} {unit}"
    if not previous:
        return None
    change = (Decimal(value) - Decimal(previous)) / Decimal(previous)
    sign = "+" if change > 0 else ""
    return f"{sign}{format_percent(change.quantize(Decimal('0.001')))}"


@dataclass
class Card:
    code: str
    label: str
    value: str
    unit: str
    denominator: str
    change: str | None
    definition: str


def headline(figures, previous=None, codes=registry.HEADLINE):
    cards = []
    for code in codes:
        indicator = registry.INDICATOR[code]
        cards.append(
            Card(
                code=code,
                label=indicator.label,
                value=value_text(code, figures[code]),
                unit="" if indicator.is_share else registry.unit_of(indicator.unit, figures[code]),
                denominator=indicator.denominator_label,
                change=change_text(code, figures[code], previous[code]) if previous else None,
                definition=indicator.definition,
            )
        )
    return cards


@dataclass
class Section:
    code: str
    label: str
    denominator: str
    definition: str
    by_people: bool
    also_hours: bool
    rows: list
    total: str
    chart: object = None


def _chart(breakdown, data):
    """The section's bars: people, hours or outcomes, each with its share (the table is the
    section's own)."""
    if breakdown.denominator == registry.OF_PEOPLE:
        value_of, header = (lambda row: row.people), "Participants"
    elif breakdown.denominator == registry.OF_OUTCOMES:
        value_of, header = (lambda row: row.missions), "Sorties"
    else:
        value_of, header = (lambda row: row.hours), "Heures"
    rows = [
        {
            "label": row.label,
            "value": value_of(row),
            "value_label": number(value_of(row)),
            "share": row.share,
        }
        for row in data.rows
    ]
    if not any(row["value"] for row in rows):
        return None
    return bar_chart(
        rows,
        title=f"{breakdown.label} ({breakdown.denominator_label})",
        label_header=breakdown.label,
        value_header=header,
        table=False,
        dom_id=f"chart-{breakdown.code}",
    )


def anru(figures, progress):
    """The ANRU block: the period's hours on NPNRU operations (every scope) and, for a
    structure or smaller, the charter's progress of those contracts since they began
    (``live.anru``); None when the scope has neither."""
    if not figures["hours_npnru"] and progress is None:
        return None
    npnru = next(row for row in figures.breakdowns["npnru"].rows if row.code == "npnru")
    return {
        "hours": number(figures["hours_npnru"]),
        "share_of_hours": percent(npnru.share),
        "qpv_share": percent(figures["share_hours_qpv_npnru"]),
        "progress": progress
        and {
            "lots": progress.lots,
            "without_target": progress.lots_without_target,
            "qpv_hours": number(progress.qpv_hours),
            "target_hours": number(progress.target_hours),
            "progress": percent(progress.progress),
            "qpv_share": percent(progress.qpv_share_of_hours),
        },
    }


def series_chart(series):
    if not series:
        return None
    return time_series(
        [(row["year"], row["hours"]) for row in series],
        title="Heures d'insertion par année",
        unit_label="heures",
        format_value=number,
        table=False,
        dom_id="chart-series",
    )


def sections(figures, codes=None):
    result = []
    for breakdown in registry.BREAKDOWNS:
        if codes is not None and breakdown.code not in codes:
            continue
        if breakdown.code in ("region", "departement"):
            continue
        data = figures.breakdowns[breakdown.code]
        by_people = breakdown.denominator == registry.OF_PEOPLE
        rows = [
            {
                "code": row.code,
                "label": row.label,
                "people": number(row.people),
                "hours": number(row.hours),
                "etp": number(row.etp, 1),
                "missions": number(row.missions),
                "share": percent(row.share),
                "share_value": row.share,
                "share_of_hours": percent(row.share_of_hours),
            }
            for row in data.rows
        ]
        result.append(
            Section(
                code=breakdown.code,
                label=breakdown.label,
                denominator=breakdown.denominator_label,
                definition=breakdown.definition,
                by_people=by_people,
                also_hours=breakdown.also_hours,
                rows=rows,
                total=number(data.total),
                chart=_chart(breakdown, data),
            )
        )
    return result


def file_rows(figures):
    """Every figure of ``figures`` as spreadsheet rows (header first), typed values."""
    yield [
        "Échelle",
        "Période",
        "Indicateur ou répartition",
        "Ligne",
        "Valeur",
        "Unité",
        "Personnes",
        "Heures",
        "ETP",
        "Contrats de travail",
        "Part",
        "Dénominateur de la part",
        "Part des heures",
        "Conversion",
    ]
    scope, period, etp = figures.scope.label, figures.period.label, registry.etp_rule()

    def plain(value):
        return float(value) if isinstance(value, Decimal) else value

    for indicator in registry.INDICATORS:
        value = figures[indicator.code]
        yield [
            scope,
            period,
            indicator.label,
            "",
            None if indicator.is_share else plain(value),
            indicator.unit,
            None,
            None,
            None,
            None,
            plain(value) if indicator.is_share else None,
            indicator.denominator_label,
            None,
            etp if indicator.code == "etp" else "",
        ]
    for breakdown in registry.BREAKDOWNS:
        for row in figures.breakdowns[breakdown.code].rows:
            yield [
                scope,
                period,
                breakdown.label,
                row.label,
                None,
                "",
                row.people,
                plain(row.hours),
                plain(row.etp),
                row.missions,
                plain(row.share),
                breakdown.denominator_label,
                plain(row.share_of_hours),
                etp,
            ]
