"""Idempotency keys: a claim time and token (a stale claim is taken over), a completion time
(done keys are purged after the retention period), labels for the admin.

Existing keys count as claimed, and done keys as completed, when they were created.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def claimed_and_completed_when_created(apps, schema_editor):
    IdempotencyKey = apps.get_model("funds", "IdempotencyKey")
    IdempotencyKey.objects.update(claimed_at=models.F("created_at"))
    IdempotencyKey.objects.filter(state="done").update(completed_at=models.F("created_at"))
    # A key marked done has its status; one without (never written that way) is released.
    IdempotencyKey.objects.filter(state="done", response_status__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0002_ledger_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="idempotencykey",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "idempotency key",
                "verbose_name_plural": "idempotency keys",
            },
        ),
        migrations.AddField(
            model_name="idempotencykey",
            name="claim_token",
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name="idempotencykey",
            name="claimed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                help_text="When the request now running took the key; a claim older than the takeover time is taken over by the next request with the same key.",
                verbose_name="claimed at",
            ),
        ),
        migrations.AddField(
            model_name="idempotencykey",
            name="completed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="completed at"),
        ),
        migrations.AlterField(
            model_name="idempotencykey",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="idempotencykey",
            name="endpoint",
            field=models.CharField(max_length=200, verbose_name="endpoint"),
        ),
        migrations.AlterField(
            model_name="idempotencykey",
            name="key",
            field=models.CharField(max_length=255, verbose_name="key"),
        ),
        migrations.AlterField(
            model_name="idempotencykey",
            name="response_status",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="response status"
            ),
        ),
        migrations.AlterField(
            model_name="idempotencykey",
            name="state",
            field=models.CharField(
                choices=[("in_progress", "In progress"), ("done", "Done")],
                default="in_progress",
                max_length=12,
                verbose_name="state",
            ),
        ),
        migrations.AlterField(
            model_name="idempotencykey",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.RunPython(claimed_and_completed_when_created, migrations.RunPython.noop),
    ]
