"""Backup and restore: a consistent archive with its manifest, and the refusals that keep
a restore from destroying data or producing an unreadable copy. The whole round trip
under writes, on both databases, is the restore drill (scripts/restore_drill.py, CI)."""

from __future__ import annotations

import json
import sqlite3
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from doorbraak.audit.models import ProcessingLog
from doorbraak.households.models import Household, Member
from doorbraak.lib.crypto import blind_index, decrypt, encrypt
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


# --- keys that rotate -------------------------------------------------------------------------
KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def _bsn_member(household: Household) -> Member:
    member = household.members.order_by("pk").first()
    assert member is not None
    member.bsn_encrypted, member.bsn_index = encrypt("111222333"), blind_index("111222333")
    member.save(update_fields=["bsn_encrypted", "bsn_index"])
    return member


def test_the_manifest_fingerprints_the_old_keys_too(
    cast: Cast, tmp_path: Path, settings: Any
) -> None:
    settings.FIELD_ENCRYPTION_OLD_KEYS = [KEY_A]
    call_command("backup", str(tmp_path / "b"), stdout=StringIO())
    manifest = Manifest.read(tmp_path / "b")
    assert manifest.format_version == 2
    [fingerprint] = manifest.old_key_fingerprints["FIELD_ENCRYPTION_KEY"]
    assert len(fingerprint) == 16
    assert KEY_A not in (tmp_path / "b" / MANIFEST).read_text()
    assert manifest.old_key_fingerprints["AUDIT_CHAIN_KEY"] == []


def test_a_backup_from_before_a_rotation_restores_with_its_key_configured_as_old_key(
    cast: Cast, household_a: Household, tmp_path: Path, settings: Any
) -> None:
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = KEY_A, []
    member = _bsn_member(household_a)
    call_command("backup", str(tmp_path / "b"), stdout=StringIO())
    # The key was rotated since; without the old key the backup's BSNs are unreadable.
    settings.FIELD_ENCRYPTION_KEY = KEY_B
    with pytest.raises(CommandError, match=r"FIELD_ENCRYPTION_KEY \(BSNs"):
        call_command("restore", "--force", str(tmp_path / "b"), stdout=StringIO())
    settings.FIELD_ENCRYPTION_OLD_KEYS = [KEY_A]
    out = StringIO()
    call_command("restore", "--force", str(tmp_path / "b"), stdout=out)
    assert "keys that are old keys now (FIELD_ENCRYPTION_KEY)" in out.getvalue()
    assert "run rotate_field_encryption_key and rotate_blind_index again" in out.getvalue()
    restored = Member.objects.get(pk=member.pk)
    assert decrypt(restored.bsn_encrypted) == "111222333"
    assert "Nothing uses an old key" in _run_rotation()
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    assert decrypt(Member.objects.get(pk=member.pk).bsn_encrypted) == "111222333"


def test_a_backup_made_during_a_rotation_needs_the_old_keys_it_had(
    cast: Cast, household_a: Household, tmp_path: Path, settings: Any
) -> None:
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = KEY_A, []
    member = _bsn_member(household_a)
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = KEY_B, [KEY_A]
    call_command("backup", str(tmp_path / "b"), stdout=StringIO())  # BSN still under key A
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    with pytest.raises(
        CommandError, match=r"FIELD_ENCRYPTION_OLD_KEYS \(an old key the backup still used: BSNs"
    ):
        call_command("restore", "--force", str(tmp_path / "b"), stdout=StringIO())
    settings.FIELD_ENCRYPTION_OLD_KEYS = [KEY_A]
    call_command("restore", "--force", str(tmp_path / "b"), stdout=StringIO())
    assert decrypt(Member.objects.get(pk=member.pk).bsn_encrypted) == "111222333"


def test_a_backup_of_the_first_format_still_restores(cast: Cast, tmp_path: Path) -> None:
    call_command("backup", str(tmp_path / "b"), stdout=StringIO())
    path = tmp_path / "b" / MANIFEST
    data = json.loads(path.read_text())
    data["format_version"] = 1
    del data["old_key_fingerprints"]
    path.write_text(json.dumps(data))
    assert restore(tmp_path / "b", force=True).old_key_fingerprints == {}


def _run_rotation() -> str:
    out = StringIO()
    call_command("rotate_field_encryption_key", stdout=out, stderr=StringIO())
    return out.getvalue()
