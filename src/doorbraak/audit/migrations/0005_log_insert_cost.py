"""Cheaper inserts into the processing log, which every page view writes to.

Drops the foreign-key constraints of ``actor`` and ``municipality`` (their checks lock the
user's and the municipality's row on every insert; PROTECT stays in the application) and
the indexes no reader uses: the single-column ones that the (actor, time) and
(municipality, time) indexes cover, the time index, and PostgreSQL's second (LIKE) index
on the pseudonym. Reversible: backwards restores the constraints and indexes.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('audit', '0004_sealing'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='processinglog',
            name='actor',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, help_text='Empty when the system itself processed, for example a background task.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AlterField(
            model_name='processinglog',
            name='municipality',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.municipality', verbose_name='municipality'),
        ),
        migrations.AlterField(
            model_name='processinglog',
            name='occurred_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='time'),
        ),
        migrations.AlterField(
            model_name='processinglog',
            name='subject_pseudonym',
            field=models.CharField(blank=True, help_text='Pseudonymous id of the data subject; never a BSN or a name.', max_length=64, verbose_name='person concerned'),
        ),
        migrations.AddIndex(
            model_name='processinglog',
            index=models.Index(fields=['subject_pseudonym'], name='processinglog_subject'),
        ),
    ]
