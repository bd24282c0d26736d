import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clauses.core.models import JobProgress
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("territories:qpv_lookup")


def test_page_is_public(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Trouver le QPV d&#x27;une adresse" in response.content.decode()
    assert response.context["csv_form"] is None


def test_address_field_only_when_ban_is_on(client, ban):
    assert "address" in client.get(URL).context["form"].fields


def test_address_field_hidden_when_ban_is_off(client):
    assert "address" not in client.get(URL).context["form"].fields


def test_coordinates_in_a_qpv(client):
    response = client.post(URL, {"latitude": "48,884926", "longitude": "2.354054"})
    content = response.content.decode()
    assert response.context["result"].qpv.code == "QN07511M"
    assert "En QPV : Goutte D&#x27;Or" in content
    assert reverse("territories:qpv_detail", args=["QN07511M"]) in content


def test_coordinates_outside_every_qpv(client):
    response = client.post(URL, {"latitude": "48.849618", "longitude": "2.309515"})
    assert response.context["result"].qpv is None
    assert "Hors QPV" in response.content.decode()


def test_coordinates_near_a_qpv_name_it_with_the_distance(client):
    response = client.post(URL, {"latitude": "48.8907", "longitude": "2.3513"})
    result = response.context["result"]
    assert (result.qpv, result.nearest_qpv.code) == (None, "QN07511M")
    assert 150 < result.nearest_distance < 350
    assert "QPV le plus proche" in response.content.decode()


def test_date_chooses_the_list(client):
    response = client.post(
        URL, {"latitude": "43.572352", "longitude": "1.400922", "date": "2019-05-01"}
    )
    assert response.context["result"].qpv.code == "QP031007"
    assert "Liste 2015" in response.content.decode()


def test_empty_form_asks_for_a_place(client):
    response = client.post(URL, {})
    assert response.context["result"] is None
    assert "Indiquez un code postal et une commune, ou une latitude et une longitude." in (
        response.content.decode()
    )


def test_non_numeric_latitude_is_a_field_error(client):
    response = client.post(URL, {"latitude": "abc", "longitude": "2.35"})
    assert response.context["form"].errors["latitude"] == ["Latitude non numérique : « abc »."]


def test_point_outside_france_is_an_error(client):
    response = client.post(URL, {"latitude": "51.5072", "longitude": "-0.1276"})
    assert response.context["result"] is None
    assert "hors de France" in response.content.decode()


def test_date_before_the_first_list_is_refused(client):
    response = client.post(URL, {"latitude": "48.88", "longitude": "2.35", "date": "2010-01-01"})
    assert "Aucune liste de QPV n'était en vigueur" in response.context["form"].errors["date"][0]


def test_postal_code_and_commune_list_the_qpv_of_the_commune(client):
    response = client.post(URL, {"postal_code": "93200", "commune": "St-Denis"})
    result = response.context["result"]
    assert result.commune.code == "93066"
    assert len(result.commune_qpvs) > 3
    assert "ne suffisent pas" in response.content.decode()


def test_arrondissement_lists_the_qpv_of_the_city(client):
    response = client.post(URL, {"postal_code": "75018", "commune": "Paris"})
    result = response.context["result"]
    assert result.commune.code == "75118"
    assert "QN07511M" in [qpv.code for qpv in result.commune_qpvs]


def test_unknown_commune_is_a_field_error(client):
    response = client.post(URL, {"postal_code": "93200", "commune": "Toulouse"})
    assert "Aucune commune « Toulouse »" in response.context["form"].errors["commune"][0]


def test_commune_without_postal_code_is_a_field_error(client):
    response = client.post(URL, {"commune": "Saint-Denis"})
    assert response.context["form"].errors["postal_code"] == [
        "Indiquez le code postal de la commune."
    ]


def test_address_is_geocoded(client, ban):
    response = client.post(URL, {"address": "20 rue de la Goutte d'Or 75018 Paris"})
    result = response.context["result"]
    assert result.qpv.code == "QN07511M"
    assert result.address_label == "20 Rue de la Goutte d'Or 75018 Paris"


def test_address_not_found_is_a_field_error(client, ban):
    response = client.post(URL, {"address": "zzzz qqqq"})
    assert response.context["form"].errors["address"] == [
        "Adresse introuvable dans la Base adresse nationale."
    ]


def test_ban_timeout_is_a_field_error(client, silent_ban):
    response = client.post(URL, {"address": "20 rue de la Goutte d'Or 75018 Paris"})
    assert "n'a pas répondu à temps" in response.context["form"].errors["address"][0]


def test_qpv_page_shows_name_list_communes_and_outline(client):
    response = client.get(reverse("territories:qpv_detail", args=["QN07511M"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Goutte D&#x27;Or" in content
    assert "Liste 2024 (décret 2023-1314)" in content
    assert "Paris (75056)" in content
    assert "Paris (75)" in content
    assert "<svg" in content
    assert response.context["outline"]["path"].startswith("M")


def test_old_list_qpv_page(client):
    response = client.get(reverse("territories:qpv_detail", args=["QP031007"]))
    assert "Liste ancienne" in response.content.decode()


def test_unknown_qpv_page_is_404(client):
    assert client.get(reverse("territories:qpv_detail", args=["QN99999Z"])).status_code == 404


UPLOAD_URL = reverse("territories:qpv_csv_upload")


def csv_file(content, name="beneficiaires.csv"):
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


def test_logged_in_user_sees_the_upload_form(client):
    client.force_login(UserFactory())
    assert client.get(URL).context["csv_form"] is not None


def test_upload_runs_the_lookup_in_the_background(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)
    upload = csv_file("nom;lat;lon\nA;48,884926;2,354054\nB;abc;2.3\n")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD_URL, {"file": upload})

    job = JobProgress.objects.get(started_by=user)
    assert response.status_code == 302
    assert response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == JobProgress.Status.DONE
    assert "2 ligne(s) traitée(s)" in job.message
    with job.result_file.open("rb") as f:
        result = f.read().decode()
    assert job.result_file.name.endswith("beneficiaires-qpv.csv")
    assert result.splitlines()[0] == "nom;lat;lon;code_qp;lib_qp;erreur"
    assert "QN07511M;Goutte D'Or;" in result
    assert "Latitude non numérique" in result


def test_upload_without_coordinates_is_refused(client):
    client.force_login(UserFactory())
    response = client.post(UPLOAD_URL, {"file": csv_file("nom;ville\nA;Paris\n")})
    assert response.status_code == 200
    assert "introuvables" in response.context["csv_form"].errors["file"][0]
    assert not JobProgress.objects.exists()


def test_upload_needs_login(client):
    response = client.post(UPLOAD_URL, {"file": csv_file("lat;lon\n48.8;2.3\n")})
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url
    assert not JobProgress.objects.exists()
