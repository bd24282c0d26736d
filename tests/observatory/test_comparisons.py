"""clauses/observatory/comparisons.py: a territory's goals against the country's, hidden
when a group is too small to publish."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clauses.observatory.comparisons import compare
from clauses.observatory.figures import Scope

pytestmark = pytest.mark.django_db


def by_code(comparisons):
    return {comparison.code: comparison for comparison in comparisons}


def test_small_groups_are_not_published(known):
    women = by_code(compare(Scope.region(known.idf)))["share_participants_women"]
    assert women.share is None  # 1 woman, 1 man: below the threshold of 5
    assert women.hidden
    assert women.national == Decimal("0.3333")


def test_a_share_well_below_the_countrys_is_flagged(known, settings):
    settings.OBSERVATORY_MIN_CELL = 0
    aquitaine = by_code(compare(Scope.region(known.aquitaine)))
    assert aquitaine["share_participants_women"].share == Decimal(0)
    assert aquitaine["share_participants_women"].is_well_below
    assert aquitaine["share_participants_qpv"].is_well_below
    assert not aquitaine["share_etp_outside_works"].is_well_below  # supplies only: 100 %
    assert aquitaine["share_participants_women"].year == 2025


def test_the_practices_page_puts_the_gaps_first(client, known, settings):
    settings.OBSERVATORY_MIN_CELL = 0
    response = client.get(reverse("practices:territory", args=["region", "75"]))
    codes = [gap["comparison"].code for gap in response.context["gaps"]]
    assert codes[-1] == "share_etp_outside_works"
    content = response.content.decode()
    assert "Part des femmes : 0\u00a0% à Nouvelle-Aquitaine, 33,33\u00a0% en France" in content
    assert "Nettement en dessous de la part nationale" in content
