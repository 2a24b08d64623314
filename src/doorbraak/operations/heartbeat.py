"""The task worker's heartbeat: a thread beside the worker loop that updates its row."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from doorbraak.operations.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


class Heartbeat:
    """Beats every ``interval`` seconds in its own thread (with its own database
    connection) until :meth:`stop`; a failed beat is logged and retried at the next."""

    def __init__(self, *, interval: float, worker_id: str | None = None) -> None:
        self.interval = interval
        self.worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._started_at = timezone.now()

    def beat(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id[:64],
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": self._started_at,
                "seen_at": now,
            },
        )

    def start(self) -> None:
        self.beat()  # before the first task, so a worker that cannot reach the database fails
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=self.interval + 5)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id[:64]).delete()
        except DatabaseError:
            logger.warning("could not remove the heartbeat of worker %s", self.worker_id)

    def _run(self) -> None:
        try:
            while not self._stopped.wait(self.interval):
                try:
                    close_old_connections()
                    self.beat()
                except DatabaseError:
                    logger.warning("heartbeat of worker %s failed", self.worker_id, exc_info=True)
        finally:
            connection.close()
