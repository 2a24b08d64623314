"""``manage.py seed_scale --persons N``: a national-scale synthetic data set on PostgreSQL."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from doorbraak.operations.scale import RefusedDatabase, seed_scale


class Command(BaseCommand):
    help = (
        "Build a synthetic data set of about N persons (default 1,000,000) on PostgreSQL, "
        "in bulk, beside the demo users and teams. Only on an empty database or one it made."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=1_000_000)
        parser.add_argument(
            "--demo-households",
            type=int,
            default=235,
            help="Referral stories of the demo seeded first (see seed_demo --households).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the random choices.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_scale refuses to run in production: it is for benchmarks.")
        if not 1 <= options["persons"] <= 20_000_000:
            raise CommandError("--persons must be between 1 and 20,000,000.")
        try:
            report = seed_scale(
                persons=options["persons"],
                out=self.stdout.write,
                seed=options["seed"],
                demo_households=options["demo_households"],
            )
        except RefusedDatabase as refused:
            raise CommandError(str(refused)) from refused
        for line in report.lines():
            self.stdout.write(line)
