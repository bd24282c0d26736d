"""The insertion side of the workspace: participants and their file, eligibility, missions,
outcomes and the monthly hours grid."""

import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from shapely.geometry import box

from clauses.core.models import AuditEntry
from clauses.insertion.models import Eligibility, HoursDeclaration, Mission, Outcome, Participant
from clauses.territories import geo
from clauses.territories.geocoding import GeocodedAddress, GeocodingError
from clauses.territories.models import Commune, PostalCode, Qpv
from clauses.www.insertion import views
from tests.factories import DepartementFactory, MembershipFactory, OrganisationFactory

from .factories import (
    ClauseFactory,
    CompanyFactory,
    ContractFactory,
    HoursDeclarationFactory,
    LotCompanyFactory,
    LotFactory,
    MissionFactory,
    ParticipantFactory,
    tracked_contract,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 5, 20)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("clauses.www.insertion.views._today", lambda: TODAY)


@pytest.fixture
def facilitator():
    return MembershipFactory(organisation__name="PLIE Est 93")


@pytest.fixture
def organisation(facilitator):
    return facilitator.organisation


@pytest.fixture
def logged(client, facilitator):
    client.force_login(facilitator.user)
    return client


@pytest.fixture
def bobigny():
    """Bobigny with its postal code, one QPV of each list, and a QPV of another commune."""
    departement = DepartementFactory()
    commune = Commune.objects.create(
        code="93008", name="Bobigny", departement=departement, lat=48.908, lon=2.44
    )
    PostalCode.objects.create(code="93000", commune=commune, name="BOBIGNY")
    pantin = Commune.objects.create(code="93055", name="Pantin", departement=departement)
    qpvs = {}
    for key, code, name, list_year, where, lon in (
        ("2024", "QN09301M", "L'Abreuvoir", 2024, commune, 2.45),
        ("2015", "QP093001", "L'Abreuvoir (2015)", 2015, commune, 2.45),
        ("pantin", "QN09302M", "Les Courtillières", 2024, pantin, 2.40),
    ):
        qpv = Qpv.objects.create(
            code=code,
            name=name,
            list_year=list_year,
            departement=departement,
            geometry=box(lon, 48.9, lon + 0.01, 48.91).wkb,
            min_lon=lon,
            min_lat=48.9,
            max_lon=lon + 0.01,
            max_lat=48.91,
        )
        qpv.communes.add(where)
        qpvs[key] = qpv
    geo.invalidate_index()
    yield {"commune": commune, **qpvs}
    geo.invalidate_index()


def _text(response):
    return unescape(response.content.decode())


def _participant_data(**overrides):
    data = {
        "identifier": "P-00012",
        "last_name": "Martin",
        "first_name": "Léa",
        "birth_date": "1990-05-04",
        "sex": "F",
        "address": "12 rue de la République",
        "postal_code": "93000",
        "commune_name": "Bobigny",
        "qpv": "",
        "education_level": "3",
        "prescriber": "france_travail",
        "exception_reason": "",
    }
    return data | overrides


# --- Participant list -----------------------------------------------------------------------


def test_participant_list_shows_only_the_organisation_participants(logged, organisation):
    objects = tracked_contract(organisation)
    ParticipantFactory(organisation=OrganisationFactory(), identifier="AUTRE-1")
    response = logged.get(reverse("insertion:participant_list"))
    assert response.status_code == 200
    page = list(response.context["page_obj"])
    assert page == [objects["participant"]]
    text = _text(response)
    assert objects["participant"].last_name.upper() in text
    assert "AUTRE-1" not in text
    # Three months of 120 h; the mission (February to July) runs on TODAY.
    assert "360" in text
    assert objects["contract"].reference in text


def test_participant_list_filters_search_and_sort(logged, organisation, bobigny):
    ParticipantFactory(
        organisation=organisation, identifier="P-1", last_name="Zola", sex="F", qpv=bobigny["2024"]
    )
    man = ParticipantFactory(organisation=organisation, identifier="P-2", last_name="Abad")
    Eligibility.objects.create(participant=man, criterion="rsa", assessed_on=TODAY)
    MissionFactory(participant=man, start_date=TODAY, end_date=None)
    url = reverse("insertion:participant_list")

    def identifiers(**params):
        return [p.identifier for p in logged.get(url, params).context["page_obj"]]

    assert identifiers() == ["P-1", "P-2"]
    assert identifiers(sexe="F") == ["P-1"]
    assert identifiers(qpv="oui") == ["P-1"]
    assert identifiers(qpv="inconnu") == ["P-2"]
    assert identifiers(mission="oui") == ["P-2"]
    assert identifiers(mission="non") == ["P-1"]
    assert identifiers(critere="rsa") == ["P-2"]
    assert identifiers(q="zol") == ["P-1"]
    assert identifiers(tri="nom") == ["P-2", "P-1"]
    assert identifiers(sexe="X") == []  # an unknown filter never widens the list
    assert "Retirer les filtres" in _text(logged.get(url, {"sexe": "F"}))


def test_participant_list_paginates(logged, organisation):
    ParticipantFactory.create_batch(51, organisation=organisation)
    response = logged.get(reverse("insertion:participant_list"), {"page": 2})
    assert len(response.context["page_obj"]) == 1
    assert "fr-pagination" in _text(response)


def test_participant_list_empty_state(logged):
    assert "Aucun participant pour l'instant" in _text(
        logged.get(reverse("insertion:participant_list"))
    )


def test_participant_list_queries_stay_flat(logged, organisation, django_assert_max_num_queries):
    url = reverse("insertion:participant_list")
    for size in (1, 8):
        for _ in range(size):
            tracked_contract(organisation)
        with django_assert_max_num_queries(7):
            response = logged.get(url)
        assert response.status_code == 200


# --- Participant form -----------------------------------------------------------------------


def test_create_participant_with_a_qpv_chosen_by_hand(logged, organisation, bobigny):
    response = logged.post(
        reverse("insertion:participant_create"), _participant_data(qpv=str(bobigny["2024"].pk))
    )
    participant = Participant.objects.get()
    assert response.url == reverse("insertion:participant_detail", args=[participant.pk])
    assert participant.organisation == organisation
    assert participant.commune == bobigny["commune"]
    assert participant.qpv == bobigny["2024"]
    assert (participant.qpv_source, participant.qpv_list_year) == ("manuel", 2024)
    assert AuditEntry.objects.filter(action="insertion.participant_created").count() == 1


def test_new_participant_form_defaults_to_unknown_profile(logged):
    form = logged.get(reverse("insertion:participant_create")).context["form"]
    assert form["education_level"].value() == "inconnu"
    assert form["prescriber"].value() == "aucun"


def test_qpv_choices_are_those_of_the_commune_in_the_list_in_force(logged, organisation, bobigny):
    participant = ParticipantFactory(organisation=organisation, commune=bobigny["commune"])
    response = logged.get(reverse("insertion:participant_edit", args=[participant.pk]))
    choices = dict(response.context["form"].fields["qpv"].choices)
    assert str(bobigny["2024"].pk) in choices
    assert str(bobigny["2015"].pk) not in choices  # not the list in force
    assert str(bobigny["pantin"].pk) not in choices  # another commune
    assert choices["hors_qpv"] == "Ne réside pas dans un QPV"


def test_qpv_list_follows_the_first_mission_start(logged, organisation, bobigny):
    participant = ParticipantFactory(organisation=organisation, commune=bobigny["commune"])
    MissionFactory(participant=participant, start_date=datetime.date(2023, 9, 1))
    response = logged.get(reverse("insertion:participant_edit", args=[participant.pk]))
    choices = dict(response.context["form"].fields["qpv"].choices)
    assert str(bobigny["2015"].pk) in choices
    assert str(bobigny["2024"].pk) not in choices


def test_qpv_of_another_commune_is_refused(logged, bobigny):
    response = logged.post(
        reverse("insertion:participant_create"), _participant_data(qpv=str(bobigny["pantin"].pk))
    )
    assert response.status_code == 200
    assert "n'est pas un QPV de la commune" in response.context["form"].errors["qpv"][0]
    assert not Participant.objects.exists()


def test_qpv_field_follows_the_commune_typed_with_htmx(logged, bobigny):
    response = logged.get(
        reverse("insertion:participant_create"),
        {"fragment": "qpv", "postal_code": "93000", "commune_name": "bobigny", "qpv": ""},
        headers={"HX-Request": "true"},
    )
    text = _text(response)
    assert text.startswith('<div id="champ-qpv"')
    assert "L'Abreuvoir (QN09301M)" in text
    assert "Courtillières" not in text
    assert "Les QPV de Bobigny, liste 2024 en vigueur" in text


def test_not_in_a_qpv_is_recorded_as_a_choice(logged, bobigny):
    logged.post(reverse("insertion:participant_create"), _participant_data(qpv="hors_qpv"))
    participant = Participant.objects.get()
    assert participant.qpv is None
    assert (participant.qpv_source, participant.qpv_list_year) == ("manuel", 2024)


def test_unknown_commune_is_an_error_on_the_commune_field(logged, bobigny):
    response = logged.post(
        reverse("insertion:participant_create"), _participant_data(commune_name="Bobygny")
    )
    errors = response.context["form"].errors
    assert errors["commune_name"] == [
        "Commune inconnue : « 93000 Bobygny ». Vérifiez le code postal et le nom de la commune."
    ]
    assert not Participant.objects.exists()


def test_invalid_postal_code_is_an_error_naming_the_field(logged, bobigny):
    response = logged.post(
        reverse("insertion:participant_create"), _participant_data(postal_code="930")
    )
    assert response.context["form"].errors["postal_code"][0].startswith("Code postal")


def test_duplicate_identifier_is_an_error_on_the_identifier(logged, organisation, bobigny):
    ParticipantFactory(organisation=organisation, identifier="p-00012")
    response = logged.post(reverse("insertion:participant_create"), _participant_data())
    assert response.context["form"].errors["identifier"] == [
        "Un participant porte déjà l'identifiant « p-00012 » dans votre structure."
    ]
    assert Participant.objects.count() == 1


def test_duplicate_person_is_an_error_on_the_name(logged, organisation, bobigny):
    ParticipantFactory(
        organisation=organisation,
        identifier="A-1",
        last_name="MARTIN",
        first_name="léa",
        birth_date=datetime.date(1990, 5, 4),
    )
    response = logged.post(reverse("insertion:participant_create"), _participant_data())
    assert "c'est sans doute la même personne" in response.context["form"].errors["last_name"][0]


def test_same_identifier_in_another_organisation_is_fine(logged, bobigny):
    ParticipantFactory(organisation=OrganisationFactory(), identifier="P-00012")
    logged.post(reverse("insertion:participant_create"), _participant_data())
    assert Participant.objects.count() == 2


def test_edit_participant_keeps_its_qpv_and_logs_the_fields(logged, organisation, bobigny):
    participant = ParticipantFactory(
        organisation=organisation,
        identifier="P-7",
        commune=bobigny["commune"],
        postal_code="93000",
        qpv=bobigny["2024"],
        qpv_source="manuel",
        qpv_list_year=2024,
    )
    form = logged.get(reverse("insertion:participant_edit", args=[participant.pk])).context["form"]
    assert form.initial["qpv"] == str(bobigny["2024"].pk)
    assert form.initial["commune_name"] == "Bobigny"
    data = {
        **_participant_data(identifier="P-7", qpv=str(bobigny["2024"].pk)),
        "prescriber": "mission_locale",
    }
    response = logged.post(reverse("insertion:participant_edit", args=[participant.pk]), data)
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.prescriber == "mission_locale"
    assert participant.qpv == bobigny["2024"]
    entry = AuditEntry.objects.get(action="insertion.participant_updated")
    assert "prescriber" in entry.changes["champs"]
    assert "Martin" not in str(entry.changes)  # field names only, never values


class _FakeBan:
    def __init__(self, answer):
        self.answer = answer
        self.queries = []

    def __call__(self, address):
        self.queries.append(address)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_qpv_is_geocoded_from_the_address_when_enabled(logged, settings, monkeypatch, bobigny):
    settings.BAN_API_URL = "http://ban.invalid"
    ban = _FakeBan(GeocodedAddress("12 rue X 93000 Bobigny", 0.9, 48.905, 2.455, "93008"))
    monkeypatch.setattr("clauses.territories.geocoding.geocode", ban)
    form = logged.get(reverse("insertion:participant_create")).context["form"]
    assert dict(form.fields["qpv"].choices)[""] == "Déterminer d'après l'adresse (géocodage)"

    logged.post(reverse("insertion:participant_create"), _participant_data())

    participant = Participant.objects.get()
    assert ban.queries == ["12 rue de la République 93000 Bobigny"]
    assert participant.qpv == bobigny["2024"]
    assert (participant.qpv_source, participant.qpv_list_year) == ("geocodage", 2024)
    # Saved again with the same address: no new request.
    logged.post(
        reverse("insertion:participant_edit", args=[participant.pk]),
        _participant_data(prescriber="plie"),
    )
    assert len(ban.queries) == 1


def test_geocoding_failure_saves_without_qpv_and_warns(logged, settings, monkeypatch, bobigny):
    settings.BAN_API_URL = "http://ban.invalid"
    monkeypatch.setattr(
        "clauses.territories.geocoding.geocode",
        _FakeBan(GeocodingError("Impossible de joindre la Base adresse nationale.")),
    )
    response = logged.post(
        reverse("insertion:participant_create"), _participant_data(), follow=True
    )
    participant = Participant.objects.get()
    assert (participant.qpv, participant.qpv_source) == (None, "aucun")
    assert "QPV non déterminé : Impossible de joindre la Base adresse nationale." in _text(response)


# --- Participant file -----------------------------------------------------------------------


def test_reading_a_participant_file_writes_an_audit_entry(logged, facilitator, organisation):
    objects = tracked_contract(organisation)
    participant = objects["participant"]
    response = logged.get(reverse("insertion:participant_detail", args=[participant.pk]))
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="insertion.participant_viewed")
    assert entry.actor == facilitator.user
    assert entry.object_id == str(participant.pk)
    assert entry.object_repr == f"Participant {participant.identifier} (PLIE Est 93)"
    text = _text(response)
    assert participant.last_name.upper() in text
    assert "février 2025" in text and "avril 2025" in text
    assert "360 h" in text  # the mission's total
    assert objects["company"].name in text


def test_participant_file_lists_outcomes_and_criteria(logged, organisation):
    objects = tracked_contract(organisation)
    mission = objects["mission"]
    Outcome.objects.create(
        mission=mission,
        moment="sortie",
        kind="emploi_durable",
        detail="cdi",
        observed_on=datetime.date(2025, 8, 1),
    )
    Eligibility.objects.create(
        participant=mission.participant, criterion="rqth", assessed_on=datetime.date(2025, 1, 6)
    )
    text = _text(logged.get(reverse("insertion:participant_detail", args=[mission.participant_id])))
    assert "À la sortie : <strong>CDI</strong> (emploi durable)" in text
    assert "Travailleur handicapé (RQTH)" in text
    assert "06/01/2025" in text


@pytest.mark.parametrize(
    "membership",
    [
        {"coordinator": True},
        {"national_admin": True},
        {"reader": True},
        {},  # a facilitator of another organisation
    ],
)
def test_participant_pages_answer_404_outside_the_organisation(client, organisation, membership):
    participant = tracked_contract(organisation)["participant"]
    client.force_login(MembershipFactory(**membership).user)
    for name in ("participant_detail", "participant_edit"):
        response = client.get(reverse(f"insertion:{name}", args=[participant.pk]))
        assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="insertion.participant_viewed").exists()


def test_other_organisation_objects_answer_404_to_every_role(client, organisation):
    """Organisation B's participant, mission and contract, seen from organisation A."""
    other = tracked_contract(OrganisationFactory(name="PLIE Toulouse"))
    national = MembershipFactory(national_admin=True).user
    for user in (MembershipFactory(organisation=organisation).user, national):
        client.force_login(user)
        for name, pk in (
            ("participant_detail", other["participant"].pk),
            ("participant_edit", other["participant"].pk),
            ("mission_edit", other["mission"].pk),
            ("outcome_record", other["mission"].pk),
        ):
            assert client.get(reverse(f"insertion:{name}", args=[pk])).status_code == 404
        response = client.post(
            reverse("insertion:eligibility_add", args=[other["participant"].pk]),
            {"critere-criterion": "rsa", "critere-assessed_on": "2025-01-06"},
        )
        assert response.status_code == 404
    assert not Eligibility.objects.exists()
    client.force_login(MembershipFactory(organisation=organisation).user)
    url = reverse("insertion:hours_grid")
    assert client.get(url, {"marche": other["contract"].pk}).status_code == 404


def test_add_and_remove_an_eligibility_criterion(logged, organisation):
    participant = ParticipantFactory(organisation=organisation)
    url = reverse("insertion:eligibility_add", args=[participant.pk])
    response = logged.post(
        url,
        {"critere-criterion": "rsa", "critere-assessed_on": "2025-03-01", "critere-note": "CAF"},
    )
    assert response.status_code == 302
    eligibility = Eligibility.objects.get()
    assert (eligibility.criterion, eligibility.note) == ("rsa", "CAF")
    response = logged.post(
        reverse("insertion:eligibility_remove", args=[participant.pk, eligibility.pk])
    )
    assert response.status_code == 302
    assert not Eligibility.objects.exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"insertion.eligibility_added", "insertion.eligibility_removed"} <= actions


def test_eligibility_ending_before_it_starts_is_refused_on_the_field(logged, organisation):
    participant = ParticipantFactory(organisation=organisation)
    response = logged.post(
        reverse("insertion:eligibility_add", args=[participant.pk]),
        {
            "critere-criterion": "rsa",
            "critere-assessed_on": "2025-03-01",
            "critere-valid_until": "2025-01-01",
        },
    )
    assert response.status_code == 200
    assert response.context["eligibility_form"].errors["valid_until"] == [
        "Valable jusqu'au : la date de fin précède la date de constat."
    ]
    assert not Eligibility.objects.exists()


# --- Missions -------------------------------------------------------------------------------


@pytest.fixture
def lot(organisation):
    contract = ContractFactory(organisation=organisation, reference="2025-TX-0042")
    lot = LotFactory(contract=contract, number="3", title="Peinture")
    ClauseFactory(lot=lot)
    return lot


def _mission_data(participant, lot, company, **overrides):
    return {
        "participant": participant.pk,
        "lot": lot.pk,
        "company": company.pk,
        "modality": "embauche_directe",
        "work_contract_type": "cdd",
        "start_date": "2025-03-01",
        "end_date": "2025-08-31",
    } | overrides


def test_mission_form_offers_lots_with_a_clause_and_the_lot_companies_first(
    logged, organisation, lot
):
    LotFactory(contract=lot.contract, number="4")  # no clause
    other_org_lot = LotFactory()
    ClauseFactory(lot=other_org_lot)
    attached = LotCompanyFactory(lot=lot, company__name="Peintures du Nord").company
    CompanyFactory(organisation=organisation, name="Autre BTP")
    form = logged.get(reverse("insertion:mission_create"), {"lot": lot.pk}).context["form"]
    assert [label for _, label in form.fields["lot"].choices][1:] == [
        "2025-TX-0042 — Lot 3 — Peinture"
    ]
    choices = form.fields["company"].choices
    assert choices[1] == ("Entreprises du lot", [(str(attached.pk), "Peintures du Nord")])
    assert choices[2][0] == "Autres entreprises"


def test_company_field_follows_the_lot_with_htmx(logged, organisation, lot):
    LotCompanyFactory(lot=lot, company__name="Peintures du Nord")
    response = logged.get(
        reverse("insertion:mission_create"),
        {"fragment": "entreprise", "lot": lot.pk},
        headers={"HX-Request": "true"},
    )
    text = _text(response)
    assert text.startswith('<div id="champ-entreprise"')
    assert '<optgroup label="Entreprises du lot">' in text


def test_create_mission(logged, organisation, lot):
    participant = ParticipantFactory(organisation=organisation)
    company = CompanyFactory(organisation=organisation)
    response = logged.post(
        reverse("insertion:mission_create"), _mission_data(participant, lot, company)
    )
    mission = Mission.objects.get()
    assert response.url == (
        reverse("insertion:participant_detail", args=[participant.pk]) + f"#mission-{mission.pk}"
    )
    assert (mission.lot, mission.company, mission.end_date) == (
        lot,
        company,
        datetime.date(2025, 8, 31),
    )
    assert AuditEntry.objects.filter(action="insertion.mission_created").exists()


def test_mission_create_prefills_the_participant(logged, organisation):
    participant = ParticipantFactory(organisation=organisation)
    response = logged.get(reverse("insertion:mission_create"), {"participant": participant.pk})
    assert response.context["form"].initial["participant"] == participant.pk


def test_mission_ending_before_it_starts_is_refused(logged, organisation, lot):
    participant = ParticipantFactory(organisation=organisation)
    company = CompanyFactory(organisation=organisation)
    response = logged.post(
        reverse("insertion:mission_create"),
        _mission_data(participant, lot, company, end_date="2025-01-31"),
    )
    assert response.context["form"].errors["end_date"] == [
        "Fin : la mission ne peut pas finir avant de commencer."
    ]
    assert not Mission.objects.exists()


def test_mission_edit_refuses_dates_leaving_hours_outside(logged, organisation):
    mission = tracked_contract(organisation)["mission"]  # hours in February to April
    response = logged.post(
        reverse("insertion:mission_edit", args=[mission.pk]),
        _mission_data(mission.participant, mission.lot, mission.company, start_date="2025-03-01"),
    )
    assert response.context["form"].errors["start_date"] == [
        "Des heures sont déclarées en février 2025, hors des nouvelles dates de la mission."
    ]


def test_mission_of_another_organisation_participant_is_not_offered(logged, lot):
    stranger = ParticipantFactory(organisation=OrganisationFactory())
    company = CompanyFactory(organisation=lot.contract.organisation)
    response = logged.post(
        reverse("insertion:mission_create"), _mission_data(stranger, lot, company)
    )
    assert "participant" in response.context["form"].errors
    assert not Mission.objects.exists()


def test_mission_list_filters(logged, organisation):
    objects = tracked_contract(organisation)  # February to July 2025: running on TODAY
    ending = objects["mission"]
    future = MissionFactory(
        participant=ParticipantFactory(organisation=organisation, identifier="FUT-1"),
        lot=objects["lot"],
        company=CompanyFactory(organisation=organisation, name="Autre"),
        start_date=datetime.date(2025, 9, 1),
        end_date=None,
        work_contract_type="cdi",
    )
    ended = MissionFactory(
        participant=ParticipantFactory(organisation=organisation),
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2024, 6, 30),
    )
    url = reverse("insertion:mission_list")

    def pks(**params):
        return {m.pk for m in logged.get(url, params).context["page_obj"]}

    assert pks() == {ending.pk, future.pk, ended.pk}
    assert pks(statut="en_cours") == {ending.pk}
    assert pks(statut="a_venir") == {future.pk}
    assert pks(statut="terminees") == {ended.pk}
    assert pks(statut="fin_proche") == set()  # ends 31 July, more than 30 days away
    assert pks(marche=objects["contract"].pk) == {ending.pk, future.pk}
    assert pks(entreprise=future.company_id) == {future.pk}
    assert pks(contrat="cdi") == {future.pk}
    assert pks(q="fut-") == {future.pk}
    text = _text(logged.get(url))
    assert "À venir" in text and "Terminée" in text and "360" in text


def test_mission_list_queries_stay_flat(logged, organisation, django_assert_max_num_queries):
    url = reverse("insertion:mission_list")
    for size in (1, 8):
        tracked_contract(organisation, participants=size)
        with django_assert_max_num_queries(8):
            assert logged.get(url).status_code == 200


# --- Outcomes -------------------------------------------------------------------------------


def test_outcome_details_are_grouped_by_iae_kind(logged, organisation):
    mission = tracked_contract(organisation)["mission"]
    form = logged.get(reverse("insertion:outcome_record", args=[mission.pk])).context["form"]
    groups = [label for label, _ in form.fields["detail"].choices[1:]]
    assert groups == ["Emploi durable", "Emploi de transition", "Sortie positive", "Autre sortie"]


def test_record_an_outcome_at_exit_then_at_six_months(logged, organisation):
    mission = tracked_contract(organisation)["mission"]
    url = reverse("insertion:outcome_record", args=[mission.pk])
    logged.post(url, {"moment": "sortie", "detail": "cdd_court", "observed_on": "2025-08-01"})
    response = logged.post(
        url, {"moment": "six_mois", "detail": "cdi", "observed_on": "2026-02-01"}
    )
    assert response.status_code == 302
    outcomes = {o.moment: (o.kind, o.detail) for o in Outcome.objects.filter(mission=mission)}
    assert outcomes == {
        "sortie": ("emploi_transition", "cdd_court"),
        "six_mois": ("emploi_durable", "cdi"),
    }


def test_outcome_form_offers_the_six_month_situation_once_the_exit_is_known(logged, organisation):
    mission = tracked_contract(organisation)["mission"]  # ends 31 July 2025
    url = reverse("insertion:outcome_record", args=[mission.pk])
    assert logged.get(url).context["form"].initial["moment"] == "sortie"
    logged.post(url, {"moment": "sortie", "detail": "cdi", "observed_on": "2025-08-01"})
    initial = logged.get(url).context["form"].initial
    assert initial["moment"] == "six_mois"
    assert initial["observed_on"] == datetime.date(2026, 1, 31)


def test_outcome_before_the_mission_end_is_refused_on_the_field(logged, organisation):
    mission = tracked_contract(organisation)["mission"]
    response = logged.post(
        reverse("insertion:outcome_record", args=[mission.pk]),
        {"moment": "sortie", "detail": "cdi", "observed_on": "2025-07-01"},
    )
    assert response.context["form"].errors["observed_on"] == [
        "Constatée le : la sortie ne peut pas précéder la fin de la mission (31/07/2025)."
    ]


def test_outcome_of_a_running_mission_is_refused(logged, organisation):
    mission = MissionFactory(
        participant=ParticipantFactory(organisation=organisation), end_date=None
    )
    response = logged.post(
        reverse("insertion:outcome_record", args=[mission.pk]),
        {"moment": "sortie", "detail": "cdi", "observed_on": "2025-07-01"},
    )
    assert "indiquez d'abord sa date de fin" in response.context["form"].errors["moment"][0]
    assert not Outcome.objects.exists()


# --- Hours grid -----------------------------------------------------------------------------


@pytest.fixture
def grid(organisation):
    """A contract with one mission from 15 February to 31 July 2025 (hours Feb-Apr)."""
    objects = tracked_contract(organisation)
    mission = objects["mission"]
    mission.start_date = datetime.date(2025, 2, 15)
    mission.save()
    objects["url"] = reverse("insertion:hours_grid") + f"?marche={objects['contract'].pk}"
    return objects


def _cell(mission, month):
    return f"h-{mission.pk}-2025-{month:02d}"


def test_grid_shows_a_labelled_input_per_month_of_the_mission(logged, grid):
    response = logged.get(grid["url"])
    mission = grid["mission"]
    text = _text(response)
    identifier = mission.participant.identifier
    label = f"Heures de {identifier} en mars 2025"
    assert f'<label class="fr-sr-only" for="{_cell(mission, 3)}">{label}</label>' in text
    assert f'name="{_cell(mission, 3)}"' in text
    assert 'value="120"' in text
    # January and August to December are outside the mission: disabled, not submitted.
    assert f'name="{_cell(mission, 1)}"' not in text
    assert f'name="{_cell(mission, 8)}"' not in text
    assert "(hors des dates de la mission)" in text
    assert f'<span id="total-m{mission.pk}">360</span>' in text
    assert '<span id="total-2025-03">120</span>' in text
    assert '<span id="total-annee">360</span>' in text
    assert response.context["year"] == 2025


def test_grid_saves_the_whole_form_without_javascript(logged, grid):
    mission = grid["mission"]
    data = {_cell(mission, month): "" for month in range(2, 8)}
    data |= {_cell(mission, 2): "120", _cell(mission, 3): "35,5", _cell(mission, 5): "151.67"}
    response = logged.post(grid["url"], data)
    assert response.status_code == 302
    assert response.url == grid["url"]
    hours = dict(HoursDeclaration.objects.filter(mission=mission).values_list("month", "hours"))
    assert hours == {
        datetime.date(2025, 2, 1): Decimal("120"),
        datetime.date(2025, 3, 1): Decimal("35.5"),
        datetime.date(2025, 5, 1): Decimal("151.67"),
    }
    text = _text(logged.get(grid["url"]))
    assert '<span id="total-annee">307,17</span>' in text
    assert "3 déclarations d'heures enregistrées." in text


def test_grid_with_an_invalid_value_saves_nothing_and_names_the_cell(logged, grid):
    mission = grid["mission"]
    response = logged.post(
        grid["url"], {_cell(mission, 2): "80", _cell(mission, 3): "250", _cell(mission, 4): "-3"}
    )
    assert response.status_code == 200
    text = _text(response)
    assert "Aucune heure n'a été enregistrée" in text
    assert "250 h en mars 2025 dépasse le plafond plausible de 200 h par mois." in text
    assert "un nombre d'heures ne peut pas être négatif" in text
    assert f'aria-describedby="{_cell(mission, 3)}-erreur"' in text
    assert 'value="250"' in text  # what was typed stays in the cell
    assert (
        HoursDeclaration.objects.get(mission=mission, month=datetime.date(2025, 2, 1)).hours == 120
    )


def test_grid_refuses_hours_outside_the_mission(logged, grid):
    mission = grid["mission"]
    response = logged.post(grid["url"], {_cell(mission, 9): "10"})
    assert "septembre 2025 est hors des dates de la mission" in _text(response)
    assert not HoursDeclaration.objects.filter(month=datetime.date(2025, 9, 1)).exists()


def test_grid_cell_saved_with_htmx_updates_the_totals(logged, grid):
    mission = grid["mission"]
    response = logged.post(grid["url"], {_cell(mission, 5): "35,5"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    text = _text(response)
    assert text.strip().startswith(f'<div id="cellule-{_cell(mission, 5)}">')
    assert 'value="35,5"' in text
    assert f'<span id="total-m{mission.pk}" hx-swap-oob="true">395,5</span>' in text
    assert '<span id="total-2025-05" hx-swap-oob="true">35,5</span>' in text
    assert '<span id="total-annee" hx-swap-oob="true">395,5</span>' in text
    assert "mai 2025 : 35,5 h enregistrées." in text
    assert HoursDeclaration.objects.get(
        mission=mission, month=datetime.date(2025, 5, 1)
    ).hours == Decimal("35.5")


def test_grid_correction_updates_the_declaration_date(logged, grid):
    mission = grid["mission"]
    declaration = HoursDeclaration.objects.get(mission=mission, month=datetime.date(2025, 3, 1))
    before = declaration.updated_at
    logged.post(grid["url"], {_cell(mission, 3): "90"}, headers={"HX-Request": "true"})
    declaration.refresh_from_db()
    assert declaration.hours == 90
    assert declaration.updated_at > before


def test_grid_cell_emptied_with_htmx_deletes_the_declaration(logged, grid):
    mission = grid["mission"]
    logged.post(grid["url"], {_cell(mission, 3): ""}, headers={"HX-Request": "true"})
    assert not HoursDeclaration.objects.filter(month=datetime.date(2025, 3, 1)).exists()


def test_grid_invalid_cell_with_htmx_shows_the_error_without_saving(logged, grid):
    mission = grid["mission"]
    response = logged.post(
        grid["url"], {_cell(mission, 3): "douze"}, headers={"HX-Request": "true"}
    )
    text = _text(response)
    assert "role=\"alert\">Heures : « douze » n'est pas un nombre d'heures.</p>" in text
    assert 'aria-invalid="true"' in text
    assert "total-annee" not in text
    assert (
        HoursDeclaration.objects.get(mission=mission, month=datetime.date(2025, 3, 1)).hours == 120
    )


def test_grid_ignores_missions_of_another_contract(logged, grid, organisation):
    other = tracked_contract(organisation)["mission"]
    logged.post(grid["url"], {f"h-{other.pk}-2025-05": "10"})
    assert not HoursDeclaration.objects.filter(
        mission=other, month=datetime.date(2025, 5, 1)
    ).exists()


def test_with_many_contracts_the_grid_s_contract_is_searched_not_listed(
    client, grid, organisation, monkeypatch
):
    """A national reader follows thousands of contracts: no select of them all (3 s and
    megabytes of options at the national scale), a search by reference or object instead."""
    monkeypatch.setattr(views, "GRID_CHOICES_LIMIT", 1)
    other = tracked_contract(organisation)["contract"]
    client.force_login(MembershipFactory(national_admin=True).user)
    url = reverse("insertion:hours_grid")
    page = _text(client.get(url))
    assert 'name="marche"' not in page and 'name="recherche"' in page
    assert "ouvrez-le depuis" in page
    contract = grid["contract"]
    found = client.get(url, {"recherche": contract.reference.lower()})
    assert found.context["found"] == [contract]
    assert f'href="{url}?marche={contract.pk}"' in _text(found)
    assert client.get(url, {"recherche": "introuvable"}).context["found"] == []
    # The contract chosen: carried hidden by the lot, company and year form.
    page = client.get(grid["url"])
    text = _text(page)
    assert f'<input type="hidden" name="marche" value="{contract.pk}"' in text
    assert other.reference not in text
    assert page.context["rows"]


def test_grid_is_read_only_and_anonymous_for_a_national_admin(client, grid):
    client.force_login(MembershipFactory(national_admin=True).user)
    response = client.get(grid["url"])
    assert response.status_code == 200
    text = _text(response)
    table = text.split("<table>")[1].split("</table>")[0]
    assert "<input" not in table
    assert '<div id="cellule-' in table and "120" in table
    assert grid["participant"].identifier not in text
    assert grid["participant"].last_name.upper() not in text
    assert f"Mission n° {grid['mission'].pk}" in text
    assert "Consultation seule" in text
    response = client.post(grid["url"], {_cell(grid["mission"], 5): "10"})
    assert response.status_code == 404


def test_grid_for_a_reader_or_a_company_is_404(client, grid):
    for membership in ({"reader": True}, {"company": True}):
        client.force_login(MembershipFactory(**membership).user)
        assert client.get(grid["url"]).status_code == 404


def test_grid_lot_company_and_year_selection(logged, grid, organisation):
    lot_b = LotFactory(contract=grid["contract"], number="9")
    ClauseFactory(lot=lot_b)
    other = MissionFactory(
        participant=ParticipantFactory(organisation=organisation),
        lot=lot_b,
        company=CompanyFactory(organisation=organisation),
        start_date=datetime.date(2024, 11, 1),
        end_date=datetime.date(2025, 1, 31),
    )
    response = logged.get(grid["url"])
    assert [row["mission"] for row in response.context["rows"]] == sorted(
        [grid["mission"], other], key=lambda m: m.participant.identifier
    )
    response = logged.get(grid["url"], {"lot": lot_b.pk})
    assert [row["mission"] for row in response.context["rows"]] == [other]
    response = logged.get(grid["url"], {"entreprise": grid["company"].pk})
    assert [row["mission"] for row in response.context["rows"]] == [grid["mission"]]
    response = logged.get(grid["url"], {"annee": 2024})
    assert [row["mission"] for row in response.context["rows"]] == [other]
    assert response.context["next_year"] == 2025 and response.context["previous_year"] is None
    # A lot of another contract (left over from a previous choice) is ignored.
    response = logged.get(grid["url"], {"lot": LotFactory().pk})
    assert len(response.context["rows"]) == 2


def test_grid_without_contract_asks_to_choose(logged, organisation):
    tracked_contract(organisation)
    tracked_contract(organisation)
    response = logged.get(reverse("insertion:hours_grid"))
    assert "Choisissez un marché" in _text(response)
    assert response.context["contract"] is None


def test_grid_without_contract_lists_the_hours_of_last_month_to_enter(logged, organisation):
    # Today is 20 May 2025: April's hours are due. Both missions run in April; the first
    # contract's have their April hours, the second's not yet.
    entered = tracked_contract(organisation)
    missing = tracked_contract(organisation)
    HoursDeclaration.objects.filter(
        mission=missing["mission"], month=datetime.date(2025, 4, 1)
    ).delete()
    response = logged.get(reverse("insertion:hours_grid"))
    rows = [(row.contract, row.missions, row.entered) for row in response.context["entries"]]
    assert rows == [(missing["contract"], 1, 0), (entered["contract"], 1, 1)]
    text = " ".join(_text(response).split())
    assert "Heures d'avril 2025" in text
    assert "1 sans heures" in text and "Complet" in text
    grid_url = (
        f"{reverse('insertion:hours_grid')}?marche={missing['contract'].pk}&annee=2025&mois=4"
    )
    assert f'href="{grid_url.replace("&", "&amp;")}"' in response.content.decode()
    # That link opens the contract's grid with the cursor in April's first empty cell.
    grid = logged.get(grid_url)
    focused = [c["name"] for r in grid.context["rows"] for c in r["cells"] if c["autofocus"]]
    assert focused == [_cell(missing["mission"], 4)]
    assert 'value="" autofocus' in " ".join(_text(grid).split())


def test_grid_to_do_list_is_for_those_who_enter_hours(client, organisation):
    tracked_contract(organisation)
    tracked_contract(organisation)
    client.force_login(MembershipFactory(national_admin=True).user)
    response = client.get(reverse("insertion:hours_grid"))
    assert response.context["entries"] is None
    assert "heures-a-saisir" not in _text(response)


def test_grid_with_no_contract_explains_what_to_do(logged):
    assert "Aucun marché avec une clause sociale" in _text(
        logged.get(reverse("insertion:hours_grid"))
    )


def test_grid_queries_stay_flat(logged, grid, organisation, django_assert_max_num_queries):
    for size in (1, 10):
        for _ in range(size):
            mission = MissionFactory(
                participant=ParticipantFactory(organisation=organisation),
                lot=grid["lot"],
                company=grid["company"],
            )
            HoursDeclarationFactory(mission=mission, month=datetime.date(2025, 4, 1))
        with django_assert_max_num_queries(15):
            assert logged.get(grid["url"]).status_code == 200
        with django_assert_max_num_queries(16):
            logged.post(grid["url"], {_cell(mission, 5): "7"}, headers={"HX-Request": "true"})


def test_declare_hours_keeps_the_last_value_of_a_repeated_month(facilitator, grid):
    from clauses.insertion import services

    mission, may = grid["mission"], datetime.date(2025, 5, 1)
    changed = services.declare_hours(
        actor=facilitator.user, entries=[(mission, may, "10"), (mission, may, "12")]
    )
    assert changed == 1
    assert HoursDeclaration.objects.get(mission=mission, month=may).hours == 12


# --- Hours of one month, every contract -----------------------------------------------------


@pytest.fixture
def month_world(organisation):
    """Two contracts of the organisation, each with a mission running in April 2025 (the
    month due on 20 May 2025): the first with its April hours, the second without; and a
    mission of another organisation."""
    first = tracked_contract(organisation)  # hours Feb-Apr 2025
    second = tracked_contract(organisation)
    HoursDeclaration.objects.filter(
        mission=second["mission"], month=datetime.date(2025, 4, 1)
    ).delete()
    tracked_contract(OrganisationFactory())
    return {"first": first, "second": second, "url": reverse("insertion:hours_month")}


def _april(mission):
    return f"h-{mission.pk}-2025-04"


def test_month_page_lists_every_contract_s_missions_of_last_month(logged, month_world):
    response = logged.get(month_world["url"])
    missions = [row["mission"] for row in response.context["rows"]]
    first, second = month_world["first"]["mission"], month_world["second"]["mission"]
    assert sorted(missions, key=lambda m: m.pk) == [first, second]
    cells = {row["mission"]: row["cell"] for row in response.context["rows"]}
    assert cells[first]["value"] == "120" and cells[second]["value"] == ""
    # March's hours are shown beside April's, the cursor waits in the first empty cell.
    assert {row["mission"]: row["previous"] for row in response.context["rows"]} == {
        first: "120",
        second: "120",
    }
    assert cells[second]["autofocus"] and not cells[first]["autofocus"]
    text = " ".join(_text(response).split())
    assert "Heures d'avril 2025" in text
    assert '<span id="total-2025-04">120</span>' in text


def test_month_page_filters_by_company_and_missions_without_hours(logged, month_world):
    second = month_world["second"]
    response = logged.get(month_world["url"], {"sans_heures": "on"})
    assert [row["mission"] for row in response.context["rows"]] == [second["mission"]]
    response = logged.get(
        month_world["url"], {"sans_heures": "on", "entreprise": month_world["first"]["company"].pk}
    )
    assert response.context["rows"] == []
    assert "Toutes les missions de cette sélection ont leurs heures d'avril 2025." in _text(
        response
    )
    response = logged.get(month_world["url"], {"entreprise": second["company"].pk})
    assert [row["mission"] for row in response.context["rows"]] == [second["mission"]]
    response = logged.get(month_world["url"], {"mois": "2025-01-01"})  # before both missions
    assert response.context["rows"] == []
    assert "Aucune mission en cours en janvier 2025" in _text(response)
    # A company kept from another month, without mission in this one: every company.
    response = logged.get(
        month_world["url"], {"mois": "2025-01-01", "entreprise": second["company"].pk}
    )
    assert response.context["rows"] == [] and not response.context["form"].errors


def test_month_page_refuses_a_month_it_does_not_offer(logged, month_world):
    response = logged.get(month_world["url"], {"mois": "2019-04-01"})
    assert response.context["rows"] is None
    assert "Corrigez la sélection" in _text(response)


def test_month_cell_saved_with_htmx_updates_the_month_total(logged, month_world):
    mission = month_world["second"]["mission"]
    response = logged.post(
        month_world["url"], {_april(mission): "35,5"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert HoursDeclaration.objects.get(mission=mission, month=datetime.date(2025, 4, 1)).hours == (
        Decimal("35.5")
    )
    text = _text(response)
    assert '<span id="total-2025-04" hx-swap-oob="true">155,5</span>' in text
    assert "total-annee" not in text  # a page of one month has no year total
    assert "enregistrées" in text
    # Shown among the missions without hours, the cell stays editable once saved, and the
    # month's total counts every mission of the selection.
    url = f"{month_world['url']}?sans_heures=on"
    response = logged.post(url, {_april(mission): "36"}, headers={"HX-Request": "true"})
    assert '<span id="total-2025-04" hx-swap-oob="true">156</span>' in _text(response)
    assert HoursDeclaration.objects.get(mission=mission, month=datetime.date(2025, 4, 1)).hours == (
        Decimal(36)
    )


def test_month_invalid_cell_saves_nothing_and_names_the_cell(logged, month_world):
    first, second = month_world["first"]["mission"], month_world["second"]["mission"]
    response = logged.post(month_world["url"], {_april(first): "80", _april(second): "250"})
    assert response.status_code == 200
    errors = response.context["errors"]
    assert [error["id"] for error in errors] == [_april(second)]
    assert "dépasse le plafond plausible de 200 h" in errors[0]["message"]
    april = HoursDeclaration.objects.filter(
        month=datetime.date(2025, 4, 1), mission__in=[first, second]
    )
    assert list(april.values_list("mission", "hours")) == [(first.pk, Decimal(120))]


def test_month_form_without_javascript_saves_every_cell(logged, month_world):
    first, second = month_world["first"]["mission"], month_world["second"]["mission"]
    other = HoursDeclaration.objects.exclude(mission__in=[first, second]).get(
        month=datetime.date(2025, 4, 1)
    )
    response = logged.post(
        month_world["url"],
        {
            _april(first): "",  # emptied: April's declaration goes
            _april(second): "42",
            f"h-{second.pk}-2025-03": "1",  # another month: not on this page, ignored
            _april(other.mission): "3",  # another organisation's mission: ignored
        },
    )
    assert response.status_code == 302
    april = HoursDeclaration.objects.filter(month=datetime.date(2025, 4, 1))
    assert sorted(april.values_list("mission", "hours")) == sorted(
        [(second.pk, Decimal(42)), (other.mission_id, other.hours)]
    )
    assert HoursDeclaration.objects.get(mission=second, month=datetime.date(2025, 3, 1)).hours == (
        Decimal(120)
    )


def test_month_page_queries_stay_flat(
    logged, organisation, month_world, django_assert_max_num_queries
):
    for size in (1, 8):
        for _ in range(size):
            tracked_contract(organisation)
        with django_assert_max_num_queries(12):
            assert logged.get(month_world["url"]).status_code == 200


def test_month_sheet_is_filled_by_the_company_then_imported_back(logged, month_world):
    import io

    from openpyxl import Workbook, load_workbook

    from clauses.core import audit
    from clauses.insertion.transfer.importing import run_import

    first, second = month_world["first"], month_world["second"]
    response = logged.get(
        month_world["url"], {"entreprise": second["company"].pk, "format": "xlsx"}
    )
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="heures-2025-04-' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    participant = second["participant"]
    assert sheet.title == "Heures"
    assert rows[0] == [
        "Identifiant participant",
        "Référence du marché",
        "Numéro de lot",
        "SIRET de l'entreprise",
        "Début de la mission",
        "Mois",
        "Heures",
        "Participant (pour information)",
    ]
    assert len(rows) == 2  # the company's one mission
    assert rows[1][0] == participant.identifier and rows[1][5] == "04/2025"
    assert rows[1][6] is None
    assert rows[1][7] == f"{participant.last_name.upper()} {participant.first_name}"
    logged_entry = AuditEntry.objects.get(action="insertion.month_sheet_exported")
    assert logged_entry.object_repr == f"Relevé d'heures d'avril 2025 — {second['company'].name}"
    assert audit.action_label(logged_entry.action) == "Relevé d'heures du mois téléchargé"

    # The company fills it in; the facilitator imports it as it is.
    sheet.cell(row=2, column=7, value=42)
    filled = Workbook()
    filled.active.title = "Heures"
    for row in sheet.iter_rows(values_only=True):
        filled.active.append(row)
    buffer = io.BytesIO()
    filled.save(buffer)
    report = run_import(
        [("releve.xlsx", buffer.getvalue())],
        organisation=first["contract"].organisation,
        write=True,
    )
    assert report.written, report.summary()
    assert any("Colonnes ignorées" in problem.message for problem in report.warnings)
    april = datetime.date(2025, 4, 1)
    assert HoursDeclaration.objects.get(mission=second["mission"], month=april).hours == 42
    assert HoursDeclaration.objects.get(mission=first["mission"], month=april).hours == 120
