"""``CostItem`` left this app for ``catalogue`` (same table): state only.

The outcome foreign keys point at ``catalogue.CostItem``; the model leaves this app's state.
The foreign-key constraints in the database are untouched: the table is the same.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("breakthroughs", "0007_cost_item_moved_to_catalogue"),
        ("catalogue", "0001_initial"),
        ("funds", "0006_cost_item_moved_to_catalogue"),
        ("outcomes", "0004_text_limits"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="outcome",
                    name="cost_item",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Only for 'other': what it prevented, from the catalogue.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalogue.costitem",
                        verbose_name="cost item",
                    ),
                ),
                migrations.AlterField(
                    model_name="outcomevalue",
                    name="cost_item",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalogue.costitem",
                    ),
                ),
                migrations.DeleteModel(
                    name="CostItem",
                ),
            ],
            database_operations=[],
        ),
    ]
