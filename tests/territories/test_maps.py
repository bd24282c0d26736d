import gzip
import json
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from clauses.core.text import fold
from clauses.procurement.calculator import format_percent
from clauses.territories import maps

# The maps read no table, but this package's autouse fixture loads territories into the test
# database, which pytest-django only creates when a collected test asks for it.
pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
OVERSEAS_DEPARTEMENTS = {"971", "972", "973", "974", "976"}


def contour_codes(level):
    with gzip.open(maps.LEVELS[level].contours, "rt", encoding="utf-8") as handle:
        return {feature["properties"]["code"] for feature in json.load(handle)["features"]}


def first_svg(html):
    """The map's <svg> element, parsed as XML (it must be well formed)."""
    return ET.fromstring(html[html.index("<svg") : html.index("</svg>") + len("</svg>")])


def test_every_departement_of_the_contours_has_a_shape_overseas_included():
    codes = [shape.code for shape in maps.shapes("departement")]

    assert len(codes) == len(set(codes)) == 101
    assert set(codes) == contour_codes("departement")
    assert OVERSEAS_DEPARTEMENTS | {"2A", "2B", "75"} <= set(codes)
    assert all(shape.path.startswith("M") for shape in maps.shapes("departement"))


def test_every_region_has_a_shape_and_the_overseas_ones_are_insets():
    shapes = maps.shapes("region")

    assert {shape.code for shape in shapes} == contour_codes("region")
    assert [shape.code for shape in shapes if shape.inset] == ["01", "02", "03", "04", "06"]


def test_colours_follow_the_quantile_classes_light_to_dark():
    codes = sorted(shape.code for shape in maps.shapes("departement"))
    values = {code: index for index, code in enumerate(codes, start=1)}  # 1 to 101

    result = maps.choropleth("departement", values, unit_label="Heures")

    colours = [item.fill for item in result.legend]
    assert colours == list(maps.palette(5))
    assert [item.label for item in result.legend] == [
        "de 1 à 21",
        "de 22 à 41",
        "de 42 à 61",
        "de 62 à 81",
        "de 82 à 101",
    ]
    by_value = sorted(result.shapes, key=lambda shape: shape.value)
    rank = [colours.index(shape.fill) for shape in by_value]
    assert rank == sorted(rank)
    assert {shape.fill for shape in result.shapes if shape.value <= 21} == {colours[0]}
    assert {shape.fill for shape in result.shapes if shape.value >= 82} == {colours[-1]}


def test_missing_and_none_values_get_the_no_data_grey():
    result = maps.choropleth("departement", {"75": 10, "93": None, "31": 3}, unit_label="Heures")

    shapes = {shape.code: shape for shape in result.shapes}
    assert shapes["93"].fill == shapes["973"].fill == maps.NO_DATA
    assert maps.NO_DATA not in {shapes["75"].fill, shapes["31"].fill}
    assert shapes["93"].title == "Seine-Saint-Denis : pas de donnée"
    assert result.legend[-1].fill == maps.NO_DATA
    assert result.legend[-1].count_label == "99 départements"


def test_repeated_or_single_values_make_fewer_classes():
    same = maps.choropleth("region", dict.fromkeys(["11", "76", "84"], 5), unit_label="Heures")
    single = maps.choropleth("region", {"11": 7}, unit_label="Heures")
    nothing = maps.choropleth("region", {}, unit_label="Heures")

    assert [item.label for item in same.legend] == ["5", "Pas de donnée"]
    assert same.legend[0].count_label == "3 régions"
    assert [item.label for item in single.legend] == ["7", "Pas de donnée"]
    assert [item.fill for item in nothing.legend] == [maps.NO_DATA]
    assert {shape.fill for shape in nothing.shapes} == {maps.NO_DATA}


def test_shares_are_written_as_french_percentages():
    result = maps.choropleth(
        "region",
        {"11": Decimal("0.125"), "76": 0.5},
        unit_label="Part des heures",
        format_value=format_percent,
    )

    shapes = {shape.code: shape for shape in result.shapes}
    assert shapes["11"].value_label == "12,5\u00a0%"
    assert shapes["76"].title == "Occitanie : 50\u00a0%"


def test_default_format_is_a_french_number():
    result = maps.choropleth("region", {"11": 1234567, "76": 12.5}, unit_label="Heures")

    labels = {shape.code: shape.value_label for shape in result.shapes}
    assert (labels["11"], labels["76"]) == ("1\u00a0234\u00a0567", "12,5")


def test_table_rows_match_the_shapes_sorted_by_name():
    result = maps.choropleth(
        "region", {"11": 3, "84": 1}, unit_label="Heures", url_of=lambda code: f"/r/{code}/"
    )

    assert [row.name for row in result.rows] == sorted(
        (shape.name for shape in result.shapes), key=fold
    )
    assert {(row.code, row.value_label, row.url) for row in result.rows} == {
        (shape.code, shape.value_label, shape.url) for shape in result.shapes
    }
    names = [row.name for row in result.rows]
    assert names.index("Hauts-de-France") < names.index("Île-de-France") < names.index("La Réunion")


def test_codes_not_on_the_map_are_ignored():
    result = maps.choropleth("departement", {"975": 4, "75": 2}, unit_label="Heures")

    assert "975" not in {shape.code for shape in result.shapes}
    assert [item.label for item in result.legend] == ["2", "Pas de donnée"]


def test_too_many_classes_are_refused():
    with pytest.raises(ValueError):
        maps.choropleth("region", {}, unit_label="Heures", classes=len(maps.PALETTE) + 1)


def test_include_renders_a_well_formed_svg_with_links_and_the_table():
    codes = [shape.code for shape in maps.shapes("departement")]
    result = maps.choropleth(
        "departement",
        dict.fromkeys(codes, 1) | {"13": 9},
        unit_label="Heures d'insertion",
        url_of=lambda code: f"/territoires/{code}/",
    )

    html = render_to_string("includes/choropleth.html", {"map": result})

    svg = first_svg(html)
    assert svg.get("role") == "group"  # links inside: not an image with presentational children
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == title_id
    assert svg.find(f"{SVG}desc").get("id") == desc_id
    links = svg.findall(f"{SVG}a")
    assert len(links) == 101
    marseille = next(a for a in links if a.get("href") == "/territoires/13/")
    assert marseille.find(f"{SVG}title").text == "Bouches-du-Rhône : 9"
    assert marseille.find(f"{SVG}path").get("fill") == result.shapes[codes.index("13")].fill
    assert len(html[html.index("<svg") : html.index("</svg>")].encode()) < 150_000
    assert html.count("<tr>") == 102  # the header and one row per département
    assert '<a href="/territoires/13/">Bouches-du-Rhône</a>' in html


def test_include_without_links_is_an_image():
    result = maps.choropleth("region", {"11": 2}, unit_label="Rencontres")

    svg = first_svg(render_to_string("includes/choropleth.html", {"map": result}))

    assert svg.get("role") == "img"
    assert not svg.findall(f"{SVG}a")
    assert len(svg.findall(f"{SVG}path")) == 18
