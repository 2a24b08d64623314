"""Health checks for ``/gezondheid/`` (django-health-check): no personal data in them.

Two pages, because they answer different questions:

* ``/gezondheid/`` — may this web process take requests? The database answers and every
  migration is applied. Load balancers probe this; a failing check answers 500.
* ``/gezondheid/alles/`` — is the whole system doing its work? Also the task worker's
  heartbeat, the task queue (how many wait, and how long the oldest has waited) and the
  processing-log sealer (the oldest unsealed record) and, on PostgreSQL, the log's monthly
  partitions (this month's and the next month's exist, none of its records in the
  default). For monitoring, not for taking a web process out of the pool when only the
  worker is down.
"""

from __future__ import annotations

import dataclasses
import datetime

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable, ServiceWarning

from doorbraak.audit.partitions import default_partition_rows, is_partitioned, missing_months
from doorbraak.audit.selectors import seal_status
from doorbraak.operations.models import WorkerHeartbeat


class _InRequestThread(HealthCheck):
    """A check that uses the database runs in the request's own thread (and connection),
    one after the other, not in a pool of threads with connections nobody closes."""

    async def run(self) -> None:
        await sync_to_async(self.check, thread_sensitive=True)()

    def check(self) -> None:
        raise NotImplementedError


@dataclasses.dataclass
class DatabaseAnswers(_InRequestThread, Database):
    """``SELECT 1`` on the default database (django-health-check's own check)."""

    def check(self) -> None:
        Database.run(self)


@dataclasses.dataclass
class MigrationsApplied(_InRequestThread):
    """Every migration of the code is applied: a release that forgot ``migrate`` fails."""

    def check(self) -> None:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            raise ServiceUnavailable(f"{len(pending)} migrations not applied")


@dataclasses.dataclass
class TaskWorker(_InRequestThread):
    """A task worker has beaten its heart recently."""

    def check(self) -> None:
        newest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
        seen = newest.first()
        if seen is None:
            raise ServiceUnavailable("no task worker has reported")
        age = (timezone.now() - seen).total_seconds()
        if age > settings.WORKER_HEARTBEAT_MAX_SECONDS:
            raise ServiceUnavailable(f"no heartbeat for {int(age)} s")


@dataclasses.dataclass
class TaskQueue(_InRequestThread):
    """Tasks are picked up: none has waited longer than allowed since it became due."""

    def check(self) -> None:
        ready = DBTaskResult.objects.ready()
        # A task without a delay carries the largest date as run_after: due since enqueued.
        at_once = ready.filter(run_after=get_date_max()).order_by("enqueued_at")
        delayed = ready.exclude(run_after=get_date_max()).order_by("run_after")
        due = [
            moment
            for moment in (
                at_once.values_list("enqueued_at", flat=True).first(),
                delayed.values_list("run_after", flat=True).first(),
            )
            if moment is not None
        ]
        if not due:
            return
        waited = timezone.now() - min(due)
        limit = datetime.timedelta(minutes=settings.TASK_QUEUE_MAX_WAIT_MINUTES)
        if waited > limit:
            minutes = int(waited.total_seconds() // 60)
            raise ServiceUnavailable(f"{ready.count()} tasks waiting, the oldest for {minutes} min")


@dataclasses.dataclass
class ProcessingLogSealer(_InRequestThread):
    """The sealer keeps up: no record waits longer than the allowed lag for its seal."""

    def check(self) -> None:
        status = seal_status()
        if status.lagging and status.oldest_unsealed_at is not None:
            minutes = int((timezone.now() - status.oldest_unsealed_at).total_seconds() // 60)
            raise ServiceWarning(
                f"{status.unsealed} records unsealed, the oldest for {minutes} min"
            )


@dataclasses.dataclass
class ProcessingLogPartitions(_InRequestThread):
    """PostgreSQL: this month and the next have a partition of the processing log, and no
    record landed in the default partition (the sealer makes the partitions hourly)."""

    def check(self) -> None:
        if not is_partitioned():
            return
        missing = missing_months()
        if missing:
            raise ServiceWarning(
                "no processing-log partition for " + ", ".join(f"{m:%Y-%m}" for m in missing)
            )
        stray = default_partition_rows()
        if stray:
            more = "more than 10000" if stray > 10_000 else str(stray)
            raise ServiceWarning(f"{more} processing-log records in the default partition")


#: What a load balancer asks.
LIVENESS: tuple[type[HealthCheck], ...] = (DatabaseAnswers, MigrationsApplied)
#: What monitoring asks.
EVERYTHING: tuple[type[HealthCheck], ...] = (
    *LIVENESS,
    TaskWorker,
    TaskQueue,
    ProcessingLogSealer,
    ProcessingLogPartitions,
)
