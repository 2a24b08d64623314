"""Purging the oldest processing-log records at the end of their retention period.

The log is append-only: the model refuses changes everywhere and, on PostgreSQL, a trigger
refuses UPDATE and DELETE (migrations ``audit/0002`` and ``0010``). This module is the one
path that removes records. It removes whole seals only, from the oldest record up to and
including a seal's ``last_record_id``, and only records older than the retention limit;
the seals stay (they hold ids and digests, no personal data). In the same transaction it
writes a ``ProcessingLogPurge``: the range, the count, the hash of the seal at the
boundary and the MAC of the last removed record, signed with the chain key and chained to
the previous purge. ``verify_processing_log`` accepts a signed purge as the new start of
the records: the seals before it are still checked as a chain, their records no longer.

On PostgreSQL the DELETE runs with the transaction-local setting
``doorbraak.processing_log_purge = on``, the only case in which the trigger lets a DELETE
through; an UPDATE is refused always.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from doorbraak.audit.chain import GENESIS_HASH, current_key_id, purge_hash
from doorbraak.audit.models import ProcessingLog, ProcessingLogPurge, ProcessingLogSeal
from doorbraak.lib.retry import retry_on_deadlock

logger = logging.getLogger(__name__)

#: The transaction-local PostgreSQL setting the append-only trigger checks.
PURGE_SETTING = "doorbraak.processing_log_purge"


@dataclass(frozen=True)
class PurgeOutcome:
    records: int
    last_record_id: int


def purge_boundary(older_than: datetime.datetime) -> ProcessingLogSeal | None:
    """The newest seal all of whose records (and all before it) are older than the limit."""
    previous = ProcessingLogPurge.objects.order_by("-last_record_id").first()
    done = previous.last_record_id if previous else 0
    first_young = (
        ProcessingLog.objects.filter(occurred_at__gte=older_than)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    seals = ProcessingLogSeal.objects.filter(last_record_id__gt=done)
    if first_young is not None:
        seals = seals.filter(last_record_id__lt=first_young)
    return seals.order_by("-last_record_id").first()


@retry_on_deadlock
@transaction.atomic
def processing_log_purge(*, older_than: datetime.datetime) -> PurgeOutcome:
    """Remove the sealed records older than ``older_than``, up to a seal boundary.

    Records not yet sealed are never removed: first seal, then purge. Returns what was
    removed (nothing when no seal lies wholly before the limit).
    """
    previous = ProcessingLogPurge.objects.select_for_update().order_by("-last_record_id").first()
    boundary = purge_boundary(older_than)
    if boundary is None:
        return PurgeOutcome(records=0, last_record_id=previous.last_record_id if previous else 0)
    done = previous.last_record_id if previous else 0
    in_range = ProcessingLog.objects.filter(id__gt=done, id__lte=boundary.last_record_id)
    last = in_range.order_by("-id").values_list("record_hash", flat=True).first()
    first_id = in_range.order_by("id").values_list("id", flat=True).first() or done + 1
    table = ProcessingLog._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
        # The one DELETE of the log: the model and its queryset refuse it on purpose.
        cursor.execute(
            f'DELETE FROM "{table}" WHERE id > %s AND id <= %s',  # noqa: S608 (our table)
            [done, boundary.last_record_id],
        )
        count = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'off', true)", [PURGE_SETTING])
    purged_at = timezone.now()
    key = current_key_id()
    fields = {
        "first_record_id": first_id,
        "last_record_id": boundary.last_record_id,
        "record_count": count,
        "boundary_seal_hash": boundary.seal_hash,
        "last_record_hash": last or "",
        "older_than": older_than,
        "purged_at": purged_at,
        "key_id": key,
    }
    previous_hash = previous.purge_hash if previous else GENESIS_HASH
    ProcessingLogPurge.objects.create(
        previous_purge_hash=previous_hash,
        purge_hash=purge_hash(previous_purge_hash=previous_hash, **fields),
        **fields,
    )
    logger.info(
        "processing_log_purged",
        extra={"records": count, "last_record_id": boundary.last_record_id},
    )
    return PurgeOutcome(records=count, last_record_id=boundary.last_record_id)
