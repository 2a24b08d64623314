"""Trigram indexes for the household search on PostgreSQL (pg_trgm).

The search matches a text anywhere in the household's name, street and postcode and in
its members' surnames (``households.selectors.household_search``), case-insensitively:
``UPPER(column) LIKE UPPER('%text%')``, as Django writes ``icontains`` on PostgreSQL. A
B-tree cannot serve a pattern with a leading ``%``; a GIN index of the trigrams of
``UPPER(column)`` can, so each index is on exactly that expression.

PostgreSQL only: the extension and the indexes are made there, CONCURRENTLY (the
migration is not atomic), so a database of a million persons keeps taking writes while
they are built. SQLite keeps its plain ``LIKE`` over the team's households. The indexes
are not in the models' state: no model field or option changes, and ``makemigrations``
has nothing to say about them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

#: (model, column, index name)
INDEXES = (
    ("household", "name", "household_name_trgm"),
    ("household", "street", "household_street_trgm"),
    ("household", "postcode", "household_postcode_trgm"),
    ("member", "last_name", "member_last_name_trgm"),
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for model, column, name in INDEXES:
        table = apps.get_model("households", model)._meta.db_table
        # Written out: Django's OpClass() needs django.contrib.postgres installed as an app.
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote(name)} ON {quote(table)} "
            f"USING gin (UPPER({quote(column)}) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _model, _column, name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("households", "0012_event_message"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(forwards, backwards),
    ]
