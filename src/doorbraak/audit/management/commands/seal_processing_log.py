"""``manage.py seal_processing_log``: chain committed processing-log records into seals."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from doorbraak.audit import sealing
from doorbraak.audit.chain import current_key_id


class Command(BaseCommand):
    help = (
        "Seal the committed processing-log records into signed checkpoints. Run it with "
        "--follow beside the task worker; without it, one pass."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--follow", action="store_true", help="Keep sealing, every --interval seconds."
        )
        parser.add_argument(
            "--interval", type=float, default=2.0, help="Seconds between passes (--follow)."
        )
        parser.add_argument(
            "--stop-after",
            type=float,
            default=None,
            help="With --follow: stop after this many seconds (for tests and drills).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=sealing.DEFAULT_BATCH,
            help="At most this many records per seal.",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=30.0,
            help="One pass on PostgreSQL: seconds to wait for transactions still open.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1 or options["interval"] <= 0:
            raise CommandError("--batch-size and --interval must be positive.")
        try:
            if options["follow"]:
                made = sealing.follow(
                    interval=options["interval"],
                    batch_size=options["batch_size"],
                    stop_after=options["stop_after"],
                )
                self.stdout.write(f"Stopped after {made} seal(s).")
                return
            outcome = sealing.seal_processing_log(
                batch_size=options["batch_size"], wait_timeout=options["wait"]
            )
        except sealing.ChainKeyError as exc:
            raise CommandError(str(exc)) from exc
        if outcome.waiting:
            raise CommandError(
                "Nothing sealed: a transaction that began earlier is still open "
                f"(process {outcome.waiting_for_pid}). Try again later."
            )
        if outcome.new_segment:
            self.stdout.write(
                f"Started a new chain segment with chain key {current_key_id()}, linked to "
                "the last seal of the previous key."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Sealed {outcome.records} record(s) in {outcome.seals} seal(s); "
                f"sealed up to id {outcome.last_record_id}."
            )
        )
