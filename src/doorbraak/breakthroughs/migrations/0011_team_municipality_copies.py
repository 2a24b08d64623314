"""The household's team and municipality on each breakthrough, with an index for each.

The team's breakthrough list, the table queue (page and API) and the fund form's choices
filtered the breakthroughs by the team or municipality of their household: a join of
every breakthrough with the households. At a million persons (23,000 breakthroughs,
395,000 households) PostgreSQL read the whole breakthrough table for each of them. With
copies on the breakthrough (``Breakthrough.team``, ``Breakthrough.municipality``; a
household never changes either) the team's rows come off (team, created_at) and the
queue's off (municipality, status, level).

Written for a live table: the migration is not atomic. The columns are added nullable,
filled with one ``UPDATE … FROM`` join each (a single statement, not a row at a time:
the table holds tens of thousands of rows, not millions), then made NOT NULL; the indexes
are built ``CONCURRENTLY`` on PostgreSQL, plainly elsewhere. Backwards the indexes and
columns go again.
"""

import django.db.models.deletion
from django.db import migrations, models

TEAM_CREATED = models.Index(fields=["team", "-created_at"], name="breakthrough_team_created")
MUNICIPALITY = models.Index(
    fields=["municipality", "status", "level"], name="breakthrough_municipality"
)


def fill(apps, schema_editor):
    """Copy the household's team and municipality onto every breakthrough without them."""
    quote = schema_editor.quote_name
    breakthrough = quote(apps.get_model("breakthroughs", "Breakthrough")._meta.db_table)
    household = quote(apps.get_model("households", "Household")._meta.db_table)
    for column in ("team_id", "municipality_id"):
        schema_editor.execute(
            f"UPDATE {breakthrough} SET {quote(column)} = h.{quote(column)} "
            f"FROM {household} AS h "
            f"WHERE h.{quote('id')} = {breakthrough}.{quote('household_id')} "
            f"AND {breakthrough}.{quote(column)} IS NULL"
        )


def build_indexes(apps, schema_editor):
    model = apps.get_model("breakthroughs", "Breakthrough")
    concurrently = schema_editor.connection.vendor == "postgresql"
    for index in (TEAM_CREATED, MUNICIPALITY):
        if concurrently:
            schema_editor.add_index(model, index, concurrently=True)
        else:
            schema_editor.add_index(model, index)


def drop_indexes(apps, schema_editor):
    model = apps.get_model("breakthroughs", "Breakthrough")
    concurrently = schema_editor.connection.vendor == "postgresql"
    for index in (MUNICIPALITY, TEAM_CREATED):
        if concurrently:
            schema_editor.remove_index(model, index, concurrently=True)
        else:
            schema_editor.remove_index(model, index)


def _copy(to: str, *, null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to=to,
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0003_external_identity"),
        ("breakthroughs", "0010_own_cost_lines"),
        ("households", "0014_search_scope"),
    ]

    operations = [
        migrations.AddField(
            model_name="breakthrough", name="team", field=_copy("accounts.team", null=True)
        ),
        migrations.AddField(
            model_name="breakthrough",
            name="municipality",
            field=_copy("accounts.municipality", null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="breakthrough", name="team", field=_copy("accounts.team", null=False)
        ),
        migrations.AlterField(
            model_name="breakthrough",
            name="municipality",
            field=_copy("accounts.municipality", null=False),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="breakthrough", index=TEAM_CREATED),
                migrations.AddIndex(model_name="breakthrough", index=MUNICIPALITY),
            ],
            database_operations=[migrations.RunPython(build_indexes, drop_indexes)],
        ),
    ]
