"""The law library moves here from the breakthroughs app: state only.

The table stays ``breakthroughs_regulation`` (``db_table``) with its rows, the seeded
national articles included; nothing in the database changes, in either direction.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('breakthroughs', '0007_cost_item_moved_to_catalogue'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Regulation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('law', models.CharField(max_length=150, verbose_name='law or rule')),
                        ('article', models.CharField(max_length=60, verbose_name='article')),
                        ('citation', models.CharField(help_text='For example: Awb art. 4:84.', max_length=200, verbose_name='official citation')),
                        ('kind', models.CharField(choices=[('wet', 'Law'), ('regeling', 'Regulation or decree'), ('beleidsregel', 'Policy rule'), ('verordening', 'Municipal by-law')], max_length=15, verbose_name='kind')),
                        ('description', models.TextField(verbose_name='what it says, in our own words')),
                        ('deviation', models.CharField(choices=[('geen', 'No room to deviate'), ('hardheid', 'Hardship clause'), ('beleidsruimte', 'Discretion')], default='geen', max_length=15, verbose_name='room to deviate')),
                        ('url', models.URLField(blank=True, verbose_name='address of the official text')),
                        ('municipality', models.ForeignKey(blank=True, help_text='Empty for national laws and rules.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='regulations', to='accounts.municipality', verbose_name='municipality')),
                    ],
                    options={
                        'verbose_name': 'regulation',
                        'verbose_name_plural': 'law library',
                        'db_table': 'breakthroughs_regulation',
                        'ordering': ['law', 'article'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('municipality__isnull', True)), fields=('citation',), name='regulation_unique_national_citation'), models.UniqueConstraint(condition=models.Q(('municipality__isnull', False)), fields=('citation', 'municipality'), name='regulation_unique_local_citation')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
