import datetime
import math

import numpy as np
import pytest
import shapely

from clauses.territories import geo
from clauses.territories.loader import load_territories
from clauses.territories.models import Qpv

pytestmark = pytest.mark.django_db

METRES_PER_DEGREE = 111_320
IN_2020 = datetime.date(2020, 6, 1)
IN_2025 = datetime.date(2025, 6, 1)


def contour(code, list_year=2024):
    return shapely.from_wkb(bytes(Qpv.objects.get(code=code, list_year=list_year).geometry))


def inside(code, list_year=2024):
    point = contour(code, list_year).representative_point()
    return point.y, point.x


def east_of(code, metres):
    """A point ``metres`` east of the easternmost vertex of the contour: outside it."""
    coords = shapely.get_coordinates(contour(code))
    lon, lat = coords[coords[:, 0].argmax()]
    return lat, lon + metres / (METRES_PER_DEGREE * math.cos(math.radians(lat)))


def north_of(code, metres):
    coords = shapely.get_coordinates(contour(code))
    lon, lat = coords[coords[:, 1].argmax()]
    return lat + metres / METRES_PER_DEGREE, lon


@pytest.mark.parametrize(
    "code",
    ["QN09301I", "QN09340I", "QN07511M", "QN07501M", "QN03107M", "QN03101M", "QN01303I"],
)
def test_point_inside_a_qpv_is_located(code):
    lat, lon = inside(code)
    qpv = geo.locate_qpv(lat, lon, on=IN_2025)
    assert qpv.code == code
    assert qpv.list_year == 2024


@pytest.mark.parametrize("code", ["QN09301I", "QN07511M", "QN03107M", "QN06901M"])
@pytest.mark.parametrize("metres", [30, 50])
def test_point_a_few_tens_of_metres_east_of_a_qpv_is_in_none(code, metres):
    assert geo.locate_qpv(*east_of(code, metres), on=IN_2025) is None


@pytest.mark.parametrize("code", ["QN07511M", "QN03107M"])
def test_point_40_metres_north_of_a_qpv_is_in_none(code):
    assert geo.locate_qpv(*north_of(code, 40), on=IN_2025) is None


def test_point_on_the_border_counts_as_inside():
    lon, lat = shapely.get_coordinates(contour("QN07511M"))[0]
    assert geo.locate_qpv(lat, lon, on=IN_2025).code == "QN07511M"


def test_real_address_point_in_goutte_dor():
    # 20 rue de la Goutte d'Or, Paris 18e (BAN coordinates).
    assert geo.locate_qpv(48.884926, 2.354054, on=IN_2025).code == "QN07511M"


def test_the_date_chooses_the_list_in_force():
    point = contour("QP031007", 2015).intersection(contour("QN03107M")).representative_point()

    in_2020 = geo.locate_qpv(point.y, point.x, on=IN_2020)
    in_2025 = geo.locate_qpv(point.y, point.x, on=IN_2025)

    assert (in_2020.code, in_2020.list_year) == ("QP031007", 2015)
    assert (in_2025.code, in_2025.list_year) == ("QN03107M", 2024)


def test_no_list_before_2015():
    lat, lon = inside("QN07511M")
    assert geo.locate_qpv(lat, lon, on=datetime.date(2014, 12, 31)) is None
    assert list(geo.locate_qpv_many([lat], [lon], on=datetime.date(2014, 1, 1))) == [""]


def test_default_date_is_today():
    lat, lon = inside("QN07511M")
    assert geo.locate_qpv(lat, lon).code == "QN07511M"


def test_returned_qpv_is_a_model_instance_with_lazy_geometry():
    qpv = geo.locate_qpv(*inside("QN07511M"))
    assert qpv.pk == Qpv.objects.get(code="QN07511M").pk
    assert qpv.departement.code == "75"
    assert bytes(qpv.geometry) == bytes(Qpv.objects.get(code="QN07511M").geometry)


def test_batch_gives_the_same_answers_as_single_lookups():
    codes = ["QN09301I", "QN07511M", "QN03107M", "QN01303I", "QN06901M"]
    points = [inside(code) for code in codes] + [east_of(code, 40) for code in codes]
    lon, lat = shapely.get_coordinates(contour("QN09340I"))[3]
    points.append((lat, lon))  # on a border
    rng = np.random.default_rng(7)
    points += list(zip(rng.uniform(48.8, 48.95, 200), rng.uniform(2.25, 2.5, 200), strict=True))
    lats, lons = np.array(points).T

    batch = geo.locate_qpv_many(lats, lons, on=IN_2025)

    single = [(geo.locate_qpv(lat, lon, on=IN_2025) or Qpv()).code for lat, lon in points]
    assert list(batch) == single
    assert list(batch[:5]) == codes
    assert (batch != "").sum() > 5


def test_batch_ignores_missing_and_absurd_coordinates():
    codes = geo.locate_qpv_many([np.nan, 48.884926, 500.0], [2.35, 2.354054, 2.35], on=IN_2025)
    assert list(codes) == ["", "QN07511M", ""]


def test_loading_territories_invalidates_the_index():
    lat, lon = inside("QN07511M")
    Qpv.objects.filter(code="QN07511M").update(name="Nom modifié")
    geo.invalidate_index()
    assert geo.locate_qpv(lat, lon).name == "Nom modifié"  # now in the index

    load_territories(departements=["75"])  # restores the official name

    assert geo.locate_qpv(lat, lon).name == "Goutte D'Or"


@pytest.mark.parametrize(
    "lat,lon",
    [
        (48.8566, 2.3522),  # Paris
        (43.2965, 5.3698),  # Marseille
        (42.6977, 9.4508),  # Bastia
        (48.3904, -4.4861),  # Brest
        (16.2411, -61.5331),  # Pointe-à-Pitre
        (-21.1151, 55.5364),  # La Réunion
        (-12.7806, 45.2279),  # Mayotte
        (-17.5516, -149.5585),  # Papeete
        (46.7811, -56.1764),  # Saint-Pierre
    ],
)
def test_points_in_france(lat, lon):
    assert geo.is_in_france(lat, lon)


@pytest.mark.parametrize(
    "lat,lon",
    [(51.5072, -0.1276), (40.4168, -3.7038), (50.8503, 4.3517), (45.4642, 9.19), (0.0, 0.0)],
)
def test_points_outside_france(lat, lon):
    assert not geo.is_in_france(lat, lon)


def test_outside_message_hints_at_swapped_coordinates():
    assert "inversées" in geo.outside_france_message(2.3522, 48.8566)
    assert "inversées" not in geo.outside_france_message(51.5072, -0.1276)


@pytest.mark.parametrize("code", ["QN07511M", "QN03107M"])
def test_nearest_qpv_gives_the_distance_to_a_point_just_outside(code):
    qpv, distance = geo.nearest_qpv(*east_of(code, 40), on=IN_2025)
    assert qpv.code == code
    assert distance == pytest.approx(40, abs=2)


def test_nearest_qpv_of_a_point_inside_is_at_zero_metres():
    qpv, distance = geo.nearest_qpv(*inside("QN07511M"), on=IN_2025)
    assert (qpv.code, distance) == ("QN07511M", 0)


def test_nearest_qpv_ignores_qpv_beyond_the_radius():
    # Toulouse's Grand Mirail stands alone in the south-west of the city.
    assert geo.nearest_qpv(*east_of("QN03107M", 400), on=IN_2025, max_metres=300) == (None, None)
    assert geo.nearest_qpv(*east_of("QN03107M", 400), on=IN_2025)[0].code == "QN03107M"
