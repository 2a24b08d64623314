"""A signal's regulation is now ``library.Regulation`` (same table): state only.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('insights', '0003_text_limits'),
        ('library', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='signal',
                    name='regulation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='signals', to='library.regulation', verbose_name='regulation'),
                ),
            ],
            database_operations=[],
        ),
    ]
