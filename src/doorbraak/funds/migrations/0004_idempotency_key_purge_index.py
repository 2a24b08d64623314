"""The index the purge of done idempotency keys uses, and: a key that is done has its result.

Separate from 0003: on PostgreSQL the rows 0003 updated leave pending trigger events, and
an index cannot be created in that same transaction.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("funds", "0003_idempotency_key_takeover_and_purge")]

    operations = [
        migrations.AddIndex(
            model_name="idempotencykey",
            index=models.Index(fields=["state", "completed_at"], name="idempotencykey_purge"),
        ),
        migrations.AddConstraint(
            model_name="idempotencykey",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("state", "in_progress"),
                    models.Q(("response_status__isnull", False), ("completed_at__isnull", False)),
                    _connector="OR",
                ),
                name="idempotencykey_done_has_result",
            ),
        ),
    ]
