"""Reads of the public collection: filters and facet counts."""

from collections import Counter

from clauses.directory.enums import ActorFamily
from clauses.territories.models import Region

from .enums import MarketKind, Public, Theme
from .models import list_contains

# name of the GET parameter -> (French title, list field or None, choices)
FACETS = {
    "theme": ("Thème", "themes", Theme),
    "region": ("Région", None, None),
    "public": ("Public", "publics", Public),
    "marche": ("Type de marché", "market_kinds", MarketKind),
    "famille": ("Famille d'acteurs", "actor_families", ActorFamily),
    "annee": ("Année", None, None),
}


def selected_filters(params):
    """{facet: value} of the facets set in ``params`` (a QueryDict or a dict)."""
    selected = {}
    for name, (_title, _field, choices) in FACETS.items():
        value = (params.get(name) or "").strip()
        if not value:
            continue
        if choices is not None and value not in choices.values:
            continue
        if name == "annee" and not value.isdigit():
            continue
        selected[name] = value
    return selected


def apply_filters(queryset, selected):
    for name, value in selected.items():
        _title, field, _choices = FACETS[name]
        if field:
            queryset = queryset.filter(list_contains(field, value))
        elif name == "region":
            queryset = queryset.filter(region__code=value)
        elif name == "annee":
            queryset = queryset.filter(year=int(value))
    return queryset


def facet_counts(queryset, selected):
    """Every facet with each value's number of sheets in ``queryset`` (already filtered
    and searched): [{"name", "title", "options": [{"value", "label", "count", "selected"}]}].
    Counted in Python: the collection holds hundreds of sheets, not millions."""
    counters = {name: Counter() for name in FACETS}
    # The bare rows of the matching sheets (no search rank to compute again).
    matching = queryset.model.objects.filter(pk__in=queryset.order_by().values("pk"))
    rows = matching.values_list(
        "themes", "publics", "market_kinds", "actor_families", "region__code", "year"
    )
    for themes, publics, markets, families, region, year in rows:
        counters["theme"].update(set(themes or []))
        counters["public"].update(set(publics or []))
        counters["marche"].update(set(markets or []))
        counters["famille"].update(set(families or []))
        if region:
            counters["region"][region] += 1
        if year:
            counters["annee"][str(year)] += 1
    regions = dict(Region.objects.filter(code__in=counters["region"]).values_list("code", "name"))
    facets = []
    for name, (title, _field, choices) in FACETS.items():
        counter = counters[name]
        if choices is not None:
            labels = [(code, label) for code, label in choices.choices if counter[code]]
        elif name == "region":
            labels = sorted(((c, regions.get(c, c)) for c in counter), key=lambda x: x[1])
        else:
            labels = [(y, y) for y in sorted(counter, reverse=True)]
        options = [
            {
                "value": value,
                "label": label,
                "count": counter[value],
                "selected": selected.get(name) == value,
            }
            for value, label in labels
        ]
        facets.append({"name": name, "title": title, "options": options})
    return facets
