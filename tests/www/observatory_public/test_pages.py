"""The public observatory (/observatoire/) on the hand-built dataset of
tests/observatory/conftest.py, published: anonymous pages and files read the stored cells
only, a small group is never shown, values appear once the disclosure rule allows them."""

import csv
import html
import io
import json
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from frictionless import Resource, Schema

from clauses.observatory import public
from clauses.observatory.models import Campaign, PublishedCell
from tests.observatory.conftest import known  # noqa: F401

pytestmark = pytest.mark.django_db
YEAR = 2025
INDEX = reverse("www:observatory")


def publish():
    call_command(
        "consolidate", "--year", str(YEAR), "--from-tracking", "--publish", stdout=io.StringIO()
    )
    return Campaign.objects.get(year=YEAR)


@pytest.fixture
def visible(settings):
    """The disclosure rule relaxed so the tiny dataset is published."""
    settings.OBSERVATORY_MIN_CELL = 1
    settings.OBSERVATORY_DOMINANCE = 1.0


def text_of(response):
    """The page's text, without its drawings, every run of spaces (no-break ones too) as one."""
    content = re.sub(r"<svg.*?</svg>", "", response.content.decode(), flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content)))


def table_row(response, caption, label):
    """The text of the row headed ``label`` in the table captioned ``caption``."""
    content = response.content.decode()
    table = re.search(rf"<caption>\s*{re.escape(caption)}\s*</caption>(.*?)</table>", content, re.S)
    assert table, f"pas de tableau « {caption} »"
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S):
        cells = [
            html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell))).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"pas de ligne « {label} » dans « {caption} »")


def test_no_published_year_says_so_plainly(client):
    response = client.get(INDEX)
    assert response.status_code == 200
    assert "Aucune année n'est encore publiée" in text_of(response)


def test_anonymous_visitors_read_the_three_pages_and_downloads(client, known):  # noqa: F811
    publish()
    for name, kwargs in [
        ("www:observatory", None),
        ("www:observatory_public:methodology", None),
        ("www:observatory_public:open_data", None),
        ("www:observatory_public:schema", None),
        ("www:observatory_public:open_data_csv", {"year": YEAR}),
        ("www:observatory_public:open_data_json", {"year": YEAR}),
    ]:
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200, name
    assert client.get(INDEX, {"format": "csv"})["Content-Disposition"].startswith("attachment")
    missing = reverse("www:observatory_public:open_data_csv", kwargs={"year": 2019})
    assert client.get(missing).status_code == 404


def test_a_small_group_is_never_shown(client, known):  # noqa: F811
    campaign = publish()
    women = PublishedCell.objects.get(
        campaign=campaign, level="departement", code="93", ventilation="sexe", modality="F"
    )
    assert women.secret and women.people is None
    response = client.get(INDEX, {"annee": YEAR, "echelle": "departement-93"})
    assert response.status_code == 200
    page = text_of(response)
    assert "secret statistique" in page
    caption = "Sexe — part des participants (personnes)"
    # Claire is the one woman of the 93, with 150 hours: neither figure, nor any share.
    assert table_row(response, caption, "Femme") == [
        "Femme",
        "secret statistique",
        "secret statistique",
        "secret statistique",
        "secret statistique",
    ]
    assert "150" not in page
    assert f'href="{reverse("www:observatory_public:methodology")}#secret-statistique"' in (
        response.content.decode()
    )
    # The country's total is secret: no card, no coverage hours give it away.
    national = text_of(client.get(INDEX))
    assert "400" not in national
    assert "Structures de facilitation attendues" in national


def test_a_share_needs_both_cells_published(known):  # noqa: F811
    campaign = publish()
    cells = public.table(campaign, "national", "")
    total = cells[public.ENSEMBLE]
    assert total.secret
    published_zero = next(c for c in cells.values() if not c.secret and c.people == 0)
    assert public.share(published_zero, total) is None
    assert public.share(total, total) is None


def test_values_are_shown_when_the_rule_allows_them(client, known, visible):  # noqa: F811
    publish()
    response = client.get(INDEX, {"annee": YEAR})
    assert response.status_code == 200
    cards = {card["code"]: card for card in response.context["cards"]}
    assert (cards["hours"]["value"], cards["participants"]["value"]) == ("400", "3")
    assert cards["etp"]["value"] == "0,25"
    # Shares from published cells: 1 woman of 3 participants, 300 of 400 hours in works.
    assert cards["share_participants_women"]["value"] == "33,33\u00a0%"
    assert cards["share_etp_works"]["value"] == "75\u00a0%"
    page = text_of(response)
    assert "version 1 du" in page
    assert "1 ETP = 1 600 heures" in page
    assert "Heures couvertes par les déclarations validées (France entière) : 400 heures" in page
    region = client.get(INDEX, {"annee": YEAR, "echelle": "region-11"})
    assert {c["code"]: c["value"] for c in region.context["cards"]}["hours"] == "340"


def test_a_corrected_year_says_its_version(client, known, visible):  # noqa: F811
    campaign = publish()
    from clauses.observatory.release import store

    store(campaign)
    page = text_of(client.get(INDEX))
    assert "version 2 du" in page and "corrigée" in page


def test_the_scope_table_downloads_as_csv_and_xlsx(client, known):  # noqa: F811
    publish()
    query = {"annee": YEAR, "echelle": "departement-93"}
    response = client.get(INDEX, {**query, "format": "csv"})
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, rows = lines[0], lines[1:]
    assert header[7:] == ["Personnes", "Heures", "ETP", "Secret statistique"]
    women = next(row for row in rows if row[4] == "Sexe" and row[6] == "F")
    assert women[7:10] == ["", "", ""] and women[10].startswith("primaire")
    assert all(row[1] == "Seine-Saint-Denis (93)" for row in rows)

    response = client.get(INDEX, {**query, "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet_rows = list(book.active.iter_rows(values_only=True))
    women = next(row for row in sheet_rows if row[4] == "Sexe" and row[6] == "F")
    assert women[7:10] == (None, None, None)
    assert len(sheet_rows) == len(lines)


def test_the_stored_open_data_passes_its_schema(client, known, tmp_path):  # noqa: F811
    campaign = publish()
    name = f"observatoire_{YEAR}.csv"
    csv_response = client.get(reverse("www:observatory_public:open_data_csv", args=[YEAR]))
    (tmp_path / name).write_bytes(csv_response.content)
    descriptor = json.loads(client.get(reverse("www:observatory_public:schema")).content)
    resource = Resource(
        path=name, basepath=str(tmp_path), schema=Schema.from_descriptor(descriptor)
    )
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    assert len(rows) == PublishedCell.objects.filter(campaign=campaign).count()
    france = next(r for r in rows if r["niveau"] == "national" and r["ventilation"] == "ensemble")
    assert (france["secret"], france["personnes"], france["heures"]) == ("primaire", "", "")
    records = json.loads(
        client.get(reverse("www:observatory_public:open_data_json", args=[YEAR])).content
    )
    assert len(records) == len(rows)
    page = text_of(client.get(reverse("www:observatory_public:open_data")))
    assert name in page and "schema.json" in page
    assert "Équivalents temps plein" in page and "code_territoire" in page


def test_the_methodology_shows_k_and_the_rules(client, settings):
    settings.OBSERVATORY_MIN_CELL = 7
    page = text_of(client.get(reverse("www:observatory_public:methodology")))
    assert "moins de 7 personnes" in page
    assert "plus de 85 % des heures" in page
    assert "1 ETP = 1 600 heures" in page
    assert "programmation linéaire" in page and "Secret secondaire" in page
    for rule in ("Une heure compte dans le département", "Une personne suivie par deux"):
        assert rule in page
    assert "Part des femmes" in page and "part des participants (personnes)" in page


def test_an_unpublished_year_or_unknown_territory_says_what_is_shown(client, known):  # noqa: F811
    publish()
    response = client.get(INDEX, {"annee": "1999", "echelle": "region-99" + "x" * 500})
    assert response.status_code == 200
    assert response.context["campaign"].year == 2025
    assert response.context["notices"] == [
        "L'année « 1999 » n'est pas publiée : voici 2025, la dernière année publiée.",
        f"Le territoire « {('region-99' + 'x' * 500)[:39]}… » n'a pas de chiffres "
        "publiés en 2025 : voici France.",
    ]
    assert "region-99" + "x" * 100 not in response.content.decode()
    assert client.get(INDEX).context["notices"] == []
