"""``manage.py backup [DIRECTORY]``: a consistent backup of the database, while it runs.

Writes DIRECTORY (default ``var/backups/doorbraak-<UTC time>``): the data and a manifest
with row counts and key fingerprints. The keys themselves are not in it: keep them
apart from the backup (docs/operations.md).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from doorbraak.operations.backup import BackupError, backup, default_archive_name


class Command(BaseCommand):
    help = "Back up the database consistently, also while the server writes."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("directory", nargs="?", help="new directory for the backup")

    def handle(self, *args: Any, directory: str | None = None, **options: Any) -> None:
        archive = (
            Path(directory)
            if directory
            else Path(settings.REPO_DIR) / "var" / "backups" / default_archive_name()
        )
        try:
            manifest = backup(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.row_counts.values())
        self.stdout.write(
            f"Backup of {manifest.vendor} written to {archive}: "
            f"{len(manifest.row_counts)} tables, {rows} rows."
        )
