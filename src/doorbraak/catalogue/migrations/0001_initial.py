"""The cost catalogue moves here from the outcomes app: state only.

The table stays ``outcomes_costitem`` (``db_table``) with its rows; nothing in the database
changes, in either direction.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('outcomes', '0003_outcomes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CostItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(help_text="Stays the same across years, e.g. 'huisuitzetting'.", max_length=60, verbose_name='code')),
                        ('name', models.CharField(max_length=150, verbose_name='name')),
                        ('unit', models.CharField(choices=[('gebeurtenis', 'per event'), ('maand', 'per month'), ('jaar', 'per year')], max_length=12, verbose_name='unit')),
                        ('amount_cents', models.PositiveBigIntegerField(verbose_name='amount in cents')),
                        ('payer', models.CharField(choices=[('gemeente', 'Municipality'), ('woningcorporatie', 'Housing corporation'), ('zorgverzekeraar', 'Health insurer'), ('rijk', 'National agency'), ('justitie', 'Justice'), ('huishouden', 'The household')], max_length=20, verbose_name='who pays')),
                        ('source', models.CharField(max_length=400, verbose_name='source')),
                        ('source_url', models.URLField(blank=True, verbose_name='source address')),
                        ('valid_year', models.PositiveSmallIntegerField(verbose_name='valid for year')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('municipality', models.ForeignKey(blank=True, help_text='Empty for the national figure.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='cost_items', to='accounts.municipality', verbose_name='municipality')),
                    ],
                    options={
                        'verbose_name': 'cost item',
                        'verbose_name_plural': 'cost catalogue',
                        'db_table': 'outcomes_costitem',
                        'ordering': ['name', '-valid_year'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('municipality__isnull', True)), fields=('code', 'valid_year'), name='costitem_one_national_figure_per_year'), models.UniqueConstraint(condition=models.Q(('municipality__isnull', False)), fields=('code', 'valid_year', 'municipality'), name='costitem_one_local_figure_per_year'), models.CheckConstraint(condition=models.Q(('valid_year__gte', 2000), ('valid_year__lte', 2100)), name='costitem_plausible_year'), models.CheckConstraint(condition=models.Q(('source', ''), _negated=True), name='costitem_has_source')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
