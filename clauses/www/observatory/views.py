"""The workspace's figures (« Chiffres ») : the live indicators of the user's scope.

Each user reads the scopes ``observatory.scopes.available`` offers (a facilitator its
structure, a coordinator its territory, the national administrator everything); the figures
come from the registry's engine through ``observatory.live`` (cached until an audited write).
The same figures download as CSV and XLSX.
"""

import dataclasses
import datetime

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from clauses.core.dates import add_months
from clauses.core.exports import CONTENT_TYPES, file_response, iter_csv
from clauses.observatory import live, registry, scopes, services
from clauses.observatory.facts import Pseudonyms, fact_rows
from clauses.observatory.figures import Period, Scope
from clauses.procurement.calculator import format_percent
from clauses.territories.maps import choropleth

from . import present
from .forms import MAP_INDICATORS, FiguresForm


def _today():
    return timezone.localdate()


def _selection(request):
    """The scope choice, period, years offered and the bound form of the request."""
    user = request.user
    choices = scopes.available(user)
    if not choices:
        raise Http404
    keys = {choice.key: choice for choice in choices}
    choice = keys.get(request.GET.get("echelle") or choices[0].key)
    if choice is None:
        raise Http404
    series = live.series(choice.scope)
    today = _today()
    years = sorted({row["year"] for row in series} | {today.year}, reverse=True)
    form = FiguresForm(request.GET or None, scope_choices=choices, years=years)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    default_year = max((row["year"] for row in series), default=today.year)
    year = data.get("annee") or default_year
    if data.get("du"):
        period = Period.between(data["du"], data["au"])
    elif year == today.year and today.month > 1:
        # The months of the year already over (hours are declared once a month is over),
        # compared with the same months of the previous year.
        period = Period.between(datetime.date(year, 1, 1), add_months(today, -1))
    else:
        period = Period.of_year(year)
    if not form.is_bound:
        form = FiguresForm(
            initial={"echelle": choice.key, "annee": year},
            scope_choices=choices,
            years=years,
        )
    return choice, period, series, form, data, keys


def _map(choice, figures, data, keys):
    """The breakdown the map colours and the indicator it shows (None for one structure)."""
    kind = choice.scope.kind
    if kind not in ("national", "region"):
        return None
    level = data.get("niveau") or ("region" if kind == "national" else "departement")
    if kind == "region":
        level = "departement"
    indicator = data.get("carte") or "hours"
    if indicator not in MAP_INDICATORS:
        indicator = "hours"
    rows = figures.breakdowns[level].rows
    values = {}
    for row in rows:
        if not row.code:
            continue
        if indicator == "hours":
            values[row.code] = row.hours
        elif indicator == "participants":
            values[row.code] = row.people
        else:
            values[row.code] = row.shares.get(indicator)

    def url_of(code):
        key = f"{level}-{code}"
        if key not in keys:
            return None
        return f"?echelle={key}" + (f"&annee={figures.period.year}" if figures.period.year else "")

    indicator_def = registry.INDICATOR[indicator]
    unit = indicator_def.label + (
        f" ({indicator_def.denominator_label})" if indicator_def.is_share else ""
    )
    drawn = choropleth(
        level,
        values,
        unit_label=unit,
        format_value=format_percent if indicator_def.is_share else present.number,
        url_of=url_of,
        title=f"{indicator_def.label} par {'région' if level == 'region' else 'département'}"
        f", {figures.period.label}",
        dom_id="map",
    )
    if kind == "region":
        # The whole country is drawn; the table lists the region's départements only.
        drawn = dataclasses.replace(drawn, rows=[r for r in drawn.rows if r.code in values])
    return {"level": level, "indicator": indicator_def, "choropleth": drawn}


def _series_rows(series):
    return [
        {
            "year": row["year"],
            "hours": present.number(row["hours"]),
            "etp": present.number(row["etp"], 1),
            "share_etp_works": present.percent(row["share_etp_works"]),
            "hours_value": row["hours"],
        }
        for row in series
    ]


def _goals(figures, previous, national):
    goals = []
    for code in registry.GOALS:
        indicator = registry.INDICATOR[code]
        value = figures[code]
        goals.append(
            {
                "label": indicator.label,
                "denominator": indicator.denominator_label,
                "value": present.percent(value),
                "percent": None if value is None else round(float(value) * 100),
                "change": present.change_text(code, value, previous[code]),
                "national": None if national is None else present.percent(national[code]),
                "below_national": (
                    national is not None
                    and value is not None
                    and national[code] is not None
                    and value < national[code] - registry.GOAL_GAP
                ),
            }
        )
    return goals


def dashboard(request):
    choice, period, series, form, data, keys = _selection(request)
    figures = live.figures(choice.scope, period)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        name = slugify(f"chiffres-{choice.scope.label}-{period.label}")
        return file_response(
            present.file_rows(figures), fmt=fmt, filename=f"{name}.{fmt}", title="Chiffres"
        )
    previous = live.figures(choice.scope, period.previous)
    national = None
    if choice.scope.kind != "national":
        national = live.figures(Scope.national(), period)
    anru = live.anru(choice.scope, period)
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "observatory/dashboard.html",
        {
            "title": f"Chiffres — {choice.scope.label}",
            "choice": choice,
            "period": period,
            "figures": figures,
            "form": form,
            "cards": present.headline(figures, previous),
            "previous_label": period.previous.label,
            "sections": present.sections(figures),
            "goals": _goals(figures, previous, national),
            "map": _map(choice, figures, data, keys),
            "series": _series_rows(series),
            "series_chart": present.series_chart(series),
            "anru": present.anru(figures, anru),
            "etp_rule": registry.etp_rule(),
            "stale_minutes": live.stale_minutes(choice.scope),
            "rules": {
                "period": registry.PERIOD_RULE,
                "territory": registry.TERRITORY_RULE,
                "deduplication": registry.DEDUPLICATION_RULE,
            },
            "several": present.number(figures["participants_several_structures"]),
            "local": present.number(figures["participants_local_key"]),
            "query": query.urlencode(),
            "can_export_facts": request.user.is_national_admin and period.year is not None,
        },
    )


def facts(request):
    """The national administrator's audit file of a year (``manage.py export_facts``): one
    row per hours declaration, people numbered within the file. Streamed; audited."""
    user = request.user
    if not user.is_national_admin:
        raise Http404
    try:
        year = int(request.GET.get("annee", ""))
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    pseudonyms = Pseudonyms()
    counted = {"rows": -1}

    def rows():
        for row in fact_rows(year, pseudonyms=pseudonyms):
            counted["rows"] += 1
            yield row
        services.log_facts_exported(
            actor=user, year=year, rows=counted["rows"], people=len(pseudonyms)
        )

    response = StreamingHttpResponse(iter_csv(rows()), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="faits-heures-{year}.csv"'
    return response
