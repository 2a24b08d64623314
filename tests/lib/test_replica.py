"""The read-replica router (``doorbraak.lib.replica``), without a replica.

Which alias a query goes to, when the replica is fresh, lagging or unreachable, is decided
here with the replica's answer made up; ``tests/operations/test_replica.py`` shows the same
against a real PostgreSQL primary and streaming standby.
"""

from __future__ import annotations

import datetime
import logging
import runpy
from typing import Any

import pytest
from django.db import OperationalError, router
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from doorbraak.accounts.models import Membership
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.audit.services import processing_log_record
from doorbraak.config import settings as settings_module
from doorbraak.lib import replica
from doorbraak.lib.replica import (
    PRIMARY,
    REPLICA,
    Freshness,
    ReplicaRouter,
    ReplicaStatus,
    judge,
    reads_from_replica,
    replica_reads,
)
from tests.conftest import Cast, login_verified

NOW = datetime.datetime(2026, 12, 7, 13, 5, tzinfo=datetime.UTC)
LIMIT = datetime.timedelta(seconds=300)


def status(
    *, in_recovery: bool = True, behind: int | None = 10, caught_up: bool = False
) -> ReplicaStatus:
    last = None if behind is None else NOW - datetime.timedelta(seconds=behind)
    return ReplicaStatus(in_recovery=in_recovery, last_replay=last, caught_up=caught_up, now=NOW)


class Probe:
    """A made-up replica: answers ``answer`` and counts how often it was asked."""

    def __init__(self, answer: ReplicaStatus | None) -> None:
        self.answer = answer
        self.calls = 0

    def __call__(self, alias: str = REPLICA) -> ReplicaStatus | None:
        self.calls += 1
        return self.answer


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> Probe:
    """As if ``DATABASE_REPLICA_URL`` were set, with a replica 10 s behind."""
    probe = Probe(status())
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    monkeypatch.setattr(replica, "probe", probe)
    monkeypatch.setattr(ReplicaRouter, "in_write_transaction", staticmethod(lambda: False))
    return probe


# --- judging the replica ----------------------------------------------------------------------
def test_it_reads_a_caught_up_replica_as_fresh_however_old_its_last_commit() -> None:
    found = judge(status(behind=3600, caught_up=True), limit=LIMIT)
    assert found == Freshness("replica", up_to=NOW, lag=datetime.timedelta(0))


def test_it_reads_a_replica_that_lags_less_than_the_limit() -> None:
    found = judge(status(behind=120), limit=LIMIT)
    assert found.from_replica
    assert found.up_to == NOW - datetime.timedelta(minutes=2)
    assert found.minutes_behind == 2


def test_it_reads_the_primary_when_the_replica_lags_more_than_the_limit() -> None:
    found = judge(status(behind=301), limit=LIMIT)
    assert found.source == "primary"
    assert found.reason == "replica_lagging"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (None, "replica_unreachable"),
        (status(in_recovery=False), "replica_not_in_recovery"),
        (status(behind=None), "replica_nothing_replayed"),
    ],
)
def test_it_reads_the_primary_when_the_replica_cannot_say_it_is_fresh(
    answer: ReplicaStatus | None, reason: str
) -> None:
    found = judge(answer, limit=LIMIT)
    assert (found.source, found.reason) == ("primary", reason)


def test_an_unreachable_replica_is_no_status(monkeypatch: pytest.MonkeyPatch) -> None:
    class Unreachable:
        def cursor(self) -> Any:
            raise OperationalError("connection refused")

    monkeypatch.setattr(replica, "connections", {REPLICA: Unreachable()})
    assert replica.probe() is None


# --- the router -------------------------------------------------------------------------------
def test_without_a_replica_url_there_is_no_alias_and_the_router_says_nothing() -> None:
    from django.conf import settings
    from django.db import connections

    assert REPLICA not in settings.DATABASES
    assert REPLICA not in connections
    routing = ReplicaRouter()
    with replica_reads():
        assert routing.db_for_read(ProcessingLog) is None
        assert routing.db_for_write(ProcessingLog) is None
        assert router.db_for_read(ProcessingLog) == PRIMARY
        assert replica.current_freshness() is None


def test_writes_go_to_the_primary_inside_and_outside(configured: Probe) -> None:
    routing = ReplicaRouter()
    assert routing.db_for_write(ProcessingLog) == PRIMARY
    with replica_reads():
        assert routing.db_for_write(ProcessingLog) == PRIMARY
        assert router.db_for_write(ProcessingLog) == PRIMARY
    assert replica.write_database() == PRIMARY


def test_reads_outside_a_routed_view_go_to_the_primary(configured: Probe) -> None:
    assert ReplicaRouter().db_for_read(ProcessingLog) == PRIMARY
    assert configured.calls == 0  # the replica is not even asked


def test_reads_inside_go_to_the_replica_asked_once_per_request(configured: Probe) -> None:
    @reads_from_replica
    def view() -> list[str]:
        return [router.db_for_read(ProcessingLog) for _ in range(3)]

    assert view() == [REPLICA] * 3
    assert configured.calls == 1
    assert view() == [REPLICA] * 3
    assert configured.calls == 2  # the next request asks again
    assert router.db_for_read(ProcessingLog) == PRIMARY  # and afterwards: the primary


def test_reads_inside_a_transaction_on_the_primary_stay_there(
    configured: Probe, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ReplicaRouter, "in_write_transaction", staticmethod(lambda: True))
    with replica_reads():
        assert router.db_for_read(ProcessingLog) == PRIMARY


def test_a_lagging_replica_sends_the_request_to_the_primary_and_says_why(
    configured: Probe, caplog: pytest.LogCaptureFixture
) -> None:
    configured.answer = status(behind=900)
    with caplog.at_level(logging.WARNING, logger="doorbraak.lib.replica"), replica_reads():
        assert router.db_for_read(ProcessingLog) == PRIMARY
        assert router.db_for_read(ProcessingLog) == PRIMARY
        freshness = replica.current_freshness()
    assert freshness is not None
    assert not freshness.from_replica
    [record] = caplog.records
    assert record.getMessage() == "replica_fallback"
    assert (record.reason, record.lag_seconds, record.max_lag_seconds) == (  # type: ignore[attr-defined]
        "replica_lagging",
        900,
        300,
    )


def test_the_limit_comes_from_the_settings(configured: Probe, settings: Any) -> None:
    configured.answer = status(behind=90)
    settings.DOORBRAAK_REPLICA_MAX_LAG_SECONDS = 60
    with replica_reads():
        assert router.db_for_read(ProcessingLog) == PRIMARY


def test_an_unreachable_replica_sends_the_request_to_the_primary(configured: Probe) -> None:
    configured.answer = None
    with replica_reads():
        assert router.db_for_read(ProcessingLog) == PRIMARY


def test_the_choice_ends_with_the_view_also_when_it_raises(configured: Probe) -> None:
    @reads_from_replica
    def broken() -> None:
        assert router.db_for_read(ProcessingLog) == REPLICA
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        broken()
    assert router.db_for_read(ProcessingLog) == PRIMARY


def test_the_replica_is_never_migrated() -> None:
    routing = ReplicaRouter()
    assert routing.allow_migrate(REPLICA, "audit") is False
    assert routing.allow_migrate(PRIMARY, "audit") is None


@pytest.mark.django_db
def test_the_processing_log_is_written_to_the_primary_inside_a_routed_view(
    cast: Cast, configured: Probe
) -> None:
    """Reads here would go to the replica (an alias these tests do not have, so any read
    would fail); the log's INSERT names the primary itself."""
    membership = Membership.objects.select_related("organisation").get(user=cast.grace)
    with replica_reads():
        assert router.db_for_read(ProcessingLog) == REPLICA
        [record] = processing_log_record(
            actor=cast.grace,
            membership=membership,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.POLICY_RESEARCH,
            object_type="insights.spiegel",
        )
    assert record._state.db == PRIMARY
    assert ProcessingLog.objects.using(PRIMARY).filter(pk=record.pk).exists()


# --- settings ---------------------------------------------------------------------------------
def _settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "DOORBRAAK_REPLICA_MAX_LAG_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(settings_module.__file__)


def test_the_replica_url_adds_a_replica_alias_mirrored_in_tests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = _settings(
        monkeypatch,
        DATABASE_URL="postgres://app@db-primary:5432/doorbraak",
        DATABASE_REPLICA_URL="postgres://app@db-replica:5432/doorbraak",
        DOORBRAAK_REPLICA_MAX_LAG_SECONDS="60",
    )
    alias = found["DATABASES"]["replica"]
    assert (alias["HOST"], alias["NAME"]) == ("db-replica", "doorbraak")
    assert alias["TEST"] == {"MIRROR": "default"}
    assert alias["OPTIONS"]["connect_timeout"] == 2
    assert found["DOORBRAAK_REPLICA_MAX_LAG_SECONDS"] == 60
    assert found["DATABASE_ROUTERS"] == ["doorbraak.lib.replica.ReplicaRouter"]


def test_without_the_url_there_is_one_database(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _settings(monkeypatch)
    assert set(found["DATABASES"]) == {"default"}
    assert found["DOORBRAAK_REPLICA_MAX_LAG_SECONDS"] == 300


@pytest.mark.parametrize(
    ("primary", "replica_url", "message"),
    [
        ("postgres://app@p/d", "sqlite:///tmp/replica.sqlite3", "must be a postgres:// URL"),
        ("sqlite:///tmp/primary.sqlite3", "postgres://app@r/d", "needs DATABASE_URL"),
    ],
)
def test_a_replica_is_postgresql_beside_postgresql_only(
    monkeypatch: pytest.MonkeyPatch, primary: str, replica_url: str, message: str
) -> None:
    from doorbraak.lib.env import ImproperlyConfiguredEnv

    with pytest.raises(ImproperlyConfiguredEnv, match=message):
        _settings(monkeypatch, DATABASE_URL=primary, DATABASE_REPLICA_URL=replica_url)


# --- what the page says -----------------------------------------------------------------------
def _say(freshness: Freshness | None) -> str:
    return " ".join(
        render_to_string(
            "includes/replica_freshness.html", {"replica_freshness": freshness}
        ).split()
    )


def test_the_page_says_how_fresh_the_replica_is() -> None:
    up_to = datetime.datetime(2026, 12, 7, 13, 3, tzinfo=datetime.UTC)  # 14:03 in Amsterdam
    with timezone.override("Europe/Amsterdam"):
        two = _say(Freshness("replica", up_to=up_to, lag=datetime.timedelta(seconds=150)))
        one = _say(Freshness("replica", up_to=up_to, lag=datetime.timedelta(seconds=60)))
        now = _say(Freshness("replica", up_to=up_to, lag=datetime.timedelta(0)))
    assert "Gegevens van de leesreplica, bijgewerkt tot 14:03 (2 minuten geleden)." in two
    assert "bijgewerkt tot 14:03 (1 minuut geleden)." in one
    assert "bijgewerkt tot 14:03 (minder dan een minuut geleden)." in now


def test_the_page_says_when_it_read_the_primary_and_nothing_without_a_replica() -> None:
    assert "rechtstreeks uit de hoofddatabase" in _say(Freshness("primary"))
    assert _say(None) == ""


@pytest.mark.django_db
def test_without_a_replica_a_routed_page_is_as_before(client: Client, cast: Cast) -> None:
    response = login_verified(client, cast.grace).get("/inzicht/signalen/")
    assert response.status_code == 200
    assert b"replica-freshness" not in response.content
