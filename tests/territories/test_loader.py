import io

import pytest
import shapely
from django.core.management import CommandError, call_command

from clauses.territories.loader import load_territories
from clauses.territories.models import Commune, Departement, PostalCode, Qpv, Region

from .conftest import SUBSET

pytestmark = pytest.mark.django_db


def test_all_regions_and_departements_are_loaded():
    assert Region.objects.count() == 26
    assert Departement.objects.count() == 109
    assert Departement.objects.get(code="93").region.name == "Île-de-France"


def test_subset_loads_only_the_requested_departements():
    assert Commune.objects.filter(departement__code="93").count() > 30
    assert not Commune.objects.filter(departement__code="01").exists()
    assert not Qpv.objects.filter(departement__code="01").exists()


def test_arrondissements_are_linked_to_their_city():
    assert Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).count() == 45
    assert Commune.objects.get(code="75118").parent.code == "75056"
    assert Commune.objects.get(code="13201").parent.code == "13055"
    assert Commune.objects.get(code="69383").parent.code == "69123"


def test_city_gets_the_postal_codes_of_its_arrondissements():
    paris = Commune.objects.get(code="75056")
    assert "75018" in paris.postal_codes
    assert "75116" in paris.postal_codes


def test_commune_has_centroid_population_and_epci():
    toulouse = Commune.objects.get(code="31555")
    assert toulouse.epci.name == "Toulouse Métropole"
    assert toulouse.population > 400_000
    assert toulouse.lat == pytest.approx(43.6, abs=0.1)
    assert toulouse.lon == pytest.approx(1.43, abs=0.1)


def test_former_commune_postal_code_points_to_the_current_commune():
    # Pierrefitte-sur-Seine merged into Saint-Denis (93066) in 2025.
    entry = PostalCode.objects.get(code="93380", name="Pierrefitte-sur-Seine")
    assert entry.commune.code == "93066"


def test_qpv_geometry_is_wkb_with_its_bounding_box():
    qpv = Qpv.objects.get(list_year=2024, code="QN07511M")
    geometry = shapely.from_wkb(bytes(qpv.geometry))
    assert geometry.geom_type == "MultiPolygon"
    assert geometry.is_valid
    assert geometry.bounds == (qpv.min_lon, qpv.min_lat, qpv.max_lon, qpv.max_lat)
    assert qpv.name == "Goutte D'Or"
    assert [c.code for c in qpv.communes.all()] == ["75056"]


def test_both_qpv_lists_are_loaded():
    assert Qpv.objects.filter(list_year=2015, departement__code="31").count() > 10
    assert Qpv.objects.get(list_year=2015, code="QP031007").name == "Grand Mirail"
    assert Qpv.objects.filter(list_year=2024, departement__code="93").count() > 50


def test_second_run_changes_nothing():
    # The package fixture already loaded SUBSET once.
    rows = (Commune.objects.count(), PostalCode.objects.count(), Qpv.objects.count())

    counts = load_territories(departements=SUBSET)

    assert all(count.created == 0 and count.updated == 0 for count in counts.values())
    assert counts["communes"].total > 1000
    assert (Commune.objects.count(), PostalCode.objects.count(), Qpv.objects.count()) == rows


def test_reload_repairs_a_changed_row():
    Commune.objects.filter(code="93066").update(name="Saint-Denis modifié")

    counts = load_territories(departements=["93"])

    assert counts["communes"].updated == 1
    assert Commune.objects.get(code="93066").name == "Saint-Denis"


def test_command_loads_a_new_departement_and_prints_counts():
    out = io.StringIO()

    call_command("load_territories", departements="90", stdout=out)

    assert "QPV 2024 : " in out.getvalue()
    assert Commune.objects.get(code="90010").name == "Belfort"
    assert Commune.objects.get(code="90010").epci.name == "CA Grand Belfort"
    assert Qpv.objects.filter(departement__code="90", list_year=2024).exists()


def test_command_refuses_an_unknown_departement():
    with pytest.raises(CommandError, match="Département inconnu : 999"):
        call_command("load_territories", departements="999", stdout=io.StringIO())
