"""Refuse UPDATE and DELETE of processing-log rows in the database itself (PostgreSQL).

On SQLite the model layer refuses them (see ``ProcessingLog.save``/``delete`` and the
queryset); a SQLite trigger would also block Django's test flush, which uses DELETE.
TRUNCATE is left to privileges: the application's database role should not own the table.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION audit_processinglog_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_processinglog is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_processinglog_append_only
    BEFORE UPDATE OR DELETE ON audit_processinglog
    FOR EACH ROW EXECUTE FUNCTION audit_processinglog_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_processinglog_append_only ON audit_processinglog;
DROP FUNCTION IF EXISTS audit_processinglog_refuse_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
