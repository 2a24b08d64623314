"""What ``rotate_field_encryption_key`` and ``rotate_blind_index`` share: options, progress
lines and the closing report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from doorbraak.operations.key_rotation import DEFAULT_BATCH_SIZE, Progress


class RotationCommand(BaseCommand):
    #: The setting that may be emptied once nothing uses an old key any more.
    old_keys_variable = ""
    #: What a changed row is called in the output ("re-encrypted", "re-indexed").
    verb = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help="Rows per batch; each batch is its own transaction.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; change nothing."
        )
        parser.add_argument(
            "--max-batches",
            type=int,
            default=None,
            help="Stop after this many batches (run again later to go on where it stopped).",
        )

    def rotate(self, **options: Any) -> list[Progress]:
        raise NotImplementedError

    def remaining(self) -> dict[str, int]:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if options["max_batches"] is not None and options["max_batches"] < 1:
            raise CommandError("--max-batches must be at least 1.")
        dry_run: bool = options["dry_run"]
        results = self.rotate(
            batch_size=options["batch_size"],
            dry_run=dry_run,
            max_batches=options["max_batches"],
            report=self._progress(dry_run),
        )
        unreadable = [p for p in results if p.unreadable]
        for progress in unreadable:
            ids = ", ".join(str(pk) for pk in progress.unreadable[:10])
            more = " …" if len(progress.unreadable) > 10 else ""
            self.stderr.write(
                f"{progress.column.label}: {len(progress.unreadable)} value(s) cannot be "
                f"decrypted with the current or any old key (ids {ids}{more})."
            )
        if not all(p.finished for p in results):
            self.stdout.write(
                "Stopped after --max-batches; run the command again to go on where it stopped."
            )
        elif dry_run:
            would = sum(p.changed for p in results)
            self.stdout.write(f"Dry run: {would} value(s) would be {self.verb}; nothing changed.")
        elif not unreadable:  # values no key decrypts are reported above and below
            left = sum(self.remaining().values())
            if left:
                self.stdout.write(
                    self.style.WARNING(
                        f"{left} value(s) still use an old key (written meanwhile by a process "
                        "with the old configuration?): run the command again."
                    )
                )
            else:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Nothing uses an old key any more: {self.old_keys_variable} can be "
                        "removed from the configuration."
                    )
                )
        if unreadable:
            raise CommandError(
                "Some values cannot be decrypted: configure the key they were written with "
                "in DOORBRAAK_FIELD_ENCRYPTION_OLD_KEYS and run the command again."
            )

    def _progress(self, dry_run: bool) -> Callable[[Progress], None]:
        verb = f"would be {self.verb}" if dry_run else self.verb

        def report(progress: Progress) -> None:
            self.stdout.write(
                f"{progress.column.label}: {progress.checked}/{progress.total} checked, "
                f"{progress.changed} {verb}"
            )

        return report
