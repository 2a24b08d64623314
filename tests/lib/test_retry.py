"""The deadlock safety net: retried in a fresh transaction, logged, never inside an outer one."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError, connection, transaction

from doorbraak.lib.retry import is_retryable, retry_on_deadlock


class _PgError(Exception):
    """Stands in for the psycopg error Django wraps: only its SQLSTATE matters here."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _wrapped(sqlstate: str) -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = _PgError(sqlstate)
    return error


def test_only_deadlocks_and_serialization_failures_are_retryable() -> None:
    assert is_retryable(_wrapped("40P01"))
    assert is_retryable(_wrapped("40001"))
    assert not is_retryable(_wrapped("55P03"))  # lock timeout: a wait that was too long
    assert not is_retryable(OperationalError("database is locked"))


@pytest.mark.django_db(transaction=True)
def test_a_deadlocked_service_runs_again_in_a_fresh_transaction(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[bool] = []

    @retry_on_deadlock(attempts=3)
    def service() -> str:
        calls.append(connection.in_atomic_block)
        if len(calls) < 3:
            raise _wrapped("40P01")
        return "done"

    with caplog.at_level(logging.WARNING, logger="doorbraak.lib.retry"):
        assert service() == "done"
    assert calls == [True, True, True]
    assert len(caplog.records) == 2


@pytest.mark.django_db(transaction=True)
def test_after_the_last_attempt_the_error_is_raised() -> None:
    calls = 0

    @retry_on_deadlock(attempts=2)
    def service() -> None:
        nonlocal calls
        calls += 1
        raise _wrapped("40P01")

    with pytest.raises(OperationalError):
        service()
    assert calls == 2


@pytest.mark.django_db(transaction=True)
def test_other_errors_are_not_retried() -> None:
    calls = 0

    @retry_on_deadlock
    def service() -> None:
        nonlocal calls
        calls += 1
        raise _wrapped("23505")

    with pytest.raises(OperationalError):
        service()
    assert calls == 1


@pytest.mark.django_db(transaction=True)
def test_inside_an_outer_transaction_nothing_is_retried() -> None:
    calls = 0

    @retry_on_deadlock
    def service() -> None:
        nonlocal calls
        calls += 1
        raise _wrapped("40P01")

    with pytest.raises(OperationalError), transaction.atomic():
        service()
    assert calls == 1
