"""A scenario line's cost item is now ``catalogue.CostItem`` (same table): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("breakthroughs", "0006_text_limits"),
        ("catalogue", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="scenarioline",
                    name="cost_item",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalogue.costitem",
                        verbose_name="cost item",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
