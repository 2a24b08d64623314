"""Doorbraak against a real primary and streaming replica: run by ``test_replica.py``.

Runs in a process of its own, with ``DATABASE_URL`` naming the primary and
``DATABASE_REPLICA_URL`` the standby (both clusters started by the test, the schema
already on the primary). It builds synthetic data on the primary, waits until the replica
has replayed it, requests the routed pages with the Django test client as a policy analyst
and a privacy officer, and prints one JSON object: for every request its status, what the
page said about freshness, and which alias ran which kind of statement.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorbraak.config.settings")
# The export's file goes to a directory of this run, not to the checkout's var/downloads.
os.environ.setdefault("DOORBRAAK_DOWNLOADS_DIR", tempfile.mkdtemp(prefix="doorbraak-replica-"))

import django  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from doorbraak.accounts.models import Role  # noqa: E402
from doorbraak.audit.models import ProcessingLog  # noqa: E402
from doorbraak.downloads.models import Download  # noqa: E402
from doorbraak.downloads.services import download_build  # noqa: E402
from doorbraak.insights import services  # noqa: E402
from doorbraak.insights.models import ReportStatus, Signal, ValueReport  # noqa: E402
from doorbraak.insights.patterns import Period  # noqa: E402
from doorbraak.insights.tasks import build_evaluation_export, generate_value_report  # noqa: E402
from doorbraak.lib.replica import PRIMARY, REPLICA  # noqa: E402
from tests.conftest import build_cast, login_verified  # noqa: E402
from tests.factories import HouseholdFactory, MembershipFactory  # noqa: E402
from tests.insights.test_patterns import make_bottleneck  # noqa: E402

Statements = dict[str, list[str]]


@contextmanager
def recording() -> Iterator[Statements]:
    """The first word of every statement, per alias, while the block runs."""
    seen: Statements = {PRIMARY: [], REPLICA: []}

    def recorder(alias: str) -> Callable[..., Any]:
        def record(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
            seen[alias].append(sql.lstrip().split(None, 1)[0].upper())
            return execute(sql, *args)

        return record

    with ExitStack() as stack:
        for alias in seen:
            stack.enter_context(connections[alias].execute_wrapper(recorder(alias)))
        yield seen


def wait_for_replay(timeout: float = 15.0) -> None:
    """Until the replica has replayed everything the primary has written so far.

    The test clusters commit with ``synchronous_commit = off``: a commit's record may still
    sit in the WAL buffers, past ``pg_current_wal_lsn()`` (what is written out) until the
    WAL writer passes. The target is therefore the insert position, which covers every
    commit made so far; the WAL writer sends it on within a few hundred milliseconds.
    """
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise SystemExit("the replica did not replay the primary's WAL in time")


def on_replica(sql: str) -> Any:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def request(
    client: Client, method: str, url: str, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    with recording() as seen:
        response = getattr(client, method)(url, data or {})
    content = (
        response.content.decode(errors="replace")
        if response.get("Content-Type", "").startswith("text/html")
        else ""
    )
    freshness = response.context.get("replica_freshness") if response.context else None
    return {
        "url": url,
        "method": method,
        "status": response.status_code,
        "statements": seen,
        "says_replica": "Gegevens van de leesreplica, bijgewerkt tot" in content,
        "says_primary": "rechtstreeks uit de hoofddatabase" in content,
        "source": freshness.source if freshness else None,
        "content": content,
        "total": response.context.get("total") if response.context else None,
    }


def main() -> None:
    setup_test_environment()  # the test client's response.context
    results: dict[str, Any] = {}
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        cast = build_cast()
    # Grace analyses both municipalities: she may compare them too.
    MembershipFactory(
        user=cast.grace,
        role=Role.POLICY_ANALYST,
        municipality=cast.south,
        organisation=cast.wi_south,
    )
    # In the spiegel's default period: the last two complete months.
    period = Period.bimonthly(timezone.localdate())
    recently = datetime.datetime.combine(
        period.end - datetime.timedelta(days=5), datetime.time(12), timezone.get_current_timezone()
    )
    for number in range(6):
        household = HouseholdFactory(
            team=cast.team_a, coordinator=cast.alice, name=f"Huishouden {number}"
        )
        make_bottleneck(household, recently)
    services.signal_create(
        actor=cast.grace,
        municipality=cast.north,
        title="Signaal van voor de pauze",
        description="Proef.",
    )
    wait_for_replay()

    analyst = login_verified(Client(), cast.grace)
    officer = login_verified(Client(), cast.heidi)

    results["spiegel"] = request(analyst, "get", "/inzicht/")
    results["signals"] = request(analyst, "get", "/inzicht/signalen/")
    results["compare"] = request(analyst, "get", "/inzicht/vergelijken/")
    results["export"] = request(
        analyst,
        "post",
        "/inzicht/export/",
        {
            "municipality": cast.north.pk,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "k": 10,
        },
    )
    # The request only asks; the worker builds the file: its figures from the replica, the
    # EXPORT records (and the job's progress) on the primary.
    download = Download.objects.get(requested_by=cast.grace)
    wait_for_replay()
    with recording() as seen:
        outcome = download_build(download.pk, build=build_evaluation_export)
    results["export_task"] = {"outcome": outcome, "statements": seen}
    log_before = (
        ProcessingLog.objects.using(PRIMARY).filter(object_type="audit.processinglog").count()
    )
    results["log"] = request(officer, "get", "/privacy/logboek")
    results["log_search_records_on_primary"] = (
        ProcessingLog.objects.using(PRIMARY).filter(object_type="audit.processinglog").count()
        - log_before
    )
    # Access is checked before the view, on the primary, as without a replica.
    results["refused"] = {
        "professional_spiegel": request(login_verified(Client(), cast.alice), "get", "/inzicht/"),
        "analyst_log": request(analyst, "get", "/privacy/logboek"),
        "professional_compare": request(
            login_verified(Client(), cast.mallory), "get", "/inzicht/vergelijken/"
        ),
    }
    results["write"] = request(
        analyst,
        "post",
        "/inzicht/signalen/nieuw/",
        {
            "municipality": cast.north.pk,
            "title": "Signaal via het formulier",
            "description": "Proef.",
        },
    )

    # The worker's value report: the figures from the replica, progress and result to the primary.
    report = ValueReport.objects.create(
        municipality=cast.north,
        period_start=period.start,
        period_end=period.end,
        k=5,
        requested_by=cast.grace,
    )
    wait_for_replay()
    with recording() as seen:
        outcome = generate_value_report(report.pk)
    report.refresh_from_db(using=PRIMARY)
    results["report"] = {"outcome": outcome, "status": report.status, "statements": seen}
    assert report.status == ReportStatus.DONE

    # Lag: the replica stops replaying, the primary goes on.
    wait_for_replay()
    on_replica("SELECT pg_wal_replay_pause()")
    deadline = time.monotonic() + 10
    while on_replica("SELECT pg_get_wal_replay_pause_state()") != "paused":
        if time.monotonic() > deadline:
            raise SystemExit("replay did not pause")
        time.sleep(0.05)
    Signal.objects.filter(title="Signaal via het formulier").update(title="Signaal na de pauze")
    results["lagging"] = request(analyst, "get", "/inzicht/signalen/")
    with override_settings(DOORBRAAK_REPLICA_MAX_LAG_SECONDS=1):
        replayed = on_replica("SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())")
        time.sleep(max(0.0, 1.5 - float(replayed)))
        results["too_far_behind"] = request(analyst, "get", "/inzicht/signalen/")
    on_replica("SELECT pg_wal_replay_resume()")
    wait_for_replay()
    results["caught_up"] = request(analyst, "get", "/inzicht/signalen/")

    print(json.dumps(results))


if __name__ == "__main__":
    main()
