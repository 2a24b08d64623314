"""Backup and restore: a consistent archive with its manifest, and the refusals that keep
a restore from destroying data or producing an unreadable copy. The whole round trip
under writes, on both databases, is the restore drill (scripts/restore_drill.py, CI)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from doorbraak.audit.models import ProcessingLog
from doorbraak.households.models import Household
from doorbraak.operations.backup import MANIFEST, PG_FILE, SQLITE_FILE, Manifest, restore
from tests.conftest import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_backup_holds_the_data_and_a_manifest_of_it(
    cast: Cast, household_a: Household, tmp_path: Path
) -> None:
    archive = tmp_path / "b1"
    call_command("backup", str(archive))
    manifest = json.loads((archive / MANIFEST).read_text())
    assert manifest["vendor"] == connection.vendor
    assert manifest["row_counts"]["households_household"] == 1
    assert manifest["row_counts"]["audit_processinglog"] == ProcessingLog.objects.count()
    assert set(manifest["key_fingerprints"]) >= {"FIELD_ENCRYPTION_KEY", "PSEUDONYM_KEY"}
    assert "households" in manifest["migrations"]
    for fingerprint in manifest["key_fingerprints"].values():
        assert len(fingerprint) == 16  # a fingerprint, never the key
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(archive / SQLITE_FILE)
        assert copy.execute("SELECT name FROM households_household").fetchall() == [
            ("Huishouden Zwart",)
        ]
        copy.close()
    else:
        assert (archive / PG_FILE).stat().st_size > 0
    assert oct(archive.stat().st_mode & 0o777) == "0o700"


def test_a_backup_never_writes_into_an_existing_backup(cast: Cast, tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "something").write_text("kept")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "old"))
    assert (tmp_path / "old" / "something").read_text() == "kept"


def test_a_restore_over_data_needs_force(cast: Cast, tmp_path: Path) -> None:
    call_command("backup", str(tmp_path / "b"))
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(tmp_path / "b"))


def test_a_restore_with_other_keys_is_refused_and_names_them(
    cast: Cast, tmp_path: Path, settings: Any
) -> None:
    call_command("backup", str(tmp_path / "b"))
    settings.PSEUDONYM_KEY = "another-pseudonym-key-of-at-least-32-characters"
    with pytest.raises(CommandError, match=r"PSEUDONYM_KEY \(the persons in the processing log"):
        call_command("restore", "--force", str(tmp_path / "b"))


def test_a_backup_of_another_database_kind_is_refused(cast: Cast, tmp_path: Path) -> None:
    call_command("backup", str(tmp_path / "b"))
    path = tmp_path / "b" / MANIFEST
    data = json.loads(path.read_text())
    data["vendor"] = "oracle"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="This backup is of oracle"):
        call_command("restore", "--force", str(tmp_path / "b"))


def test_something_that_is_not_a_backup_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is not a Doorbraak backup"):
        call_command("restore", str(tmp_path))


def test_a_forced_restore_brings_back_what_was_backed_up(
    cast: Cast, household_a: Household, tmp_path: Path
) -> None:
    call_command("backup", str(tmp_path / "b"))
    Household.objects.filter(pk=household_a.pk).update(name="Veranderd na de backup")
    manifest = restore(tmp_path / "b", force=True)
    assert isinstance(manifest, Manifest)
    assert Household.objects.get(pk=household_a.pk).name == "Huishouden Zwart"
