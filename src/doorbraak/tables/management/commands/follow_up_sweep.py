"""``manage.py follow_up_sweep``: remind about overdue follow-up actions of the tables.

Run it once a day, beside ``escalation_sweep``. With ``--enqueue`` the task worker does it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from doorbraak.tables.services import follow_up_sweep
from doorbraak.tables.tasks import follow_up_sweep_task


class Command(BaseCommand):
    help = "Remind about overdue follow-up actions and put them on the next agenda."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Leave it to the task worker.")

    def handle(self, *args: Any, **options: Any) -> None:

        if options["enqueue"]:
            follow_up_sweep_task.enqueue()
            self.stdout.write("Enqueued.")
            return
        with translation.override("nl"):
            counts = follow_up_sweep()
        self.stdout.write(
            f"Reminded: {counts['reminded']}, put on an agenda: {counts['on_agenda']}."
        )
