"""The household's team on each member, and on PostgreSQL one index of (team, surname).

The household search looks for a text in the surnames of the team's members
(``households.selectors.household_search``). With only the trigram index of the surname
(0013), a surname common in the whole country ("de Groot") made PostgreSQL read every
matching member of the country before it could keep the team's few. A copy of the
household's team on the member (``Member.team``; a household never changes team) and a
GIN index over (team, trigrams of ``UPPER(last_name)``) (``btree_gin`` lets a plain
column stand in a GIN index) give the team's matches off the index alone. The surname
index of 0013 is dropped: every search is within a team.

Written for a large, live table: the migration is not atomic. The column is added
nullable, filled in batches of ``BATCH`` members (each its own transaction), and on
PostgreSQL made NOT NULL through a validated CHECK constraint (so ``SET NOT NULL`` does
not scan the table under its exclusive lock); the index is built ``CONCURRENTLY``.
"""

import django.db.models.deletion
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery

BATCH = 10_000

INDEX = "member_team_last_name_trgm"
OLD_INDEX = "member_last_name_trgm"  # households/0013


def fill(apps, schema_editor):
    """Copy each member's household's team, ``BATCH`` members at a time."""
    member_model = apps.get_model("households", "Member")
    household_model = apps.get_model("households", "Household")
    members = member_model.objects.using(schema_editor.connection.alias)
    team = household_model.objects.filter(pk=OuterRef("household_id")).values("team_id")[:1]
    highest = members.aggregate(highest=Max("pk"))["highest"] or 0
    for start in range(0, highest + 1, BATCH):
        members.filter(pk__gte=start, pk__lt=start + BATCH, team__isnull=True).update(
            team_id=Subquery(team)
        )
    # Members added meanwhile by code that did not know the column yet.
    members.filter(team__isnull=True).update(team_id=Subquery(team))


class SetNotNull(migrations.AlterField):
    """``AlterField`` to NOT NULL, done on PostgreSQL without a long exclusive lock.

    Django's own AlterField there drops and re-adds the foreign key (re-checking every row)
    and ``SET NOT NULL`` alone scans the table under an exclusive lock. A CHECK added
    ``NOT VALID`` and then validated takes no such lock, and ``SET NOT NULL`` trusts it.
    Elsewhere (SQLite) the plain AlterField."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        table = schema_editor.quote_name(model._meta.db_table)
        column = schema_editor.quote_name(model._meta.get_field(self.name).column)
        check = schema_editor.quote_name("member_team_not_null")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID"
        )
        schema_editor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {check}")
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL")
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {check}")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        table = schema_editor.quote_name(model._meta.db_table)
        column = schema_editor.quote_name(model._meta.get_field(self.name).column)
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL")


def build_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    table = quote(apps.get_model("households", "Member")._meta.db_table)
    # Written out like 0013's: the expression must be the one Django writes for icontains.
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote(INDEX)} ON {table} "
        f'USING gin ("team_id", UPPER("last_name") gin_trgm_ops)'
    )
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {quote(OLD_INDEX)}")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    table = quote(apps.get_model("households", "Member")._meta.db_table)
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote(OLD_INDEX)} ON {table} "
        f'USING gin (UPPER("last_name") gin_trgm_ops)'
    )
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {quote(INDEX)}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0001_initial"),
        ("households", "0013_search_trigram"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="team",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.team",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        SetNotNull(
            model_name="member",
            name="team",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.team",
            ),
        ),
        BtreeGinExtension(),
        migrations.RunPython(build_index, drop_index),
    ]
