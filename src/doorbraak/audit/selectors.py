"""Reads of the processing log, scoped to the privacy officer's municipalities."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.models import ProcessingLog, ProcessingLogSeal


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


@dataclass(frozen=True)
class SealStatus:
    """How far the sealer got, for the privacy officer (no personal data)."""

    last_seal: ProcessingLogSeal | None
    unsealed: int
    oldest_unsealed_at: datetime.datetime | None

    @property
    def lagging(self) -> bool:
        if self.oldest_unsealed_at is None:
            return False
        lag = timezone.now() - self.oldest_unsealed_at
        return lag > datetime.timedelta(minutes=settings.AUDIT_SEAL_MAX_LAG_MINUTES)


def seal_status() -> SealStatus:
    """The newest seal and the records after it: two look-ups on the primary key."""
    last = ProcessingLogSeal.objects.order_by("-last_record_id").first()
    tail = ProcessingLog.objects.filter(id__gt=last.last_record_id if last else 0)
    oldest = tail.order_by("id").values_list("occurred_at", flat=True).first()
    return SealStatus(
        last_seal=last,
        unsealed=tail.count() if oldest is not None else 0,
        oldest_unsealed_at=oldest,
    )
