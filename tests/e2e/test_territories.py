"""The QPV lookup seen through a real browser, on the official data of Seine-Saint-Denis.

The expected QPV is never hard-coded: the tests pick a QPV of Bobigny in the loaded data and
compute, with shapely, a point inside it and a point just outside every loaded contour. The
QPV picked lies in communes that only border communes of Seine-Saint-Denis, so a point near
it cannot be in a QPV of a département that is not loaded.
"""

import csv
import io
import re

import pytest
import shapely
from django.core.management.color import no_style
from django.db import connection, transaction
from django.urls import reverse
from playwright.sync_api import expect

from clauses.territories import geo
from clauses.territories.enums import QpvList
from clauses.territories.loader import load_territories
from clauses.territories.models import Commune, Departement, Epci, PostalCode, Qpv, Region
from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e

BOBIGNY = "93008"
# Bobigny, Bondy, Drancy, Noisy-le-Sec: all their neighbours are in Seine-Saint-Denis.
INNER_COMMUNES = [BOBIGNY, "93010", "93029", "93053"]
TERRITORY_MODELS = [Region, Departement, Epci, Commune, PostalCode, Qpv, Qpv.communes.through]
LIST_2024 = QpvList.QPV_2024.label


def delete_territories():
    Qpv.objects.all().delete()
    PostalCode.objects.all().delete()
    Commune.objects.filter(parent__isnull=False).delete()
    Commune.objects.all().delete()
    Epci.objects.all().delete()
    Departement.objects.all().delete()
    Region.objects.all().delete()


@pytest.fixture(scope="module")
def territory_rows(django_db_setup, django_db_blocker):
    """The rows of the official geography of Seine-Saint-Denis, read once for the module.

    Browser tests are transactional: every table is emptied after each test. Reading the
    official files takes about a second; copying these rows back takes a fraction of it.
    """
    with django_db_blocker.unblock():
        load_territories(departements=["93"])
        rows = {model: list(model.objects.all()) for model in TERRITORY_MODELS}
        delete_territories()
    geo.invalidate_index()
    return rows


@pytest.fixture
def seine_saint_denis(territory_rows, transactional_db):
    with transaction.atomic():
        for model in TERRITORY_MODELS:
            model.objects.bulk_create(territory_rows[model])
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), TERRITORY_MODELS):
            cursor.execute(sql)
    geo.invalidate_index()
    yield
    geo.invalidate_index()


@pytest.fixture
def bobigny_qpv(seine_saint_denis):
    """A QPV of the 2024 list in Bobigny and inner communes only, with its contour (shapely)."""
    qpv = (
        Qpv.objects.filter(list_year=QpvList.QPV_2024, communes__code=BOBIGNY)
        .exclude(communes__in=Commune.objects.exclude(code__in=INNER_COMMUNES))
        .order_by("code")
        .first()
    )
    assert qpv is not None
    qpv.shape = shapely.from_wkb(bytes(qpv.geometry))
    return qpv


def point_inside(qpv):
    point = qpv.shape.representative_point()
    lat, lon = round(point.y, 6), round(point.x, 6)
    assert qpv.shape.contains(shapely.Point(lon, lat))
    return lat, lon


def french(number):
    """A coordinate as the French pages write it: 48,912345."""
    return f"{number:.6f}".replace(".", ",")


def point_just_outside(qpv):
    """A point about 100 m from `qpv`, at least 30 m from every loaded QPV contour."""
    contours = shapely.union_all(
        [
            shapely.from_wkb(bytes(wkb))
            for wkb in Qpv.objects.filter(list_year=QpvList.QPV_2024).values_list(
                "geometry", flat=True
            )
        ]
    )
    ring = qpv.shape.buffer(0.0012).boundary
    for lon, lat in shapely.get_coordinates(ring):
        point = shapely.Point(round(lon, 6), round(lat, 6))
        if point.distance(contours) > 0.0004:
            return point.y, point.x
    pytest.fail(f"Aucun point hors QPV autour de {qpv.code}")


def search_coordinates(page, lat, lon):
    page.get_by_label("Latitude").fill(lat)
    page.get_by_label("Longitude").fill(lon)
    page.get_by_role("button", name="Rechercher").click()


def test_anonymous_visitor_finds_the_qpv_of_a_point_and_opens_it(page, bobigny_qpv):
    lat, lon = point_inside(bobigny_qpv)
    page.goto(reverse("territories:qpv_lookup"))
    expect(page.locator("h1")).to_have_text("Trouver le QPV d'une adresse")
    expect(page.get_by_role("link", name="Connectez-vous")).to_be_visible()

    search_coordinates(page, french(lat), french(lon))

    result = page.locator("#resultat")
    expect(result.get_by_role("heading")).to_have_text(f"En QPV : {bobigny_qpv.name}")
    expect(result).to_contain_text(f"Code {bobigny_qpv.code} — {LIST_2024}.")
    expect(result).to_contain_text(f"Coordonnées : {french(lat)}, {french(lon)}.")

    result.get_by_role("link", name="Voir le quartier").click()

    expect(page).to_have_url(
        re.compile(re.escape(reverse("territories:qpv_detail", args=[bobigny_qpv.code])) + "$")
    )
    expect(page.locator("h1")).to_have_text(bobigny_qpv.name)
    expect(page.locator("main")).to_contain_text("Liste en vigueur")
    expect(page.locator("main")).to_contain_text(bobigny_qpv.code)
    expect(page.locator("main")).to_contain_text("Bobigny (93008)")
    expect(page.locator("main")).to_contain_text("Seine-Saint-Denis (93), région Île-de-France")
    outline = page.get_by_role("img", name=f"Contour du QPV {bobigny_qpv.name}")
    expect(outline).to_be_visible()
    path = outline.locator("path")
    expect(path).to_have_attribute("d", re.compile(r"^M[\d.\s,-]+(L[\d.\s,-]+)+Z"))
    box = outline.bounding_box()
    assert box["width"] > 100 and box["height"] > 100


def test_point_just_outside_every_qpv_is_reported_outside(page, bobigny_qpv):
    lat, lon = point_just_outside(bobigny_qpv)
    page.goto(reverse("territories:qpv_lookup"))

    search_coordinates(page, french(lat), french(lon))

    result = page.locator("#resultat")
    expect(result.get_by_role("heading")).to_have_text("Hors QPV")
    expect(result).to_contain_text(f"Ce lieu n'est dans aucun QPV de la {LIST_2024.lower()}.")
    expect(result).not_to_contain_text("En QPV")


def test_invalid_latitude_shows_a_french_error_next_to_the_field(page, seine_saint_denis):
    page.goto(reverse("territories:qpv_lookup"))

    search_coordinates(page, "95,5", "2,44")

    message = "Latitude hors de l'intervalle -90 à 90 : « 95,5 »."
    group = page.locator(".fr-input-group", has=page.get_by_label("Latitude"))
    expect(group).to_have_class(re.compile(r"fr-input-group--error"))
    expect(group).to_contain_text(message)
    # A screen reader announces the error with the field.
    expect(page.get_by_label("Latitude")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Latitude")).to_have_accessible_description(message)
    expect(page.get_by_label("Longitude")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#resultat")).to_have_count(0)
    # What the person typed is kept.
    expect(page.get_by_label("Latitude")).to_have_value("95,5")


def test_postal_code_and_commune_list_the_qpv_of_the_commune(page, bobigny_qpv):
    commune = Commune.objects.get(code=BOBIGNY)
    names = list(
        commune.qpvs.filter(list_year=QpvList.QPV_2024)
        .order_by("name")
        .values_list("name", flat=True)
    )
    page.goto(reverse("territories:qpv_lookup"))

    page.get_by_label("Code postal").fill("93000")
    page.get_by_label("Commune").fill("bobigny")
    page.get_by_role("button", name="Rechercher").click()

    result = page.locator("#resultat")
    expect(result.get_by_role("heading")).to_have_text("Bobigny (93008)")
    expect(result).to_contain_text(f"Bobigny compte {len(names)} QPV dans la {LIST_2024.lower()} :")
    links = result.get_by_role("listitem")
    expect(links).to_have_count(len(names))
    expect(links.first).to_contain_text(names[0])
    expect(
        result.get_by_role("link", name=f"{bobigny_qpv.name} ({bobigny_qpv.code})")
    ).to_have_attribute("href", reverse("territories:qpv_detail", args=[bobigny_qpv.code]))


def test_facilitator_uploads_a_csv_and_downloads_the_result(page, login, bobigny_qpv):
    inside = point_inside(bobigny_qpv)
    outside = point_just_outside(bobigny_qpv)
    upload = (
        "nom;lat;lon\n"
        f"Chantier dedans;{inside[0]};{inside[1]}\n"
        f"Chantier dehors;{outside[0]};{outside[1]}\n"
        "Chantier mal saisi;abc;2.44\n"
    ).encode()
    login(MembershipFactory().user)
    page.goto(reverse("territories:qpv_lookup"))

    page.get_by_label("Fichier CSV").set_input_files(
        {"name": "chantiers.csv", "mimeType": "text/csv", "buffer": upload}
    )
    page.get_by_role("button", name="Lancer le traitement").click()

    expect(page.locator("h1")).to_have_text("Recherche des QPV : chantiers.csv")
    progress = page.locator("#job-progress")
    expect(progress).to_contain_text("Statut : Terminé")
    expect(progress).to_contain_text(
        f"3 ligne(s) traitée(s) avec la {LIST_2024.lower()} : 1 en QPV, 1 en erreur."
    )
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le résultat").click()
    download = download_info.value
    assert download.suggested_filename == "chantiers-qpv.csv"
    with open(download.path(), encoding="utf-8", newline="") as f:
        rows = {row["nom"]: row for row in csv.DictReader(io.StringIO(f.read()), delimiter=";")}

    assert rows["Chantier dedans"]["code_qp"] == bobigny_qpv.code
    assert rows["Chantier dedans"]["lib_qp"] == bobigny_qpv.name
    assert rows["Chantier dedans"]["erreur"] == ""
    assert rows["Chantier dehors"]["code_qp"] == ""
    assert rows["Chantier dehors"]["erreur"] == ""
    assert rows["Chantier mal saisi"]["code_qp"] == ""
    assert rows["Chantier mal saisi"]["erreur"] == "Latitude non numérique : « abc »."
