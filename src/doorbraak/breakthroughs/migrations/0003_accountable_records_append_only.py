"""Decisions and disclosures are accountable records: PostgreSQL refuses UPDATE and DELETE.

On SQLite the model layer refuses them (``AppendOnly.save``/``delete``); a SQLite trigger
would also block the test database flush. Corrections are new, linked records.
"""

from django.db import migrations

TABLES = ("breakthroughs_decision", "breakthroughs_disclosure")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        """
        CREATE OR REPLACE FUNCTION breakthroughs_refuse_change() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '% is an accountable record: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$ LANGUAGE plpgsql;
        """,
        params=None,
    )
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION breakthroughs_refuse_change();",
            params=None,
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};", None)
    schema_editor.execute("DROP FUNCTION IF EXISTS breakthroughs_refuse_change();", params=None)


class Migration(migrations.Migration):
    dependencies = [("breakthroughs", "0002_initial")]

    operations = [migrations.RunPython(forward, backward)]
