"""The log page's user filter reads (municipality, user, time) off one index.

Without it PostgreSQL combined the (actor, time) and (municipality, time) indexes in a
bitmap, reading every index entry of the municipality to find one user's records
(docs/scale.md). On PostgreSQL the log is partitioned by month (0008): the index is made
``ON ONLY`` the parent, each partition's index is built ``CONCURRENTLY`` and attached
(``partitions.build_index``), so the log keeps taking inserts meanwhile; the migration is
not atomic. On SQLite it is a plain index.
"""

from django.db import DEFAULT_DB_ALIAS, migrations, models

from doorbraak.audit.partitions import build_index, drop_index

INDEX = models.Index(
    fields=["municipality", "actor", "-occurred_at"], name="processinglog_muni_actor_time"
)
COLUMNS = "municipality_id, actor_id, occurred_at DESC"


# The partition functions work on the default connection, the one migrations run on.


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        if schema_editor.connection.alias == DEFAULT_DB_ALIAS:
            build_index(INDEX.name, COLUMNS)
    else:
        schema_editor.add_index(apps.get_model("audit", "ProcessingLog"), INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        if schema_editor.connection.alias == DEFAULT_DB_ALIAS:
            drop_index(INDEX.name)
    else:
        schema_editor.remove_index(apps.get_model("audit", "ProcessingLog"), INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("audit", "0011_processinglogpurge"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="processinglog", index=INDEX)],
            database_operations=[migrations.RunPython(forwards, backwards, atomic=False)],
        ),
    ]
