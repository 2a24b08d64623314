"""``manage.py casebook_import file.json --municipality 0999``: import a national exchange."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from doorbraak.accounts.models import Municipality
from doorbraak.casebook.exchange import examples_import


class Command(BaseCommand):
    help = "Import an exchange file: all or nothing; examples already here are skipped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--municipality", required=True, help="CBS code of the importer.")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("nl")
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"Gemeente {options['municipality']} bestaat hier niet.")
        try:
            with open(options["file"], "rb") as source:
                raw = source.read()
        except OSError as error:
            raise CommandError(f"Kan {options['file']} niet lezen: {error}") from error
        try:
            result = examples_import(actor=None, municipality=municipality, raw=raw)
        except ValidationError as error:
            raise CommandError("Niets geïmporteerd. " + " ".join(error.messages)) from error
        self.stdout.write(
            f"{result.created} voorbeelden geïmporteerd, {result.skipped} waren er al."
        )
