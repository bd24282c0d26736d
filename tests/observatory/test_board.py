"""The campaign board's anomaly rules (clauses/observatory/board.py)."""

from decimal import Decimal

import pytest

from clauses.observatory import board


def codes(**totals):
    return [anomaly.code for anomaly in board.anomalies(**totals)]


def test_a_plausible_year_has_no_anomaly():
    assert codes(hours=Decimal(3000), participants=2, previous_hours=Decimal(2500)) == []
    assert codes(hours=Decimal(3200), participants=2) == []  # exactly 1 600 per participant


def test_more_than_1600_hours_per_participant():
    (anomaly,) = board.anomalies(hours=Decimal("3200.5"), participants=2)
    assert anomaly.code == "hours_per_participant"
    assert anomaly.label == ("Plus de 1\xa0600 heures par participant (1\xa0600 heures en moyenne)")
    assert codes(hours=Decimal(5000), participants=3) == ["hours_per_participant"]


def test_a_change_of_more_than_half_on_the_previous_published_year():
    assert codes(hours=Decimal(151), participants=2, previous_hours=Decimal(100)) == ["change"]
    assert codes(hours=Decimal(49), participants=2, previous_hours=Decimal(100)) == ["change"]
    assert codes(hours=Decimal(150), participants=2, previous_hours=Decimal(100)) == []
    assert codes(hours=Decimal(50), participants=2, previous_hours=Decimal(100)) == []
    (anomaly,) = board.anomalies(hours=Decimal(40), participants=1, previous_hours=Decimal(100))
    assert anomaly.label == "Variation de −60\xa0% sur l'année précédente publiée"


def test_no_change_without_a_previous_published_year_or_hours_then():
    assert board.change(Decimal(100), None) is None
    assert board.change(Decimal(100), Decimal(0)) is None
    assert board.change(Decimal(300), Decimal(200)) == Decimal("0.5")
    assert codes(hours=Decimal(900), participants=1, previous_hours=Decimal(0)) == []


def test_hours_without_participants():
    assert codes(hours=Decimal(10), participants=0) == ["hours_without_participants"]


def test_a_submission_without_hours():
    assert codes(hours=Decimal(0), participants=0) == ["no_hours"]
    assert codes(hours=None, participants=None, previous_hours=Decimal(100)) == [
        "no_hours",
        "change",
    ]


def test_completeness_and_coverage():
    assert board.completeness(1, 4) == Decimal("0.25")
    assert board.completeness(0, 0) is None
    assert board.coverage(Decimal(300), Decimal(400)) == Decimal("0.75")
    assert board.coverage(Decimal(300), Decimal(0)) is None


@pytest.mark.django_db
def test_breakdowns_mostly_unknown_are_anomalies(known):
    from clauses.observatory import campaigns
    from clauses.observatory.figures import Period, Scope, compute

    # C follows one man, without a birth date and whose education level is unknown.
    figures = compute(Scope.organisations([known.org_c]), Period.of_year(2025))
    codes = {anomaly.code for anomaly in board.unknown(figures)}
    assert {"unknown_age_band", "unknown_education_level"} <= codes
    assert "unknown_sex" not in codes
    # « Aucun » (no diploma, no prescriber) is an answer, not a missing one.
    assert "unknown_prescriber" not in codes
    # A's people are all described.
    assert board.unknown(compute(Scope.organisations([known.org_a]), Period.of_year(2025))) == []
    # The same checks on what a structure submitted, read from its frozen facts.
    campaign = campaigns.open_campaign(actor="t", year=2025, **campaigns.default_dates(2025))
    (submission,) = campaigns.submit_from_tracking(
        actor="t", campaign=campaign, organisations=[known.org_c]
    )
    frozen = campaigns.submission_figures(submission)
    assert frozen.as_dict() == figures.as_dict()
