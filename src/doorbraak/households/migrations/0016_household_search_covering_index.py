"""The list's partial index of 0015, covering the search too: (team, name, id) of the
households a page may show, with the street, postcode and status carried in the index
(INCLUDE).

The household search (``households.selectors.household_search``) reads the team's
households in the list's order and keeps those whose name, street or postcode holds the
text, or whose id a member's surname names. 0015's index gave the order but not the street
or postcode, so PostgreSQL visited the heap of every household of the team to test them
(at a million persons the demo team's 5,005 households, one heap page each). With the
columns in the index the search is an index-only scan like the list: the team's entries
are read in order and tested off the index. The status is carried for the searches that
keep only open households (the fund request form's, ``funds.selectors``) and the list's
status filter; it is in 0001's (team, status) index already, so a change of status was
never a HOT update and the extra column costs no more writes. The list keeps its index-only scan in order
over the same leading columns, so 0015's index is dropped (one index to keep up, not two).

PostgreSQL only, built and dropped ``CONCURRENTLY`` (the migration is not atomic), so the
table keeps taking writes. The new index is built before the old one is dropped, so the
list always has one. Like 0013 and 0015, the indexes are not in the models' state.
"""

from django.db import migrations

INDEX = "household_team_visible_search"
OLD_INDEX = "household_team_visible_name"


def _create(schema_editor, table: str, name: str, include: tuple[str, ...]) -> None:
    quote = schema_editor.quote_name
    covering = f" INCLUDE ({', '.join(quote(c) for c in include)})" if include else ""
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote(name)} ON "
        f"{quote(table)} "
        f"({quote('team_id')}, {quote('name')}, {quote('id')}){covering} "
        f"WHERE {quote('destroyed_on')} IS NULL"
    )


def _drop(schema_editor, name: str) -> None:
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(name)}")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("households", "Household")._meta.db_table
    _create(schema_editor, table, INDEX, ("street", "postcode", "status"))
    _drop(schema_editor, OLD_INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("households", "Household")._meta.db_table
    _create(schema_editor, table, OLD_INDEX, ())
    _drop(schema_editor, INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("households", "0015_household_visible_name_index"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
