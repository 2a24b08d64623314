"""The person filter of the log page reads (person, time) off one index.

The new index is built before the old one goes, so the log is never without one. On
PostgreSQL both happen CONCURRENTLY (the migration is not atomic): a log of millions of
records keeps taking inserts, that is every page view, while the index is built.
"""

from django.db import migrations, models

from doorbraak.audit.partitions import is_partitioned

NEW = models.Index(fields=["subject_pseudonym", "-occurred_at"], name="processinglog_subject_time")
OLD = models.Index(fields=["subject_pseudonym"], name="processinglog_subject")


def _swap(schema_editor, model, add, remove):
    # A partitioned log (migration 0008, when going backwards) cannot build or drop its
    # indexes CONCURRENTLY: there it happens in the ordinary way.
    if schema_editor.connection.vendor == "postgresql" and not is_partitioned():
        schema_editor.add_index(model, add, concurrently=True)
        schema_editor.remove_index(model, remove, concurrently=True)
    else:
        schema_editor.add_index(model, add)
        schema_editor.remove_index(model, remove)


def forwards(apps, schema_editor):
    _swap(schema_editor, apps.get_model("audit", "ProcessingLog"), NEW, OLD)


def backwards(apps, schema_editor):
    _swap(schema_editor, apps.get_model("audit", "ProcessingLog"), OLD, NEW)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("audit", "0006_seal_key_id"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="processinglog", index=NEW),
                migrations.RemoveIndex(model_name="processinglog", name="processinglog_subject"),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
