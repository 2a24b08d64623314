"""The ledger and the approvals are accountable records: PostgreSQL refuses UPDATE and DELETE.

On SQLite the model layer refuses them (``AppendOnly.save``/``delete`` and the querysets'
``update``/``delete``); a SQLite trigger would also block the test database flush.
Corrections are reversal transactions, never edits. TRUNCATE (the test flush) does not
fire row triggers.
"""

from django.db import migrations

TABLES = ("funds_ledgertransaction", "funds_ledgerentry", "funds_approval")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        """
        CREATE OR REPLACE FUNCTION funds_refuse_change() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '% is an append-only ledger record: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$ LANGUAGE plpgsql;
        """,
        params=None,
    )
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();",
            params=None,
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};", None)
    schema_editor.execute("DROP FUNCTION IF EXISTS funds_refuse_change();", params=None)


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
