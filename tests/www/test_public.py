import csv
import html
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from clauses.www.public import figures

CSV_FILE = settings.BASE_DIR / "data" / "clauses" / "chiffres_publies_clauses_sociales.csv"

PAGES = [
    ("www:home", "La clause sociale d'insertion, du marché public à l'emploi"),
    ("www:legal_notice", "Mentions légales"),
    ("www:accessibility", "Déclaration d'accessibilité"),
    ("www:personal_data", "Données personnelles"),
    ("meetings:list", "Rencontres régionales du Tour de France"),
    ("practices:list", "Bonnes pratiques de la clause sociale"),
    ("survey:home", "Enquête nationale"),
    ("www:observatory", "Observatoire"),
    ("directory:list", "Annuaire des acteurs"),
]


def h1_of(response):
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    assert match, "la page n'a pas de titre h1"
    return html.unescape(match.group(1)).strip()


def page_text(response):
    return html.unescape(response.content.decode())


def read_csv_rows(path=CSV_FILE):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def millions(value):
    number = (Decimal(value) / 1_000_000).quantize(Decimal("0.01")).normalize()
    return f"{number:f}".replace(".", ",") + " millions d'heures"


@pytest.mark.parametrize(("url_name", "expected_h1"), PAGES)
def test_public_page_renders_for_anonymous_visitor_with_french_h1(
    client, db, url_name, expected_h1
):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert h1_of(response) == expected_h1


@pytest.mark.parametrize("url_name", ["www:legal_notice", "www:accessibility", "www:personal_data"])
def test_footer_links_to_legal_pages(client, db, url_name):
    response = client.get(reverse("www:home"))

    assert f'class="fr-footer__bottom-link" href="{reverse(url_name)}"' in response.content.decode()


@pytest.mark.parametrize("figure", figures.SEED_FIGURES, ids=lambda f: f.value)
def test_home_shows_each_seed_figure_with_source_and_year(client, db, figure):
    text = page_text(client.get(reverse("www:home")))

    card = re.search(re.escape(figure.value) + r".*?</div>\s*</div>\s*</div>", text, re.S).group(0)
    assert figure.label in card
    assert "année 2020" in card
    assert f'href="{figure.source_url}"' in card
    assert "Alliance Villes Emploi" in card


def test_home_seed_figures_are_the_published_2020_figures():
    values = [f.value for f in figures.SEED_FIGURES]

    assert values == ["près de 20 millions", "56 %", "8 %", "82 %", "23 %"]


def test_home_tells_etp_shares_from_participant_shares(client, db, settings):
    settings.HOURS_PER_ETP = 1607

    text = page_text(client.get(reverse("www:home")))

    assert text.count("part des équivalents temps plein (heures)") == 2
    assert text.count("part des participants (personnes)") == 2
    assert "1 ETP = 1\u202f607 heures" in text


def test_home_shows_every_published_hours_figure_of_the_csv_with_its_source(client, db):
    rows = [r for r in read_csv_rows() if r["indicateur"] == "heures_insertion_realisees"]
    text = page_text(client.get(reverse("www:home")))
    table = text[text.index("Heures d'insertion réalisées") : text.index("</table>")]

    assert len(rows) >= 4
    for row in rows:
        line = re.search(rf"<td>{row['annee']}</td>.*?</tr>", table, re.S).group(0)
        assert millions(row["valeur"]) in line
        assert f'href="{row["source_url"]}"' in line


def test_home_shows_every_published_share_of_contracts_with_a_clause(client, db):
    rows = [r for r in read_csv_rows() if r["indicateur"] == "part_marches_avec_clause_sociale"]
    text = page_text(client.get(reverse("www:home")))
    table = text[text.index("Part des marchés publics comportant") :]
    table = table[: table.index("</table>")]

    assert len(rows) >= 4
    for row in rows:
        value = row["valeur"].replace(".", ",")
        pattern = rf"<td>{row['annee']}</td>\s*<td>{re.escape(value)}\u00a0%</td>\s*<td>"
        pattern += re.escape(row["perimetre"])
        assert re.search(pattern, table), row


def test_home_figures_are_read_from_the_data_file(client, db, tmp_path, monkeypatch):
    path = tmp_path / "chiffres.csv"
    path.write_text(
        "annee,perimetre,indicateur,valeur,unite,source_url,extrait\n"
        "2031,France (test),heures_insertion_realisees,42000000,heures,"
        'https://example.org/source-test,"42 millions d\'heures"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(figures, "CSV_PATH", path)

    text = page_text(client.get(reverse("www:home")))

    assert "42 millions d'heures" in text
    assert 'href="https://example.org/source-test"' in text
    assert "7,7 millions d'heures" not in text


def test_published_figures_are_parsed_once_and_reloaded_when_the_file_changes(tmp_path):
    path = tmp_path / "chiffres.csv"
    header = "annee,perimetre,indicateur,valeur,unite,source_url,extrait\n"
    path.write_text(header + "2013,France,facilitateurs,300,facilitateurs,https://a.example,x\n")

    first = figures.published_figures(path)
    assert figures.published_figures(path) is first

    path.write_text(header + "2014,France,facilitateurs,310,facilitateurs,https://a.example,y\n")
    assert [f.value for f in figures.published_figures(path)] == [Decimal("310")]


def test_home_links_to_every_area(client, db):
    content = client.get(reverse("www:home")).content.decode()

    for name in ["meetings:list", "practices:list", "survey:home", "www:observatory"]:
        assert f'href="{reverse(name)}"' in content
    assert f'href="{reverse("directory:list")}"' in content
    assert f'href="{reverse("workspace:home")}"' in content
    assert f'href="{reverse("territories:qpv_lookup")}"' in content


def test_legal_notice_states_licences_and_marks_operator_placeholders(client, db):
    text = page_text(client.get(reverse("www:legal_notice")))

    assert "licence MIT" in text
    assert "Licence Ouverte 2.0" in text
    assert "[À compléter : nom de l'organisme qui exploite la plateforme]" in text
    assert "Hébergement" in text


def test_accessibility_statement_follows_rgaa_format(client, db):
    text = page_text(client.get(reverse("www:accessibility")))

    for heading in [
        "État de conformité",
        "Contenus non accessibles",
        "Voies de recours",
        "Défenseur des droits",
    ]:
        assert heading in text
    assert "RGAA), version 4.1" in text
    assert "aucun audit de conformité n'a encore été réalisé" in text


def test_personal_data_page_lists_cookies_and_rights(client, db):
    text = page_text(client.get(reverse("www:personal_data")))

    assert "<code>sessionid</code>" in text
    assert "<code>csrftoken</code>" in text
    assert "Aucun cookie de mesure d'audience" in text
    for right in ["accès", "rectification", "effacement", "opposition", "CNIL"]:
        assert right in text


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (Decimal("7700000"), "heures", "7,7 millions d'heures"),
        (Decimal("13000000"), "heures", "13 millions d'heures"),
        (Decimal("13.2"), "%", "13,2\u00a0%"),
        (Decimal("19000"), "personnes", "19\u202f000 personnes"),
    ],
)
def test_format_value_in_french(value, unit, expected):
    assert figures.format_value(value, unit) == expected
