"""``manage.py check_security_alerts``: the privacy officer's security alerts.

Run it every hour (deploy/systemd/doorbraak-check-security-alerts.timer); each run looks at
the hours that ended since the previous one, so running it twice does no harm. With
``--enqueue`` the task worker does it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from doorbraak.audit.alerts import check_security_alerts
from doorbraak.audit.tasks import check_security_alerts_task


class Command(BaseCommand):
    help = "Look for many refusals, unusually many household reads and reads outside office hours."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Leave it to the task worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            check_security_alerts_task.enqueue()
            self.stdout.write("Enqueued.")
            return
        with translation.override("nl"):
            created = check_security_alerts()
        self.stdout.write(f"New alerts: {len(created)}.")
