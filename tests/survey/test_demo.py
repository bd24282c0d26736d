import io

from clauses.survey.demo import RESPONSE_COUNT, seed_survey
from clauses.survey.models import Response
from tests.factories import DepartementFactory, RegionFactory


def test_seed_survey_creates_submitted_responses_across_regions_once(db):
    DepartementFactory(code="93", region=RegionFactory(code="11", name="Île-de-France"))
    DepartementFactory(
        code="31", name="Haute-Garonne", region=RegionFactory(code="76", name="Occitanie")
    )

    seed_survey(io.StringIO())
    seed_survey(io.StringIO())

    responses = Response.objects.submitted()
    assert responses.count() == RESPONSE_COUNT
    assert set(responses.values_list("region__code", flat=True)) == {"11", "76"}
    assert responses.filter(consent_to_publish=True).exists()
