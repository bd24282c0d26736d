"""The calculator page, applying a result to a lot, and the labour share table."""

import html
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import NoReverseMatch, reverse

from clauses.core.models import AuditEntry
from clauses.procurement.models import Clause, LabourShare
from tests.factories import MembershipFactory

from .factories import ClauseFactory, LotFactory, tracked_contract

pytestmark = pytest.mark.django_db

URL = reverse("tools:calculator")
INPUTS = {
    "amount": "1 000 000",
    "trade": "",
    "labour_share": "50",
    "method": "taux",
    "insertion_rate": "5",
    "anru_scope": "travaux",
    "hourly_cost": "30",
}


def text(response):
    return html.unescape(response.content.decode()).replace("\u00a0", " ")


@pytest.fixture
def painting():
    return LabourShare.objects.update_or_create(
        trade="Peinture intérieure", defaults={"share": Decimal("0.70"), "source": "MEF Sud 77"}
    )[0]


@pytest.fixture
def facilitator():
    return MembershipFactory()


def test_anonymous_sees_the_explanation_and_the_published_shares(client, painting):
    response = client.get(URL)
    assert response.status_code == 200
    page = text(response)
    assert "Comment le nombre d’heures est calculé" in page
    assert "Peinture intérieure" in page and "70 %" in page and "MEF Sud 77" in page
    assert "Appliquer à un lot" not in page


def test_get_form_computes_without_javascript(client):
    response = client.get(URL, INPUTS)
    page = text(response)
    assert '<p class="fr-callout__title" id="calculator-hours">' in page
    assert "833 heures d’insertion" in page
    assert "1 000 000 € × 50 %" in page
    assert "1 000 000 € HT × 50 % de main-d'œuvre × 5 % d'insertion ÷ 30 €/h = 833 heures" in page
    assert "1 ETP = 1 600 heures" in page


def test_anru_mode(client):
    response = client.get(URL, {**INPUTS, "method": "anru", "insertion_rate": ""})
    page = text(response)
    assert "833 heures d’insertion" in page and "pour des habitants des QPV" in page
    assert "Heures travaillées estimées" in page and "16 667 h" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": "-1000"}, "Le montant HT ne peut pas être négatif."),
        ({"amount": "beaucoup"}, "Le montant HT doit être un nombre"),
        ({"labour_share": "150"}, "La part de main-d'œuvre doit être comprise entre 0 et 100 %."),
        ({"hourly_cost": "0"}, "Le coût horaire chargé doit être supérieur à 0 €."),
        ({"insertion_rate": ""}, "Indiquez le taux d'insertion (en %)."),
    ],
)
def test_bad_inputs_show_a_french_message_naming_the_field(client, change, message):
    response = client.get(URL, {**INPUTS, **change})
    page = text(response)
    assert response.status_code == 200
    assert "Le calcul ne peut pas être fait" in page
    assert message in page
    assert "heures d’insertion</p>" not in page


def test_htmx_request_gets_the_result_fragment_only(client):
    response = client.get(URL, INPUTS, headers={"HX-Request": "true"})
    page = text(response)
    assert "<html" not in page
    assert "833 heures d’insertion" in page
    assert 'hx-swap-oob="true"' not in page


def test_choosing_a_trade_fills_the_share(client, painting):
    response = client.get(
        URL, {**INPUTS, "trade": painting.pk, "labour_share": "50"}, headers={"HX-Request": "true"}
    )
    page = text(response)
    # The share input is swapped in with the trade's share, and the result uses it.
    assert 'id="labour-share-field" hx-swap-oob="true"' in page
    assert 'value="70"' in page
    assert f'name="prefilled_trade" value="{painting.pk}"' in page
    assert "1 000 000 € × 70 %" in page


def test_a_share_typed_after_choosing_the_trade_is_kept(client, painting):
    response = client.get(
        URL,
        {**INPUTS, "trade": painting.pk, "prefilled_trade": painting.pk, "labour_share": "65"},
    )
    page = text(response)
    assert "1 000 000 € × 65 %" in page


def test_without_javascript_an_empty_share_takes_the_trade_s(client, painting):
    response = client.get(URL, {**INPUTS, "trade": painting.pk, "labour_share": ""})
    assert "1 000 000 € × 70 %" in text(response)
    assert "(Peinture intérieure)" in text(response)  # named in the formula


def test_facilitator_sees_the_lots_of_their_organisation_that_have_a_clause(client, facilitator):
    objects = tracked_contract(facilitator.organisation, participants=0)
    LotFactory(contract=objects["contract"], number="9", title="Sans clause")
    other = tracked_contract(MembershipFactory().organisation, participants=0)
    client.force_login(facilitator.user)
    page = text(client.get(URL, INPUTS))
    assert "Appliquer à un lot" in page
    reference = objects["contract"].reference
    assert f'<option value="{objects["lot"].pk}">{reference} — Lot' in page
    assert "Sans clause" not in page
    assert other["contract"].reference not in page


def test_a_reader_cannot_apply(client):
    reader = MembershipFactory(reader=True)
    client.force_login(reader.user)
    assert "Appliquer à un lot" not in text(client.get(URL, INPUTS))
    response = client.post(reverse("tools:apply"), {**INPUTS, "lot": "1"})
    assert response.status_code == 404


def _contract_page(lot):
    try:
        return reverse("tracking:contract_detail", kwargs={"pk": lot.contract_id})
    except NoReverseMatch:
        return None


def test_applying_writes_the_clause_and_redirects(client, facilitator):
    objects = tracked_contract(facilitator.organisation, participants=0)
    lot = objects["lot"]
    client.force_login(facilitator.user)
    response = client.post(reverse("tools:apply"), {**INPUTS, "lot": lot.pk})
    assert response.status_code == 302
    expected = _contract_page(lot)
    if expected is None:
        assert response.url.startswith(URL + "?")
        assert f"lot={lot.pk}" in response.url
    else:
        assert response.url == expected
    clause = Clause.objects.get(lot=lot)
    assert clause.required_hours == Decimal(833)
    assert clause.calculation_method == "taux"
    assert clause.labour_share == Decimal("0.5")
    assert clause.insertion_rate == Decimal("0.05")
    assert clause.hourly_cost == Decimal(30)
    assert "= 833\u00a0heures d'insertion" in clause.calculation_note
    assert clause.legal_basis == objects["clause"].legal_basis
    assert AuditEntry.objects.filter(
        action="procurement.clause_set", object_id=str(lot.pk)
    ).exists()
    followed = client.get(response.url)
    assert f"Calcul appliqué au lot {lot.number} ({lot.title}) du marché" in text(followed)


def test_applying_the_anru_mode_sets_the_target(client, facilitator):
    objects = tracked_contract(facilitator.organisation, participants=0)
    client.force_login(facilitator.user)
    client.post(
        reverse("tools:apply"),
        {**INPUTS, "method": "anru", "anru_scope": "gup", "lot": objects["lot"].pk},
    )
    clause = Clause.objects.get(lot=objects["lot"])
    expected = (Decimal(1_000_000) * Decimal("0.5") / 30 * Decimal("0.1")).quantize(1)
    assert clause.calculation_method == "anru"
    assert clause.required_hours == clause.anru_target_hours == expected


def test_applying_to_another_organisation_s_lot_is_refused(client, facilitator):
    other = tracked_contract(MembershipFactory().organisation, participants=0)
    client.force_login(facilitator.user)
    response = client.post(reverse("tools:apply"), {**INPUTS, "lot": other["lot"].pk})
    assert response.status_code == 422
    assert "pas suivi par votre structure" in text(response)
    assert Clause.objects.get(lot=other["lot"]).required_hours == other["clause"].required_hours


def test_applying_invalid_inputs_changes_nothing(client, facilitator):
    objects = tracked_contract(facilitator.organisation, participants=0)
    client.force_login(facilitator.user)
    response = client.post(
        reverse("tools:apply"), {**INPUTS, "hourly_cost": "0", "lot": objects["lot"].pk}
    )
    assert response.status_code == 422
    assert "Le coût horaire chargé doit être supérieur à 0 €." in text(response)
    assert Clause.objects.get(lot=objects["lot"]).required_hours == objects["clause"].required_hours


def test_apply_answers_405_to_get(client, facilitator):
    client.force_login(facilitator.user)
    assert client.get(reverse("tools:apply")).status_code == 405


def test_coming_from_a_lot_computes_with_its_amount_and_clause(client, facilitator):
    objects = tracked_contract(facilitator.organisation, participants=0)
    lot = objects["lot"]  # 1 200 000 € HT, clause 40 % × 7 % ÷ 35 €/h
    client.force_login(facilitator.user)
    page = text(client.get(URL, {"lot": lot.pk}))
    expected = (lot.amount_excl_tax * Decimal("0.4") * Decimal("0.07") / 35).quantize(1)
    assert f"{expected:,}".replace(",", " ") + " heures d’insertion" in page
    assert f'<option value="{lot.pk}" selected>' in page


def test_calculator_queries_stay_flat(client, facilitator, django_assert_max_num_queries):
    client.force_login(facilitator.user)
    tracked_contract(facilitator.organisation, participants=0)
    with django_assert_max_num_queries(12) as few:
        client.get(URL, INPUTS)
    for _ in range(15):
        lot = LotFactory(contract__organisation=facilitator.organisation)
        ClauseFactory(lot=lot)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL, INPUTS)


# The labour share table, edited by national administrators.


def test_national_admin_edits_a_labour_share(client, painting):
    admin = MembershipFactory(national_admin=True).user
    client.force_login(admin)
    url = reverse("tools:labour_share_edit", args=[painting.pk])
    page = text(client.get(url))
    assert 'value="70"' in page
    response = client.post(
        url,
        {
            "trade": "Peinture intérieure",
            "contract_kind": "travaux",
            "share": "65",
            "source": "Étude régionale 2025",
            "position": "5",
        },
    )
    assert response.status_code == 302
    painting.refresh_from_db()
    assert painting.share == Decimal("0.65") and painting.source == "Étude régionale 2025"
    assert AuditEntry.objects.filter(action="procurement.labour_share_updated").count() == 1
    listing = text(client.get(reverse("tools:labour_shares")))
    assert "65 %" in listing and "Étude régionale 2025" in listing


def test_national_admin_adds_a_labour_share(client):
    client.force_login(MembershipFactory(national_admin=True).user)
    response = client.post(
        reverse("tools:labour_share_create"),
        {
            "trade": "Restauration collective",
            "contract_kind": "services",
            "share": "37,5",
            "source": "",
            "position": "200",
        },
    )
    assert response.status_code == 302
    assert LabourShare.objects.get(trade="Restauration collective").share == Decimal("0.375")


def test_labour_share_over_100_percent_is_refused(client, painting):
    client.force_login(MembershipFactory(national_admin=True).user)
    response = client.post(
        reverse("tools:labour_share_edit", args=[painting.pk]),
        {"trade": "Peinture", "contract_kind": "travaux", "share": "150", "position": "1"},
    )
    assert response.status_code == 200
    assert "La part de main-d'œuvre doit être comprise entre 0 et 100 %." in text(response)
    painting.refresh_from_db()
    assert painting.share == Decimal("0.70")


def test_duplicate_trade_is_refused_naming_the_field(client, painting):
    client.force_login(MembershipFactory(national_admin=True).user)
    response = client.post(
        reverse("tools:labour_share_create"),
        {
            "trade": "Peinture intérieure",
            "contract_kind": "travaux",
            "share": "60",
            "position": "1",
        },
    )
    assert response.status_code == 200
    assert "Corps d'état ou type de prestation" in text(response)
    assert LabourShare.objects.filter(trade="Peinture intérieure").count() == 1


def test_labour_share_table_is_for_national_admins_only(client, facilitator, painting):
    client.force_login(facilitator.user)
    assert client.get(reverse("tools:labour_shares")).status_code == 404
    assert client.get(reverse("tools:labour_share_edit", args=[painting.pk])).status_code == 404


def test_shares_query_string_is_shareable(client):
    # The htmx form replaces the URL with its inputs: the same URL recomputes the result.
    response = client.get(f"{URL}?{urlencode(INPUTS)}")
    assert "833 heures d’insertion" in text(response)
