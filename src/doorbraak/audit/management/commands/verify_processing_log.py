"""``manage.py verify_processing_log``: recompute the hash chain of the processing log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from doorbraak.audit.chain import verify_chain


class Command(BaseCommand):
    help = "Verify that no processing-log record was changed, removed or inserted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--max-breaks", type=int, default=20, help="Stop after reporting this many breaks."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain(max_breaks=options["max_breaks"])
        if result.intact:
            self.stdout.write(
                self.style.SUCCESS(f"Processing log intact: {result.checked} records verified.")
            )
            return
        for item in result.breaks:
            self.stderr.write(f"record {item.record_id}: {item.reason}")
        raise CommandError(
            f"Processing log chain broken: {len(result.breaks)} break(s) "
            f"in the first {result.checked} records."
        )
