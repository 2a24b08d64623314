"""The processing log in monthly partitions (PostgreSQL): where records land, the months
ahead, a month without a partition, and the migration of an existing, sealed log."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from health_check.exceptions import ServiceWarning

from doorbraak.audit import partitions
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.audit.services import processing_log_record
from doorbraak.operations.health import ProcessingLogPartitions
from tests.conftest import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]

ROOT = Path(__file__).resolve().parents[2]


def record(cast: Cast, at: datetime.datetime) -> ProcessingLog:
    with time_machine.travel(at, tick=False):
        (row,) = processing_log_record(
            actor=cast.alice,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="households.household",
            object_id="1",
            subjects=["p-partition"],
        )
    return row


def partition_of(row: ProcessingLog) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM audit_processinglog WHERE id = %s", [row.pk]
        )
        return str(cursor.fetchone()[0])


def utc(year: int, month: int, day: int = 15) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


def test_the_migrated_log_is_partitioned_with_the_months_ahead() -> None:
    assert partitions.is_partitioned()
    names = [p.name for p in partitions.partitions()]
    today = timezone.now().date()  # the migration's clock: UTC
    nxt = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    assert partitions.DEFAULT_PARTITION in names
    assert any(name.startswith("audit_processinglog_upto_") for name in names)
    assert f"audit_processinglog_{nxt:%Y_%m}" in names
    assert partitions.missing_months() == []
    ProcessingLogPartitions().check()  # no warning


def test_records_land_in_the_partition_of_their_month(cast: Cast) -> None:
    partitions.ensure_partitions(datetime.date(2031, 3, 1), months_ahead=1)
    old = record(cast, utc(2020, 1))
    march = record(cast, utc(2031, 3, 31))
    april = record(cast, utc(2031, 4, 1))
    assert partition_of(old).startswith("audit_processinglog_upto_")
    assert partition_of(march) == "audit_processinglog_2031_03"
    assert partition_of(april) == "audit_processinglog_2031_04"
    # One table to the application: ordered by id, ids from one sequence.
    ids = list(
        ProcessingLog.objects.filter(pk__in=[old.pk, march.pk, april.pk]).values_list(
            "pk", flat=True
        )
    )
    assert ids == sorted([old.pk, march.pk, april.pk], reverse=True)


def test_ensure_partitions_makes_only_what_is_missing() -> None:
    made = partitions.ensure_partitions(datetime.date(2032, 11, 20), months_ahead=2)
    assert made == [
        "audit_processinglog_2032_11",
        "audit_processinglog_2032_12",
        "audit_processinglog_2033_01",
    ]
    assert partitions.ensure_partitions(datetime.date(2032, 12, 2), months_ahead=1) == []
    assert partitions.missing_months(datetime.date(2032, 12, 2)) == []


def test_partitions_refuse_updates_and_deletes_like_the_log(cast: Cast) -> None:
    partitions.ensure_partitions(datetime.date(2031, 3, 1), months_ahead=0)
    row = record(cast, utc(2031, 3))
    for statement in (
        "UPDATE audit_processinglog SET object_id = '2' WHERE id = %s",
        "DELETE FROM audit_processinglog WHERE id = %s",
        "UPDATE audit_processinglog_2031_03 SET object_id = '2' WHERE id = %s",
        "DELETE FROM audit_processinglog_2031_03 WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [row.pk])
    assert ProcessingLog.objects.get(pk=row.pk).object_id == "1"


def test_a_partition_made_further_ahead_leaves_no_gap_before_it() -> None:
    partitions.ensure_partitions(datetime.date(2036, 5, 1), months_ahead=0)
    assert partitions.missing_months(datetime.date(2036, 3, 10)) == [
        datetime.date(2036, 3, 1),
        datetime.date(2036, 4, 1),
    ]
    made = partitions.ensure_partitions(datetime.date(2036, 3, 10), months_ahead=2)
    assert made == ["audit_processinglog_2036_03", "audit_processinglog_2036_04"]
    assert partitions.missing_months(datetime.date(2036, 4, 30)) == []


def test_a_month_without_partition_keeps_its_records_and_is_reported(
    cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    far = record(cast, utc(2040, 6))
    assert partition_of(far) == partitions.DEFAULT_PARTITION
    assert partitions.default_partition_rows() == 1
    with pytest.raises(ServiceWarning, match="1 processing-log records in the default partition"):
        ProcessingLogPartitions().check()
    # The month cannot get its partition now (the record would have to move): it is
    # reported, and the record stays where it is.
    assert partitions.ensure_partitions(datetime.date(2040, 6, 1), months_ahead=0) == []
    assert "could not create processing-log partition audit_processinglog_2040_06" in caplog.text
    assert ProcessingLog.objects.filter(pk=far.pk).exists()


def test_a_missing_next_month_is_reported() -> None:
    with time_machine.travel(utc(2045, 2), tick=False):
        assert partitions.missing_months() == [datetime.date(2045, 2, 1), datetime.date(2045, 3, 1)]
        with pytest.raises(
            ServiceWarning, match="no processing-log partition for 2045-02, 2045-03"
        ):
            ProcessingLogPartitions().check()


# The migration of an existing log, in a database of its own, through manage.py.


@pytest.fixture
def own_database() -> Iterator[str]:
    params = connection.settings_dict
    # Named after the test database (test_<DATABASE_URL's name>_gwN): runs beside other
    # checkouts' test runs on the same server never meet.
    name = f"{params['NAME']}_path_{os.getpid()}"[:63]
    server = {
        "host": params["HOST"] or "127.0.0.1",
        "port": int(params["PORT"] or 5432),
        "user": params["USER"],
        "dbname": "postgres",
        "autocommit": True,
    }
    if params["PASSWORD"]:
        server["password"] = params["PASSWORD"]

    def drop() -> None:
        with psycopg.connect(**server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(**server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    drop()


def manage(url: str, *args: str, code: str | None = None) -> str:
    command = [sys.executable, "manage.py", *args]
    if code is not None:
        command = [sys.executable, "manage.py", "shell", "-c", code]
    result = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


WRITE = """
import datetime, time_machine
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import processing_log_record
for month in (3, 7, 11):
    with time_machine.travel(datetime.datetime(2026, month, 2, 9, tzinfo=datetime.UTC)):
        processing_log_record(actor=None, action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT, object_type="households.household",
            object_id=str(month), subjects=["p-a", "p-b"])
"""

FACTS = """
from django.db import connection
from doorbraak.audit.models import ProcessingLog
from doorbraak.audit.partitions import is_partitioned, partitions
print("partitioned", is_partitioned())
ids = ProcessingLog.objects.order_by("id").values_list("id", flat=True)
print("ids", ",".join(str(i) for i in ids))
print("partitions", ",".join(p.name for p in partitions()))
"""


def facts(output: str) -> dict[str, str]:
    return dict(line.split(" ", 1) for line in output.splitlines() if " " in line)


def test_an_existing_sealed_log_is_partitioned_by_the_migration_without_copying(
    own_database: str,
) -> None:
    url = own_database
    manage(url, "migrate", "audit", "0007", "--noinput", "-v0")  # a log from before
    manage(url, code=WRITE)
    manage(url, "seal_processing_log")
    before = facts(manage(url, code=FACTS))
    assert before["partitioned"] == "False"
    assert len(before["ids"].split(",")) == 6

    manage(url, "migrate", "audit", "0008", "--noinput", "-v0")
    after = facts(manage(url, code=FACTS))
    assert after["partitioned"] == "True"
    assert after["ids"] == before["ids"]  # every record kept, none copied anew
    first = next(n for n in after["partitions"].split(",") if "_upto_" in n)
    assert partitions.DEFAULT_PARTITION in after["partitions"]

    # The records are the old table's own rows, now its first partition; the id sequence
    # continues after them; sealing and verifying go on across the change.
    manage(url, code=WRITE)
    manage(url, "seal_processing_log")
    verified = manage(url, "verify_processing_log", "--require-sealed")
    assert "Processing log intact: 12 records verified, 12 of them in 2 seal(s)" in verified
    old_ids = [int(i) for i in before["ids"].split(",")]
    new_ids = [int(i) for i in facts(manage(url, code=FACTS))["ids"].split(",")[6:]]
    assert len(new_ids) == 6
    assert min(new_ids) > max(old_ids)
    with psycopg.connect(url) as conn:
        rows = conn.execute(f'SELECT count(*) FROM "{first}"').fetchone()
    assert rows == (12,)  # 2026's records: all in the first partition

    # Backwards leaves the log partitioned; forwards again changes nothing.
    manage(url, "migrate", "audit", "0007", "--noinput", "-v0")
    manage(url, "migrate", "--noinput", "-v0")
    assert facts(manage(url, code=FACTS))["ids"].split(",")[:6] == before["ids"].split(",")


# The (municipality, user, time) index of migration 0012, built partition by partition.

LOG_INDEX = "processinglog_muni_actor_time"


def test_the_migrated_log_has_the_user_index_on_every_partition() -> None:
    state = partitions.index_state(LOG_INDEX)
    assert state.pop(partitions.PARENT) is True
    assert sorted(state) == sorted(p.name for p in partitions.partitions())
    assert all(state.values())


def test_a_partition_made_later_gets_the_user_index_attached() -> None:
    (made,) = partitions.ensure_partitions(datetime.date(2033, 5, 1), months_ahead=0)
    assert partitions.index_state(LOG_INDEX)[made] is True
    assert partitions.index_state(LOG_INDEX)[partitions.PARENT] is True


INDEX_FACTS = """
from doorbraak.audit.partitions import index_state
for table, valid in sorted(index_state("processinglog_muni_actor_time").items()):
    print("index", table, valid)
"""

BROKEN_BUILD = """
from django.db import connection
from doorbraak.audit import partitions
# As a build interrupted halfway leaves it: the parent's index invalid, one partition's
# index built and attached, another's built but not attached, the rest without one.
names = [p.name for p in partitions.partitions()]
with connection.cursor() as cursor:
    cursor.execute(
        'CREATE INDEX "processinglog_muni_actor_time" ON ONLY audit_processinglog '
        "(municipality_id, actor_id, occurred_at DESC)"
    )
    for name in names[:2]:
        child = f"{name}_muni_actor_time"
        cursor.execute(
            f'CREATE INDEX "{child}" ON "{name}" (municipality_id, actor_id, occurred_at DESC)'
        )
    first = f"{names[0]}_muni_actor_time"
    cursor.execute(f'ALTER INDEX "processinglog_muni_actor_time" ATTACH PARTITION "{first}"')
print("partitions", len(names))
"""


def index_facts(output: str) -> dict[str, str]:
    return {
        line.split()[1]: line.split()[2] for line in output.splitlines() if line.startswith("index")
    }


def test_the_user_index_is_built_per_partition_and_dropped_again(own_database: str) -> None:
    url = own_database
    manage(url, "migrate", "audit", "0011", "--noinput", "-v0")
    manage(url, code=WRITE)
    assert index_facts(manage(url, code=INDEX_FACTS)) == {}

    manage(url, "migrate", "audit", "0012", "--noinput", "-v0")
    built = index_facts(manage(url, code=INDEX_FACTS))
    listed = facts(manage(url, code=FACTS))["partitions"].split(",")
    assert built == dict.fromkeys([partitions.PARENT, *listed], "True")

    # Backwards drops the index with every partition's.
    manage(url, "migrate", "audit", "0011", "--noinput", "-v0")
    assert index_facts(manage(url, code=INDEX_FACTS)) == {}

    # A build broken off halfway is finished by running the migration again.
    count = int(facts(manage(url, code=BROKEN_BUILD))["partitions"])
    broken = index_facts(manage(url, code=INDEX_FACTS))
    assert broken[partitions.PARENT] == "False"
    assert len(broken) == 2  # the parent and the one attached partition
    manage(url, "migrate", "audit", "0012", "--noinput", "-v0")
    built = index_facts(manage(url, code=INDEX_FACTS))
    assert len(built) == count + 1
    assert set(built.values()) == {"True"}

    # Undone, and again, on a log with records: the migration runs both ways.
    manage(url, "migrate", "audit", "0011", "--noinput", "-v0")
    manage(url, "migrate", "--noinput", "-v0")
    assert len(index_facts(manage(url, code=INDEX_FACTS))) == count + 1
