"""``manage.py verify_processing_log``: check every record's MAC and every seal."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from doorbraak.audit.chain import verify_chain


class Command(BaseCommand):
    help = (
        "Verify that no processing-log record was changed, and that no sealed record was "
        "removed or inserted. Reports the unsealed tail separately."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--max-breaks", type=int, default=20, help="Stop after reporting this many breaks."
        )
        parser.add_argument(
            "--require-sealed",
            action="store_true",
            help="Fail when records older than DOORBRAAK_AUDIT_SEAL_MAX_LAG_MINUTES are unsealed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain(max_breaks=options["max_breaks"])
        if not result.intact:
            for item in result.breaks:
                where = f" (seal {item.seal_id})" if item.seal_id else ""
                self.stderr.write(f"record {item.record_id}{where}: {item.reason}")
            raise CommandError(
                f"Processing log chain broken: {len(result.breaks)} break(s) "
                f"in the first {result.checked} records."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Processing log intact: {result.checked} records verified, "
                f"{result.sealed} of them in {result.seals} seal(s); last seal "
                f"{result.last_seal_hash}."
            )
        )
        if len(result.segments) > 1:
            self.stdout.write(f"{len(result.segments)} chain segments, each under its own key:")
            for number, segment in enumerate(result.segments, start=1):
                self.stdout.write(
                    f"  {number}. chain key {segment.key_id}: {segment.seals} seal(s), records "
                    f"{segment.first_record_id}–{segment.last_record_id}"
                )
        if not result.unsealed or result.oldest_unsealed_at is None:
            return
        lag = timezone.now() - result.oldest_unsealed_at
        self.stdout.write(
            f"{result.unsealed} record(s) not yet sealed, the oldest from "
            f"{timezone.localtime(result.oldest_unsealed_at):%Y-%m-%d %H:%M:%S}: their content "
            "is checked by their own MAC, but a removal among them cannot be detected until "
            "they are sealed."
        )
        max_lag = datetime.timedelta(minutes=settings.AUDIT_SEAL_MAX_LAG_MINUTES)
        if lag > max_lag:
            message = (
                f"The oldest unsealed record is {int(lag.total_seconds() // 60)} minutes old: "
                "is `manage.py seal_processing_log --follow` running?"
            )
            if options["require_sealed"]:
                raise CommandError(message)
            self.stderr.write(self.style.WARNING(message))
