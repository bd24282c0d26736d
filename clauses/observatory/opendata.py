"""Open data of a published year: the protected release (``release.build``) in long format,
one row per cell, as CSV (comma-separated, UTF-8) and JSON, with its Table Schema (the
schema.data.gouv.fr convention). A secret cell keeps its row, says why in ``secret``, and
leaves its people, hours and ETP empty."""

import csv
import json
from pathlib import Path

from django.conf import settings

from .disclosure import PRIMARY, SECONDARY
from .release import DEPARTEMENT, NATIONAL, REGION, TOTAL, VENTILATIONS

NATIONAL_CODE = "FR"
# A line without a code (a lot without a clause: no legal basis).
UNSET = "non_renseigne"
COLUMNS = [
    "annee",
    "niveau",
    "code_territoire",
    "territoire",
    "ventilation",
    "modalite",
    "personnes",
    "heures",
    "etp",
    "secret",
]


def schema():
    ventilations = [TOTAL[0]] + [name for name, _code, _kind in VENTILATIONS]
    k = settings.OBSERVATORY_MIN_CELL
    return {
        "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
        "name": "observatoire-clause-sociale-insertion",
        "title": "Observatoire de la clause sociale d'insertion",
        "description": (
            "Heures d'insertion, ETP et participants de la clause sociale d'insertion des "
            "marchés publics, par année, pour la France, chaque région et chaque département, "
            "au total et par ventilation (sexe, tranche d'âge, QPV, nature du marché...), "
            "consolidés par le réseau national à partir des déclarations validées des "
            "structures de facilitation. Une personne suivie par deux structures compte une "
            "fois. Aucune cellule ne repose sur moins de "
            f"{k} personnes ni sur une entreprise ou un acheteur apportant plus de "
            f"{settings.OBSERVATORY_DOMINANCE:.0%} des heures : ces cellules, et celles qui "
            "permettraient de les recalculer, sont secrètes (valeurs vides)."
        ).replace("%", " %"),
        "countryCode": "FR",
        "version": "1.0.0",
        "missingValues": [""],
        "primaryKey": ["annee", "niveau", "code_territoire", "ventilation", "modalite"],
        "fields": [
            {
                "name": "annee",
                "title": "Année",
                "description": "Année civile des heures déclarées.",
                "type": "integer",
                "example": "2020",
                "constraints": {"required": True, "minimum": 1990, "maximum": 2100},
            },
            {
                "name": "niveau",
                "title": "Niveau territorial",
                "description": "national, region ou departement.",
                "type": "string",
                "example": REGION,
                "constraints": {"required": True, "enum": [NATIONAL, REGION, DEPARTEMENT]},
            },
            {
                "name": "code_territoire",
                "title": "Code du territoire",
                "description": (
                    "Code officiel géographique de la région ou du département (INSEE) ; FR "
                    "pour la France. Territoire d'une heure : celui de la structure qui suit "
                    "le marché."
                ),
                "type": "string",
                "example": "93",
                "constraints": {"required": True},
            },
            {
                "name": "territoire",
                "title": "Nom du territoire",
                "type": "string",
                "example": "Seine-Saint-Denis",
                "constraints": {"required": True},
            },
            {
                "name": "ventilation",
                "title": "Ventilation",
                "description": (
                    "ensemble pour les totaux du territoire, sinon la répartition : "
                    + ", ".join(ventilations[1:])
                    + ". Dans une ventilation de personnes (sexe, âge, QPV, formation, "
                    "prescripteur), chaque personne est dans une seule modalité ; dans une "
                    "ventilation d'heures (marché, acheteur, entreprise...), une personne "
                    "ayant des heures dans deux modalités compte dans les deux."
                ),
                "type": "string",
                "example": "sexe",
                "constraints": {"required": True, "enum": ventilations},
            },
            {
                "name": "modalite",
                "title": "Modalité",
                "description": (
                    "Code de la ligne (ensemble sur les lignes de totaux ; non_renseigne "
                    "quand la donnée manque, par exemple un lot sans clause enregistrée)."
                ),
                "type": "string",
                "example": "F",
                "constraints": {"required": True},
            },
            {
                "name": "personnes",
                "title": "Personnes",
                "description": "Participants distincts ayant des heures dans l'année.",
                "type": "integer",
                "example": "1250",
                "constraints": {"minimum": 0},
            },
            {
                "name": "heures",
                "title": "Heures d'insertion",
                "type": "number",
                "example": "187500.5",
                "constraints": {"minimum": 0},
            },
            {
                "name": "etp",
                "title": "Équivalents temps plein",
                "description": f"Heures divisées par {settings.HOURS_PER_ETP}.",
                "type": "number",
                "example": "117.19",
                "constraints": {"minimum": 0},
            },
            {
                "name": "secret",
                "title": "Secret statistique",
                "description": (
                    "primaire : la cellule repose sur trop peu de personnes ou sur une "
                    "entreprise ou un acheteur dominant ; secondaire : elle permettrait de "
                    "recalculer une cellule primaire. Vide : publiée."
                ),
                "type": "string",
                "constraints": {"enum": [PRIMARY, SECONDARY]},
            },
        ],
    }


def records(release):
    """The release's rows as open-data records (None for an empty value)."""
    for row in release.rows:
        secret = bool(row.secret)
        yield {
            "annee": row.year,
            "niveau": row.level,
            "code_territoire": row.code or NATIONAL_CODE,
            "territoire": row.name,
            "ventilation": row.ventilation,
            "modalite": row.modality or UNSET,
            "personnes": None if secret else row.people,
            "heures": None if secret else float(row.hours),
            "etp": None if secret else float(row.etp),
            "secret": row.secret or None,
        }


def write(release, directory):
    """``observatoire_<year>.csv``, ``observatoire_<year>.json`` and ``schema.json`` in
    ``directory``; returns their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rows = list(records(release))
    csv_path = directory / f"observatoire_{release.year}.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({key: "" if value is None else value for key, value in row.items()})
    json_path = directory / f"observatoire_{release.year}.json"
    json_path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    schema_path = directory / "schema.json"
    schema_path.write_text(json.dumps(schema(), ensure_ascii=False, indent=2), encoding="utf-8")
    return csv_path, json_path, schema_path
