"""``manage.py import_social_map <municipality code> <file.csv> --as <username>``.

The same import as the upload page (``socialmap.services.services_import_csv``): every row
is checked first, then all rows are written or none; ``code`` matches existing services.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from doorbraak.accounts.models import Municipality, User
from doorbraak.socialmap.services import services_import_csv


class Command(BaseCommand):
    help = "Import a municipality's social map from a CSV file (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("municipality", help="The CBS code of the municipality, e.g. 0344.")
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8, semicolons).")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="The functional administrator (or operator) on whose behalf it is imported.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"No municipality with code {options['municipality']}.")
        actor = User.objects.filter(username=options["username"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {options['username']}.")
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            result = services_import_csv(
                actor=actor, municipality=municipality, file=io.StringIO(text)
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "Not allowed.") from exc
        except ValidationError as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.created} services added, {result.updated} updated ({municipality.name})."
            )
        )
