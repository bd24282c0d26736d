"""Full-text search: the same behaviour on SQLite (FTS5) and PostgreSQL (french tsvector)."""

import pytest

from clauses.practices import services
from clauses.practices.models import Practice
from clauses.practices.search import fold, search

from .factories import PracticeFactory


def test_fold_removes_accents_and_case():
    assert fold("Élan ŒUVRE à Créteil") == "elan oeuvre a creteil"


@pytest.fixture
def sheets(db):
    return {
        "women": PracticeFactory(
            published=True,
            title="Des chantiers ouverts aux femmes",
            context="Réunions d'information au centre social du quartier.",
        ),
        "youth": PracticeFactory(
            published=True,
            title="Job dating des jeunes",
            publics=[],
            actions="Rencontres avec les entreprises attributaires.",
        ),
    }


def _titles(queryset):
    return sorted(p.title for p in queryset)


def test_query_without_accents_finds_accented_text(sheets):
    assert _titles(search(Practice.objects.all(), "reunions d'information")) == [
        "Des chantiers ouverts aux femmes"
    ]


def test_query_ignores_case_and_accents_the_other_way(sheets):
    assert _titles(search(Practice.objects.all(), "CHANTIERS ouvérts")) == [
        "Des chantiers ouverts aux femmes"
    ]


def test_singular_finds_plural(sheets):
    assert _titles(search(Practice.objects.all(), "entreprise")) == ["Job dating des jeunes"]


def test_every_word_must_match(sheets):
    assert list(search(Practice.objects.all(), "femmes entreprises")) == []


def test_empty_or_punctuation_query_keeps_everything(sheets):
    assert search(Practice.objects.all(), "  ").count() == 2
    assert search(Practice.objects.all(), '"*()').count() == 2


def test_search_combines_with_other_filters(sheets):
    sheets["youth"].status = "brouillon"
    sheets["youth"].save()
    assert list(search(Practice.objects.published(), "jeunes")) == []


def test_index_follows_edits(sheets, people):
    practice = sheets["women"]
    services.update_practice(
        practice=practice, actor=people["national"], data={"title": "Bâtir avec les habitantes"}
    )
    assert _titles(search(Practice.objects.all(), "batir")) == ["Bâtir avec les habitantes"]
    assert list(search(Practice.objects.all(), "ouverts")) == []
