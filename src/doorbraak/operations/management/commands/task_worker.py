"""``manage.py task_worker``: django-tasks' database worker with a heartbeat.

Takes the options of ``db_worker`` (``--interval``, ``--queue-name``, ``--batch``, …)
plus ``--heartbeat`` (seconds between heartbeats, default 15). The health page
(``/gezondheid/alles/``) reports the worker as gone when no heartbeat is younger than
``DOORBRAAK_WORKER_HEARTBEAT_MAX_SECONDS``.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from doorbraak.operations.heartbeat import Heartbeat


class Command(DbWorkerCommand):
    help = "Run the task worker, with a heartbeat for the health page."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--heartbeat",
            type=float,
            default=15.0,
            help="seconds between heartbeats (default 15)",
        )

    def handle(self, *args: Any, heartbeat: float, **options: Any) -> None:  # type: ignore[override]
        beat = Heartbeat(interval=max(1.0, heartbeat), worker_id=options.get("worker_id") or None)
        beat.start()
        try:
            super().handle(*args, **options)
        finally:
            beat.stop()
