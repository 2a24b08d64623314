"""``manage.py restore DIRECTORY [--force]``: restore a backup made by ``manage.py backup``.

Refuses a database that holds data (``--force`` replaces it) and keys other than the
backup's (``--allow-other-keys`` restores anyway, for a deliberate key change: data the
missing key protects stays unreadable). Compares every table's row count afterwards.
Then run ``manage.py migrate`` (a newer release) and ``verify_processing_log``.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from doorbraak.operations.backup import BackupError, keys_to_rotate, restore


class Command(BaseCommand):
    help = "Restore a backup into this database (empty, unless --force)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("directory", help="the backup directory")
        parser.add_argument(
            "--force", action="store_true", help="replace the data of a database in use"
        )
        parser.add_argument(
            "--allow-other-keys",
            action="store_true",
            help="restore although the configured keys differ from the backup's",
        )

    def handle(
        self, *args: Any, directory: str, force: bool, allow_other_keys: bool, **options: Any
    ) -> None:
        try:
            manifest = restore(Path(directory), force=force, allow_other_keys=allow_other_keys)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.row_counts.values())
        self.stdout.write(
            f"Restored the backup of {manifest.created_at}: {len(manifest.row_counts)} tables, "
            f"{rows} rows, every count as in the backup."
        )
        rotate = keys_to_rotate(manifest)
        if rotate:
            self.stdout.write(
                "The backup was made with keys that are old keys now ("
                + ", ".join(rotate)
                + "): run rotate_field_encryption_key and rotate_blind_index again; "
                "the chain key needs nothing (docs/operations.md, 'Rotating the keys')."
            )
