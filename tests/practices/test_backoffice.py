from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clauses.practices import services
from clauses.practices.enums import PracticeStatus

from .factories import make_response


def _create(people, **data):
    base = {"title": "Le forum des habitants", "pitch": "Un forum.", "themes": ["publics"]}
    base.update(region=people["idf"], departement=people["ssd"], **data)
    return services.create_practice(actor=people["contributor"], data=base)


def test_contributor_creates_a_sheet_through_the_form(client, people):
    client.force_login(people["contributor"])
    response = client.post(
        reverse("practices_admin:create"),
        {
            "title": "Visites de chantier",
            "pitch": "Des visites pour les habitantes.",
            "themes": ["publics"],
            "publics": ["femmes"],
            "partners": "Mission locale ; emploi_public\nOffice HLM ; bailleur",
            "figures": "Heures réalisées ; 12 000 ; h",
            "tags": "chantier, femmes",
        },
    )
    practice = people["plie"].practices.get()
    assert response.url == reverse("practices_admin:detail", args=[practice.pk])
    assert [(p.name, p.family) for p in practice.partners.all()] == [
        ("Mission locale", "emploi_public"),
        ("Office HLM", "bailleur"),
    ]
    assert practice.figures.get().display_value == "12000 h"
    assert practice.tags == ["chantier", "femmes"]


def test_edit_form_is_prefilled_and_saves(client, people):
    practice = _create(people)
    client.force_login(people["contributor"])
    url = reverse("practices_admin:edit", args=[practice.pk])
    assert client.get(url).context["form"].initial["title"] == "Le forum des habitants"
    client.post(url, {"title": "Le forum du quartier", "pitch": "Un forum.", "themes": ["publics"]})
    practice.refresh_from_db()
    assert practice.title == "Le forum du quartier"


def test_contributor_sees_submit_but_not_publish(client, people):
    practice = _create(people)
    client.force_login(people["contributor"])
    actions = [
        a[0]
        for a in client.get(reverse("practices_admin:detail", args=[practice.pk])).context[
            "actions"
        ]
    ]
    assert actions == ["relecture"]


def test_editor_publishes_with_a_post_button(client, people):
    practice = _create(people)
    client.force_login(people["coordinator"])
    client.post(reverse("practices_admin:transition", args=[practice.pk, "publier"]))
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.PUBLISHED


def test_detail_warns_when_the_source_refused_publication(client, people):
    practice = services.create_draft_from_response(
        response=make_response(consent=False), actor=people["national"]
    )
    client.force_login(people["national"])
    response = client.get(reverse("practices_admin:detail", args=[practice.pk]))
    assert "n'a pas accepté sa publication" in response.context["publish_blocker"]
    client.post(reverse("practices_admin:transition", args=[practice.pk, "publier"]))
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.DRAFT


def test_history_page_shows_the_diff_in_french(client, people):
    practice = _create(people)
    services.update_practice(
        practice=practice, actor=people["contributor"], data={"title": "Nouveau titre"}
    )
    client.force_login(people["contributor"])
    content = client.get(reverse("practices_admin:version", args=[practice.pk, 2])).content.decode()
    assert "Titre" in content
    assert "Le forum des habitants" in content and "Nouveau titre" in content
    assert "clauses-diff__removed" in content


def test_attachment_upload_checks_the_format(client, people):
    practice = _create(people)
    client.force_login(people["contributor"])
    url = reverse("practices_admin:attachment_add", args=[practice.pk])
    client.post(url, {"title": "Script", "file": SimpleUploadedFile("x.exe", b"MZ")})
    assert not practice.attachments.exists()
    client.post(url, {"title": "Bilan", "file": SimpleUploadedFile("bilan.pdf", b"%PDF-1.4")})
    assert practice.attachments.get().title == "Bilan"


def test_list_filters_by_status(client, people):
    _create(people)
    published = _create(people, title="Publiée")
    services.publish(practice=published, actor=people["national"])
    client.force_login(people["contributor"])
    response = client.get(reverse("practices_admin:list"), {"status": "publiee"})
    assert [p.title for p in response.context["page_obj"]] == ["Publiée"]
