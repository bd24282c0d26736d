"""The 2020 profile (DOMAIN.md § 2) comes out of the figures layer: ``seed_demo --scale
national --year 2020`` then ``indicators --year 2020`` (at 1 % of the national size, for
any seed): hours within 2 %, each published share within one point."""

import io
import json

import pytest
from django.core.management import call_command

from tests.demo.test_seed_tracking_national import (  # noqa: F401
    departements,
    national,
    territories,
)


def indicators(*arguments):
    out = io.StringIO()
    call_command("indicators", "--year", "2020", "--format", "json", *arguments, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("seed", [1, 7])
def test_indicators_reproduce_the_2020_profile(territories, seed):  # noqa: F811
    national(seed=seed)
    figures = indicators()
    assert figures["year"] == 2020
    assert figures["hours_per_etp"] == 1600
    assert figures["hours"] == pytest.approx(200_000, rel=0.02)
    assert figures["etp"] == pytest.approx(figures["hours"] / 1600, abs=0.01)
    assert figures["share_etp_works"] == pytest.approx(0.56, abs=0.01)
    assert figures["share_etp_reserved"] == pytest.approx(0.08, abs=0.01)
    assert figures["share_participants_men"] == pytest.approx(0.82, abs=0.01)
    assert figures["share_participants_women"] == pytest.approx(0.18, abs=0.01)
    assert figures["share_participants_qpv"] == pytest.approx(0.23, abs=0.01)
    assert figures["participants"] == pytest.approx(480, abs=2)
    assert figures["organisations"] == 4
    for code, breakdown in figures["breakdowns"].items():
        if code == "criteria" or not breakdown["total"]:
            continue
        assert sum(row["share"] or 0 for row in breakdown["rows"]) == pytest.approx(1, abs=0.002), (
            code
        )


def test_a_region_and_a_departement_add_up_to_their_parts(territories):  # noqa: F811
    national()
    whole = indicators()
    regions = whole["breakdowns"]["region"]["rows"]
    assert sum(row["hours"] for row in regions) == pytest.approx(whole["hours"])
    for row in regions:
        region = indicators("--region", row["code"])
        assert region["hours"] == pytest.approx(row["hours"])
        assert region["participants"] == row["people"]
