"""Open data of a published year (release.py, opendata.py, export_open_data): the protected
release validated against its own Table Schema, and the attacker finds nothing in it."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from frictionless import Resource, Schema

from clauses.observatory import disclosure, release

pytestmark = pytest.mark.django_db
YEAR = 2025


def publish():
    call_command(
        "consolidate", "--year", str(YEAR), "--from-tracking", "--publish", stdout=io.StringIO()
    )


def export(tmp_path):
    call_command(
        "export_open_data", "--year", str(YEAR), "--out", str(tmp_path), stdout=io.StringIO()
    )
    with (tmp_path / f"observatoire_{YEAR}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_csv_passes_its_table_schema(known, tmp_path):
    publish()
    rows = export(tmp_path)
    schema = Schema.from_descriptor(json.loads((tmp_path / "schema.json").read_text()))
    resource = Resource(path=f"observatoire_{YEAR}.csv", basepath=str(tmp_path), schema=schema)
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    assert list(rows[0]) == [
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
    records = json.loads((tmp_path / f"observatoire_{YEAR}.json").read_text(encoding="utf-8"))
    assert len(records) == len(rows)


def test_small_groups_are_secret_and_nothing_can_be_recomputed(known, tmp_path):
    publish()
    rows = {
        (r["niveau"], r["code_territoire"], r["ventilation"], r["modalite"]): r
        for r in export(tmp_path)
    }
    # The country: 3 people, fewer than 5 — every cell describing them is secret and empty.
    france = rows[("national", "FR", "ensemble", "ensemble")]
    assert (france["secret"], france["personnes"], france["heures"], france["etp"]) == (
        "primaire",
        "",
        "",
        "",
    )
    women = rows[("departement", "93", "sexe", "F")]
    assert women["secret"] and women["personnes"] == ""
    # A published cell has its values; a cell of nobody describes no one: published as 0.
    published = [row for row in rows.values() if not row["secret"]]
    assert all(row["personnes"] != "" and row["heures"] != "" for row in published)
    assert any(row["personnes"] == "0" for row in published)
    protected = release.build(YEAR)
    assert disclosure.audit(protected.cells, protected.relations, protected.secrets) == []


def test_a_release_with_enough_people_publishes_them(known, tmp_path, settings):
    settings.OBSERVATORY_MIN_CELL = 1
    settings.OBSERVATORY_DOMINANCE = 1.0
    publish()
    rows = {
        (r["niveau"], r["code_territoire"], r["ventilation"], r["modalite"]): r
        for r in export(tmp_path)
    }
    france = rows[("national", "FR", "ensemble", "ensemble")]
    # Claire, followed by A and by B, is one person of the country's 3.
    assert (france["personnes"], france["heures"], france["etp"], france["secret"]) == (
        "3",
        "400.0",
        "0.25",
        "",
    )
    idf = rows[("region", "11", "ensemble", "ensemble")]
    assert (idf["personnes"], idf["heures"]) == ("2", "340.0")
    works = rows[("national", "FR", "nature_marche", "travaux")]
    assert (works["personnes"], works["heures"]) == ("2", "300.0")


def test_an_unpublished_year_has_no_open_data(known, tmp_path):
    with pytest.raises(CommandError, match="L'année 2025 n'est pas publiée"):
        call_command("export_open_data", "--year", str(YEAR), "--out", str(tmp_path))
