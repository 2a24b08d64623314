"""Suggestions read the newest examples sharing one regulation or organisation: an index on
(regulation, example) and (organisation, example) makes that an ordered index-only range."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("casebook", "0002_search_index")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX casebook_example_regulations_newest"
            " ON casebook_example_regulations (regulation_id, example_id)",
            "DROP INDEX casebook_example_regulations_newest",
        ),
        migrations.RunSQL(
            "CREATE INDEX casebook_example_organisations_newest"
            " ON casebook_example_organisations (organisation_id, example_id)",
            "DROP INDEX casebook_example_organisations_newest",
        ),
    ]
