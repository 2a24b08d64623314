"""The cost item a fund request prevents is now ``catalogue.CostItem`` (same table): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
        ("funds", "0005_text_limits"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="fundrequest",
                    name="prevents_cost_item",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalogue.costitem",
                        verbose_name="expected to prevent",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
