"""Background work: the monthly destruction run."""

from __future__ import annotations

import logging

from django.utils import translation
from django_tasks import task

from doorbraak.retention.services import destruction_run

logger = logging.getLogger(__name__)


@task()
def destruction_run_task() -> dict[str, int]:
    """Run monthly (``manage.py propose_destruction --enqueue`` enqueues it)."""
    with translation.override("nl"):
        outcome = destruction_run()
    counts = {
        "lists": len(outcome.lists),
        "log_records_purged": outcome.log_purge.records if outcome.log_purge else 0,
    }
    logger.info("destruction_run_task", extra=counts)
    return counts
