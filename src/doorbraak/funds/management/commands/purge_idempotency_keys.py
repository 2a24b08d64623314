"""``manage.py purge_idempotency_keys``: delete Idempotency-Keys done longer ago than retained.

Run it once a day (cron, systemd timer). By default it runs in this process; with
``--enqueue`` it hands the work to the task worker (``manage.py db_worker``). Keys still in
progress are left alone: the next request with the same key takes a stale one over.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from doorbraak.funds.idempotency import purge_idempotency_keys
from doorbraak.funds.tasks import purge_idempotency_keys_task


class Command(BaseCommand):
    help = (
        "Delete idempotency keys that were done more than DOORBRAAK_IDEMPOTENCY_RETENTION_DAYS ago."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Leave it to the task worker.")

    def handle(self, *args: Any, **options: Any) -> None:

        if options["enqueue"]:
            purge_idempotency_keys_task.enqueue()
            self.stdout.write("Enqueued.")
            return
        deleted = purge_idempotency_keys()
        days = settings.IDEMPOTENCY_RETENTION_DAYS
        self.stdout.write(f"Deleted {deleted} idempotency keys done more than {days} days ago.")
