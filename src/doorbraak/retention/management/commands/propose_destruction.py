"""``manage.py propose_destruction``: the monthly destruction run.

Proposes a destruction list per municipality of the closed households whose retention
period has passed (for a privacy officer to review and approve), and purges the
processing-log records older than their own retention rule. Run it once a month (cron,
systemd timer); with ``--enqueue`` the task worker does it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from doorbraak.retention.services import destruction_run
from doorbraak.retention.tasks import destruction_run_task


class Command(BaseCommand):
    help = "Propose destruction lists of households whose retention ended; purge the old log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Leave it to the task worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            destruction_run_task.enqueue()
            self.stdout.write("Enqueued.")
            return
        with translation.override("nl"):
            outcome = destruction_run()
        purged = outcome.log_purge.records if outcome.log_purge else 0
        self.stdout.write(
            f"Destruction lists proposed: {len(outcome.lists)}; "
            f"processing-log records purged: {purged}."
        )
