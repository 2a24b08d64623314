"""``manage.py expire_downloads``: delete downloads past their expiry (hourly timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from doorbraak.downloads.services import downloads_expire


class Command(BaseCommand):
    help = "Delete expired downloads and their files; fail jobs whose worker stopped."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted, failed = downloads_expire()
        self.stdout.write(f"{deleted} downloads deleted, {failed} stopped jobs failed")
