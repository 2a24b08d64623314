"""The sealer: chains committed processing-log records into signed checkpoints.

Requests write their records without any lock (``services.processing_log_record``). The
sealer, running beside the task worker (``manage.py seal_processing_log --follow``),
seals every id up to a *horizon*: an id below which no record can still appear.

* SQLite serialises writers (``BEGIN IMMEDIATE``): inside the sealer's own write
  transaction no other writer is open, so the highest id present is the horizon.
* PostgreSQL hands out ids from a sequence before the inserting transaction commits, so
  a lower id can become visible after a higher one. The sealer reads the sequence's last
  value at time T and waits until every transaction of this database that began before T
  has ended; every id up to that value was taken by one of them, so from then on it is
  either visible or never will be. The wait happens in the sealer, never in a request.

Each seal is logged (``doorbraak.audit.sealing``) with its hash, so the head of the chain
also exists outside the database, where an intruder with only database access cannot
rewrite it.

Each seal names the chain key that signed it. After the key was rotated, the next seal
starts a new segment: signed with the new key, linked to the last seal of the old one. A
sealer refuses to continue a chain whose last seal names a key it does not know: that is
a sealer still running with a retired key after the others moved on.
"""

from __future__ import annotations

import datetime
import logging
import time
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from doorbraak.audit.chain import (
    CHAINED_FIELDS,
    GENESIS_HASH,
    chain_keys,
    content_mac,
    current_key_id,
    records_digest,
    seal_hash,
    signing_key_id,
)
from doorbraak.audit.models import ProcessingLog, ProcessingLogSeal
from doorbraak.audit.partitions import ensure_partitions

logger = logging.getLogger(__name__)

#: Names the advisory lock that keeps two sealers from sealing the same range. Requests
#: never take it.
_SEAL_LOCK_ID = 7_311_2025
DEFAULT_BATCH = 10_000
#: How often a following sealer makes the coming months' partitions of the log.
PARTITION_INTERVAL = 3600.0


class ChainKeyError(RuntimeError):
    """The last seal was signed with a chain key this process does not know."""


@dataclass(frozen=True)
class Horizon:
    """Every record with an id up to ``last_id`` is committed or will never exist."""

    last_id: int


@dataclass(frozen=True)
class PendingHorizon:
    """A PostgreSQL horizon that holds once the transactions begun before it ended."""

    last_id: int
    taken_at: datetime.datetime  # the database's clock_timestamp(), compared there


@dataclass(frozen=True)
class SealOutcome:
    seals: int
    records: int
    last_record_id: int
    waiting_for_pid: int | None = None
    new_segment: bool = False

    @property
    def waiting(self) -> bool:
        return self.waiting_for_pid is not None


def take_horizon() -> PendingHorizon | None:
    """PostgreSQL: the sequence's last value and the database time it was read."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_sequence_last_value("
            "pg_get_serial_sequence('audit_processinglog', 'id')::regclass), clock_timestamp()"
        )
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    return PendingHorizon(last_id=int(row[0]), taken_at=row[1])


def blocking_transaction(pending: PendingHorizon) -> int | None:
    """The process id of a transaction begun before the horizon that is still open.

    A transaction that is idle and has no transaction id wrote nothing, so it holds no id
    of the log; every other one might.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            """
            SELECT pid FROM pg_stat_activity
            WHERE datname = current_database()
              AND pid <> pg_backend_pid()
              AND xact_start < %s
              AND NOT (state = 'idle in transaction' AND backend_xid IS NULL)
            ORDER BY xact_start
            LIMIT 1
            """,
            [pending.taken_at],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def wait_for(pending: PendingHorizon, *, timeout: float, poll: float = 0.05) -> int | None:
    """Wait until the horizon holds; the blocking process id if it did not in time."""
    deadline = time.monotonic() + timeout
    while True:
        blocker = blocking_transaction(pending)
        if blocker is None or time.monotonic() >= deadline:
            return blocker
        time.sleep(poll)


def _lock_sealer() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK_ID])


def seal_up_to(horizon: Horizon | None, *, batch_size: int = DEFAULT_BATCH) -> SealOutcome:
    """Seal the records after the last seal up to the horizon, in seals of at most
    ``batch_size`` records. Without a horizon (SQLite) the highest id present is used."""
    with transaction.atomic():
        _lock_sealer()
        last = ProcessingLogSeal.objects.order_by("-last_record_id").first()
        lower = last.last_record_id if last else 0
        previous = last.seal_hash if last else GENESIS_HASH
        key_id = current_key_id()
        previous_key_id = _check_chain_key(last)
        if horizon is None:
            newest = ProcessingLog.objects.order_by("-id").values_list("id", flat=True).first()
            horizon = Horizon(last_id=newest or 0)
        seals: list[ProcessingLogSeal] = []
        sealed_records = 0
        while lower < horizon.last_id:
            # Plain values, not model instances: the sealer reads every record once, and
            # at millions of records a day the instances cost more than the MACs.
            batch = list(
                ProcessingLog.objects.filter(id__gt=lower, id__lte=horizon.last_id)
                .order_by("id")
                .values_list("id", "previous_hash", "record_hash", *CHAINED_FIELDS)[:batch_size]
            )
            if not batch:
                break  # only ids of transactions that rolled back: nothing to seal
            for record_id, previous_hash, record_hash, *content in batch:
                values = dict(zip(CHAINED_FIELDS, content, strict=True))
                if previous_hash == "" and content_mac(values) != record_hash:
                    logger.error(
                        "processing-log record %s does not match its MAC while sealing", record_id
                    )
            upper = batch[-1][0] if len(batch) == batch_size else horizon.last_id
            digest, count = records_digest([(row[0], row[2]) for row in batch])
            sealed_at = timezone.now()
            seal = ProcessingLogSeal(
                sealed_at=sealed_at,
                first_record_id=batch[0][0],
                last_record_id=upper,
                record_count=count,
                records_digest=digest,
                previous_seal_hash=previous,
                key_id=key_id,
            )
            seal.seal_hash = seal_hash(
                previous_seal_hash=previous,
                first_record_id=seal.first_record_id,
                last_record_id=upper,
                record_count=count,
                records_digest=digest,
                sealed_at=sealed_at,
                key_id=key_id,
            )
            seals.append(seal)
            previous = seal.seal_hash
            lower = upper
            sealed_records += count
        ProcessingLogSeal.objects.bulk_create(seals)
    new_segment = bool(seals) and last is not None and previous_key_id != key_id
    if new_segment:
        logger.info(
            "started a new processing-log chain segment with key %s after seal %s (key %s)",
            key_id,
            seals[0].previous_seal_hash,
            previous_key_id,
        )
    for seal in seals:
        logger.info(
            "sealed processing-log records %s-%s (%s records): %s",
            seal.first_record_id,
            seal.last_record_id,
            seal.record_count,
            seal.seal_hash,
        )
    return SealOutcome(
        seals=len(seals), records=sealed_records, last_record_id=lower, new_segment=new_segment
    )


def _check_chain_key(last: ProcessingLogSeal | None) -> str | None:
    """The key id of the last seal, after checking this process may continue from it."""
    if last is None:
        return None
    if not last.key_id:
        # Made before seals named their key: whichever configured key signed it.
        return signing_key_id(last)
    if last.key_id not in chain_keys():
        raise ChainKeyError(
            f"The last seal (up to record {last.last_record_id}) was signed with chain key "
            f"{last.key_id}, which this process does not know: it runs with an outdated "
            "DOORBRAAK_AUDIT_CHAIN_KEY. Restart it with the current configuration."
        )
    return last.key_id


def seal_processing_log(
    *, batch_size: int = DEFAULT_BATCH, wait_timeout: float = 30.0
) -> SealOutcome:
    """One pass: seal everything that is safely committed now.

    On PostgreSQL this waits (up to ``wait_timeout`` seconds) for the transactions that
    began before the horizon; if one is still open, nothing is sealed and its process id
    is returned, so the caller can report it and try again.
    """
    if connection.vendor != "postgresql":
        return seal_up_to(None, batch_size=batch_size)
    pending = take_horizon()
    if pending is None:
        return SealOutcome(seals=0, records=0, last_record_id=0)
    blocker = wait_for(pending, timeout=wait_timeout)
    if blocker is not None:
        return SealOutcome(seals=0, records=0, last_record_id=0, waiting_for_pid=blocker)
    return seal_up_to(Horizon(last_id=pending.last_id), batch_size=batch_size)


def follow(
    *, interval: float, batch_size: int = DEFAULT_BATCH, stop_after: float | None = None
) -> int:
    """Seal continuously, every ``interval`` seconds; returns the number of seals made.

    Once an hour it also makes the coming months' partitions of the log (PostgreSQL).

    On PostgreSQL a horizon is kept until it holds, so a long transaction delays sealing
    but never stops it: newer records wait for the next horizon. A ``ChainKeyError`` ends
    the loop: the process must be restarted with the current key.
    """
    started = time.monotonic()
    made = 0
    pending: PendingHorizon | None = None
    partitions_checked: float | None = None
    while True:
        try:
            if partitions_checked is None or time.monotonic() - partitions_checked >= (
                PARTITION_INTERVAL
            ):
                # On PostgreSQL: this month's and the coming months' log partitions.
                ensure_partitions()
                partitions_checked = time.monotonic()
            if connection.vendor != "postgresql":
                if has_unsealed():
                    made += seal_up_to(None, batch_size=batch_size).seals
            else:
                if pending is None:
                    pending = take_horizon()
                if pending is not None:
                    blocker = blocking_transaction(pending)
                    if blocker is None:
                        made += seal_up_to(Horizon(pending.last_id), batch_size=batch_size).seals
                        pending = None
                    else:
                        logger.info("sealing waits for transaction of process %s", blocker)
        except DatabaseError:
            # The database restarted or went away: report it, reconnect on the next pass.
            logger.exception("sealing the processing log failed; trying again")
            pending = None
            connection.close()
        if stop_after is not None and time.monotonic() - started >= stop_after:
            return made
        time.sleep(interval)


def has_unsealed() -> bool:
    """Whether a record exists after the last seal (one indexed look-up each)."""
    last = (
        ProcessingLogSeal.objects.order_by("-last_record_id")
        .values_list("last_record_id", flat=True)
        .first()
    )
    return ProcessingLog.objects.filter(id__gt=last or 0).exists()
