"""Backup and restore of the whole database, consistent while the server writes.

An archive is a directory with

* ``manifest.json``: when, which database kind, the applied migrations, the number of rows
  of every table *in the same snapshot as the data*, and fingerprints of the keys (a keyed
  hash of a fixed text, never a key itself), so a restore can say which key is missing.
  Old keys still configured during a rotation are fingerprinted too: data in the backup
  may still be under them, so a restore needs them as well (as current or old keys);
* ``database.sqlite3`` — SQLite's online backup API, a consistent copy while others write
  (a plain file copy of a database in use can be corrupt) — or ``database.dump`` —
  ``pg_dump --format=custom`` of the snapshot the row counts were taken in.

The keys are not in the archive: they are kept apart from it (docs/operations.md).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT_VERSION = 2
#: Versions this release restores: 1 had no fingerprints of old keys.
READABLE_VERSIONS = (1, 2)
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"

#: The keys without which a restored database is not usable, and what each protects.
KEYS = {
    "FIELD_ENCRYPTION_KEY": "BSNs (encrypted at rest)",
    "BLIND_INDEX_KEY": "finding a member by BSN",
    "PSEUDONYM_KEY": "the persons in the processing log and the exports",
    "AUDIT_CHAIN_KEY": "the tamper evidence of the processing log",
    "SECRET_KEY": "sessions, password-reset links and signed values",
}

#: The keys that rotate, and the setting that lists their old keys (docs/operations.md).
OLD_KEYS = {
    "FIELD_ENCRYPTION_KEY": "FIELD_ENCRYPTION_OLD_KEYS",
    "BLIND_INDEX_KEY": "BLIND_INDEX_OLD_KEYS",
    "AUDIT_CHAIN_KEY": "AUDIT_CHAIN_OLD_KEYS",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in plain words."""


@dataclass(frozen=True)
class Manifest:
    created_at: str
    vendor: str
    migrations: dict[str, str]
    row_counts: dict[str, int]
    key_fingerprints: dict[str, str]
    format_version: int = FORMAT_VERSION
    old_key_fingerprints: dict[str, list[str]] = field(default_factory=dict)

    def as_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True)

    @classmethod
    def read(cls, archive: Path) -> Manifest:
        path = archive / MANIFEST
        if not path.is_file():
            raise BackupError(f"{archive} is not a Doorbraak backup: {MANIFEST} is missing.")
        data: dict[str, Any] = json.loads(path.read_text())
        if data.get("format_version") not in READABLE_VERSIONS:
            raise BackupError(f"Unknown backup format {data.get('format_version')!r}.")
        return cls(**data)


def _fingerprint(key: str) -> str:
    return hmac.new(key.encode(), b"doorbraak-backup", hashlib.sha256).hexdigest()[:16]


def key_fingerprints() -> dict[str, str]:
    """A keyed hash of a fixed text per key: equal when the same key is configured."""
    return {name: _fingerprint(str(getattr(settings, name))) for name in KEYS}


def old_key_fingerprints() -> dict[str, list[str]]:
    """The fingerprints of the old keys configured for each key that rotates."""
    return {
        name: [_fingerprint(key) for key in getattr(settings, setting)]
        for name, setting in OLD_KEYS.items()
    }


def _tables(cursor: Any) -> list[str]:
    return sorted(connection.introspection.table_names(cursor))


def _row_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts: dict[str, int] = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _migrations(cursor: Any) -> dict[str, str]:
    table = connection.ops.quote_name(MigrationRecorder.Migration._meta.db_table)
    cursor.execute(f"SELECT app, name FROM {table} ORDER BY app, name")  # noqa: S608
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = max(latest.get(app, name), name)
    return latest


def _manifest(vendor: str, counts: dict[str, int], migrations: dict[str, str]) -> Manifest:
    return Manifest(
        created_at=timezone.now().isoformat(timespec="seconds"),
        vendor=vendor,
        migrations=migrations,
        row_counts=counts,
        key_fingerprints=key_fingerprints(),
        old_key_fingerprints=old_key_fingerprints(),
    )


def backup(archive: Path) -> Manifest:
    """Write a consistent backup of the default database into the new directory ``archive``."""
    if archive.exists() and any(archive.iterdir()):
        raise BackupError(f"{archive} already exists and is not empty; choose a new directory.")
    archive.mkdir(parents=True, exist_ok=True)
    os.chmod(archive, 0o700)  # personal data: readable by the owner only
    if connection.vendor == "sqlite":
        manifest = _backup_sqlite(archive)
    elif connection.vendor == "postgresql":
        manifest = _backup_postgresql(archive)
    else:
        raise BackupError(f"Backups of {connection.vendor} are not supported.")
    (archive / MANIFEST).write_text(manifest.as_json())
    return manifest


def _backup_sqlite(archive: Path) -> Manifest:
    target_path = archive / SQLITE_FILE
    connection.ensure_connection()
    source = connection.connection
    target = sqlite3.connect(target_path)
    try:
        # One step (pages=-1): the copy is one consistent snapshot, also under WAL writes.
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        target.close()
    os.chmod(target_path, 0o600)
    copy = sqlite3.connect(f"file:{target_path}?mode=ro", uri=True)
    try:
        cursor = copy.cursor()
        tables = [
            row[0]
            for row in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {
            table: int(cursor.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])  # noqa: S608
            for table in tables
        }
        latest: dict[str, str] = {}
        for app, name in cursor.execute("SELECT app, name FROM django_migrations"):
            latest[app] = max(latest.get(app, name), name)
    finally:
        copy.close()
    return _manifest("sqlite", counts, latest)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def _pg_env() -> dict[str, str]:
    db = connections["default"].settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def _backup_postgresql(archive: Path) -> Manifest:
    name = str(connections["default"].settings_dict["NAME"])
    # Count the rows in the very snapshot pg_dump dumps: the counts then match the archive,
    # however busy the server is.
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = _tables(cursor)
            counts = _row_counts(cursor, tables)
            migrations = _migrations(cursor)
            target = archive / PG_FILE
            result = subprocess.run(  # noqa: S603
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    name,
                ],
                env=_pg_env(),
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            cursor.execute("COMMIT")
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    os.chmod(target, 0o600)
    return _manifest("postgresql", counts, migrations)


# --- restore ---------------------------------------------------------------------------------
def _configured(name: str) -> set[str]:
    """Fingerprints of the configured current key and, for a key that rotates, its old keys."""
    return {key_fingerprints()[name], *old_key_fingerprints().get(name, [])}


def missing_keys(manifest: Manifest) -> list[str]:
    """The keys of the backup that are not configured, as current or as old key.

    A key the backup was made with may since have become an old key (a rotation after the
    backup): its data is still readable, so that is no reason to refuse. A backup made
    during a rotation also needs the old keys it had: some values may still be under them.
    Names are settings: ``FIELD_ENCRYPTION_KEY`` or ``FIELD_ENCRYPTION_OLD_KEYS``."""
    missing: list[str] = []
    for name, fingerprint in manifest.key_fingerprints.items():
        configured = _configured(name) if name in KEYS else set()
        if fingerprint not in configured:
            missing.append(name)
        old = manifest.old_key_fingerprints.get(name, [])
        if any(item not in configured for item in old):
            missing.append(OLD_KEYS[name])
    return missing


def keys_to_rotate(manifest: Manifest) -> list[str]:
    """Keys the backup was made with that are configured only as old keys now: after the
    restore, run the rotation again (docs/operations.md)."""
    current = key_fingerprints()
    return [
        name
        for name in OLD_KEYS
        if name in manifest.key_fingerprints
        and manifest.key_fingerprints[name] != current[name]
        and manifest.key_fingerprints[name] in _configured(name)
    ]


def _describe(name: str) -> str:
    current = next((key for key, old in OLD_KEYS.items() if old == name), None)
    if current is not None:
        return f"{name} (an old key the backup still used: {KEYS[current]})"
    return f"{name} ({KEYS.get(name, 'unknown key')})"


def database_is_empty() -> bool:
    """No table holds a row (a fresh database, migrated or not)."""
    with connection.cursor() as cursor:
        tables = [t for t in _tables(cursor) if t != MigrationRecorder.Migration._meta.db_table]
        return all(count == 0 for count in _row_counts(cursor, tables).values())


def restore(archive: Path, *, force: bool = False, allow_other_keys: bool = False) -> Manifest:
    """Restore ``archive`` into the default database, which must be empty unless ``force``.

    Refuses when the configured keys are not those of the backup (the data would be
    unreadable) unless ``allow_other_keys``. Afterwards the row count of every table is
    compared with the manifest.
    """
    manifest = Manifest.read(archive)
    if manifest.vendor != connection.vendor:
        raise BackupError(
            f"This backup is of {manifest.vendor}; the configured database is {connection.vendor}."
        )
    wrong = missing_keys(manifest)
    if wrong and not allow_other_keys:
        raise BackupError(
            "The configured keys are not the keys of this backup: "
            + ", ".join(_describe(name) for name in wrong)
            + ". Configure the keys kept with the backup and try again."
        )
    if not force and not database_is_empty():
        raise BackupError(
            "The database is not empty; restoring would overwrite it. "
            "Use --force to replace its contents."
        )
    if manifest.vendor == "sqlite":
        _restore_sqlite(archive)
    else:
        _restore_postgresql(archive)
    with connection.cursor() as cursor:
        counts = _row_counts(cursor, list(manifest.row_counts))
    different = {
        table: (expected, counts.get(table))
        for table, expected in manifest.row_counts.items()
        if counts.get(table) != expected
    }
    if different:
        raise BackupError(f"Row counts differ after the restore: {different}")
    return manifest


def _restore_sqlite(archive: Path) -> None:
    source = sqlite3.connect(f"file:{archive / SQLITE_FILE}?mode=ro", uri=True)
    connection.ensure_connection()
    try:
        source.backup(connection.connection, pages=-1)
    finally:
        source.close()


def _restore_postgresql(archive: Path) -> None:
    """pg_restore's SQL, run by psql in one transaction: all of it or nothing.

    ``pg_restore --clean`` drops each object before it is made again, but it drops the
    primary key of a partition (the processing log's months) before its parent's, which
    PostgreSQL refuses. So the partitioned tables of the target, with their partitions,
    are dropped first, in the same transaction.
    """
    name = str(connections["default"].settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'p' AND n.nspname = current_schema()"
        )
        partitioned = [row[0] for row in cursor.fetchall()]
    connection.close()  # the restore replaces tables this connection may hold locks on
    first = f"DROP TABLE IF EXISTS {', '.join(partitioned)} CASCADE" if partitioned else "SELECT 1"
    script = subprocess.Popen(  # noqa: S603
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--file=-",
            str(archive / PG_FILE),
        ],
        env=_pg_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    result = subprocess.run(  # noqa: S603
        [
            _tool("psql"),
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--command={first}",
            "--file=-",
            f"--dbname={name}",
        ],
        env=_pg_env(),
        stdin=script.stdout,
        capture_output=True,
        text=True,
        check=False,
    )
    script_errors = script.communicate()[1].decode(errors="replace").strip()
    # psql's error first: when it stops, pg_restore fails too, writing to a closed pipe.
    if result.returncode != 0:
        raise BackupError(f"restoring failed: {result.stderr.strip()}")
    if script.returncode != 0:
        raise BackupError(f"pg_restore failed: {script_errors}")


def default_archive_name() -> str:
    return f"doorbraak-{datetime.datetime.now(tz=datetime.UTC):%Y%m%d-%H%M%S}"
