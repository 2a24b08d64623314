"""Reads of the processing log, scoped to the privacy officer's municipalities."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.models import ProcessingLog


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def processing_log_search(
    *,
    user: AnyUser,
    person: str = "",
    username: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    action: str = "",
) -> QuerySet[ProcessingLog]:
    """Records the user may see, filtered; newest first. Dates are Amsterdam days."""
    records = ProcessingLog.objects.visible_to(user)
    if person:
        records = records.filter(subject_pseudonym=person.strip())
    if username:
        records = records.filter(actor__username__iexact=username.strip())
    if date_from:
        records = records.filter(occurred_at__gte=_start_of(date_from))
    if date_to:
        records = records.filter(occurred_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    if action:
        records = records.filter(action=action)
    return records.order_by("-occurred_at", "-id")
