import pytest
from shapely.geometry import box

from clauses.territories.models import Commune, Qpv
from tests.factories import DepartementFactory, RegionFactory


@pytest.fixture
def places(db):
    """Two regions, three départements, two communes and a QPV in Saint-Denis."""
    idf = RegionFactory(code="11", name="Île-de-France")
    occitanie = RegionFactory(code="76", name="Occitanie")
    seine_saint_denis = DepartementFactory(code="93", name="Seine-Saint-Denis", region=idf)
    paris = DepartementFactory(code="75", name="Paris", region=idf)
    haute_garonne = DepartementFactory(code="31", name="Haute-Garonne", region=occitanie)
    saint_denis = Commune.objects.create(
        code="93066", name="Saint-Denis", departement=seine_saint_denis
    )
    toulouse = Commune.objects.create(code="31555", name="Toulouse", departement=haute_garonne)
    qpv = Qpv.objects.create(
        code="QN09301M",
        name="Franc-Moisin",
        list_year=2024,
        departement=seine_saint_denis,
        geometry=box(2.36, 48.92, 2.37, 48.93).wkb,
    )
    qpv.communes.add(saint_denis)
    return {
        "idf": idf,
        "occitanie": occitanie,
        "93": seine_saint_denis,
        "75": paris,
        "31": haute_garonne,
        "saint_denis": saint_denis,
        "toulouse": toulouse,
        "qpv": qpv,
    }
