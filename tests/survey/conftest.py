import pytest
from django.core.cache import cache

from clauses.survey import national
from tests.factories import DepartementFactory, RegionFactory


@pytest.fixture
def national_survey(db):
    RegionFactory(code="11", name="Île-de-France")
    RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    DepartementFactory(code="93", name="Seine-Saint-Denis")
    survey, _ = national.install()
    return survey


@pytest.fixture
def q(national_survey):
    """The national survey's questions by definition key."""
    return national.questions_by_key(national_survey)


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    """The rate limit counts in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()
