"""The search index: a GIN index on PostgreSQL, an FTS5 table on SQLite (see search.py)."""

from django.db import migrations


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX practices_practice_search_gin "
            "ON practices_practice USING gin (search_vector)"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE practices_practice_fts USING fts5("
            "title, keywords, body, tokenize = 'unicode61 remove_diacritics 2')"
        )


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS practices_practice_search_gin")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS practices_practice_fts")


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
