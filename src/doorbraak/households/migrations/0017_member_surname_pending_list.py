"""A short pending list for the members' (team, surname trigrams) index of 0014.

A GIN index takes new entries into a *pending list* first (``fastupdate``) and merges
them into its tree in bulk, when the list passes ``gin_pending_list_limit`` (4 MB by
default) or when the table is vacuumed. Until then every search reads the whole list, all
teams' new members, besides the tree: on the 100,000-person copy, after 3,000 members were
added (83 pages of pending list), the surname part of the household search read 108
buffers instead of 25 and took 1.7 ms instead of 0.4; a full list of 4 MB (512 pages) is
several milliseconds on every search until autovacuum comes by. A limit of 128 kB (16
pages) keeps what a search reads bounded, and inserts are still merged in bulk (a ``COPY``
of ``seed_scale`` merges every 128 kB instead of every 4 MB). The list is emptied now.

PostgreSQL only; setting the option takes a short lock on the index and does not rebuild
it. ``backwards`` puts the server's default back.
"""

from django.db import migrations

INDEX = "member_team_last_name_trgm"  # households/0014
LIMIT_KB = 128


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    index = schema_editor.quote_name(INDEX)
    schema_editor.execute(f"ALTER INDEX {index} SET (gin_pending_list_limit = {LIMIT_KB})")
    schema_editor.execute("SELECT gin_clean_pending_list(%s::regclass)", [INDEX])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    index = schema_editor.quote_name(INDEX)
    schema_editor.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0016_household_search_covering_index"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
