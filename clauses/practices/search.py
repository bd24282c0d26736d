"""Full-text search of the practice sheets, in French, ignoring accents and case.

- PostgreSQL: a ``tsvector`` column (``Practice.search_vector``, GIN index) built with the
  ``french`` configuration (stemming: « femme » finds « femmes ») from accent-folded text;
  the query is folded the same way, so « insertion reussie » finds « insertion réussie ».
  Folding happens in Python: no ``unaccent`` extension to install (it needs a superuser).
- SQLite: an FTS5 table ``practices_practice_fts`` (tokenizer ``unicode61
  remove_diacritics 2``: accents and case ignored), each word matched as a prefix.

The services call ``index_practice`` after every save and ``unindex_practice`` on delete.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Value
from django.db.models.expressions import RawSQL

FTS_TABLE = "practices_practice_fts"
WORD = re.compile(r"\w+", re.UNICODE)


def fold(text):
    """Lower case without accents: « Élan Œuvre » -> « elan oeuvre »."""
    text = (text or "").replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _documents(practice):
    """(title, keywords, body) texts, from the most to the least weighty."""
    keywords = " ".join(
        [
            practice.pitch,
            " ".join(practice.tags),
            " ".join(practice.theme_labels()),
            " ".join(practice.public_labels()),
            practice.territory_label,
        ]
    )
    body = " ".join(
        [
            practice.context,
            practice.actions,
            practice.means,
            practice.results,
            practice.success_factors,
            practice.pitfalls,
        ]
    )
    return practice.title, keywords, body


def index_practice(practice):
    """Write ``practice`` into the search index of the current database."""
    from .models import Practice

    title, keywords, body = (fold(t) for t in _documents(practice))
    if connection.vendor == "postgresql":
        vector = (
            SearchVector(Value(title), weight="A", config="french")
            + SearchVector(Value(keywords), weight="B", config="french")
            + SearchVector(Value(body), weight="C", config="french")
        )
        Practice.objects.filter(pk=practice.pk).update(search_vector=vector)
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [practice.pk])
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, keywords, body) VALUES (%s, %s, %s, %s)",
                [practice.pk, title, keywords, body],
            )


def unindex_practice(pk):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [pk])


def _fts5_query(q):
    words = WORD.findall(fold(q))
    return " ".join(f'"{word}"*' for word in words)


def search(queryset, q):
    """``queryset`` narrowed to the sheets matching ``q`` (every word), best first on
    PostgreSQL, newest first on SQLite. An empty query leaves ``queryset`` as it is."""
    q = (q or "").strip()
    if not WORD.search(q):
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(fold(q), config="french", search_type="websearch")
        return (
            queryset.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at", "pk")
        )
    if connection.vendor == "sqlite":
        match = _fts5_query(q)
        return queryset.filter(
            pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
        )
    # Other databases: a plain case-insensitive match on the title.
    return queryset.filter(title__icontains=q)
