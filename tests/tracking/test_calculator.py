"""The calibration calculator: the pure calculation, the published labour shares."""

from decimal import Decimal

import pytest
from django.test import override_settings

from clauses.core.exceptions import DomainError
from clauses.procurement import calculator
from clauses.procurement.calculator import AnruScope, calculate
from clauses.procurement.models import LabourShare


def test_rate_method_follows_the_published_example():
    # DOMAIN.md § 4: 1 M€ × 50 % × 5 % ÷ 30 €/h ≈ 833 h.
    result = calculate(
        amount=Decimal(1_000_000),
        labour_share=Decimal("0.5"),
        insertion_rate=Decimal("0.05"),
        hourly_cost=Decimal(30),
    )
    assert result.labour_amount == Decimal(500_000)
    assert result.insertion_amount == Decimal(25_000)
    assert result.hours == Decimal(833)
    assert result.method == "taux"
    assert result.anru_target_hours is None


@override_settings(HOURS_PER_ETP=1607)
def test_etp_use_the_conversion_setting_and_the_formula_shows_it():
    result = calculate(
        amount=Decimal(2_400_000),
        labour_share=Decimal("0.4"),
        insertion_rate=Decimal("0.07"),
        hourly_cost=Decimal(35),
    )
    expected_hours = (Decimal(2_400_000) * Decimal("0.4") * Decimal("0.07") / 35).quantize(1)
    assert result.hours == expected_hours == Decimal(1920)
    assert result.etp == (expected_hours / 1607).quantize(Decimal("0.01"))
    formula = result.formula.replace("\u00a0", " ")
    assert "2 400 000 € HT × 40 % de main-d'œuvre × 7 % d'insertion ÷ 35 €/h" in formula
    assert "= 1 920 heures d'insertion" in formula
    assert "1 ETP = 1 607 h" in formula


def test_hours_are_rounded_half_up_to_the_unit():
    # 100 000 × 50 % × 5 % ÷ 20 = 125 exactly; ÷ 24 = 104.1666… → 104; ÷ 16 = 156.25 → 156.
    base = {"amount": 100_000, "labour_share": "0.5", "insertion_rate": "0.05"}
    assert calculate(**base, hourly_cost=20).hours == 125
    assert calculate(**base, hourly_cost=24).hours == 104
    assert calculate(**base, hourly_cost=Decimal("12.5")).hours == 200
    assert (
        calculate(amount=1_000, labour_share="0.5", insertion_rate="0.05", hourly_cost=10).hours
        == 3
    )  # 2.5 → 3


def test_anru_mode_takes_five_percent_of_the_hours_worked():
    result = calculate(
        amount=Decimal(1_000_000),
        labour_share=Decimal("0.5"),
        hourly_cost=Decimal(30),
        insertion_rate=Decimal("0.12"),  # ignored: the charter's rate applies
        method="anru",
        anru_scope=AnruScope.WORKS,
    )
    hours_worked = Decimal(1_000_000) * Decimal("0.5") / 30
    assert result.hours_worked == hours_worked
    assert result.hours == (hours_worked * Decimal("0.05")).quantize(1) == 833
    assert result.insertion_rate == Decimal("0.05")
    assert result.anru_target_hours == result.hours
    formula = result.formula.replace("\u00a0", " ")
    assert formula.startswith("Charte ANRU (travaux financés par l'ANRU) : 5 % des heures")
    assert "16 667 h" in formula and "833 heures pour des habitants des QPV" in formula


def test_anru_urban_management_takes_ten_percent():
    result = calculate(
        amount=600_000, labour_share="0.8", hourly_cost=24, method="anru", anru_scope="gup"
    )
    assert result.hours == (Decimal(600_000) * Decimal("0.8") / 24 * Decimal("0.1")).quantize(1)
    assert result.hours == 2000


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"amount": -1}, "amount", "montant HT ne peut pas être négatif"),
        ({"amount": None}, "amount", "montant HT"),
        ({"labour_share": "1.5"}, "labour_share", "part de main-d'œuvre doit être comprise"),
        ({"labour_share": None}, "labour_share", "part de main-d'œuvre"),
        ({"insertion_rate": "-0.01"}, "insertion_rate", "taux d'insertion doit être compris"),
        ({"hourly_cost": 0}, "hourly_cost", "coût horaire chargé doit être supérieur à 0"),
        ({"hourly_cost": -3}, "hourly_cost", "coût horaire chargé"),
        ({"method": "au_doigt_mouille"}, "method", "mode de calcul"),
    ],
)
def test_bad_inputs_are_refused_naming_the_field(values, field, words):
    inputs = {"amount": 1000, "labour_share": "0.5", "insertion_rate": "0.05", "hourly_cost": 30}
    inputs.update(values)
    with pytest.raises(DomainError) as error:
        calculate(**inputs)
    assert error.value.field == field
    assert words in error.value.message


def test_check_reports_every_broken_rule_at_once():
    errors = calculator.check(
        amount=Decimal(-5),
        labour_share=Decimal(2),
        insertion_rate=Decimal(1),
        hourly_cost=Decimal(0),
    )
    assert set(errors) == {"amount", "labour_share", "hourly_cost"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 250 000,50", Decimal("1250000.50")),
        ("1\u00a0250\u202f000", Decimal(1250000)),
        ("5 %", Decimal(5)),
        ("30 €", Decimal(30)),
        ("27.5", Decimal("27.5")),
        ("", None),
        ("  ", None),
    ],
)
def test_numbers_typed_the_french_way_are_read(text, expected):
    assert calculator.parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,2,3", "NaN", "Infinity"])
def test_non_numbers_are_refused(text):
    with pytest.raises(ValueError):
        calculator.parse_decimal(text)


def test_french_formatting():
    assert calculator.format_number(Decimal("1234567.891"), 2) == "1\u00a0234\u00a0567,89"
    assert calculator.format_percent(Decimal("0.075")) == "7,5\u00a0%"
    assert calculator.format_percent(Decimal("0.5")) == "50\u00a0%"
    assert calculator.format_euros(Decimal("27.50")) == "27,50\u00a0€"


@pytest.mark.django_db
def test_published_labour_shares_are_seeded_once_with_their_sources():
    LabourShare.objects.all().delete()  # the migration's rows, if still there
    created = calculator.seed_labour_shares(LabourShare)
    assert created == len(calculator.PUBLISHED_LABOUR_SHARES)
    assert calculator.seed_labour_shares(LabourShare) == 0
    shares = {s.trade: s for s in LabourShare.objects.all()}
    # The three values DOMAIN.md quotes, with their published source.
    assert shares["Peinture intérieure"].share == Decimal("0.70")
    assert shares["Maçonnerie"].share == Decimal("0.50")
    assert shares["Charpente métallique"].share == Decimal("0.20")
    assert "mefsud77.fr" in shares["Maçonnerie"].source
    assert all(share.source for share in shares.values())
    assert shares["Nettoyage de locaux"].contract_kind == "services"


@pytest.mark.django_db
def test_seeding_keeps_an_administrator_s_edit():
    LabourShare.objects.all().delete()
    LabourShare.objects.create(trade="Maçonnerie", share=Decimal("0.45"), source="Étude locale")
    calculator.seed_labour_shares(LabourShare)
    edited = LabourShare.objects.get(trade="Maçonnerie")
    assert edited.share == Decimal("0.45") and edited.source == "Étude locale"
