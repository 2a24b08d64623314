"""``manage.py propose_signals``: detect recurring bottlenecks and propose them as signals.

Run it before each review meeting (every two months, e.g. from cron): for every
municipality it looks at the last two complete months and proposes a signal for each
regulation and organisation that came back at least ``--min-count`` times. Idempotent: a
combination with an open signal is not proposed again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone, translation

from doorbraak.accounts.models import Municipality
from doorbraak.insights.patterns import Period
from doorbraak.insights.services import signals_propose


class Command(BaseCommand):
    help = "Propose signals for recurring bottlenecks of the last two complete months."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--min-count", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:

        period = Period.bimonthly(timezone.localdate())
        total = 0
        with translation.override("nl"):
            for municipality in Municipality.objects.order_by("name"):
                total += len(
                    signals_propose(
                        actor=None,
                        municipality=municipality,
                        period_start=period.start,
                        period_end=period.end,
                        min_count=options["min_count"],
                    )
                )
        self.stdout.write(f"Proposed {total} signals for {period.start} – {period.end}.")
