"""``manage.py casebook_export --municipality 0999 [--output file.json]``: the national exchange."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from doorbraak.casebook.exchange import export_examples
from doorbraak.casebook.models import Example, ExampleScope, ExampleStatus


class Command(BaseCommand):
    help = "Write the published national-exchange examples of a municipality as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="CBS code, e.g. 0999.")
        parser.add_argument("--output", default="-", help="File to write (default: stdout).")

    def handle(self, *args: Any, **options: Any) -> None:
        examples = list(
            Example.objects.filter(
                municipality__code=options["municipality"],
                status=ExampleStatus.PUBLISHED,
                scope=ExampleScope.NATIONAL,
                imported=False,
            )
            .prefetch_related("regulations", "organisations", "amounts")
            .order_by("pk")
        )
        text = json.dumps(export_examples(examples), ensure_ascii=False, indent=2)
        if options["output"] == "-":
            self.stdout.write(text)
        else:
            try:
                with open(options["output"], "w", encoding="utf-8") as out:
                    out.write(text)
            except OSError as error:
                raise CommandError(f"Kan {options['output']} niet schrijven: {error}") from error
            self.stdout.write(f"{len(examples)} voorbeelden geschreven naar {options['output']}.")
