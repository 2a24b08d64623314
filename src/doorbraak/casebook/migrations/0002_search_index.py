"""The search index: a generated tsvector with a GIN index on PostgreSQL, FTS5 on SQLite.

Each vendor gets its own; the other's statements do not run (``connection.vendor``).
"""

from django.db import migrations

PG_FORWARD = [
    """
    ALTER TABLE casebook_example ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('dutch', coalesce(title, '')), 'A')
        || setweight(to_tsvector('dutch', coalesce(regulation_text, '')), 'B')
        || setweight(to_tsvector('dutch', coalesce(solution, '')), 'B')
        || setweight(to_tsvector('dutch', coalesce(bottleneck, '')), 'C')
        || setweight(to_tsvector('dutch', coalesce(outcome, '')), 'D')
    ) STORED
    """,
    "CREATE INDEX casebook_example_search ON casebook_example USING GIN (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS casebook_example_search",
    "ALTER TABLE casebook_example DROP COLUMN IF EXISTS search_vector",
]
_COLUMNS = "title, regulation_text, solution, bottleneck, outcome"
_NEW = "new.title, new.regulation_text, new.solution, new.bottleneck, new.outcome"
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE casebook_example_fts USING fts5({_COLUMNS},"
    " tokenize='unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER casebook_example_fts_insert AFTER INSERT ON casebook_example BEGIN
        INSERT INTO casebook_example_fts(rowid, {_COLUMNS}) VALUES (new.id, {_NEW});
    END""",
    """CREATE TRIGGER casebook_example_fts_delete AFTER DELETE ON casebook_example BEGIN
        DELETE FROM casebook_example_fts WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER casebook_example_fts_update AFTER UPDATE ON casebook_example BEGIN
        DELETE FROM casebook_example_fts WHERE rowid = old.id;
        INSERT INTO casebook_example_fts(rowid, {_COLUMNS}) VALUES (new.id, {_NEW});
    END""",
    f"INSERT INTO casebook_example_fts(rowid, {_COLUMNS}) SELECT id, {_COLUMNS}"
    " FROM casebook_example",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS casebook_example_fts_insert",
    "DROP TRIGGER IF EXISTS casebook_example_fts_delete",
    "DROP TRIGGER IF EXISTS casebook_example_fts_update",
    "DROP TABLE IF EXISTS casebook_example_fts",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("casebook", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
