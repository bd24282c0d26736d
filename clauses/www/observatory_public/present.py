"""The public observatory's figures as its pages and files show them, built from the stored
cells only (``clauses.observatory.public``): a secret cell becomes « secret statistique »,
never a number, and a share is written only when both its cells are published.
"""

import dataclasses
from decimal import Decimal

from clauses.core.charts import bar_chart, number_text, time_series
from clauses.observatory import public, registry
from clauses.observatory.disclosure import PRIMARY, SECONDARY
from clauses.observatory.release import DEPARTEMENT, NATIONAL, REGION, VENTILATIONS
from clauses.procurement.calculator import format_number, format_percent
from clauses.territories.maps import choropleth
from clauses.territories.models import Departement
from clauses.www.observatory.present import change_text

SECRET = "secret statistique"
DASH = "—"
SECRET_REASONS = {
    PRIMARY: "primaire : trop peu de personnes, ou une entreprise ou un acheteur dominant",
    SECONDARY: "secondaire : permettrait de recalculer une cellule secrète",
}
# The public headline, in the order the page shows it.
HEADLINE = [
    "hours",
    "etp",
    "participants",
    "share_participants_women",
    "share_participants_men",
    "share_participants_qpv",
    "share_etp_works",
    "share_etp_reserved",
]
OUTSIDE_WORKS = ("services", "fournitures", "prestations_intellectuelles")


def hours_text(value):
    return SECRET if value is None else number_text(value)


def people_text(value):
    return SECRET if value is None else format_number(value)


def etp_text(value):
    return SECRET if value is None else format_number(value, 2)


def share_text(value):
    return SECRET if value is None else format_percent(value)


def indicators(cells):
    """The headline's and goals' values of one territory's table (None when secret)."""
    total = cells.get(public.ENSEMBLE)

    def cell(ventilation, modality):
        return cells.get((ventilation, modality))

    outside = [cell("nature_marche", code) for code in OUTSIDE_WORKS]
    return {
        "hours": public.value(total, "hours"),
        "etp": public.etp(total),
        "participants": public.value(total, "people"),
        "share_participants_women": public.share(cell("sexe", "F"), total),
        "share_participants_men": public.share(cell("sexe", "M"), total),
        "share_participants_qpv": public.share(cell("qpv", "qpv"), total),
        "share_etp_works": public.share(cell("nature_marche", "travaux"), total, "hours"),
        "share_etp_outside_works": public.share_of_sum(
            [c for c in outside if c is not None], total, "hours"
        ),
        "share_etp_reserved": public.share(cell("reserve", "reserve"), total, "hours"),
    }


def value_text(code, value):
    if registry.INDICATOR[code].is_share:
        return share_text(value)
    if code == "etp":
        return etp_text(value)
    return hours_text(value) if code == "hours" else people_text(value)


def headline(values, previous):
    cards = []
    for code in HEADLINE:
        indicator = registry.INDICATOR[code]
        value = values[code]
        cards.append(
            {
                "code": code,
                "label": indicator.label,
                "value": value_text(code, value),
                "secret": value is None,
                "unit": ""
                if indicator.is_share or value is None
                else registry.unit_of(indicator.unit, value),
                "denominator": indicator.denominator_label,
                "change": change_text(code, value, previous[code]) if previous else None,
            }
        )
    return cards


def goals(values, previous, national):
    rows = []
    for code in registry.GOALS:
        indicator = registry.INDICATOR[code]
        value = values[code]
        rows.append(
            {
                "label": indicator.label,
                "denominator": indicator.denominator_label,
                "value": share_text(value),
                "secret": value is None,
                "percent": None if value is None else round(float(value) * 100),
                "change": change_text(code, value, previous[code]) if previous else None,
                "national": None if national is None else share_text(national[code]),
            }
        )
    return rows


def _ordered_cells(cells, ventilation, breakdown):
    lines = {m: c for (v, m), c in cells.items() if v == ventilation}
    order = [code for code, _label in breakdown.choices]
    return sorted(
        lines.items(),
        key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0]),
    )


def sections(cells):
    """One section per breakdown: its lines with people (people breakdowns) or hours and ETP
    (hours breakdowns), their shares of the territory's total, and a chart."""
    total = cells.get(public.ENSEMBLE)
    result = []
    for ventilation, code, _kind in VENTILATIONS:
        breakdown = registry.BREAKDOWN[code]
        by_people = breakdown.denominator == registry.OF_PEOPLE
        attr = "people" if by_people else "hours"
        rows = []
        for modality, cell in _ordered_cells(cells, ventilation, breakdown):
            people, hours = public.value(cell, "people"), public.value(cell, "hours")
            main_share = public.share(cell, total, attr)
            rows.append(
                {
                    "label": breakdown.label_of(modality),
                    "secret": bool(cell.secret),
                    "people": people_text(people),
                    "hours": hours_text(hours),
                    "etp": etp_text(public.etp(cell)),
                    "share": share_text(main_share),
                    "share_secret": main_share is None,
                    "share_of_hours": share_text(public.share(cell, total, "hours")),
                    "hours_share_secret": public.share(cell, total, "hours") is None,
                    "value": people if by_people else hours,
                    "share_value": main_share,
                }
            )
        chart = None
        if any(row["value"] for row in rows):
            chart = bar_chart(
                [
                    {
                        "label": row["label"],
                        "value": row["value"],
                        "value_label": row["people"] if by_people else row["hours"],
                        "share": row["share_value"],
                    }
                    for row in rows
                ],
                title=f"{breakdown.label} ({breakdown.denominator_label})",
                label_header=breakdown.label,
                value_header="Participants" if by_people else "Heures",
                table=False,
                dom_id=f"chart-{code}",
            )
        result.append(
            {
                "code": code,
                "label": breakdown.label,
                "definition": breakdown.definition,
                "denominator": breakdown.denominator_label,
                "by_people": by_people,
                "also_hours": breakdown.also_hours,
                "rows": rows,
                "chart": chart,
            }
        )
    return result


def territory_map(campaign, territory, url_of):
    """The map of the scope's children coloured by hours (regions for France, départements
    for a region), secret ones uncoloured and said so in its table; None for a département."""
    if territory.level == DEPARTEMENT:
        return None
    level = REGION if territory.level == NATIONAL else DEPARTEMENT
    children = [t for t in public.territories(campaign) if t.level == level]
    if territory.level == REGION:
        inside = set(
            Departement.objects.filter(region__code=territory.code).values_list("code", flat=True)
        )
        children = [t for t in children if t.code in inside]
    values, secret, totals = {}, set(), public.totals(campaign, level)
    for child in children:
        cell = totals.get(child.code)
        if public.is_published(cell):
            values[child.code] = cell.hours
        else:
            secret.add(child.code)
    where = "région" if level == REGION else "département"
    drawn = choropleth(
        level,
        values,
        unit_label="Heures d'insertion",
        format_value=number_text,
        url_of=lambda code: url_of(f"{level}-{code}") if code in values or code in secret else None,
        title=f"Heures d'insertion par {where}, {campaign.year}",
        dom_id="map",
    )

    def hidden(item):
        if item.code not in secret:
            return item
        changes = {"value_label": SECRET}
        if hasattr(item, "title"):
            changes["title"] = f"{item.name} : {SECRET}"
        return dataclasses.replace(item, **changes)

    listed = {t.code for t in children} if territory.level == REGION else None
    rows = [hidden(row) for row in drawn.rows if listed is None or row.code in listed]
    return {
        "choropleth": dataclasses.replace(
            drawn,
            shapes=tuple(hidden(s) for s in drawn.shapes),
            zoom=tuple(hidden(s) for s in drawn.zoom),
            rows=tuple(rows),
        ),
        "secret": len(secret),
    }


def series(territory):
    points = public.series(territory.level, territory.code)
    rows = [
        {
            "year": point["year"],
            "hours": hours_text(point["hours"]),
            "etp": etp_text(point["etp"]),
            "people": people_text(point["people"]),
        }
        for point in points
    ]
    chart = None
    if any(point["hours"] is not None for point in points):
        chart = time_series(
            [(point["year"], point["hours"]) for point in points],
            title=f"Heures d'insertion par année — {territory.name}",
            unit_label="Heures d'insertion",
            format_value=number_text,
            table=False,
            dom_id="chart-series",
        )
    return rows, chart


def coverage(campaign):
    covered = public.coverage(campaign)
    ratio = covered.hours_ratio
    return {
        "expected": covered.expected,
        "submitted": covered.submitted,
        "validated": covered.validated,
        "hours": None if covered.hours is None else number_text(covered.hours),
        "previous_year": covered.previous_year,
        "previous_hours": None
        if covered.previous_hours is None
        else number_text(covered.previous_hours),
        "ratio": None if ratio is None else format_percent(ratio.quantize(Decimal("0.001"))),
    }


def ventilation_label(ventilation):
    codes = {name: code for name, code, _kind in VENTILATIONS}
    if ventilation in codes:
        return registry.BREAKDOWN[codes[ventilation]].label
    return "Ensemble"


def file_rows(campaign, territory, cells):
    """Every cell of the scope's table as spreadsheet rows (header first): secret ones
    empty, with the reason."""
    yield [
        "Année",
        "Territoire",
        "Niveau",
        "Code du territoire",
        "Répartition",
        "Ligne",
        "Code de la ligne",
        "Personnes",
        "Heures",
        "ETP",
        "Secret statistique",
    ]
    codes = {name: code for name, code, _kind in VENTILATIONS}
    for cell in sorted(cells.values(), key=public.cell_order):
        breakdown = registry.BREAKDOWN.get(codes.get(cell.ventilation))
        hours = public.value(cell, "hours")
        etp = public.etp(cell)
        yield [
            campaign.year,
            territory.name,
            territory.level,
            territory.code or "FR",
            ventilation_label(cell.ventilation),
            breakdown.label_of(cell.modality) if breakdown else "Ensemble",
            cell.modality,
            public.value(cell, "people"),
            None if hours is None else float(hours),
            None if etp is None else float(etp),
            SECRET_REASONS.get(cell.secret, ""),
        ]
