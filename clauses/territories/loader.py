"""Load the official geography shipped in ``data/`` into the database.

Idempotent: rows are matched on their natural key (INSEE code, SIREN, postal code + commune +
name, list year + QPV code), created when missing, updated only when a value changed, and never
deleted (other tables may point to them). Everything is written with ``bulk_create`` /
``bulk_update`` so that a full load takes seconds.

Sources (see ``data/SOURCES.md``): INSEE COG 2026 through ``@etalab/decoupage-administratif``,
DGCL EPCI 2026, the ``codes-postaux`` package of the BAN, geo.api.gouv.fr centroids, ANCT QPV
2024 contours (national) and 2015 contours (Occitanie only).
"""

import csv
import dataclasses
import gzip
import io
import json
from collections.abc import Iterable
from pathlib import Path

import shapely
from django.conf import settings
from django.db import transaction

from clauses.core.exceptions import DomainError

from . import geo
from .enums import QpvList, Zone
from .models import Commune, Departement, Epci, PostalCode, Qpv, Region

DATA_DIR = Path(settings.BASE_DIR) / "data"

FILES = {
    "regions": "geo/cog2026_regions.json.gz",
    "departements": "geo/cog2026_departements.json.gz",
    "communes": "geo/cog2026_communes.json.gz",
    "epci": "geo/cog2026_epci.json.gz",
    "postal_codes": "geo/codes-postaux_4.1.2.json.gz",
    "centroids": "geo/communes_centroides_geoapi.csv.gz",
    "qpv_2024": "qpv/qpv2024_france_wgs84_valid.geojson.gz",
    "qpv_2015": "qpv/qp2015_occitanie_hackaviz2021.geojson.gz",
}

CURRENT_KINDS = {Commune.Kind.COMMUNE.value, Commune.Kind.ARRONDISSEMENT.value}
BATCH_SIZE = 500


@dataclasses.dataclass
class Counts:
    total: int = 0
    created: int = 0
    updated: int = 0

    def __str__(self):
        return f"{self.total} ({self.created} créés, {self.updated} mis à jour)"


def _open(name, data_dir):
    return gzip.open(Path(data_dir) / FILES[name], "rt", encoding="utf-8")


def _read_json(name, data_dir):
    with _open(name, data_dir) as f:
        return json.load(f)


def _comparable(value):
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _sync(model, key_fields, rows, queryset=None):
    """Create or update ``rows`` ({key tuple: {attname: value}}) of ``model``; return Counts.

    Only rows whose values differ are updated, so a second run writes nothing.
    """
    counts = Counts(total=len(rows))
    if not rows:
        return counts
    value_fields = sorted(next(iter(rows.values())).keys())
    queryset = model.objects.all() if queryset is None else queryset
    existing = {
        tuple(values[: len(key_fields)]): values
        for values in queryset.values_list(*key_fields, *value_fields, "pk")
    }
    to_create, to_update, changed_fields = [], [], set()
    for key, fields in rows.items():
        current = existing.get(key)
        if current is None:
            to_create.append(model(**dict(zip(key_fields, key, strict=True)), **fields))
            continue
        old = dict(zip(value_fields, current[len(key_fields) : -1], strict=True))
        changed = {name for name, value in fields.items() if _comparable(old[name]) != value}
        if changed:
            to_update.append(model(pk=current[-1], **fields))
            changed_fields |= changed
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=BATCH_SIZE)
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def _ids(model, key_field, queryset=None):
    queryset = model.objects.all() if queryset is None else queryset
    return dict(queryset.values_list(key_field, "pk"))


def _current_code_map(communes):
    """Map every known INSEE code (current, delegated, associated, former) to a current code."""
    current = {c["code"] for c in communes if c["type"] in CURRENT_KINDS}
    mapping = {}
    for c in communes:
        if c["type"] == Commune.Kind.COMMUNE:
            for old in c.get("anciensCodes", []):
                mapping.setdefault(old, c["code"])
    for c in communes:
        parent = c.get("chefLieu")
        if c["type"] not in CURRENT_KINDS and parent in current:
            mapping.setdefault(c["code"], parent)
    mapping.update({code: code for code in current})
    return mapping


def _centroids(data_dir):
    with _open("centroids", data_dir) as f:
        return {row["insee"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(f)}


def _multipolygon(geometry):
    """A valid MultiPolygon from any GeoJSON geometry (repairing it when needed)."""
    geom = shapely.geometry.shape(geometry)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    parts = shapely.get_parts(geom)
    polygons = []
    for part in parts:
        if part.geom_type == "Polygon":
            polygons.append(part)
        elif part.geom_type in {"MultiPolygon", "GeometryCollection"}:
            polygons.extend(
                p for p in shapely.get_parts(part) if p.geom_type == "Polygon" and not p.is_empty
            )
    return shapely.MultiPolygon(polygons)


def _qpv_rows(features, *, list_year, departement_ids, commune_map, dep_codes):
    rows, links = {}, {}
    for feature in features:
        props = feature["properties"]
        if list_year == QpvList.QPV_2024:
            code, name, dep = props["code_qp"], props["lib_qp"], props["insee_dep"]
            communes = props["insee_com"]
        else:
            code, name, dep = props["code_qp"], props["nom_qp"], props["code_departement"]
            communes = [props["code_commune"]]
        if dep_codes is not None and dep not in dep_codes:
            continue
        geom = _multipolygon(feature["geometry"])
        min_lon, min_lat, max_lon, max_lat = geom.bounds
        rows[(list_year, code)] = {
            "name": name,
            "departement_id": departement_ids.get(dep),
            "geometry": shapely.to_wkb(geom),
            "min_lon": min_lon,
            "min_lat": min_lat,
            "max_lon": max_lon,
            "max_lat": max_lat,
        }
        links[(list_year, code)] = {commune_map[c] for c in communes if c in commune_map}
    return rows, links


def _sync_qpv_communes(links, qpv_ids, commune_ids):
    """Make the QPV ↔ commune links of the loaded QPV exactly ``links``."""
    through = Qpv.communes.through
    wanted = set()
    for key, codes in links.items():
        for code in codes:
            if code in commune_ids:
                wanted.add((qpv_ids[key], commune_ids[code]))
    loaded = [qpv_ids[key] for key in links]
    existing = {}
    for start in range(0, len(loaded), BATCH_SIZE):
        chunk = loaded[start : start + BATCH_SIZE]
        for pk, qpv_id, commune_id in through.objects.filter(qpv_id__in=chunk).values_list(
            "pk", "qpv_id", "commune_id"
        ):
            existing[(qpv_id, commune_id)] = pk
    missing = wanted - existing.keys()
    extra = [pk for pair, pk in existing.items() if pair not in wanted]
    through.objects.bulk_create(
        [through(qpv_id=q, commune_id=c) for q, c in sorted(missing)], batch_size=BATCH_SIZE
    )
    for start in range(0, len(extra), BATCH_SIZE):
        through.objects.filter(pk__in=extra[start : start + BATCH_SIZE]).delete()
    return Counts(total=len(wanted), created=len(missing), updated=len(extra))


def load_territories(*, departements: Iterable[str] | None = None, data_dir=DATA_DIR):
    """Load or refresh everything; ``departements`` restricts communes, EPCI and QPV.

    Regions and départements are always loaded in full (a few rows). Returns a dict of Counts.
    The in-memory QPV index is invalidated (in this process at once, elsewhere on commit).
    """
    with transaction.atomic():
        counts = _load(departements=departements, data_dir=data_dir)
        transaction.on_commit(geo.invalidate_index)
    geo.invalidate_index()
    return counts


def _load(*, departements, data_dir):
    dep_codes = None if departements is None else {d.strip().upper() for d in departements}
    counts = {}

    regions = _read_json("regions", data_dir)
    counts["régions"] = _sync(
        Region,
        ("code",),
        {(r["code"],): {"name": r["nom"], "zone": r["zone"]} for r in regions},
    )
    region_ids = _ids(Region, "code")

    departement_data = _read_json("departements", data_dir)
    unknown = (dep_codes or set()) - {d["code"] for d in departement_data}
    if unknown:
        raise DomainError(f"Département inconnu : {', '.join(sorted(unknown))}.")
    counts["départements"] = _sync(
        Departement,
        ("code",),
        {
            (d["code"],): {
                "name": d["nom"],
                "region_id": region_ids[d["region"]],
                "zone": d.get("zone", Zone.METRO),
            }
            for d in departement_data
        },
    )
    departement_ids = _ids(Departement, "code")

    communes = _read_json("communes", data_dir)
    commune_map = _current_code_map(communes)
    selected = [
        c
        for c in communes
        if c["type"] in CURRENT_KINDS and (dep_codes is None or c["departement"] in dep_codes)
    ]
    selected_codes = {c["code"] for c in selected}

    epci_of = {}
    epci_rows = {}
    for epci in _read_json("epci", data_dir):
        members = [commune_map.get(m["code"], m["code"]) for m in epci["membres"]]
        if dep_codes is not None and not selected_codes.intersection(members):
            continue
        epci_rows[(epci["code"],)] = {"name": epci["nom"], "kind": epci["type"]}
        for member in members:
            epci_of[member] = epci["code"]
    counts["EPCI"] = _sync(Epci, ("siren",), epci_rows)
    epci_ids = _ids(Epci, "siren", Epci.objects.filter(siren__in=[k[0] for k in epci_rows]))

    postal_rows = {}
    postal_codes = {c["code"]: set(c.get("codesPostaux", [])) for c in selected}
    for row in _read_json("postal_codes", data_dir):
        code = commune_map.get(row["codeCommune"])
        if code in selected_codes:
            postal_codes[code].add(row["codePostal"])
            postal_rows[(row["codePostal"], code, row["nomCommune"])] = row["libelleAcheminement"]

    centroids = _centroids(data_dir)
    by_parent = {}
    for c in selected:
        if c["type"] == Commune.Kind.ARRONDISSEMENT:
            by_parent.setdefault(c["commune"], []).append(c["code"])
    for parent, arrondissements in by_parent.items():
        # La Poste codes are attached to the arrondissements: the city gets all of them.
        if parent in postal_codes:
            for code in arrondissements:
                postal_codes[parent] |= postal_codes[code]

    def commune_fields(c):
        lat, lon = centroids.get(c["code"], (None, None))
        epci = epci_of.get(c["code"]) or epci_of.get(c.get("commune"))
        return {
            "name": c["nom"],
            "kind": c["type"],
            "departement_id": departement_ids[c["departement"]],
            "epci_id": epci_ids.get(epci),
            "postal_codes": sorted(postal_codes[c["code"]]),
            "population": c.get("population"),
            "lat": lat,
            "lon": lon,
        }

    commune_qs = Commune.objects.all()
    if dep_codes is not None:
        commune_qs = commune_qs.filter(departement__code__in=dep_codes)
    cities = {(c["code"],): commune_fields(c) for c in selected if c["type"] == "commune-actuelle"}
    commune_counts = _sync(Commune, ("code",), cities, commune_qs.filter(kind=Commune.Kind.COMMUNE))
    parent_ids = _ids(Commune, "code", Commune.objects.filter(code__in=list(by_parent)))
    arrondissements = {
        (c["code"],): {**commune_fields(c), "parent_id": parent_ids.get(c["commune"])}
        for c in selected
        if c["type"] == Commune.Kind.ARRONDISSEMENT
    }
    arrondissement_counts = _sync(
        Commune, ("code",), arrondissements, commune_qs.filter(kind=Commune.Kind.ARRONDISSEMENT)
    )
    counts["communes"] = commune_counts
    counts["arrondissements municipaux"] = arrondissement_counts

    commune_ids = _ids(Commune, "code", commune_qs)
    counts["codes postaux"] = _sync(
        PostalCode,
        ("code", "commune_id", "name"),
        {
            (postal, commune_ids[code], name): {"routing_label": label}
            for (postal, code, name), label in postal_rows.items()
        },
        PostalCode.objects.filter(commune__in=commune_qs),
    )

    all_links = {}
    for list_year, source in ((QpvList.QPV_2024, "qpv_2024"), (QpvList.QPV_2015, "qpv_2015")):
        rows, links = _qpv_rows(
            _read_json(source, data_dir)["features"],
            list_year=list_year,
            departement_ids=departement_ids,
            commune_map=commune_map,
            dep_codes=dep_codes,
        )
        counts[f"QPV {list_year}"] = _sync(
            Qpv, ("list_year", "code"), rows, Qpv.objects.filter(list_year=list_year)
        )
        all_links.update(links)
    qpv_ids = {
        (year, code): pk for year, code, pk in Qpv.objects.values_list("list_year", "code", "pk")
    }
    linked_codes = set().union(*all_links.values()) if all_links else set()
    counts["liens QPV-communes"] = _sync_qpv_communes(
        all_links, qpv_ids, _ids(Commune, "code", Commune.objects.filter(code__in=linked_codes))
    )
    return counts


def format_counts(counts):
    out = io.StringIO()
    for label, count in counts.items():
        out.write(f"{label} : {count}\n")
    return out.getvalue()
