"""Monthly partitions of the processing log on PostgreSQL.

Every page view adds records to the processing log, so at national scale it is the
largest table by far (millions of records a month). Partitioned by month on the time of
processing, a month is one table: the log page's newest-first reads touch the newest
partitions, and a month past its retention period can be detached and archived without
deleting records one by one from a table that is append-only.

How an existing table becomes partitioned (``partition_table``, run by migration
``audit/0008``), in one transaction under an exclusive lock of the log:

1. the existing table is renamed ``audit_processinglog_upto_YYYY_MM``, after its last month
   (the current month, or the month of its newest record if that is later);
2. a new partitioned parent takes the name ``audit_processinglog``, with the same columns,
   its own id sequence continuing after the highest id, the primary key (id, time) that
   partitioning requires, the three reading indexes and the append-only trigger;
3. the old table is attached as the partition of everything before the next month: no
   record is copied. Its reading indexes are attached as they are; the primary key needs a
   unique index on (id, time), which migration 0008 builds ``CONCURRENTLY`` beforehand so
   the table takes inserts meanwhile and the exclusive lock is short;
4. the months ahead get their own partitions, and a default partition catches a record
   whose month has none yet (a clock far off, or a sealer that has not run for months).

An index added later (``build_index``, ``drop_index``) is built the way PostgreSQL allows
on a partitioned table without blocking inserts: an index ``ON ONLY`` the parent (invalid
until every partition has one), then each partition's index ``CONCURRENTLY``, attached to
it one by one; the parent's index is valid once the last one is attached.

``ensure_partitions`` creates the coming months' partitions; the sealer calls it every
hour, so a month's partition exists well before its first record. On SQLite, the embedded
demo database, nothing is partitioned.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.db.backends.utils import truncate_name
from django.utils import timezone

logger = logging.getLogger(__name__)

PARENT = "audit_processinglog"
SEQUENCE = "audit_processinglog_id_seq"
DEFAULT_PARTITION = "audit_processinglog_default"
#: The unique index the primary key (id, time) of the partitioned log needs on the table
#: that becomes its first partition; migration 0008 builds it before partitioning.
ID_TIME_INDEX = "audit_processinglog_id_time"
TRIGGER = "audit_processinglog_append_only"
#: The reading indexes the log had when it was partitioned (migration 0008; name: columns).
#: Later ones are built by ``build_index`` in a migration of their own.
INDEXES = {
    "processinglog_muni_time": "municipality_id, occurred_at DESC",
    "processinglog_actor_time": "actor_id, occurred_at DESC",
    "processinglog_subject_time": "subject_pseudonym, occurred_at DESC",
}
MONTHS_AHEAD = 2


@dataclass(frozen=True)
class Partition:
    name: str
    bounds: str  # PostgreSQL's description, e.g. FOR VALUES FROM (...) TO (...)
    rows_estimate: int


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    first = _month_start(day)
    return (first + datetime.timedelta(days=32)).replace(day=1)


def _month_name(first: datetime.date) -> str:
    return f"{PARENT}_{first:%Y_%m}"


def _bound(first: datetime.date) -> str:
    """A month's start as a timestamptz literal, in UTC (the database's time zone)."""
    return f"'{first.isoformat()} 00:00:00+00'"


def is_partitioned() -> bool:
    """Whether the processing log is a partitioned table (always False on SQLite)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relkind FROM pg_class c WHERE c.oid = to_regclass(%s)",
            [PARENT],
        )
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def partitions() -> list[Partition]:
    """The log's partitions in the order of their bounds, with estimated row counts."""
    if not is_partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), GREATEST(c.reltuples, 0)
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = to_regclass(%s)
            ORDER BY c.relname
            """,
            [PARENT],
        )
        rows = cursor.fetchall()
    return [
        Partition(name=name, bounds=bounds, rows_estimate=int(estimate))
        for name, bounds, estimate in rows
    ]


def build_id_time_index() -> None:
    """The unique (id, time) index the partitioned primary key will take over.

    Built ``CONCURRENTLY``, outside a transaction: the log keeps taking inserts while a
    table of millions of records is indexed. An index left invalid by an interrupted build
    is dropped and built again.
    """
    if connection.vendor != "postgresql" or is_partitioned():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass(%s)",
            [ID_TIME_INDEX],
        )
        row = cursor.fetchone()
        if row and row[0]:
            return
        if row:
            cursor.execute(f'DROP INDEX CONCURRENTLY "{ID_TIME_INDEX}"')
        cursor.execute(
            f'CREATE UNIQUE INDEX CONCURRENTLY "{ID_TIME_INDEX}" ON "{PARENT}" (id, occurred_at)'
        )


def partition_table(today: datetime.date | None = None) -> str | None:
    """Turn the unpartitioned log into a partitioned one; the first partition's name.

    Does nothing (returns None) on SQLite or when the log is partitioned already.
    """
    if connection.vendor != "postgresql" or is_partitioned():
        return None
    today = today or timezone.now().date()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{PARENT}" IN ACCESS EXCLUSIVE MODE')
        cursor.execute(
            f"SELECT (max(occurred_at) AT TIME ZONE 'UTC')::date, max(id) FROM \"{PARENT}\""  # noqa: S608 (a constant table name)
        )
        newest, max_id = cursor.fetchone()
        last_month = _month_start(max(today, newest) if newest else today)
        boundary = _next_month(last_month)
        old = f"{PARENT}_upto_{last_month:%Y_%m}"

        # The id sequence: its value carries over to the parent's own sequence.
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, 'id'), "
            "(SELECT attidentity FROM pg_attribute "
            " WHERE attrelid = to_regclass(%s) AND attname = 'id')",
            [PARENT, PARENT],
        )
        sequence, identity = cursor.fetchone()
        last_value = 0
        if sequence:
            cursor.execute("SELECT pg_sequence_last_value(%s::regclass)", [sequence])
            last_value = cursor.fetchone()[0] or 0
        next_id = max(last_value, max_id or 0)

        cursor.execute(f'ALTER TABLE "{PARENT}" RENAME TO "{old}"')
        if identity:
            cursor.execute(f'ALTER TABLE "{old}" ALTER COLUMN id DROP IDENTITY')
        else:
            cursor.execute(f'ALTER TABLE "{old}" ALTER COLUMN id DROP DEFAULT')
            if sequence:
                cursor.execute(f"DROP SEQUENCE {sequence}")
        cursor.execute(f'DROP TRIGGER IF EXISTS "{TRIGGER}" ON "{old}"')
        cursor.execute(f'ALTER TABLE "{old}" DROP CONSTRAINT IF EXISTS "{PARENT}_pkey"')
        # The old table's indexes give their names to the parent's and are attached to
        # them as they are (PostgreSQL matches them by definition).
        for name in [*INDEXES, ID_TIME_INDEX]:
            cursor.execute(
                f'ALTER INDEX IF EXISTS "{name}" RENAME TO "{_partition_index(old, name)}"'
            )

        # The unique (id, time) index, built beforehand, becomes the old table's primary
        # key, which the parent's primary key then takes over without building anything.
        id_time = _partition_index(old, ID_TIME_INDEX)
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [id_time])
        if cursor.fetchone()[0]:
            cursor.execute(
                f'ALTER TABLE "{old}" ADD CONSTRAINT "{old}_pkey" '
                f'PRIMARY KEY USING INDEX "{id_time}"'
            )

        cursor.execute(
            f'CREATE TABLE "{PARENT}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) '
            "PARTITION BY RANGE (occurred_at)"
        )
        cursor.execute(f'CREATE SEQUENCE "{SEQUENCE}" AS bigint OWNED BY "{PARENT}".id')
        if next_id:
            cursor.execute("SELECT setval(%s, %s)", [SEQUENCE, next_id])
        cursor.execute(
            f'ALTER TABLE "{PARENT}" ALTER COLUMN id SET DEFAULT nextval(\'"{SEQUENCE}"\')'
        )
        cursor.execute(
            f'ALTER TABLE "{PARENT}" ADD CONSTRAINT "{PARENT}_pkey" PRIMARY KEY (id, occurred_at)'
        )
        for name, columns in INDEXES.items():
            cursor.execute(f'CREATE INDEX "{name}" ON "{PARENT}" ({columns})')
        cursor.execute(
            f'CREATE TRIGGER "{TRIGGER}" BEFORE UPDATE OR DELETE ON "{PARENT}" '
            "FOR EACH ROW EXECUTE FUNCTION audit_processinglog_refuse_change()"
        )
        cursor.execute(
            f'ALTER TABLE "{PARENT}" ATTACH PARTITION "{old}" '
            f"FOR VALUES FROM (MINVALUE) TO ({_bound(boundary)})"
        )
        cursor.execute(f'CREATE TABLE "{DEFAULT_PARTITION}" PARTITION OF "{PARENT}" DEFAULT')
    ensure_partitions(today)
    logger.info("partitioned the processing log: %s holds everything before %s", old, boundary)
    return old


def _partition_index(table: str, index: str) -> str:
    return truncate_name(f"{table}_{index.removeprefix('processinglog_')}", 63)


def ensure_partitions(
    today: datetime.date | None = None, *, months_ahead: int = MONTHS_AHEAD
) -> list[str]:
    """Create the partitions of this month and the next ``months_ahead``; their names.

    A month that a partition already covers (the first one, or its own) gets none; each
    month is checked on its own, so a partition made by hand further ahead leaves no gap
    before it. A month whose records are
    already in the default partition cannot be made here (PostgreSQL would have to move
    them): that is logged as an error, and the records stay where they are.
    """
    if not is_partitioned():
        return []
    today = today or timezone.now().date()
    ranges = _ranges()
    made: list[str] = []
    month = _month_start(today)
    for _ in range(months_ahead + 1):
        following = _next_month(month)
        name = _month_name(month)
        if not _has_partition(month, ranges):
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF "{PARENT}" '
                        f"FOR VALUES FROM ({_bound(month)}) TO ({_bound(following)})"
                    )
                made.append(name)
            except DatabaseError:
                logger.error(
                    "could not create processing-log partition %s: the default partition "
                    "already holds records of that month",
                    name,
                )
        month = following
    return made


def _ranges() -> list[tuple[datetime.datetime | None, datetime.datetime]]:
    """The (from, to) of every ranged partition; ``None`` for MINVALUE (the first one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT NULLIF(m[1], 'MINVALUE')::timestamptz, m[2]::timestamptz
            FROM (
                SELECT regexp_match(
                    pg_get_expr(c.relpartbound, c.oid),
                    'FROM \\(''?([^'')]+)''?\\) TO \\(''([^'']+)''\\)'
                ) AS m
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = to_regclass(%s)
            ) bounds
            WHERE m IS NOT NULL
            """,
            [PARENT],
        )
        return [(lower, upper) for lower, upper in cursor.fetchall()]


def _has_partition(
    month: datetime.date, ranges: list[tuple[datetime.datetime | None, datetime.datetime]]
) -> bool:
    """Whether a partition (not the default) takes the records of the month's first moment."""
    start = datetime.datetime.combine(month, datetime.time(), tzinfo=datetime.UTC)
    return any((lower is None or lower <= start) and start < upper for lower, upper in ranges)


def missing_months(today: datetime.date | None = None) -> list[datetime.date]:
    """This month and the next, where either has no partition yet (first days)."""
    if not is_partitioned():
        return []
    today = today or timezone.now().date()
    ranges = _ranges()
    months = [_month_start(today), _next_month(today)]
    return [month for month in months if not _has_partition(month, ranges)]


def default_partition_rows() -> int:
    """Records in the default partition: months without a partition of their own."""
    if not is_partitioned():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM (SELECT 1 FROM "{DEFAULT_PARTITION}" LIMIT 10001) s'  # noqa: S608 (a constant table name)
        )
        return int(cursor.fetchone()[0])


def build_index(name: str, columns: str) -> None:
    """An index on the log, ``columns`` (SQL, as in ``INDEXES``), without blocking inserts.

    On a partitioned log: an index ``ON ONLY`` the parent, then for each partition its own
    index built ``CONCURRENTLY`` and attached to the parent's; PostgreSQL marks the parent's
    index valid when every partition has one attached. A partition made meanwhile (the
    sealer's months ahead) gets its index from PostgreSQL when it is created, attached
    already. Run it outside a transaction. It can be run again after an interruption: an
    invalid index left by a broken build is dropped and built again, one already attached
    is left as it is. On an unpartitioned log the index is built ``CONCURRENTLY`` on the
    table; on SQLite nothing happens (the migration adds a plain index there).
    """
    if connection.vendor != "postgresql":
        return
    if not is_partitioned():
        _build_concurrently(name, PARENT, columns)
        return
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON ONLY "{PARENT}" ({columns})')
    for partition in partitions():
        if _attached_index(name, partition.name):
            continue
        child = _partition_index(partition.name, name)
        _build_concurrently(child, partition.name, columns)
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER INDEX "{name}" ATTACH PARTITION "{child}"')


def drop_index(name: str) -> None:
    """Drop an index ``build_index`` made, with its partitions' indexes.

    PostgreSQL drops a partitioned index only as a whole, not ``CONCURRENTLY``: a short
    exclusive lock of the log, with nothing to build or scan. A partition's index that a
    broken build left unattached is dropped ``CONCURRENTLY`` after it. Nothing happens on
    SQLite.
    """
    if connection.vendor != "postgresql":
        return
    if not is_partitioned():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')
        return
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        for partition in partitions():
            cursor.execute(
                f'DROP INDEX CONCURRENTLY IF EXISTS "{_partition_index(partition.name, name)}"'
            )


def index_state(name: str) -> dict[str, bool]:
    """Whether the index is valid on the log and on each partition (by partition name);
    the partitions without it are left out. For the health of a build and its tests."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, i.indisvalid
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE i.indexrelid = to_regclass(%s)
               OR i.indexrelid IN (
                   SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass(%s)
               )
            """,
            [name, name],
        )
        return {table: bool(valid) for table, valid in cursor.fetchall()}


def _attached_index(name: str, partition: str) -> bool:
    """Whether ``partition`` has an index attached to the parent's index ``name``."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT 1 FROM pg_inherits h JOIN pg_index i ON i.indexrelid = h.inhrelid
            WHERE h.inhparent = to_regclass(%s) AND i.indrelid = to_regclass(%s)
            """,
            [name, partition],
        )
        return cursor.fetchone() is not None


def _build_concurrently(name: str, table: str, columns: str) -> None:
    """``CREATE INDEX CONCURRENTLY``; an invalid one of a broken build is dropped first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass(%s)", [name]
        )
        row = cursor.fetchone()
        if row and row[0]:
            return
        if row:
            cursor.execute(f'DROP INDEX CONCURRENTLY "{name}"')
        cursor.execute(f'CREATE INDEX CONCURRENTLY "{name}" ON "{table}" ({columns})')
