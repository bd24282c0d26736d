import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from clauses.core.models import JobProgress
from clauses.practices import pdf
from clauses.practices.enums import Theme
from clauses.practices.models import ResultFigure

from .factories import PracticeFactory


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def sheets(people):
    women = PracticeFactory(
        published=True,
        title="Des chantiers ouverts aux femmes",
        region=people["idf"],
        departement=people["ssd"],
        contact_name="Awa Diallo",
        contact_email="awa@example.org",
        contact_consent=False,
    )
    ResultFigure.objects.create(practice=women, label="Femmes recrutées", value=12, unit="")
    partners = PracticeFactory(
        published=True,
        title="Un comité des partenaires",
        region=people["occitanie"],
        themes=[Theme.PARTNERS],
        publics=["residents_qpv"],
        year=2021,
        contact_name="Paul Martin",
        contact_consent=True,
    )
    draft = PracticeFactory(title="Brouillon invisible", region=people["idf"])
    return {"women": women, "partners": partners, "draft": draft}


def test_list_shows_only_published_sheets(client, sheets):
    content = client.get(reverse("practices:list")).content.decode()
    assert "Des chantiers ouverts aux femmes" in content
    assert "Brouillon invisible" not in content


def test_list_search_without_accents(client, sheets):
    response = client.get(reverse("practices:list"), {"q": "comite"})
    assert response.context["count"] == 1
    assert "Un comité des partenaires" in response.content.decode()


def test_facets_count_and_filter(client, sheets):
    response = client.get(reverse("practices:list"))
    facets = {f["name"]: f for f in response.context["facets"]}
    themes = {o["value"]: o["count"] for o in facets["theme"]["options"]}
    assert themes == {"publics": 1, "mobilisation_partenaires": 1}
    years = {o["value"]: o["count"] for o in facets["annee"]["options"]}
    assert years == {"2022": 1, "2021": 1}
    filtered = client.get(reverse("practices:list"), {"theme": "mobilisation_partenaires"})
    assert filtered.context["count"] == 1
    assert {o["value"] for o in filtered.context["facets"][1]["options"]} == {"76"}


def test_list_queries_stay_flat(client, sheets, django_assert_max_num_queries):
    for _ in range(10):
        PracticeFactory(published=True, region=sheets["women"].region)
    with django_assert_max_num_queries(12):
        client.get(reverse("practices:list"))


def test_map_has_a_point_per_sheet(client, sheets):
    response = client.get(reverse("practices:list"))
    assert len(response.context["map"]["points"]) == 2
    assert 'class="clauses-map__point"' in response.content.decode()


def test_detail_hides_contact_without_consent(client, sheets):
    content = client.get(sheets["women"].get_absolute_url()).content.decode()
    assert "Femmes recrutées" in content
    assert "Awa Diallo" not in content
    shown = client.get(sheets["partners"].get_absolute_url()).content.decode()
    assert "Paul Martin" in shown


def test_draft_sheet_is_not_found(client, sheets):
    assert client.get(reverse("practices:detail", args=[sheets["draft"].slug])).status_code == 404


def test_sheet_pdf_contains_title(client, sheets):
    response = client.get(reverse("practices:pdf", args=[sheets["women"].slug]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Des chantiers ouverts aux femmes" in text
    assert "Awa Diallo" not in text


def test_recueil_has_cover_toc_with_pages_one_sheet_per_page_and_sources(sheets):
    practices = [sheets["women"], sheets["partners"]]
    reader = PdfReader(io.BytesIO(pdf.recueil_pdf(practices)))
    pages = [page.extract_text() for page in reader.pages]
    assert "Recueil des bonnes pratiques" in pages[0]
    assert "Sommaire" in pages[1]
    assert "Des chantiers ouverts aux femmes" in pages[1]
    assert "Des chantiers ouverts aux femmes" in pages[2]
    assert "Un comité des partenaires" in pages[3]
    assert "Sources" in pages[-1]
    # The table of contents gives each sheet's page number (the footer's « Page n »).
    # The table of contents gives each sheet's page number (dot leaders, then the number).
    numbers = re.findall(r"\.\s+(\d+)\n([^\n]+)", pages[1])
    assert numbers == [
        ("3", "Des chantiers ouverts aux femmes"),
        ("4", "Un comité des partenaires"),
    ]


def test_build_recueil_command_with_theme(sheets, tmp_path):
    out = tmp_path / "recueil.pdf"
    call_command("build_recueil", "--out", str(out), "--theme", "mobilisation_partenaires")
    text = pdf_text(out.read_bytes())
    assert "Un comité des partenaires" in text
    assert "Des chantiers ouverts aux femmes" not in text


def test_build_recueil_command_refuses_an_empty_selection(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("build_recueil", "--out", str(tmp_path / "r.pdf"))


def test_recueil_is_built_in_the_background_for_a_signed_in_user(
    client, sheets, people, django_capture_on_commit_callbacks
):
    client.force_login(people["contributor"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("practices:recueil"), {"theme": "", "region": ""})
    job = JobProgress.objects.get()
    assert response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == JobProgress.Status.DONE
    assert job.percent == 100
    with job.result_file.open("rb") as handle:
        assert "Des chantiers ouverts aux femmes" in pdf_text(handle.read())


def test_recueil_asks_an_anonymous_visitor_to_log_in(client, sheets):
    response = client.post(reverse("practices:recueil"), {"theme": ""})
    assert response.status_code == 302
    assert "/connexion/" in response.url or "login" in response.url
    assert not JobProgress.objects.exists()


def test_atom_feed_lists_published_sheets(client, sheets):
    response = client.get(reverse("practices:feed"))
    content = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Des chantiers ouverts aux femmes" in content
    assert "Brouillon invisible" not in content


def test_open_data_json_has_no_unconsented_contact(client, sheets):
    data = json.loads(client.get(reverse("practices:open_data", args=["json"])).content)
    records = {r["title"]: r for r in data["fiches"]}
    assert set(records) == {"Des chantiers ouverts aux femmes", "Un comité des partenaires"}
    assert records["Des chantiers ouverts aux femmes"]["contact_name"] == ""
    assert records["Un comité des partenaires"]["contact_name"] == "Paul Martin"


def test_open_data_csv_has_french_headers(client, sheets):
    content = client.get(reverse("practices:open_data", args=["csv"])).content.decode("utf-8-sig")
    header = content.splitlines()[0]
    assert header.startswith("Titre;Résumé;Région")
    assert "Awa Diallo" not in content
    assert client.get(reverse("practices:open_data", args=["xml"])).status_code == 404


def test_territory_page_without_figures_still_lists_what_addresses_each_goal(
    client, sheets, people
):
    response = client.get(reverse("practices:territory", args=["region", "11"]))
    content = response.content.decode()
    assert "Pas encore de chiffres pour ce territoire" in content
    women_gap, qpv_gap, _outside_works = response.context["gaps"]
    assert [p.title for p in women_gap["local"]] == ["Des chantiers ouverts aux femmes"]
    assert [p.title for p in qpv_gap["elsewhere"]] == ["Un comité des partenaires"]


def test_territory_page_for_a_departement_and_unknown_kinds(client, sheets):
    assert client.get(reverse("practices:territory", args=["departement", "93"])).status_code == 200
    assert client.get(reverse("practices:territory", args=["commune", "93"])).status_code == 404
    assert client.get(reverse("practices:territory", args=["region", "99"])).status_code == 404
