import csv
import io

import pytest

from clauses.territories import geocoding

pytestmark = pytest.mark.django_db


def test_geocode_returns_the_best_match(ban):
    found = geocoding.geocode("20 rue de la Goutte d'Or 75018 Paris")

    assert found.label == "20 Rue de la Goutte d'Or 75018 Paris"
    assert found.score == pytest.approx(0.973, abs=0.001)
    assert (found.lat, found.lon) == (48.884926, 2.354054)
    assert found.citycode == "75118"
    assert ban.requests == [
        ("GET", "/search/", {"q": ["20 rue de la Goutte d'Or 75018 Paris"], "limit": ["1"]})
    ]


def test_geocode_without_match_returns_none(ban):
    assert geocoding.geocode("zzzz qqqq") is None


def test_geocoding_is_off_without_url(settings):
    settings.BAN_API_URL = ""
    with pytest.raises(geocoding.GeocodingError, match="n'est pas activé"):
        geocoding.geocode("20 rue de la Goutte d'Or 75018 Paris")


def test_timeout_gives_a_french_message(silent_ban):
    with pytest.raises(geocoding.GeocodingError, match="n'a pas répondu à temps"):
        geocoding.geocode("20 rue de la Goutte d'Or 75018 Paris")


def test_unreachable_server_gives_a_french_message(unreachable_ban):
    with pytest.raises(geocoding.GeocodingError, match="Impossible de joindre"):
        geocoding.geocode("20 rue de la Goutte d'Or 75018 Paris")


def test_http_error_gives_a_french_message(ban, settings):
    settings.BAN_API_URL += "autre/"
    with pytest.raises(geocoding.GeocodingError, match="a refusé la demande"):
        geocoding.geocode("20 rue de la Goutte d'Or 75018 Paris")


BATCH = [
    "20 rue de la Goutte d'Or 75018 Paris",
    "20 avenue de Ségur 75007 Paris",
    "zzzz qqqq",
    "rue 31000",
]


def test_batch_geocoding_uses_the_csv_endpoint(ban):
    results = geocoding.geocode_many(BATCH)

    assert [r.citycode if r else None for r in results] == ["75118", "75107", None, "31555"]
    assert results[1].label == "20 Avenue de Ségur 75007 Paris"
    assert results[3].is_reliable is False
    assert results[0].is_reliable is True


def test_batch_geocoding_sends_only_the_addresses(ban):
    geocoding.geocode_many(BATCH)

    method, path, fields = ban.requests[0]
    assert (method, path, fields["columns"]) == ("POST", "/search/csv/", b"adresse")
    sent = list(csv.reader(io.StringIO(fields["data"].decode())))
    assert sent[0] == ["id", "adresse"]
    assert [row[1] for row in sent[1:]] == BATCH


def test_batch_geocoding_timeout_gives_a_french_message(silent_ban):
    with pytest.raises(geocoding.GeocodingError, match="n'a pas répondu à temps"):
        geocoding.geocode_many(BATCH)


@pytest.mark.parametrize(
    "postal_code,name,code",
    [
        ("93200", "Saint-Denis", "93066"),
        ("93200", "ST DENIS", "93066"),
        ("93200", "saint denis", "93066"),
        ("93380", "Pierrefitte sur Seine", "93066"),  # former commune, merged in 2025
        ("93800", "EPINAY SUR SEINE", "93031"),
        ("93000", "Bobigny", "93008"),
        ("93735", "Bobigny Cedex", "93008"),  # Cedex code unknown to La Poste's list
        ("31000", "toulouse", "31555"),
        ("31500", "Toulouse Cedex 5", "31555"),
        ("75018", "Paris", "75118"),
        ("75116", "PARIS", "75116"),
        ("75011", "Paris 11e arrondissement", "75111"),
        ("13001", "Marseille", "13201"),
        ("13013", "Marseille 13ème", "13213"),
        ("69003", "Lyon", "69383"),
        ("69009", "Lyon 9e Arrondissement", "69389"),
        ("13500", "Martigues", "13056"),
        ("69100", "Villeurbanne", "69266"),
        ("31300", "Toulouse", "31555"),
    ],
)
def test_find_commune(postal_code, name, code):
    assert geocoding.find_commune(postal_code, name).commune.code == code


def test_find_commune_returns_the_centroid():
    found = geocoding.find_commune("93200", "Saint-Denis")
    assert found.lat == pytest.approx(48.93, abs=0.05)
    assert found.lon == pytest.approx(2.36, abs=0.05)


@pytest.mark.parametrize(
    "postal_code,name",
    [("93200", "Toulouse"), ("99999", "Nulle-Part"), ("932", "Saint-Denis"), ("93200", "")],
)
def test_find_commune_unknown(postal_code, name):
    assert geocoding.find_commune(postal_code, name) is None


def test_normalize_name():
    assert geocoding.normalize_name("  L'Île-St-Denis CEDEX 02 ") == "ile saint denis"
