"""``Regulation`` left this app for ``library`` (same table): state only.

The breakthrough and bottleneck relations point at ``library.Regulation``; the many-to-many
table ``breakthroughs_bottleneck_regulations`` and its ``regulation_id`` column stay as they
are.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('breakthroughs', '0007_cost_item_moved_to_catalogue'),
        ('insights', '0004_regulation_moved_to_library'),
        ('library', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='breakthrough',
                    name='regulation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='breakthroughs', to='library.regulation', verbose_name='legal basis'),
                ),
                migrations.AlterField(
                    model_name='bottleneck',
                    name='regulations',
                    field=models.ManyToManyField(blank=True, related_name='bottlenecks', to='library.regulation', verbose_name='regulations'),
                ),
                migrations.DeleteModel(
                    name='Regulation',
                ),
            ],
            database_operations=[],
        ),
    ]
