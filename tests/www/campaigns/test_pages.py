"""The yearly campaign's workspace pages (/espace/campagnes/) on the hand-built dataset of
tests/observatory/conftest.py: who reads what (404 for the others), opening a year, a
structure's year submitted, sent back, validated by the region then the country,
corrected, and the year published; the board's rows and anomalies."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from clauses.observatory import campaigns
from clauses.observatory.enums import SubmissionStatus
from clauses.observatory.models import Campaign, Submission, SubmissionEvent
from tests.factories import MembershipFactory
from tests.observatory.conftest import known  # noqa: F401

pytestmark = pytest.mark.django_db
YEAR = 2025
INDEX = reverse("campaigns:index")
BOARD = reverse("campaigns:board", kwargs={"year": YEAR})


def page_of(organisation, year=YEAR):
    return reverse("campaigns:submission", kwargs={"year": year, "organisation": organisation.pk})


def open_year(year=YEAR, **dates):
    values = {**campaigns.default_dates(year), "correction_until": datetime.date(2100, 1, 1)}
    return campaigns.open_campaign(actor="test", year=year, **{**values, **dates})


def as_user(client, **membership):
    user = MembershipFactory(**membership).user
    client.force_login(user)
    return user


def flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def post(client, organisation, action, **fields):
    data = {"action": action, **{f"{action}-{name}": value for name, value in fields.items()}}
    return client.post(page_of(organisation), data, follow=True)


@pytest.fixture
def people(known):  # noqa: F811
    return {
        "facilitator": MembershipFactory(organisation=known.org_a).user,
        "coordinator": MembershipFactory(organisation=known.org_a, coordinator=True).user,
        "national": MembershipFactory(national_admin=True).user,
    }


def status_of(organisation):
    return campaigns.working_version(Campaign.objects.get(year=YEAR), organisation).status


# Who reads what ---------------------------------------------------------------------------


def test_a_facilitator_reads_its_structure_only(client, known):  # noqa: F811
    open_year()
    as_user(client, organisation=known.org_a)
    assert client.get(INDEX).status_code == 200
    response = client.get(page_of(known.org_a))
    assert response.status_code == 200
    assert "Non déposée" in response.content.decode()
    assert client.get(page_of(known.org_b)).status_code == 404
    assert client.get(BOARD).status_code == 404
    assert client.get(page_of(known.org_a, 2024)).status_code == 404  # no such campaign


def test_a_regional_coordinator_reads_its_region(client, known):  # noqa: F811
    open_year()
    as_user(client, organisation=known.org_a, coordinator=True)
    rows = client.get(BOARD).context["rows"]
    assert [row["organisation"] for row in rows] == [known.org_a, known.org_b]
    assert client.get(page_of(known.org_b)).status_code == 200
    assert client.get(page_of(known.org_c)).status_code == 404


def test_a_departmental_coordinator_reads_its_departement(client, known):  # noqa: F811
    open_year()
    user = MembershipFactory(organisation=known.org_b, role="coordinateur").user
    membership = user.memberships.get()
    membership.scope_departement = known.d94
    membership.save()
    client.force_login(user)
    rows = client.get(BOARD).context["rows"]
    assert [row["organisation"] for row in rows] == [known.org_b]
    assert client.get(page_of(known.org_a)).status_code == 404


def test_the_national_administrator_reads_every_structure(client, known, people):  # noqa: F811
    open_year()
    client.force_login(people["national"])
    rows = client.get(BOARD).context["rows"]
    assert [row["organisation"] for row in rows] == [known.org_a, known.org_b, known.org_c]
    assert client.get(page_of(known.org_c)).status_code == 200


def test_others_get_404(client, known):  # noqa: F811
    open_year()
    as_user(client, reader=True)
    for url in (INDEX, BOARD, page_of(known.org_a)):
        assert client.get(url).status_code == 404
    as_user(client, company=True)
    assert client.get(page_of(known.org_a)).status_code == 404


# Opening a year ---------------------------------------------------------------------------


def test_the_national_administrator_opens_a_year(client, known, people):  # noqa: F811
    client.force_login(people["national"])
    assert "Ouvrir une année" in client.get(INDEX).content.decode()
    response = client.post(
        INDEX,
        {
            "year": "2025",
            "submission_deadline": "2026-03-31",
            "review_deadline": "2026-04-30",
            "correction_until": "2026-06-30",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == BOARD
    assert flashed(response) == [
        "La campagne 2025 est ouverte : les structures peuvent déposer leur année."
    ]
    campaign = Campaign.objects.get(year=YEAR)
    assert campaign.opened_by == people["national"]
    assert len(response.context["rows"]) == 3


def test_dates_out_of_order_and_a_year_opened_twice_are_shown(client, known, people):  # noqa: F811
    client.force_login(people["national"])
    data = {
        "year": "2025",
        "submission_deadline": "2026-03-31",
        "review_deadline": "2026-01-01",
        "correction_until": "2026-06-30",
    }
    response = client.post(INDEX, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Les dates doivent se suivre : dépôt, puis validation, puis fin des corrections."
    ]
    assert "Les dates doivent se suivre" in response.content.decode()
    assert not Campaign.objects.exists()
    open_year()
    response = client.post(INDEX, {**data, "review_deadline": "2026-04-30"})
    assert response.context["form"].errors["year"] == ["La campagne 2025 est déjà ouverte."]
    response = client.post(INDEX, {**data, "year": "", "correction_until": "demain"})
    errors = response.context["form"].errors
    assert errors["year"] == ["Ce champ est obligatoire."]
    assert errors["correction_until"] == ["Saisissez une date valide."]


def test_only_the_national_administrator_opens_a_year(client, known, people):  # noqa: F811
    client.force_login(people["coordinator"])
    assert client.get(INDEX).context["form"] is None
    response = client.post(INDEX, {"year": "2025"})
    assert response.status_code == 404
    assert not Campaign.objects.exists()


# A structure's year -----------------------------------------------------------------------


def test_a_facilitator_submits_its_year_from_tracking(client, known, people):  # noqa: F811
    open_year()
    client.force_login(people["facilitator"])
    response = client.get(page_of(known.org_a))
    cards = {card.code: card.value for card in response.context["cards"]}
    assert cards["hours"] == "300"
    assert "Déposer l'année 2025" in response.content.decode()
    response = post(client, known.org_a, "deposer", comment="Année complète")
    assert response.redirect_chain == [(page_of(known.org_a), 302)]
    assert flashed(response) == ["L'année 2025 de PLIE A est déposée."]
    submission = campaigns.working_version(Campaign.objects.get(year=YEAR), known.org_a)
    assert (submission.status, submission.hours, submission.comment) == (
        SubmissionStatus.SUBMITTED,
        Decimal(300),
        "Année complète",
    )
    response = client.get(page_of(known.org_a))
    assert dict(response.context["totals"])["Heures d'insertion"] == "300"
    content = response.content.decode()
    assert "Déposer l'année" not in content
    assert "Valider la déclaration" not in content
    # A facilitator may not review, nor submit another structure's year.
    assert post(client, known.org_a, "valider", message="").status_code == 404
    assert post(client, known.org_b, "deposer").status_code == 404


def test_a_pasted_control_character_or_a_very_long_comment_is_refused(
    client,
    known,  # noqa: F811
    people,
):
    open_year()
    client.force_login(people["facilitator"])
    response = post(client, known.org_a, "deposer", comment="Année\x07 complète")
    assert response.context["forms"]["deposer"].errors["comment"] == [
        "Le texte contient un caractère de contrôle invisible (code 7, position 6) : retirez-le."
    ]
    response = post(client, known.org_a, "deposer", comment="é" * 2001)
    errors = response.context["forms"]["deposer"].errors["comment"]
    assert len(errors) == 1 and "2000" in errors[0]
    # Nothing was submitted; line breaks and tabs are text.
    assert not Campaign.objects.get(year=YEAR).submissions.exists()
    post(client, known.org_a, "deposer", comment="Année complète.\n\tMerci.")
    assert status_of(known.org_a) == SubmissionStatus.SUBMITTED


def test_asking_for_a_fix_needs_a_message(client, known, people):  # noqa: F811
    campaign = open_year()
    (submission,) = campaigns.submit_from_tracking(
        actor=people["facilitator"], campaign=campaign, organisations=[known.org_a]
    )
    client.force_login(people["coordinator"])
    response = post(client, known.org_a, "demander_correction", message="   ")
    assert response.status_code == 200
    assert response.context["forms"]["demander_correction"].errors["message"] == [
        "Dites à la structure ce qu'elle doit corriger (message)."
    ]
    assert "Dites à la structure ce qu&#x27;elle doit corriger" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert SubmissionEvent.objects.filter(submission=submission).count() == 1


def test_a_year_sent_back_resubmitted_then_validated_by_the_region_and_the_country(
    client,
    known,  # noqa: F811
    people,
):
    campaign = open_year()
    campaigns.submit_from_tracking(
        actor=people["facilitator"], campaign=campaign, organisations=[known.org_a]
    )
    client.force_login(people["coordinator"])
    response = post(client, known.org_a, "demander_correction", message="Heures de mars ?")
    assert flashed(response) == ["La structure est invitée à corriger sa déclaration."]
    assert status_of(known.org_a) == SubmissionStatus.TO_FIX

    client.force_login(people["facilitator"])
    response = client.get(page_of(known.org_a))
    assert response.context["to_fix"] == "Heures de mars ?"
    assert "cards" in response.context  # live figures again, to fix
    post(client, known.org_a, "deposer")
    assert status_of(known.org_a) == SubmissionStatus.SUBMITTED

    client.force_login(people["coordinator"])
    response = post(client, known.org_a, "valider", message="Vu")
    assert flashed(response) == ["Déclaration « validée par la région »."]
    assert status_of(known.org_a) == SubmissionStatus.REGIONAL_OK
    allowed = client.get(page_of(known.org_a)).context["allowed"]
    assert allowed == {"demander_correction"}  # the country validates now
    response = post(client, known.org_a, "valider")
    assert response.context["error"] == "La déclaration est déjà validée par la région."

    client.force_login(people["national"])
    response = post(client, known.org_a, "valider", message="Merci")
    assert flashed(response) == ["Déclaration « validée »."]
    assert status_of(known.org_a) == SubmissionStatus.VALIDATED
    history = client.get(page_of(known.org_a)).context["events"]
    assert [(e.status, e.message) for e in history] == [
        (SubmissionStatus.SUBMITTED, ""),
        (SubmissionStatus.TO_FIX, "Heures de mars ?"),
        (SubmissionStatus.SUBMITTED, ""),
        (SubmissionStatus.REGIONAL_OK, "Vu"),
        (SubmissionStatus.VALIDATED, "Merci"),
    ]


def test_a_validated_year_is_corrected_by_a_new_version(client, known, people):  # noqa: F811
    campaign = open_year()
    (submission,) = campaigns.submit_from_tracking(
        actor=people["facilitator"], campaign=campaign, organisations=[known.org_a]
    )
    campaigns.validate(actor=people["national"], submission=submission)
    client.force_login(people["facilitator"])
    assert client.get(page_of(known.org_a)).context["allowed"] == {"corriger"}
    response = post(client, known.org_a, "corriger", revision_note="")
    assert response.context["forms"]["corriger"].errors["revision_note"] == [
        "Expliquez la correction (note de révision)."
    ]
    assert Submission.objects.count() == 1
    response = post(client, known.org_a, "corriger", revision_note="Heures de février oubliées")
    assert flashed(response) == [
        "La version 2 est ouverte : mettez à jour vos données de suivi, puis déposez-la."
    ]
    version = campaigns.working_version(campaign, known.org_a)
    assert (version.version, version.status) == (2, SubmissionStatus.DRAFT)
    response = client.get(page_of(known.org_a))
    assert response.context["allowed"] == {"deposer"}
    assert "Heures de février oubliées" in response.content.decode()


def test_a_correction_after_the_window_is_refused_on_the_page(client, known, people):  # noqa: F811
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    campaign = open_year(
        submission_deadline=yesterday, review_deadline=yesterday, correction_until=yesterday
    )
    (submission,) = campaigns.submit_from_tracking(
        actor=people["facilitator"], campaign=campaign, organisations=[known.org_a]
    )
    campaigns.validate(actor=people["national"], submission=submission)
    client.force_login(people["facilitator"])
    response = post(client, known.org_a, "corriger", revision_note="Oubli")
    assert response.status_code == 200
    assert "fenêtre de correction de la campagne 2025 est close" in response.context["error"]
    assert Submission.objects.count() == 1


# The board and publication ----------------------------------------------------------------


def test_the_national_administrator_publishes_the_year(client, known, people):  # noqa: F811
    campaign = open_year()
    (submission,) = campaigns.submit_from_tracking(
        actor=people["facilitator"], campaign=campaign, organisations=[known.org_a]
    )
    client.force_login(people["national"])
    response = client.get(BOARD)
    assert response.context["can_publish"] is False
    assert "Publier l'année" not in response.content.decode()
    campaigns.validate(actor=people["national"], submission=submission)
    assert "Publier l'année 2025" in client.get(BOARD).content.decode()
    response = client.post(BOARD, follow=True)
    assert flashed(response) == [
        "L'année 2025 est publiée : ses chiffres sont ceux des déclarations validées."
    ]
    campaign.refresh_from_db()
    assert campaign.published_at is not None
    assert "Année publiée le" in response.content.decode()
    client.force_login(people["coordinator"])
    assert client.post(BOARD).status_code == 404


def test_the_board_rows_counts_and_anomalies(client, known, people):  # noqa: F811
    previous = open_year(2024)
    Submission.objects.create(
        campaign=previous,
        organisation=known.org_a,
        status=SubmissionStatus.VALIDATED,
        hours=Decimal(100),
        participants=1,
    )
    Submission.objects.create(
        campaign=previous,
        organisation=known.org_b,
        status=SubmissionStatus.VALIDATED,
        hours=Decimal(30),
        participants=1,
    )
    previous.published_at = timezone.now()
    previous.save()
    campaign = open_year()
    campaigns.submit_from_tracking(
        actor=people["facilitator"], campaign=campaign, organisations=[known.org_a]
    )
    Submission.objects.create(
        campaign=campaign,
        organisation=known.org_b,
        status=SubmissionStatus.SUBMITTED,
        hours=Decimal(35),
        participants=0,
        submitted_at=timezone.now(),
    )
    client.force_login(people["national"])
    response = client.get(BOARD)
    rows = {row["organisation"].name: row for row in response.context["rows"]}
    a, b, c = rows["PLIE A"], rows["PLIE B"], rows["PLIE C"]
    assert (a["status"], a["hours_text"], a["participants"], a["contracts"]) == (
        "Déposée",
        "300",
        "2",
        "1",
    )
    assert (a["previous_text"], a["change"]) == ("100", "+200\xa0%")
    assert [x.code for x in a["anomalies"]] == ["change"]
    assert [x.code for x in b["anomalies"]] == ["hours_without_participants"]
    assert (c["status"], c["hours_text"], c["anomalies"]) == ("Non déposée", "—", [])
    summary = response.context["summary"]
    assert dict(summary["counts"]) == {
        "Non déposée": 1,
        "Brouillon": 0,
        "Déposée": 2,
        "À corriger": 0,
        "Validée par la région": 0,
        "Validée": 0,
    }
    assert (summary["done"], summary["expected"], summary["anomalies"]) == (2, 3, 2)
    assert summary["hours"] == "335"
    assert summary["previous_hours"] == "130"
    assert summary["coverage"] == "257,7\xa0%"
    content = response.content.decode()
    assert "Variation de +200" in content
    assert "Des heures sans participant" in content
