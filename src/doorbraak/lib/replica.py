"""Read-only work from a streaming read replica of PostgreSQL, when there is one.

With ``DATABASE_REPLICA_URL`` set, ``settings.DATABASES`` has a second alias, ``replica``:
a hot standby kept up to date by PostgreSQL's streaming replication. The heavy read-only
pages (the spiegel, the signal list, the comparison, the evaluation export, the privacy
officer's processing log) and the worker's value report read from it; everything else
reads and writes the primary (``default``), as without a replica.

Only code that runs inside :func:`replica_reads` (the view decorator
:func:`reads_from_replica`, or the context manager itself in a task) reads from the
replica, and even there:

- every write goes to the primary (the processing-log record a page view leaves too);
- a read inside a transaction on the primary stays on the primary, so it sees that
  transaction's own writes;
- the replica's lag is asked once per request (or task): when the replica is unreachable,
  is not a standby (any more), or lags more than ``DOORBRAAK_REPLICA_MAX_LAG_SECONDS``,
  the whole request reads the primary, and a warning is logged (codes, no personal data).

The page says where its figures came from and how fresh they are
(``templates/includes/replica_freshness.html``, filled by :func:`freshness`).

Without ``DATABASE_REPLICA_URL`` nothing changes: there is no ``replica`` alias, and the
router answers nothing, which leaves Django's own choice (the primary).
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = DEFAULT_DB_ALIAS

P = ParamSpec("P")
R = TypeVar("R")

#: One query, on the replica: is it a standby, when was the last transaction it replayed
#: committed on the primary, and has it replayed all it received from a live WAL receiver
#: (then it is as fresh as the primary, however long ago that last commit was).
STATUS_QUERY = """
SELECT pg_is_in_recovery(),
       pg_last_xact_replay_timestamp(),
       COALESCE(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), FALSE)
           AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver),
       now()
"""


@dataclass(frozen=True)
class ReplicaStatus:
    """What the replica says about itself (:data:`STATUS_QUERY`)."""

    in_recovery: bool
    last_replay: datetime.datetime | None
    caught_up: bool
    now: datetime.datetime


@dataclass(frozen=True)
class Freshness:
    """Where a request's reads come from, and how fresh they are.

    ``source`` is ``"replica"`` or ``"primary"`` (the fallback); on the replica
    ``up_to`` is the moment its data is complete up to, and ``lag`` how long ago that was.
    """

    source: Literal["replica", "primary"]
    up_to: datetime.datetime | None = None
    lag: datetime.timedelta | None = None
    reason: str = ""

    @property
    def from_replica(self) -> bool:
        return self.source == "replica"

    @property
    def minutes_behind(self) -> int:
        """Whole minutes behind the primary (0 for less than a minute)."""
        return int(self.lag.total_seconds() // 60) if self.lag is not None else 0


def replica_configured() -> bool:
    """Whether ``DATABASE_REPLICA_URL`` gave the project a replica alias."""
    return REPLICA in settings.DATABASES


def max_lag() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.DOORBRAAK_REPLICA_MAX_LAG_SECONDS)


def judge(status: ReplicaStatus | None, *, limit: datetime.timedelta) -> Freshness:
    """The replica (and how fresh it is), or the primary with the reason why not.

    ``status`` is ``None`` when the replica could not be asked (unreachable).
    """
    if status is None:
        return Freshness("primary", reason="replica_unreachable")
    if not status.in_recovery:
        # A promoted standby, or a primary named by mistake: its data may part from ours.
        return Freshness("primary", reason="replica_not_in_recovery")
    if status.caught_up:
        return Freshness("replica", up_to=status.now, lag=datetime.timedelta(0))
    if status.last_replay is None:
        return Freshness("primary", reason="replica_nothing_replayed")
    lag = max(status.now - status.last_replay, datetime.timedelta(0))
    if lag > limit:
        return Freshness("primary", up_to=status.last_replay, lag=lag, reason="replica_lagging")
    return Freshness("replica", up_to=status.last_replay, lag=lag)


def probe(alias: str = REPLICA) -> ReplicaStatus | None:
    """Ask the replica how it is; ``None`` when it cannot be reached or answers an error."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(STATUS_QUERY)
            in_recovery, last_replay, caught_up, now = cursor.fetchone()
    except DatabaseError:
        # Unreachable, or an error: the request reads the primary. Django closes a broken
        # connection at the end of the request, so the next one connects afresh.
        return None
    return ReplicaStatus(
        in_recovery=bool(in_recovery), last_replay=last_replay, caught_up=bool(caught_up), now=now
    )


class _Reads:
    """The choice for one request or task: made once, at the first read that asks."""

    def __init__(self) -> None:
        self._decided: Freshness | None = None

    def decide(self) -> Freshness:
        if self._decided is None:
            decided = judge(probe(), limit=max_lag())
            if not decided.from_replica:
                logger.warning(
                    "replica_fallback",
                    extra={
                        "reason": decided.reason,
                        "lag_seconds": (
                            round(decided.lag.total_seconds()) if decided.lag is not None else None
                        ),
                        "max_lag_seconds": settings.DOORBRAAK_REPLICA_MAX_LAG_SECONDS,
                    },
                )
            self._decided = decided
        return self._decided


_current: ContextVar[_Reads | None] = ContextVar("doorbraak_replica_reads", default=None)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside may come from the replica (writes never do). Nests: the outer wins."""
    if _current.get() is not None:
        yield
        return
    token = _current.set(_Reads())
    try:
        yield
    finally:
        _current.reset(token)


def reads_from_replica(view: Callable[P, R]) -> Callable[P, R]:
    """A view whose reads may come from the replica: read-only work, no read of its own write.

    Goes *below* the access decorator (``@page``), so the role and the object are checked,
    and their reads logged, on the primary before the view runs.
    """

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper


def current_freshness() -> Freshness | None:
    """Where this request reads from, when it may read from a replica at all (else ``None``)."""
    reads = _current.get()
    if reads is None or not replica_configured():
        return None
    return reads.decide()


def freshness(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``replica_freshness`` for the include that shows it."""
    return {"replica_freshness": current_freshness()}


def read_database() -> str:
    """The alias reads go to now (the router's answer for a read)."""
    return ReplicaRouter().db_for_read(None) or PRIMARY


def write_database() -> str:
    """The alias writes go to: always the primary."""
    return PRIMARY


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads inside :func:`replica_reads` to the replica when it is
    fresh enough; every write, and every other read, to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not replica_configured():
            return None
        reads = _current.get()
        if reads is None or self.in_write_transaction():
            # Outside a routed view, or inside a transaction that may have written.
            return PRIMARY
        return REPLICA if reads.decide().from_replica else PRIMARY

    @staticmethod
    def in_write_transaction() -> bool:
        """Whether a transaction is open on the primary: its reads must see its writes."""
        return connections[PRIMARY].in_atomic_block

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return PRIMARY if replica_configured() else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Both aliases hold the same data: an object read on the replica may point at one
        # read on the primary (and is saved to the primary).
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica is read-only: it gets the schema from the primary's WAL.
        return False if db == REPLICA else None
