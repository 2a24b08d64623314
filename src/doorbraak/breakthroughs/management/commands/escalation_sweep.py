"""``manage.py escalation_sweep``: remind before deadlines and escalate after them.

Run it once a day (cron, systemd timer). By default it runs in this process; with
``--enqueue`` it hands the work to the task worker (``manage.py db_worker``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from doorbraak.breakthroughs.services import escalation_sweep
from doorbraak.breakthroughs.tasks import escalation_sweep_task


class Command(BaseCommand):
    help = "Remind before escalation deadlines and escalate breakthroughs whose deadline passed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Leave it to the task worker.")

    def handle(self, *args: Any, **options: Any) -> None:

        if options["enqueue"]:
            escalation_sweep_task.enqueue()
            self.stdout.write("Enqueued.")
            return
        with translation.override("nl"):
            counts = escalation_sweep()
        self.stdout.write(f"Reminded: {counts['reminded']}, escalated: {counts['escalated']}.")
