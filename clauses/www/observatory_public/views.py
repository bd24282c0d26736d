"""The public observatory (/observatoire/): each published year's figures for France, a
region or a département, their methodology and their open data.

Everything here reads the stored protected release (``PublishedCell``) through
``clauses.observatory.public``: never the frozen facts, the engine over tracking data nor
any participant, so a secret cell cannot reach a page or a file.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.text import slugify

from clauses.core.exports import file_response
from clauses.observatory import opendata, public, registry
from clauses.observatory.release import NATIONAL, VENTILATIONS
from clauses.procurement.calculator import format_percent

from . import present

OPEN_DATA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _shown(value, limit=40):
    """A query parameter as a notice quotes it: short, one line."""
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _year(request, campaigns, notices):
    """The asked year's campaign, else the latest, saying so when a year was asked."""
    asked = request.GET.get("annee", "")
    try:
        wanted = int(asked)
    except ValueError:
        wanted = None
    campaign = next((c for c in campaigns if c.year == wanted), None)
    if campaign is None:
        campaign = campaigns[0]
        if asked:
            notices.append(
                f"L'année « {_shown(asked)} » n'est pas publiée : voici {campaign.year}, "
                "la dernière année publiée."
            )
    return campaign


def _scope_groups(territories):
    """The scope selector's options, grouped: France, regions, départements."""
    names = {NATIONAL: "France", "region": "Régions", "departement": "Départements"}
    groups = {}
    for territory in territories:
        groups.setdefault(names[territory.level], []).append(territory)
    return list(groups.items())


def _rules():
    return {
        "etp": registry.etp_rule(),
        "period": registry.PERIOD_RULE,
        "territory": registry.TERRITORY_RULE,
        "deduplication": registry.DEDUPLICATION_RULE,
    }


@login_not_required
def index(request):
    campaigns = list(public.published_campaigns())
    if not campaigns:
        return render(request, "observatory_public/empty.html", {"title": "Observatoire"})
    notices = []
    campaign = _year(request, campaigns, notices)
    territories = public.territories(campaign)
    asked = request.GET.get("echelle", "")
    territory = public.territory_of(campaign, asked or NATIONAL)
    if territory is None:
        territory = territories[0]
        notices.append(
            f"Le territoire « {_shown(asked)} » n'a pas de chiffres publiés en "
            f"{campaign.year} : voici {territory.name}."
        )
    cells = public.table(campaign, territory.level, territory.code)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        name = slugify(f"observatoire-{territory.name}-{campaign.year}")
        return file_response(
            present.file_rows(campaign, territory, cells),
            fmt=fmt,
            filename=f"{name}.{fmt}",
            title=f"Observatoire {campaign.year}",
        )
    values = present.indicators(cells)
    previous = public.previous_campaign(campaign)
    previous_values = None
    if previous is not None:
        previous_values = present.indicators(
            public.table(previous, territory.level, territory.code)
        )
    national = None
    if territory.level != NATIONAL:
        national = present.indicators(public.table(campaign, NATIONAL, ""))
    series_rows, series_chart = present.series(territory)
    query = {"annee": campaign.year, "echelle": territory.key}

    def url_of(key):
        return "?" + urlencode({"annee": campaign.year, "echelle": key})

    return render(
        request,
        "observatory_public/index.html",
        {
            "title": f"Observatoire — {territory.name}, {campaign.year}",
            "campaign": campaign,
            "campaigns": campaigns,
            "territory": territory,
            "scope_groups": _scope_groups(territories),
            "cards": present.headline(values, previous_values),
            "previous": previous,
            "coverage": present.coverage(campaign),
            "goals": present.goals(values, previous_values, national),
            "map": present.territory_map(campaign, territory, url_of),
            "series": series_rows,
            "series_chart": series_chart,
            "sections": present.sections(cells),
            "etp_rule": registry.etp_rule(),
            "query": urlencode(query),
            "notices": notices,
        },
    )


@login_not_required
def methodology(request):
    breakdowns = [registry.BREAKDOWN[code] for _name, code, _kind in VENTILATIONS]
    indicators = [registry.INDICATOR[code] for code in present.HEADLINE]
    indicators.append(registry.INDICATOR["share_etp_outside_works"])
    return render(
        request,
        "observatory_public/methodology.html",
        {
            "title": "Méthodologie de l'observatoire",
            "indicators": indicators,
            "breakdowns": breakdowns,
            "rules": _rules(),
            "min_cell": settings.OBSERVATORY_MIN_CELL,
            "dominance": format_percent(Decimal(str(settings.OBSERVATORY_DOMINANCE))),
            "reasons": present.SECRET_REASONS,
        },
    )


@login_not_required
def open_data(request):
    return render(
        request,
        "observatory_public/open_data.html",
        {
            "title": "Données ouvertes de l'observatoire",
            "campaigns": list(public.published_campaigns()),
            "fields": [
                {
                    "name": field["name"],
                    "title": field["title"],
                    "type": field["type"],
                    "description": field.get("description", ""),
                }
                for field in opendata.schema()["fields"]
            ],
        },
    )


def _published(year):
    campaign = public.published_campaigns().filter(year=year).first()
    if campaign is None:
        raise Http404
    return campaign


def _attachment(content, fmt, filename):
    response = HttpResponse(content, content_type=OPEN_DATA_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_not_required
def open_data_csv(request, year):
    campaign = _published(year)
    return _attachment(public.open_data_csv(campaign), "csv", f"observatoire_{year}.csv")


@login_not_required
def open_data_json(request, year):
    campaign = _published(year)
    return _attachment(public.open_data_json(campaign), "json", f"observatoire_{year}.json")


@login_not_required
def schema(request):
    return _attachment(public.schema_json(), "json", "schema.json")
