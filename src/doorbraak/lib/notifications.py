"""Notification e-mails, sent through the task queue once the transaction commits.

Every app that tells someone something happened (a request to answer, a decision, an item
on the agenda) calls :func:`notify`; messages never carry names or case details.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def send_notification(recipients: list[str], subject: str, message: str) -> int:
    """One e-mail to the given addresses. Messages never contain names: they leave the app."""
    sent = send_mail(subject=subject, message=message, from_email=None, recipient_list=recipients)
    logger.info("notification_sent", extra={"recipients": len(recipients)})
    return sent


def notify(recipients: Iterable[str], subject: str, message: str) -> None:
    """E-mail once the transaction commits, through the task queue.

    Messages never carry names or case details: only what happened and a link that needs a
    log-in. Empty addresses are dropped; nobody left means nothing is sent.
    """
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return
    transaction.on_commit(lambda: send_notification.enqueue(addresses, subject, message))
