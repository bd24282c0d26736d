import pytest

from tests.directory.factories import StructureFactory
from tests.factories import (
    DepartementFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionFactory,
)


@pytest.fixture
def people(db):
    """A contributor (facilitator in Seine-Saint-Denis), the Île-de-France coordinator,
    a national administrator, a facilitator of Occitanie and a buyer."""
    idf = RegionFactory(code="11", name="Île-de-France")
    occitanie = RegionFactory(code="76", name="Occitanie")
    ssd = DepartementFactory(code="93", name="Seine-Saint-Denis", region=idf)
    hg = DepartementFactory(code="31", name="Haute-Garonne", region=occitanie)
    plie = OrganisationFactory(name="PLIE Est 93", departement=ssd)
    toulouse = OrganisationFactory(name="PLIE Toulouse", departement=hg)
    coordination = OrganisationFactory(name="Coordination IDF", departement=ssd)
    return {
        "idf": idf,
        "occitanie": occitanie,
        "ssd": ssd,
        "hg": hg,
        "plie": plie,
        "contributor": MembershipFactory(organisation=plie).user,
        "coordinator": MembershipFactory(organisation=coordination, coordinator=True).user,
        "national": MembershipFactory(national_admin=True).user,
        "outsider": MembershipFactory(organisation=toulouse).user,
        "buyer": MembershipFactory(reader=True).user,
        "structure": StructureFactory(name="PLIE Est 93", departement=ssd, organisation=plie),
    }
