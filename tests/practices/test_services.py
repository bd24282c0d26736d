import pytest

from clauses.core.exceptions import DomainError
from clauses.core.models import AuditEntry
from clauses.practices import services
from clauses.practices.enums import PracticeStatus, Public, Theme
from clauses.practices.models import Practice

from .factories import make_response


def _data(people, **overrides):
    data = {
        "title": "Accueillir les femmes sur les chantiers",
        "pitch": "Des visites de chantier réservées aux femmes du quartier.",
        "region": people["idf"],
        "departement": people["ssd"],
        "themes": [Theme.PUBLICS, "inconnu"],
        "publics": [Public.WOMEN],
        "lead_structure": people["structure"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(people):
    return services.create_practice(actor=people["contributor"], data=_data(people))


def test_contributor_creates_a_draft_owned_by_their_organisation(people, draft):
    assert draft.status == PracticeStatus.DRAFT
    assert draft.organisation == people["plie"]
    assert draft.slug == "accueillir-les-femmes-sur-les-chantiers"
    assert draft.themes == [Theme.PUBLICS]  # unknown codes dropped
    assert AuditEntry.objects.filter(action="practices.created").count() == 1


def test_a_buyer_cannot_create_a_sheet(people):
    with pytest.raises(DomainError):
        services.create_practice(actor=people["buyer"], data=_data(people))


def test_same_title_gets_a_distinct_slug(people, draft):
    other = services.create_practice(actor=people["contributor"], data=_data(people))
    assert other.slug == f"{draft.slug}-2"


def test_contributor_submits_but_cannot_publish(people, draft):
    services.submit_for_review(practice=draft, actor=people["contributor"])
    with pytest.raises(DomainError, match="éditeur"):
        services.publish(practice=draft, actor=people["contributor"])
    draft.refresh_from_db()
    assert draft.status == PracticeStatus.IN_REVIEW


def test_coordinator_of_the_region_publishes(people, draft):
    services.submit_for_review(practice=draft, actor=people["contributor"])
    services.publish(practice=draft, actor=people["coordinator"])
    draft.refresh_from_db()
    assert draft.status == PracticeStatus.PUBLISHED
    assert draft.published_at is not None
    assert Practice.objects.published().get() == draft


def test_coordinator_of_another_region_cannot_publish(people):
    practice = services.create_practice(
        actor=people["national"], data=_data(people, region=people["occitanie"], departement=None)
    )
    with pytest.raises(DomainError):
        services.publish(practice=practice, actor=people["coordinator"])


def test_submitting_requires_a_pitch_and_a_theme(people):
    practice = services.create_practice(
        actor=people["contributor"], data=_data(people, pitch="", themes=[])
    )
    with pytest.raises(DomainError, match="le résumé, au moins un thème"):
        services.submit_for_review(practice=practice, actor=people["contributor"])


def test_archived_sheet_cannot_be_edited_until_back_to_draft(people, draft):
    services.publish(practice=draft, actor=people["national"])
    services.archive(practice=draft, actor=people["national"])
    with pytest.raises(DomainError, match="archivée"):
        services.update_practice(practice=draft, actor=people["national"], data={"title": "X"})
    services.back_to_draft(practice=draft, actor=people["national"])
    services.update_practice(practice=draft, actor=people["national"], data={"title": "X"})
    draft.refresh_from_db()
    assert draft.title == "X"


def test_contributor_edit_of_a_published_sheet_sends_it_back_to_review(people, draft):
    services.publish(practice=draft, actor=people["national"])
    services.update_practice(practice=draft, actor=people["contributor"], data={"pitch": "Neuf."})
    draft.refresh_from_db()
    assert draft.status == PracticeStatus.IN_REVIEW


def test_outsider_cannot_edit(people, draft):
    with pytest.raises(DomainError):
        services.update_practice(practice=draft, actor=people["outsider"], data={"title": "X"})


# --- Consent guard ---------------------------------------------------------------------


def test_sheet_from_an_answer_without_consent_can_never_be_published(people):
    response = make_response(consent=False, answers=[("title", "Pratique secrète")])
    practice = services.create_draft_from_response(response=response, actor=people["national"])
    services.update_practice(
        practice=practice, actor=people["national"], data={"pitch": "Résumé", "themes": ["publics"]}
    )
    with pytest.raises(DomainError, match="n'a pas accepté sa publication"):
        services.publish(practice=practice, actor=people["national"])
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.DRAFT


def test_published_queryset_hides_a_sheet_whose_source_refused_even_if_forced(people):
    response = make_response(consent=False)
    practice = services.create_draft_from_response(response=response, actor=people["national"])
    Practice.objects.filter(pk=practice.pk).update(status=PracticeStatus.PUBLISHED)
    assert not Practice.objects.published().exists()


def test_sheet_from_an_answer_with_consent_is_prefilled_and_publishable(people):
    response = make_response(
        consent=True,
        region=people["idf"],
        answers=[
            ("title", "Le job dating des habitants"),
            ("pitch", "Un forum dans le quartier."),
            ("themes", ["publics", "La mobilisation des partenaires"]),
            ("publics", ["residents_qpv"]),
            ("partners", "Mission locale\nOffice HLM"),
            ("actions", "Repérage, forum, suivi."),
        ],
    )
    practice = services.create_draft_from_response(response=response, actor=people["national"])
    assert practice.title == "Le job dating des habitants"
    assert practice.source_response == response
    assert practice.themes == ["publics", "mobilisation_partenaires"]
    assert practice.publics == ["residents_qpv"]
    assert [p.name for p in practice.partners.all()] == ["Mission locale", "Office HLM"]
    assert practice.region == people["idf"]
    services.publish(practice=practice, actor=people["national"])
    assert Practice.objects.published().get() == practice


def test_an_answer_is_promoted_only_once(people):
    response = make_response(consent=True)
    services.create_draft_from_response(response=response, actor=people["national"])
    with pytest.raises(DomainError, match="déjà"):
        services.create_draft_from_response(response=response, actor=people["national"])


# --- Versions --------------------------------------------------------------------------


def test_every_save_stores_a_version_with_author(people, draft):
    services.update_practice(
        practice=draft, actor=people["contributor"], data={"context": "Ligne 1\nLigne 2"}
    )
    versions = list(draft.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].author == people["contributor"]
    assert versions[1].snapshot["context"] == "Ligne 1\nLigne 2"


def test_diff_between_versions_is_readable_in_french(people, draft):
    services.update_practice(
        practice=draft,
        actor=people["contributor"],
        data={"title": "Nouveau titre", "themes": [Theme.PUBLICS, Theme.PARTNERS]},
    )
    old, new = (v.snapshot for v in draft.versions.order_by("number"))
    changes = {c["label"]: c["lines"] for c in services.version_diff(old, new)}
    assert changes["Titre"] == [
        ("removed", "Accueillir les femmes sur les chantiers"),
        ("added", "Nouveau titre"),
    ]
    assert ("added", "La mobilisation des partenaires") in changes["Thèmes"]
    assert ("same", "Les publics") in changes["Thèmes"]
    assert "Résumé" not in changes
