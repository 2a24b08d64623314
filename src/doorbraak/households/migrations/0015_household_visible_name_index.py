"""A partial index for the household list on PostgreSQL: (team, name, id) of the households
a page may show.

The list (``households.selectors.household_search``, paged by ``household_list_page``)
reads ``team_id IN (…) AND destroyed_on IS NULL ORDER BY name, id`` with a window count
over all those rows. The index of 0005 has the columns but not the condition: PostgreSQL
visits the heap of every household of the team to check ``destroyed_on`` (and on a large
team sorts them instead of walking that index). With the condition in the index, the page
and its count are an index-only scan in the list's order, and destroyed households (stubs
no page shows) are not in it.

PostgreSQL only, built ``CONCURRENTLY`` (the migration is not atomic), so the table keeps
taking writes. SQLite keeps 0005's index. Like 0013, the index is not in the models'
state: ``makemigrations`` has nothing to say about it.
"""

from django.db import migrations

INDEX = "household_team_visible_name"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    table = apps.get_model("households", "Household")._meta.db_table
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote(INDEX)} ON {quote(table)} "
        f"({quote('team_id')}, {quote('name')}, {quote('id')}) "
        f"WHERE {quote('destroyed_on')} IS NULL"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(INDEX)}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("households", "0014_search_scope"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
