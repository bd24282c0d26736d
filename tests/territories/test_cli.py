import csv
import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

GOUTTE_DOR = ("48.884926", "2.354054")  # 20 rue de la Goutte d'Or, Paris 18e
SEGUR = ("48.849618", "2.309515")  # 20 avenue de Ségur, Paris 7e
MIRAIL = ("43.572352", "1.400922")  # Grand Mirail, Toulouse: in both lists


def run(*args):
    out = io.StringIO()
    call_command("qpv_lookup", *args, stdout=out)
    return out.getvalue()


def test_point_in_a_qpv_prints_code_and_name():
    output = run("--lat", GOUTTE_DOR[0], "--lon", GOUTTE_DOR[1])
    assert "QN07511M — Goutte D'Or (Liste 2024 (décret 2023-1314))" in output


def test_point_outside_every_qpv_names_the_list():
    output = run("--lat", SEGUR[0], "--lon", SEGUR[1])
    assert "n'est dans aucun QPV (Liste 2024 (décret 2023-1314))" in output


def test_on_chooses_the_list_in_force():
    assert "QP031007 — Grand Mirail (Liste 2015" in run(
        "--lat", MIRAIL[0], "--lon", MIRAIL[1], "--on", "2019-03-01"
    )
    assert "QN03107M — Grand Mirail (Liste 2024" in run(
        "--lat", MIRAIL[0], "--lon", MIRAIL[1], "--on", "2024-01-01"
    )


def test_french_decimal_commas_are_accepted():
    assert "QN07511M" in run("--lat", "48,884926", "--lon", "2,354054")


def test_point_outside_france_is_reported():
    with pytest.raises(CommandError, match="hors de France"):
        run("--lat", "51.5072", "--lon", "-0.1276")


def test_bad_date_is_reported():
    with pytest.raises(CommandError, match="Date invalide"):
        run("--lat", GOUTTE_DOR[0], "--lon", GOUTTE_DOR[1], "--on", "01/02/2024")


def test_address_is_geocoded(ban):
    output = run("--address", "20 rue de la Goutte d'Or 75018 Paris")
    assert "Adresse trouvée : 20 Rue de la Goutte d'Or 75018 Paris" in output
    assert "QN07511M — Goutte D'Or" in output


def test_address_without_ban_is_refused(settings):
    settings.BAN_API_URL = ""
    with pytest.raises(CommandError, match="géocodage d'adresses n'est pas activé"):
        run("--address", "20 rue de la Goutte d'Or 75018 Paris")


def read_rows(path, delimiter):
    text = path.read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_csv_with_good_and_bad_rows(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(
        "\ufeffnom;lat;lon\n"
        "Goutte d'Or;48,884926;2,354054\n"
        "Ségur;48.849618;2.309515\n"
        "Sans latitude;;2.35\n"
        "Texte;quarante-huit;2.35\n"
        "Londres;51.5072;-0.1276\n"
        "Hors bornes;148.8;2.35\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"

    output = run("--csv", str(source), "--out", str(out))

    assert "6 ligne(s) traitée(s)" in output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = read_rows(out, ";")
    assert list(rows[0]) == ["nom", "lat", "lon", "code_qp", "lib_qp", "erreur"]
    assert [(r["nom"], r["code_qp"], r["lib_qp"]) for r in rows[:2]] == [
        ("Goutte d'Or", "QN07511M", "Goutte D'Or"),
        ("Ségur", "", ""),
    ]
    assert rows[0]["erreur"] == rows[1]["erreur"] == ""
    assert rows[2]["erreur"] == "Latitude manquante."
    assert rows[3]["erreur"] == "Latitude non numérique : « quarante-huit »."
    assert "hors de France" in rows[4]["erreur"]
    assert "hors de l'intervalle" in rows[5]["erreur"]


def test_csv_with_commas_and_no_bom(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,latitude,longitude\n1,43.572352,1.400922\n", encoding="utf-8")
    out = tmp_path / "out.csv"

    run("--csv", str(source), "--out", str(out), "--on", "2020-01-01")

    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_rows(out, ",")[0]["code_qp"] == "QP031007"


def test_csv_without_coordinates_is_refused_and_nothing_written(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("nom;ville\nA;Paris\n", encoding="utf-8")
    out = tmp_path / "out.csv"

    with pytest.raises(CommandError, match="Colonnes « lat » et « lon » introuvables"):
        run("--csv", str(source), "--out", str(out))
    assert not out.exists()


def test_csv_addresses_are_geocoded_with_the_ban(ban, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(
        "ref;adresse\nA;20 rue de la Goutte d'Or 75018 Paris\nB;20 avenue de Ségur 75007 Paris\n"
        "C;zzzz qqqq\nD;rue 31000\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"

    run("--csv", str(source), "--out", str(out))

    rows = read_rows(out, ";")
    assert [r["code_qp"] for r in rows] == ["QN07511M", "", "", ""]
    assert rows[0]["adresse_trouvee"] == "20 Rue de la Goutte d'Or 75018 Paris"
    assert rows[0]["lat"] == "48.884926"
    assert rows[1]["erreur"] == ""
    assert (
        rows[2]["erreur"] == "Adresse introuvable dans la Base adresse nationale : « zzzz qqqq »."
    )
    assert "trop peu de certitude" in rows[3]["erreur"]


def test_csv_addresses_without_ban_are_refused(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("adresse\n20 rue de la Goutte d'Or 75018 Paris\n", encoding="utf-8")
    with pytest.raises(CommandError, match="n'est pas activé"):
        run("--csv", str(source), "--out", str(tmp_path / "out.csv"))


def test_point_just_outside_a_qpv_names_the_nearest_one():
    # The example point, about 250 m from the Goutte d'Or contour.
    output = run("--lat", "48.8907", "--lon", "2.3513")
    assert "n'est dans aucun QPV" in output
    assert "QPV le plus proche : QN07511M — Goutte D'Or, à environ" in output
