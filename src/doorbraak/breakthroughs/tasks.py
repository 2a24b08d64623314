"""Background work: deadline reminders, automatic escalation and notification e-mails."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.utils import translation
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def escalation_sweep_task() -> dict[str, int]:
    """Run daily (``manage.py escalation_sweep`` enqueues it): remind, then escalate."""
    from doorbraak.breakthroughs.services import escalation_sweep

    with translation.override("nl"):
        counts = escalation_sweep()
    logger.info("escalation_sweep", extra=counts)
    return counts


@task()
def send_notification(recipients: list[str], subject: str, message: str) -> int:
    """One e-mail to the given addresses. Messages never contain names: they leave the app."""
    sent = send_mail(subject=subject, message=message, from_email=None, recipient_list=recipients)
    logger.info("notification_sent", extra={"recipients": len(recipients)})
    return sent
