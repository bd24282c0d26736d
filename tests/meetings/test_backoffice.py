"""The organisers' back-office pages: meetings, registrations, decisions, check-in."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clauses.directory.enums import ActorFamily
from clauses.meetings.enums import RegistrationMode, RegistrationStatus
from clauses.meetings.models import Meeting
from tests.factories import MembershipFactory, OrganisationFactory, RegionFactory

from .factories import EditionFactory, MeetingFactory, QuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_membership():
    return MembershipFactory()


@pytest.fixture
def organiser(organiser_membership):
    return organiser_membership.user


@pytest.fixture
def meeting(organiser_membership):
    return MeetingFactory(organiser=organiser_membership.organisation, capacity=10)


@pytest.fixture
def staff_client(client, organiser):
    client.force_login(organiser)
    return client


def _url(name, *args):
    return reverse(f"meetings_admin:{name}", args=args)


# --- Meetings ---------------------------------------------------------------------------


def test_list_shows_the_meetings_in_scope_with_counts(staff_client, meeting):
    RegistrationFactory.create_batch(3, meeting=meeting)
    RegistrationFactory(meeting=meeting, checked_in_at=timezone.now())
    RegistrationFactory(meeting=meeting, status=RegistrationStatus.WAITING)
    RegistrationFactory(meeting=meeting, status=RegistrationStatus.PENDING)
    other = MeetingFactory(title="Rencontre d'ailleurs")
    response = staff_client.get(_url("list"))
    page = response.content.decode()
    assert meeting.title in page
    assert other.title not in page
    counts = response.context["page_obj"][0]
    assert (counts.confirmed_count, counts.waiting_count) == (4, 1)
    assert (counts.pending_count, counts.present_count) == (1, 1)


def test_list_queries_stay_flat(staff_client, organiser_membership, django_assert_max_num_queries):
    for _ in range(5):
        RegistrationFactory(meeting=MeetingFactory(organiser=organiser_membership.organisation))
    with django_assert_max_num_queries(12):
        staff_client.get(_url("list"))


def _form_data(meeting=None, organiser_org=None, **extra):
    starts = timezone.localtime() + datetime.timedelta(days=40)
    data = {
        "edition": EditionFactory().pk,
        "title": "Rencontre des Hauts-de-France",
        "region": RegionFactory().pk,
        "venue_name": "Maison de la clause",
        "venue_address": "1 place de la République",
        "venue_postal_code": "59000",
        "venue_city": "Lille",
        "starts_at": starts.strftime("%Y-%m-%dT09:00"),
        "ends_at": starts.strftime("%Y-%m-%dT17:00"),
        "capacity": "60",
        "registration_opens_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "registration_closes_at": (starts - datetime.timedelta(days=2)).strftime("%Y-%m-%dT18:00"),
        "mode": RegistrationMode.OPEN,
        "target_families": [ActorFamily.FACILITATOR, ActorFamily.SOCIAL_LANDLORD],
        "retention_days": "365",
    }
    if organiser_org is not None:
        data["organiser"] = organiser_org.pk
    data.update(extra)
    return data


def test_create_meeting(staff_client, organiser_membership):
    response = staff_client.post(
        _url("create"), _form_data(organiser_org=organiser_membership.organisation)
    )
    meeting = Meeting.objects.get(title="Rencontre des Hauts-de-France")
    assert response.url == _url("detail", meeting.pk)
    assert meeting.organiser == organiser_membership.organisation
    assert meeting.target_families == [ActorFamily.FACILITATOR, ActorFamily.SOCIAL_LANDLORD]
    assert timezone.localtime(meeting.starts_at).hour == 9
    assert not meeting.is_published


def test_create_meeting_for_another_organisation_is_refused(staff_client):
    response = staff_client.post(_url("create"), _form_data(organiser_org=OrganisationFactory()))
    assert response.status_code == 200
    assert "organiser" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_buyers_cannot_create_meetings(client):
    client.force_login(MembershipFactory(reader=True).user)
    assert client.get(_url("create")).status_code == 404


def test_create_form_renders_target_families_as_checkboxes(staff_client):
    page = staff_client.get(_url("create")).content.decode()
    assert 'type="checkbox" name="target_families"' in page
    assert 'type="datetime-local"' in page


def test_edit_capacity_promotes_the_waiting_list(staff_client, meeting):
    RegistrationFactory.create_batch(10, meeting=meeting)
    waiting = RegistrationFactory(meeting=meeting, status=RegistrationStatus.WAITING)
    data = _form_data(capacity="11", region=meeting.region.pk)
    response = staff_client.post(_url("edit", meeting.pk), data)
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_edit_capacity_below_the_confirmed_shows_the_reason(staff_client, meeting):
    RegistrationFactory.create_batch(3, meeting=meeting)
    response = staff_client.post(_url("edit", meeting.pk), _form_data(capacity="2"))
    assert response.status_code == 200
    assert "ne peut pas descendre" in response.context["form"].errors["capacity"][0]


def test_publish_and_unpublish(staff_client, meeting):
    staff_client.post(_url("publish", meeting.pk), {"published": "0"})
    meeting.refresh_from_db()
    assert not meeting.is_published
    staff_client.post(_url("publish", meeting.pk), {"published": "1"})
    meeting.refresh_from_db()
    assert meeting.is_published


def _management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_programme_slots_are_saved(staff_client, meeting):
    data = _management("programme", 1) | {
        "programme-0-starts_at": "09:30",
        "programme-0-ends_at": "10:30",
        "programme-0-title": "Accueil café",
        "programme-0-speakers": "",
        "programme-0-description": "",
    }
    response = staff_client.post(_url("programme", meeting.pk), data)
    assert response.status_code == 302
    assert [slot.title for slot in meeting.slots.all()] == ["Accueil café"]


def _question_data(index, **values):
    return {f"questions-{index}-{key}": value for key, value in values.items()}


def test_conditional_question_chooses_an_earlier_question_and_its_values(staff_client, meeting):
    parent = QuestionFactory(meeting=meeting, label="Déjeuner ?", kind="oui_non", position=1)
    data = (
        _management("questions", 2, initial=1)
        | _question_data(0, id=parent.pk, position=1, label=parent.label, kind="oui_non")
        | _question_data(
            1,
            position=2,
            label="Régime alimentaire",
            kind="choix",
            choices_text="Sans\nVégétarien\nSans gluten",
            depends_on=parent.pk,
            depends_on_values_text="Oui",
        )
    )
    response = staff_client.post(_url("questions", meeting.pk), data)
    assert response.status_code == 302
    question = meeting.questions.get(label="Régime alimentaire")
    assert question.depends_on == parent
    assert question.depends_on_values == ["Oui"]
    assert question.choices == ["Sans", "Végétarien", "Sans gluten"]


def test_conditional_question_rejects_values_the_earlier_question_cannot_take(
    staff_client, meeting
):
    parent = QuestionFactory(meeting=meeting, label="Déjeuner ?", kind="oui_non", position=1)
    data = (
        _management("questions", 2, initial=1)
        | _question_data(0, id=parent.pk, position=1, label=parent.label, kind="oui_non")
        | _question_data(
            1,
            position=2,
            label="Régime",
            kind="texte",
            depends_on=parent.pk,
            depends_on_values_text="peut-être",
        )
    )
    response = staff_client.post(_url("questions", meeting.pk), data)
    assert response.status_code == 200
    assert "Réponses inconnues" in response.content.decode()
    assert meeting.questions.count() == 1


def test_documents_upload_after_the_meeting(staff_client, organiser_membership):
    meeting = MeetingFactory(organiser=organiser_membership.organisation, past=True)
    upload = SimpleUploadedFile("synthese.pdf", b"%PDF-1.4 synthese", "application/pdf")
    response = staff_client.post(
        _url("documents", meeting.pk), {"title": "Synthèse", "kind": "synthese", "file": upload}
    )
    assert response.status_code == 302
    assert meeting.documents.get().title == "Synthèse"


def test_documents_cannot_be_uploaded_before_the_meeting(staff_client, meeting):
    page = staff_client.get(_url("documents", meeting.pk)).content.decode()
    assert "une fois la rencontre passée" in page


def test_detail_shows_attendance_figures_by_family(staff_client, meeting):
    RegistrationFactory(
        meeting=meeting, actor_family=ActorFamily.SIAE, checked_in_at=timezone.now()
    )
    RegistrationFactory(meeting=meeting, actor_family=ActorFamily.SIAE)
    response = staff_client.get(_url("detail", meeting.pk))
    figures = response.context["figures"]
    assert (figures.confirmed, figures.present, figures.absent) == (2, 1, 1)
    assert "activité économique (SIAE)" in response.content.decode()


# --- Registrations ------------------------------------------------------------------------


def test_registrations_filter_by_status(staff_client, meeting):
    RegistrationFactory(meeting=meeting, last_name="Confirmée")
    RegistrationFactory(meeting=meeting, last_name="Attente", status=RegistrationStatus.WAITING)
    response = staff_client.get(_url("registrations", meeting.pk), {"status": "attente"})
    assert [row["registration"].last_name for row in response.context["rows"]] == ["Attente"]


def test_registrations_filter_by_family_and_region(staff_client, meeting):
    occitanie = RegionFactory(code="76", name="Occitanie")
    RegistrationFactory(meeting=meeting, last_name="Bon", actor_family="siae", region=occitanie)
    RegistrationFactory(meeting=meeting, last_name="Autre région", actor_family="siae")
    RegistrationFactory(meeting=meeting, last_name="Autre famille", region=occitanie)
    response = staff_client.get(
        _url("registrations", meeting.pk), {"family": "siae", "region": "76"}
    )
    assert [row["registration"].last_name for row in response.context["rows"]] == ["Bon"]


def test_registrations_filter_by_presence(staff_client, meeting):
    RegistrationFactory(meeting=meeting, last_name="Venue", checked_in_at=timezone.now())
    RegistrationFactory(meeting=meeting, last_name="Absente")
    RegistrationFactory(meeting=meeting, last_name="Attente", status=RegistrationStatus.WAITING)
    url = _url("registrations", meeting.pk)
    present = staff_client.get(url, {"presence": "present"}).context["rows"]
    absent = staff_client.get(url, {"presence": "absent"}).context["rows"]
    assert [row["registration"].last_name for row in present] == ["Venue"]
    assert [row["registration"].last_name for row in absent] == ["Absente"]


def test_registrations_search_by_name_email_or_organisation(staff_client, meeting):
    RegistrationFactory(meeting=meeting, last_name="Dupont", organisation_name="PLIE Nord")
    RegistrationFactory(meeting=meeting, last_name="Martin", email="k.martin@bailleur.fr")
    url = _url("registrations", meeting.pk)
    for query, expected in [("plie nord", "Dupont"), ("bailleur", "Martin"), ("dupont", "Dupont")]:
        rows = staff_client.get(url, {"q": query}).context["rows"]
        assert [row["registration"].last_name for row in rows] == [expected], query


def test_registrations_are_paginated_with_the_filters_kept(staff_client, meeting):
    RegistrationFactory.create_batch(55, meeting=meeting)
    response = staff_client.get(_url("registrations", meeting.pk), {"status": "confirmee"})
    assert len(response.context["rows"]) == 50
    assert "?status=confirmee&page=2" in response.content.decode()


def test_registrations_queries_stay_flat(staff_client, meeting, django_assert_max_num_queries):
    RegistrationFactory.create_batch(40, meeting=meeting, region=RegionFactory())
    with django_assert_max_num_queries(14):
        staff_client.get(_url("registrations", meeting.pk))


def test_duplicates_are_grouped_with_a_badge(staff_client, meeting):
    RegistrationFactory(meeting=meeting, first_name="Élodie", last_name="Martin", email="e@a.fr")
    RegistrationFactory(meeting=meeting, first_name="elodie", last_name="MARTIN", email="e@b.fr")
    RegistrationFactory(meeting=meeting, first_name="Jean", last_name="Dupont")
    response = staff_client.get(_url("registrations", meeting.pk))
    groups = {
        row["registration"].first_name: row["duplicate_group"] for row in response.context["rows"]
    }
    assert groups == {"Élodie": 1, "elodie": 1, "Jean": None}
    assert "Doublon possible n° 1" in response.content.decode()


def test_approve_a_pending_registration(staff_client, meeting):
    registration = RegistrationFactory(meeting=meeting, status=RegistrationStatus.PENDING)
    response = staff_client.post(_url("approve", meeting.pk, registration.pk))
    assert response.url == _url("registrations", meeting.pk)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_approve_redirects_only_to_this_site(staff_client, meeting):
    registration = RegistrationFactory(meeting=meeting, status=RegistrationStatus.PENDING)
    response = staff_client.post(
        _url("approve", meeting.pk, registration.pk), {"next": "https://evil.example/"}
    )
    assert response.url == _url("registrations", meeting.pk)


def test_refuse_with_a_reason_sends_it(
    staff_client, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(meeting=meeting, status=RegistrationStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            _url("refuse", meeting.pk, registration.pk), {"reason": "Réservé aux bailleurs"}
        )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REFUSED
    assert any("Réservé aux bailleurs" in message.body for message in mailoutbox)


def test_cancel_on_behalf_promotes_the_waiting_list(staff_client, meeting):
    meeting.capacity = 1
    meeting.save()
    confirmed = RegistrationFactory(meeting=meeting)
    waiting = RegistrationFactory(meeting=meeting, status=RegistrationStatus.WAITING)
    response = staff_client.post(_url("cancel", meeting.pk, confirmed.pk))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_registration_of_another_meeting_answers_404(staff_client, meeting):
    other = RegistrationFactory(status=RegistrationStatus.PENDING)
    response = staff_client.post(_url("approve", meeting.pk, other.pk))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == RegistrationStatus.PENDING


def test_coordinator_of_another_region_gets_404(client, meeting):
    occitanie = RegionFactory(code="76", name="Occitanie")
    coordination = OrganisationFactory(departement=None, region=occitanie)
    client.force_login(MembershipFactory(organisation=coordination, coordinator=True).user)
    assert client.get(_url("registrations", meeting.pk)).status_code == 404


def test_coordinator_of_the_region_manages_the_meeting(client, meeting):
    coordination = OrganisationFactory(departement=None, region=meeting.region)
    client.force_login(MembershipFactory(organisation=coordination, coordinator=True).user)
    assert client.get(_url("registrations", meeting.pk)).status_code == 200


# --- Check-in -----------------------------------------------------------------------------


def test_check_in_search_answers_htmx_with_the_results_only(staff_client, meeting):
    RegistrationFactory(meeting=meeting, last_name="Lefèvre")
    RegistrationFactory(meeting=meeting, last_name="Durand")
    response = staff_client.get(
        _url("check_in", meeting.pk), {"q": "lef"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "LEFÈVRE" in page
    assert "DURAND" not in page
    assert "<html" not in page


def test_check_in_lists_only_confirmed_people(staff_client, meeting):
    RegistrationFactory(meeting=meeting, last_name="Confirmée")
    RegistrationFactory(meeting=meeting, last_name="Attente", status=RegistrationStatus.WAITING)
    page = staff_client.get(_url("check_in", meeting.pk)).content.decode()
    assert "CONFIRMÉE" in page
    assert "ATTENTE" not in page


def test_mark_present_with_htmx_returns_the_row_and_the_counts(staff_client, meeting):
    registration = RegistrationFactory(meeting=meeting)
    response = staff_client.post(
        _url("check_in_mark", meeting.pk, registration.pk),
        {"action": "present"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert f'id="pointage-{registration.pk}"' in page
    assert 'hx-swap-oob="true"' in page
    assert "<strong>1</strong> présent sur 1" in page


def test_mark_present_without_javascript_redirects_to_the_search(staff_client, meeting):
    registration = RegistrationFactory(meeting=meeting)
    next_url = _url("check_in", meeting.pk) + "?q=dup"
    response = staff_client.post(
        _url("check_in_mark", meeting.pk, registration.pk),
        {"action": "present", "next": next_url},
    )
    assert response.url == next_url


def test_undo_check_in(staff_client, meeting):
    registration = RegistrationFactory(meeting=meeting, checked_in_at=timezone.now())
    staff_client.post(_url("check_in_mark", meeting.pk, registration.pk), {"action": "undo"})
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_qr_code_page_shows_the_person_and_checks_in(staff_client, meeting):
    registration = RegistrationFactory(meeting=meeting, first_name="Anaïs", last_name="Ngô")
    url = _url("check_in_registration", meeting.pk, registration.token)
    page = staff_client.get(url).content.decode()
    assert "Anaïs Ngô" in page
    assert "Marquer présent·e" in page
    staff_client.post(url)
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_qr_code_page_sends_anonymous_visitors_to_the_login(client, meeting):
    registration = RegistrationFactory(meeting=meeting)
    response = client.get(_url("check_in_registration", meeting.pk, registration.token))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_qr_code_page_of_a_token_from_another_meeting_answers_404(staff_client, meeting):
    other = RegistrationFactory()
    response = staff_client.get(_url("check_in_registration", meeting.pk, other.token))
    assert response.status_code == 404


def test_qr_code_encodes_the_check_in_page():
    from clauses.meetings.emails import check_in_url

    registration = RegistrationFactory()
    assert check_in_url(registration).endswith(
        _url("check_in_registration", registration.meeting_id, registration.token)
    )


def test_search_ignores_accents_and_case(staff_client, meeting):
    RegistrationFactory(meeting=meeting, first_name="Jérôme", last_name="Éluard")
    RegistrationFactory(meeting=meeting, last_name="Durand")
    for name in ("check_in", "registrations"):
        page = staff_client.get(_url(name, meeting.pk), {"q": "jerome ELUARD"})
        assert "Éluard".upper() in page.content.decode().upper()
        assert "DURAND" not in page.content.decode().upper()
