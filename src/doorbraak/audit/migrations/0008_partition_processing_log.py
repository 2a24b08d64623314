"""The processing log in monthly partitions on PostgreSQL (see ``audit/partitions.py``).

Not atomic: first the unique (id, time) index that the partitioned primary key needs is
built CONCURRENTLY, while the log keeps taking inserts; then, in one short transaction
under an exclusive lock, the table becomes the first partition of a new partitioned log
(renamed, not copied) and the coming months get partitions of their own.

Backwards leaves the log partitioned: the model is the same either way, and undoing it
would mean copying every record of the newer partitions into one table. On SQLite this
migration does nothing.
"""

from django.db import DEFAULT_DB_ALIAS, migrations

from doorbraak.audit.partitions import build_id_time_index, partition_table

# The partition functions work on the default connection, the one migrations run on.


def build_index(apps, schema_editor):
    if schema_editor.connection.alias == DEFAULT_DB_ALIAS:
        build_id_time_index()


def partition(apps, schema_editor):
    if schema_editor.connection.alias == DEFAULT_DB_ALIAS:
        partition_table()


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("audit", "0007_log_subject_time_index"),
    ]

    operations = [
        migrations.RunPython(build_index, migrations.RunPython.noop, atomic=False),
        migrations.RunPython(partition, migrations.RunPython.noop, atomic=False),
    ]
