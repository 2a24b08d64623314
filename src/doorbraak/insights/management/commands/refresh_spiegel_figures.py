"""``manage.py refresh_spiegel_figures``: recompute the spiegel's figures (every ten minutes).

The services ask the worker for a refresh when they change what the spiegel counts; this
command is the safety net for changes nobody reports (a household erased, a repair in the
database) and for a worker that was down. ``--municipality`` (repeatable) limits it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from doorbraak.accounts.models import Municipality
from doorbraak.insights.figures import refresh_spiegel_figures, refresh_spiegel_figures_task


class Command(BaseCommand):
    help = "Recompute the spiegel's pre-aggregated figures of every (or the given) municipality."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--municipality",
            type=int,
            action="append",
            help="Id of a municipality to refresh (repeatable); default: all.",
        )
        parser.add_argument("--enqueue", action="store_true", help="Leave it to the task worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        ids: list[int] | None = options["municipality"]
        if ids is not None:
            unknown = set(ids) - set(
                Municipality.objects.filter(pk__in=ids).values_list("pk", flat=True)
            )
            if unknown:
                raise CommandError(
                    f"No municipality with id {', '.join(map(str, sorted(unknown)))}."
                )
        if options["enqueue"]:
            refresh_spiegel_figures_task.enqueue(ids)
            self.stdout.write("Enqueued.")
            return
        rows = refresh_spiegel_figures(ids)
        count = len(ids) if ids is not None else Municipality.objects.count()
        self.stdout.write(f"Spiegel figures refreshed: {count} municipalities, {rows} rows")
