"""Batch QPV lookup of a CSV file: used by ``manage.py qpv_lookup --csv`` and the web upload.

Input: UTF-8 (with or without BOM; Windows-1252 accepted as a fallback), ``,`` ``;`` or tab
separated, with ``lat`` and ``lon`` columns (``latitude``/``longitude`` also accepted; French
decimal commas accepted) or, when the BAN is switched on, an ``adresse`` column (optionally
``code_postal``). Output: the same rows and columns, same separator, plus ``code_qp``,
``lib_qp`` and ``erreur`` (and, for addresses, ``lat``, ``lon``, ``adresse_trouvee``,
``score_geocodage``). A bad row gets a French message in ``erreur`` and never stops the file.
"""

import csv
import dataclasses
import io
import math
import unicodedata

import numpy as np

from clauses.core.exceptions import DomainError

from . import geo, geocoding
from .enums import QpvList

LAT_NAMES = {"lat", "latitude"}
LON_NAMES = {"lon", "lng", "long", "longitude"}
ADDRESS_NAMES = {"adresse", "address"}
POSTCODE_NAMES = {"code_postal", "codepostal", "cp", "postcode"}
OUTPUT_COLUMNS = ["code_qp", "lib_qp", "erreur"]
GEOCODING_COLUMNS = ["lat", "lon", "adresse_trouvee", "score_geocodage"]
MAX_ROWS = 1_000_000


@dataclasses.dataclass
class Report:
    list_year: int | None
    rows: int = 0
    in_qpv: int = 0
    errors: int = 0
    geocoded: bool = False

    @property
    def list_label(self):
        return QpvList(self.list_year).label if self.list_year else "aucune liste"

    def summary(self):
        return (
            f"{self.rows} ligne(s) traitée(s) avec la {self.list_label.lower()} : "
            f"{self.in_qpv} en QPV, {self.errors} en erreur."
        )


def no_list_message(on):
    return f"Aucune liste de QPV n'était en vigueur le {on:%d/%m/%Y} (première liste : 2015)."


def decode(data):
    """Text of an uploaded file and whether it had a UTF-8 BOM."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), True
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), False


def sniff_delimiter(text):
    header = text.split("\n", 1)[0]
    return max([";", ",", "\t"], key=header.count)


def _key(name):
    text = unicodedata.normalize("NFKD", name or "").strip().lower()
    return "".join(c for c in text if not unicodedata.combining(c)).replace(" ", "_")


def _find(fieldnames, names):
    for name in fieldnames:
        if _key(name) in names:
            return name
    return None


def read_header(data):
    """Check the columns of a file before processing it; raise DomainError in French."""
    text, _ = decode(data)
    if not text.strip():
        raise DomainError("Le fichier est vide.")
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text))
    fieldnames = next(reader, [])
    return _mode(fieldnames)


def _mode(fieldnames):
    lat, lon = _find(fieldnames, LAT_NAMES), _find(fieldnames, LON_NAMES)
    if lat and lon:
        return {"mode": "coordinates", "lat": lat, "lon": lon}
    address = _find(fieldnames, ADDRESS_NAMES)
    if address:
        if not geocoding.is_enabled():
            raise DomainError(
                "Le fichier n'a pas de colonnes « lat » et « lon », et le géocodage de la "
                "colonne « adresse » n'est pas activé sur cette plateforme (BAN_API_URL)."
            )
        return {
            "mode": "address",
            "address": address,
            "postcode": _find(fieldnames, POSTCODE_NAMES),
        }
    found = ", ".join(f"« {name} »" for name in fieldnames if name) or "aucune"
    raise DomainError(
        "Colonnes « lat » et « lon » introuvables dans le fichier (colonnes trouvées : "
        f"{found}). Ajoutez-les, ou une colonne « adresse » si le géocodage est activé."
    )


def parse_coordinate(value, *, label, limit):
    """(float, None) or (None, French error) for one latitude or longitude cell."""
    text = (value or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None, f"{label} manquante."
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None, f"{label} non numérique : « {value.strip()} »."
    if not math.isfinite(number) or abs(number) > limit:
        return None, f"{label} hors de l'intervalle -{limit} à {limit} : « {value.strip()} »."
    return number, None


def enrich(data, *, on=None, progress=None):
    """Process the bytes of a CSV file; return (bytes of the enriched CSV, Report)."""
    text, bom = decode(data)
    if not text.strip():
        raise DomainError("Le fichier est vide.")
    delimiter = sniff_delimiter(text)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    fieldnames = list(reader.fieldnames or [])
    mode = _mode(fieldnames)
    rows = []
    for row in reader:
        if len(rows) >= MAX_ROWS:
            raise DomainError(f"Le fichier dépasse {MAX_ROWS} lignes : découpez-le.")
        rows.append(row)
    report = Report(list_year=geo.list_year_on(on), rows=len(rows))
    if report.list_year is None:
        raise DomainError(no_list_message(on))
    n = len(rows)
    lats = np.full(n, np.nan)
    lons = np.full(n, np.nan)
    errors = [""] * n
    extra_columns = []

    if mode["mode"] == "coordinates":
        for i, row in enumerate(rows):
            lat, lat_error = parse_coordinate(row.get(mode["lat"]), label="Latitude", limit=90)
            lon, lon_error = parse_coordinate(row.get(mode["lon"]), label="Longitude", limit=180)
            if lat_error or lon_error:
                errors[i] = " ".join(e for e in (lat_error, lon_error) if e)
            else:
                lats[i], lons[i] = lat, lon
    else:
        report.geocoded = True
        extra_columns = GEOCODING_COLUMNS
        addresses = [(row.get(mode["address"]) or "").strip() for row in rows]
        postcodes = (
            [(row.get(mode["postcode"]) or "") for row in rows] if mode["postcode"] else None
        )
        results = geocoding.geocode_many(addresses, postcodes=postcodes, progress=progress)
        for i, (row, address, result) in enumerate(zip(rows, addresses, results, strict=True)):
            for column in GEOCODING_COLUMNS:
                row[column] = ""
            if not address:
                errors[i] = "Adresse manquante."
            elif result is None:
                errors[i] = f"Adresse introuvable dans la Base adresse nationale : « {address} »."
            else:
                row["adresse_trouvee"] = result.label
                row["score_geocodage"] = f"{result.score:.2f}"
                if not result.is_reliable:
                    errors[i] = (
                        f"Adresse reconnue avec trop peu de certitude (score {result.score:.2f}, "
                        f"minimum {geocoding.MIN_SCORE:.2f}) : vérifiez-la."
                    )
                else:
                    row["lat"], row["lon"] = f"{result.lat:.6f}", f"{result.lon:.6f}"
                    lats[i], lons[i] = result.lat, result.lon

    codes = geo.locate_qpv_many(lats, lons, on=on)
    names = {}
    if report.list_year:
        index = geo.get_index(report.list_year)
        names = dict(zip(index.codes, index.names, strict=True))
    located = np.isfinite(lats)
    misses = np.flatnonzero(located & (codes == ""))
    if misses.size:
        in_france = geo.in_france_many(lats[misses], lons[misses])
        for i in misses[~in_france]:
            errors[i] = geo.outside_france_message(lats[i], lons[i])

    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    columns = fieldnames + [c for c in extra_columns + OUTPUT_COLUMNS if c not in fieldnames]
    writer = csv.DictWriter(
        out, fieldnames=columns, delimiter=delimiter, lineterminator="\r\n", extrasaction="ignore"
    )
    writer.writeheader()
    for i, row in enumerate(rows):
        row.pop(None, None)  # cells beyond the header
        row["code_qp"] = codes[i]
        row["lib_qp"] = names.get(codes[i], "")
        row["erreur"] = errors[i]
        writer.writerow(row)
        if codes[i]:
            report.in_qpv += 1
        if errors[i]:
            report.errors += 1
    if progress and not report.geocoded:
        progress(n, n)
    return out.getvalue().encode("utf-8"), report
