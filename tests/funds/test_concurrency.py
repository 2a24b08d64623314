"""The fund is never overspent, also when many people approve at the same moment.

Real threads, each with its own database connection, against a committed database
(``transaction=True``): on PostgreSQL the fund row lock serialises the approvals, on
SQLite the immediate write transactions do. Runs on both (``make test`` runs the suite on
SQLite and on PostgreSQL).
"""

from __future__ import annotations

import datetime
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from doorbraak.accounts.models import User
from doorbraak.funds import ledger, services
from doorbraak.funds.idempotency import IdempotencyKey, KeyState, request_hash, run_idempotent
from doorbraak.funds.models import (
    Fund,
    FundRequest,
    FundRequestStatus,
    LedgerTransaction,
    TransactionKind,
)
from doorbraak.households.models import Household
from tests.conftest import Cast
from tests.funds.factories import (
    FundFactory,
    MandateRuleFactory,
    approved,
    submitted_in_bulk,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("database_file_on_sqlite"),
]

# Fifty connections at once: this file is in SHARED_WORKER_FILES (tests/conftest.py), so
# under xdist two such tests never run side by side against max_connections (100).
AMOUNT = 10_000
CAN_PAY = 7
THREADS = 50
REPETITIONS = 20


def run_in_threads(count: int, work: Callable[[int], str]) -> list[str]:
    """Start ``count`` threads at once; each returns an outcome or the error it met."""
    barrier = threading.Barrier(count)
    outcomes: list[str] = [""] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=120)  # 50 threads start slowly on a busy machine
            outcomes[index] = work(index)
        except Exception as error:
            outcomes[index] = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()  # every thread had its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return outcomes


def _requests(fund: Fund, *, by: User, household: Household, count: int) -> list[FundRequest]:
    return submitted_in_bulk(
        fund=fund, by=by, household=household, count=count, amount_cents=AMOUNT
    )


@pytest.fixture
def database_file_on_sqlite(cast: Cast, tmp_path: Path) -> Iterator[None]:
    """On SQLite, run the test against a copy of the test database in a file.

    The test database is an in-memory database with a shared cache. Its connections lock
    whole tables and fail at once with "database table is locked" instead of waiting on
    the busy timeout, so it cannot show how production SQLite (a file, WAL, ``BEGIN
    IMMEDIATE``, a 20 s busy timeout) serialises writers. The file copy can. Afterwards
    the in-memory database is put back, for the flush after the test.
    """
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    in_memory = connection.connection
    path = tmp_path / "funds-concurrency.sqlite3"
    copy = sqlite3.connect(path)
    in_memory.backup(copy)
    copy.close()
    settings_dict = connection.settings_dict  # shared with the connections of new threads
    name = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    connection.connection = None  # the next query connects to the file
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = name
        connection.connection = in_memory


def test_fifty_simultaneous_approvals_against_a_fund_that_can_pay_seven(
    cast: Cast, dora: User, household_a: Household
) -> None:
    fund = FundFactory(municipality=cast.north, budget_cents=CAN_PAY * AMOUNT)
    MandateRuleFactory(fund=fund)
    pool = _requests(fund, by=cast.alice, household=household_a, count=THREADS)
    for repetition in range(REPETITIONS):

        def approve(index: int, requests: list[FundRequest] = pool) -> str:
            # A thread starts without the test's active language: speak English here too.
            translation.activate("en")
            try:
                services.fund_request_approve(actor=dora, fund_request=requests[index])
            except ValidationError as error:
                return "refused" if "not enough money" in error.messages[0] else str(error)
            return "approved"

        outcomes = Counter(run_in_threads(THREADS, approve))
        assert outcomes == {"approved": CAN_PAY, "refused": THREADS - CAN_PAY}, (
            repetition,
            outcomes,
        )
        balances = ledger.balances(fund)
        assert (balances.committed, balances.available) == (CAN_PAY * AMOUNT, 0)
        now_approved = list(fund.requests.filter(status=FundRequestStatus.APPROVED))
        assert len(now_approved) == CAN_PAY
        # Reuse the fund: cancel the approvals (reversals) and refill the pool.
        for fund_request in now_approved:
            services.fund_request_cancel(
                actor=cast.frank, fund_request=fund_request, reason="Volgende ronde"
            )
        assert ledger.balances(fund).available == CAN_PAY * AMOUNT
        pool = list(fund.requests.filter(status=FundRequestStatus.REQUESTED)) + _requests(
            fund, by=cast.alice, household=household_a, count=CAN_PAY
        )
        assert len(pool) == THREADS
    commits = LedgerTransaction.objects.filter(fund=fund, kind=TransactionKind.COMMIT).count()
    assert commits == REPETITIONS * CAN_PAY


def test_twenty_concurrent_payments_with_one_idempotency_key_pay_once(
    cast: Cast, dora: User, household_a: Household
) -> None:
    fund = FundFactory(municipality=cast.north, budget_cents=100_000)
    MandateRuleFactory(fund=fund)
    fund_request = approved(fund=fund, by=cast.alice, approver=dora, household=household_a)
    body = {"payment_reference": "BATCH-1", "paid_on": "2026-03-02"}
    endpoint = f"fund_request_pay:{fund_request.pk}"

    def pay(index: int) -> str:
        def command() -> tuple[int, dict[str, object]]:
            try:
                paid = services.fund_request_pay(
                    actor=cast.frank,
                    fund_request=fund_request,
                    payment_reference="BATCH-1",
                    paid_on=datetime.date(2026, 3, 2),
                )
            except ValidationError as error:
                return 400, {"detail": error.messages}
            return 200, {"id": paid.pk, "status": paid.status}

        response = run_idempotent(
            user=cast.frank, key="pay-once", endpoint=endpoint, body=body, fn=command
        )
        return f"{response.status}{' replay' if response.replayed else ''}"

    outcomes = Counter(run_in_threads(20, pay))
    assert outcomes["200"] == 1
    assert set(outcomes) <= {"200", "200 replay", "409"}, outcomes
    payments = LedgerTransaction.objects.filter(request=fund_request, kind=TransactionKind.PAYMENT)
    assert payments.count() == 1
    fund_request.refresh_from_db()
    assert fund_request.status == FundRequestStatus.PAID
    assert ledger.balances(fund).paid == fund_request.amount_cents


def test_twenty_requests_taking_over_a_dead_key_pay_once(
    cast: Cast, dora: User, household_a: Household
) -> None:
    """A key left in progress by a dead process: of many takers exactly one runs the command."""
    fund = FundFactory(municipality=cast.north, budget_cents=100_000)
    MandateRuleFactory(fund=fund)
    fund_request = approved(fund=fund, by=cast.alice, approver=dora, household=household_a)
    body = {"payment_reference": "BATCH-2", "paid_on": "2026-03-02"}
    endpoint = f"fund_request_pay:{fund_request.pk}"
    IdempotencyKey.objects.create(
        user=cast.frank,
        key="dead-owner",
        endpoint=endpoint,
        request_hash=request_hash(endpoint, body),
        claim_token="dead",
        claimed_at=timezone.now() - datetime.timedelta(hours=1),
    )

    def pay(index: int) -> str:
        def command() -> tuple[int, dict[str, object]]:
            paid = services.fund_request_pay(
                actor=cast.frank,
                fund_request=fund_request,
                payment_reference="BATCH-2",
                paid_on=datetime.date(2026, 3, 2),
            )
            return 200, {"id": paid.pk, "status": paid.status}

        response = run_idempotent(
            user=cast.frank, key="dead-owner", endpoint=endpoint, body=body, fn=command
        )
        return f"{response.status}{' replay' if response.replayed else ''}"

    outcomes = Counter(run_in_threads(20, pay))
    assert outcomes["200"] == 1, outcomes
    assert set(outcomes) <= {"200", "200 replay", "409"}, outcomes
    payments = LedgerTransaction.objects.filter(request=fund_request, kind=TransactionKind.PAYMENT)
    assert payments.count() == 1
    key = IdempotencyKey.objects.get(key="dead-owner")
    assert (key.state, key.response_status) == (KeyState.DONE, 200)
    assert key.claim_token != "dead"
