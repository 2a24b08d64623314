"""Notification e-mails, sent through the task queue once the transaction commits.

Every app that tells someone something happened (a request to answer, a decision, an item
on the agenda) calls :func:`notify`; messages never carry names or case details.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django_tasks import task

from doorbraak.lib.messages import Message, render_stored

logger = logging.getLogger(__name__)


def _payload(text: str | Message) -> str | dict[str, Any]:
    return {"msgid": text.msgid, "params": text.params} if isinstance(text, Message) else text


def _text(payload: str | dict[str, Any]) -> str:
    """A queued text as sent: a message rendered now, in Dutch (the recipients' language
    is not known; Dutch is the default, whatever language the sender read in)."""
    if isinstance(payload, str):
        return payload
    msgid = str(payload.get("msgid", ""))
    with translation.override(settings.LANGUAGE_CODE):
        return render_stored(msgid, payload.get("params") or {}, msgid).text


@task()
def send_notification(
    recipients: list[str], subject: str | dict[str, Any], message: str | dict[str, Any]
) -> int:
    """One e-mail to the given addresses. Messages never contain names: they leave the app."""
    sent = send_mail(
        subject=_text(subject), message=_text(message), from_email=None, recipient_list=recipients
    )
    logger.info("notification_sent", extra={"recipients": len(recipients)})
    return sent


def notify(recipients: Iterable[str], subject: str | Message, message: str | Message) -> None:
    """E-mail once the transaction commits, through the task queue.

    Messages never carry names or case details: only what happened and a link that needs a
    log-in. Empty addresses are dropped; nobody left means nothing is sent. A
    :class:`~doorbraak.lib.messages.Message` is rendered when the e-mail is sent, in the
    default language (Dutch), not in the language the sender happens to read in.
    """
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return
    queued = (_payload(subject), _payload(message))
    transaction.on_commit(lambda: send_notification.enqueue(addresses, *queued))
