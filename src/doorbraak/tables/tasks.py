"""Background work of the breakthrough tables: overdue follow-up actions."""

from __future__ import annotations

import logging

from django.utils import translation
from django_tasks import task

from doorbraak.tables.services import follow_up_sweep

logger = logging.getLogger(__name__)


@task()
def follow_up_sweep_task() -> dict[str, int]:
    """Run daily (``manage.py follow_up_sweep --enqueue``): remind and put on the next agenda."""

    with translation.override("nl"):
        counts = follow_up_sweep()
    logger.info("follow_up_sweep", extra=counts)
    return counts
