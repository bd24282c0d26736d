"""The campaign board's anomaly rules (clauses/observatory/board.py)."""

from decimal import Decimal

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
