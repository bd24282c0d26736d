"""Addresses → coordinates, online through the national address API (BAN, addok engine), and
postal code + commune name → commune, offline from the loaded COG.

Online geocoding is switched on by the ``BAN_API_URL`` setting (e.g.
``https://api-adresse.data.gouv.fr``; empty = off) with ``BAN_API_TIMEOUT`` seconds per
request. Only the address text leaves the platform, never the other columns of a file.
Every failure becomes a :class:`GeocodingError` with a French message.
"""

import csv
import dataclasses
import io
import re
import unicodedata

import httpx
from django.conf import settings

from clauses.core.exceptions import DomainError

from .models import Commune, PostalCode

# Below this BAN score (0-1) an answer is considered a guess, not a match.
MIN_SCORE = 0.5
# Rows per request in batch mode (the BAN accepts files up to 50 MB).
BATCH_ROWS = 5000


class GeocodingError(DomainError):
    pass


@dataclasses.dataclass(frozen=True)
class GeocodedAddress:
    label: str
    score: float
    lat: float
    lon: float
    citycode: str

    @property
    def is_reliable(self):
        return self.score >= MIN_SCORE


def is_enabled():
    return bool(settings.BAN_API_URL)


def _base_url():
    if not is_enabled():
        raise GeocodingError(
            "Le géocodage d'adresses n'est pas activé sur cette plateforme (paramètre "
            "BAN_API_URL vide) : indiquez des coordonnées ou un code postal et une commune."
        )
    return settings.BAN_API_URL.rstrip("/")


def _request(method, path, **kwargs):
    url = f"{_base_url()}{path}"
    try:
        response = httpx.request(method, url, timeout=settings.BAN_API_TIMEOUT, **kwargs)
        response.raise_for_status()
    except httpx.TimeoutException as exc:
        raise GeocodingError(
            f"La Base adresse nationale n'a pas répondu à temps ({settings.BAN_API_TIMEOUT:g} s). "
            "Réessayez plus tard."
        ) from exc
    except httpx.HTTPStatusError as exc:
        raise GeocodingError(
            f"La Base adresse nationale a refusé la demande (erreur {exc.response.status_code})."
        ) from exc
    except httpx.HTTPError as exc:
        raise GeocodingError(
            "Impossible de joindre la Base adresse nationale. Réessayez plus tard."
        ) from exc
    return response


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def geocode(address):
    """The best BAN match for ``address`` (GeocodedAddress), or None when nothing matches."""
    address = (address or "").strip()
    if len(address) < 3:
        raise GeocodingError("L'adresse doit comporter au moins 3 caractères.", field="address")
    response = _request("GET", "/search/", params={"q": address, "limit": 1})
    try:
        features = response.json()["features"]
    except (ValueError, KeyError, TypeError) as exc:
        raise GeocodingError("Réponse illisible de la Base adresse nationale.") from exc
    if not features:
        return None
    feature = features[0]
    props = feature.get("properties", {})
    lon, lat = feature.get("geometry", {}).get("coordinates", [None, None])[:2]
    return GeocodedAddress(
        label=props.get("label", ""),
        score=_float(props.get("score")) or 0.0,
        lat=float(lat),
        lon=float(lon),
        citycode=props.get("citycode", ""),
    )


def geocode_many(addresses, *, postcodes=None, progress=None):
    """Geocode a list of addresses with the BAN CSV endpoint; a list of GeocodedAddress | None.

    ``postcodes`` (same length, optional) narrows each search to a postal code.
    ``progress(done, total)`` is called after each request.
    """
    results = []
    total = len(addresses)
    for start in range(0, total, BATCH_ROWS):
        chunk = addresses[start : start + BATCH_ROWS]
        codes = postcodes[start : start + BATCH_ROWS] if postcodes else None
        results.extend(_geocode_chunk(chunk, codes, first_id=start))
        if progress:
            progress(len(results), total)
    return results


def _geocode_chunk(addresses, postcodes, *, first_id):
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["id", "adresse"] + (["code_postal"] if postcodes else [])
    writer.writerow(header)
    for i, address in enumerate(addresses):
        row = [first_id + i, (address or "").strip()]
        if postcodes:
            row.append((postcodes[i] or "").strip())
        writer.writerow(row)
    data = {"columns": "adresse"}
    if postcodes:
        data["postcode"] = "code_postal"
    response = _request(
        "POST",
        "/search/csv/",
        data=data,
        files={"data": ("adresses.csv", out.getvalue().encode("utf-8"), "text/csv")},
    )
    text = response.content.decode("utf-8-sig", errors="replace")
    by_id = {}
    for row in csv.DictReader(io.StringIO(text)):
        lat, lon = _float(row.get("latitude")), _float(row.get("longitude"))
        if lat is None or lon is None or row.get("result_status", "ok") not in {"ok", ""}:
            continue
        by_id[row.get("id", "")] = GeocodedAddress(
            label=row.get("result_label", ""),
            score=_float(row.get("result_score")) or 0.0,
            lat=lat,
            lon=lon,
            citycode=row.get("result_citycode", ""),
        )
    return [by_id.get(str(first_id + i)) for i in range(len(addresses))]


# Offline: postal code + commune name → commune.

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_ARTICLES = {"le", "la", "les", "l"}
_ARRONDISSEMENT = re.compile(r"^(paris|lyon|marseille)\s*(\d{1,2})\s*(e|er|eme|ieme|arr\w*)?\b")


def normalize_name(name):
    """Lower case, no accents, no punctuation, "St" → "saint", no Cedex, no leading article."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"\bcedex\b.*$", "", text)
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    words = [_ABBREVIATIONS.get(word, word) for word in words]
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


@dataclasses.dataclass(frozen=True)
class FoundCommune:
    commune: Commune
    lat: float | None
    lon: float | None


def _arrondissement_code(normalized, postal_code):
    """The INSEE code of a Paris/Lyon/Marseille arrondissement named or implied, or None."""
    match = _ARRONDISSEMENT.match(normalized)
    city = match.group(1) if match else normalized.split(" ")[0] if normalized else ""
    number = int(match.group(2)) if match else None
    if number is None and city in {"paris", "lyon", "marseille"} and normalized == city:
        # "75011 Paris": the postal code gives the arrondissement.
        prefix = {"paris": "750", "lyon": "6900", "marseille": "130"}[city]
        if postal_code.startswith(prefix) or postal_code == "75116":
            number = 16 if postal_code == "75116" else int(postal_code[-2:])
    if number is None:
        return None
    base = {"paris": 75100, "lyon": 69380, "marseille": 13200}[city]
    if not 1 <= number <= {"paris": 20, "lyon": 9, "marseille": 16}[city]:
        return None
    return str(base + number)


def find_commune(postal_code, name):
    """The commune (or municipal arrondissement) for a postal code and a commune name.

    Tolerant of case, accents, hyphens, "St"/"Saint", a trailing "Cedex NN" and of the
    Paris/Lyon/Marseille arrondissements. Cedex postal codes, unknown to the postal code list,
    fall back to the communes of the département with that name. Returns a FoundCommune
    (commune, centroid) or None.
    """
    postal_code = re.sub(r"\D", "", postal_code or "")
    normalized = normalize_name(name)
    if len(postal_code) != 5 or not normalized:
        return None
    commune = None
    if normalized.startswith(("paris", "lyon", "marseille")):
        code = _arrondissement_code(normalized, postal_code)
        if code:
            commune = Commune.objects.filter(code=code).first()
    if commune is None:
        candidates = {}
        for entry in PostalCode.objects.filter(code=postal_code).select_related("commune"):
            for label in (entry.name, entry.routing_label, entry.commune.name):
                candidates.setdefault(normalize_name(label), entry.commune)
        commune = candidates.get(normalized)
    if commune is None:
        dep = postal_code[:3] if postal_code.startswith("97") else postal_code[:2]
        deps = ["2A", "2B"] if dep == "20" else [dep]  # Corse: 2A / 2B
        for candidate in Commune.objects.filter(departement__code__in=deps).order_by("kind"):
            if normalize_name(candidate.name) == normalized:
                commune = candidate
                break
    if commune is None:
        return None
    return FoundCommune(commune=commune, lat=commune.lat, lon=commune.lon)
