"""Background work: deadline reminders and automatic escalation."""

from __future__ import annotations

import logging

from django.utils import translation
from django_tasks import task

from doorbraak.breakthroughs.services import escalation_sweep
from doorbraak.lib import notifications

logger = logging.getLogger(__name__)


@task()
def escalation_sweep_task() -> dict[str, int]:
    """Run daily (``manage.py escalation_sweep`` enqueues it): remind, then escalate."""

    with translation.override("nl"):
        counts = escalation_sweep()
    logger.info("escalation_sweep", extra=counts)
    return counts


# Queued before send_notification moved to doorbraak.lib.notifications: still found here.
send_notification = notifications.send_notification
