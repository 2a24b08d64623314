"""Property tests of the ledger: whatever happens, the books balance and are never overdrawn.

Each Hypothesis example runs inside a savepoint that is rolled back afterwards, so the
function-scoped fixtures (the cast) are safely shared between examples.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from doorbraak.accounts.models import User
from doorbraak.funds import ledger, services
from doorbraak.funds.models import (
    Account,
    Fund,
    FundRequest,
    FundRequestStatus,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)
from doorbraak.households.models import Household
from tests.conftest import Cast
from tests.funds.factories import FundFactory, MandateRuleFactory, draft

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def assert_books_balance(fund: Fund) -> None:
    """Every transaction sums to zero and available = budget − committed − paid ≥ 0."""
    unbalanced = (
        LedgerEntry.objects.filter(transaction__fund=fund)
        .values("transaction")
        .annotate(total=Sum("amount_cents"))
        .exclude(total=0)
    )
    assert not unbalanced.exists()
    b = ledger.balances(fund)
    assert b.available == b.budget - b.committed - b.paid
    assert b.available >= 0
    assert b.committed >= 0
    assert b.paid >= 0
    assert b.repaid >= 0


def assert_books_match_requests(fund: Fund) -> None:
    """The ledger agrees with the statuses of the requests."""
    requests = FundRequest.objects.filter(fund=fund)

    def total(*statuses: str) -> int:
        return int(requests.filter(status__in=statuses).aggregate(s=Sum("amount_cents"))["s"] or 0)

    b = ledger.balances(fund)
    assert b.committed == total(FundRequestStatus.APPROVED)
    repaid = int(requests.aggregate(s=Sum("repaid_cents"))["s"] or 0)
    assert b.repaid == repaid
    assert (
        b.paid
        == total(FundRequestStatus.PAID, FundRequestStatus.REPAID, FundRequestStatus.WRITTEN_OFF)
        - repaid
    )


# --- the ledger itself ------------------------------------------------------------------------
amounts = st.integers(min_value=-50_000, max_value=50_000)
accounts = st.sampled_from(list(Account))
postings = st.lists(st.lists(st.tuples(accounts, amounts), min_size=1, max_size=4), max_size=12)


@HYPOTHESIS
@given(budget=st.integers(min_value=1, max_value=100_000), attempts=postings)
def test_any_posting_either_balances_or_is_refused(
    cast: Cast, budget: int, attempts: list[list[tuple[Account, int]]]
) -> None:
    with rolled_back():
        fund = FundFactory(municipality=cast.north, budget_cents=budget)
        for raw in attempts:
            lines = [ledger.Line(account, amount) for account, amount in raw]
            # half of the attempts are balanced by an extra line on FUNDING
            if len(raw) % 2 == 0:
                lines.append(ledger.Line(Account.FUNDING, -sum(a for _, a in raw)))
            count = LedgerTransaction.objects.count()
            try:
                with transaction.atomic():
                    ledger.lock_fund(fund)
                    ledger.post(
                        fund=fund, kind=TransactionKind.BUDGET, lines=lines, created_by=None
                    )
            except ledger.LedgerError:
                assert LedgerTransaction.objects.count() == count
            accounts_now = ledger.account_balances(fund)
            assert sum(accounts_now.values()) == 0
            assert accounts_now[Account.AVAILABLE] >= 0


# --- sequences of use cases -------------------------------------------------------------------
operations = st.lists(
    st.one_of(
        st.tuples(st.just("request"), st.integers(min_value=-100, max_value=40_000)),
        # a whole lifecycle: its path and amount packed in one number (path + 7 × amount)
        st.tuples(st.integers(0, 6), st.integers(1, 40_000)).map(
            lambda pair: ("lifecycle", pair[0] + 7 * pair[1])
        ),
        st.tuples(st.just("approve"), st.integers(min_value=0, max_value=9)),
        st.tuples(st.just("pay"), st.integers(min_value=0, max_value=9)),
        st.tuples(st.just("cancel"), st.integers(min_value=0, max_value=9)),
        st.tuples(st.just("reject"), st.integers(min_value=0, max_value=9)),
        st.tuples(st.just("repay"), st.integers(min_value=0, max_value=9)),
        st.tuples(st.just("write_off"), st.integers(min_value=0, max_value=9)),
        st.tuples(st.just("budget"), st.integers(min_value=-80_000, max_value=80_000)),
    ),
    min_size=1,
    max_size=25,
)


LIFECYCLES: list[list[str]] = [
    [],
    ["approve"],
    ["approve", "pay"],
    ["approve", "pay", "repay"],
    ["approve", "pay", "write_off"],
    ["approve", "cancel"],
    ["reject"],
]


def _apply(
    step: tuple[str, int],
    *,
    fund: Fund,
    requests: list[FundRequest],
    cast: Cast,
    dora: User,
    household: Household,
) -> None:
    kwargs = {
        "fund": fund,
        "requests": requests,
        "cast": cast,
        "dora": dora,
        "household": household,
    }
    name, value = step
    if name == "lifecycle":
        # one request taken as far as its stage in one go (a refusal stops it there)
        path, amount = LIFECYCLES[value % len(LIFECYCLES)], max(1, value // len(LIFECYCLES))
        _apply(("request", amount), **kwargs)  # type: ignore[arg-type]
        for then in path:
            _apply((then, len(requests) - 1), **kwargs)  # type: ignore[arg-type]
        return
    if name == "request":
        fund_request = draft(fund=fund, by=cast.alice, household=household, amount_cents=value)
        requests.append(services.fund_request_submit(actor=cast.alice, fund_request=fund_request))
        return
    if name == "budget":
        current = ledger.balances(fund).budget
        services.fund_update(
            actor=cast.frank,
            fund=fund,
            name=fund.name,
            budget_cents=current + value,
            cap_per_request_cents=None,
            cap_per_household_year_cents=None,
            purposes=[],
            active=True,
        )
        return
    if not requests:
        return
    target = requests[value % len(requests)]
    if name == "approve":
        services.fund_request_approve(actor=dora, fund_request=target)
    elif name == "pay":
        services.fund_request_pay(
            actor=cast.frank,
            fund_request=target,
            payment_reference="P",
            paid_on=datetime.date(2026, 5, 1),
        )
    elif name == "cancel":
        services.fund_request_cancel(actor=cast.frank, fund_request=target, reason="Niet nodig")
    elif name == "reject":
        services.fund_request_reject(actor=cast.carol, fund_request=target, reason="Nee")
    elif name == "repay":
        services.fund_request_repay(
            actor=cast.frank, fund_request=target, amount_cents=max(1, target.amount_cents // 2)
        )
    elif name == "write_off":
        services.fund_request_write_off(actor=cast.frank, fund_request=target, note="Oninbaar")


@HYPOTHESIS
@given(budget=st.one_of(st.integers(1, 5_000), st.integers(50_000, 200_000)), steps=operations)
def test_after_any_sequence_of_operations_the_books_balance(
    cast: Cast, dora: User, household_a: Household, budget: int, steps: list[tuple[str, int]]
) -> None:
    with rolled_back():
        fund = FundFactory(municipality=cast.north, budget_cents=budget)
        MandateRuleFactory(fund=fund)
        requests: list[FundRequest] = []
        for step in steps:
            # A refusal must change nothing, which the checks below verify.
            with suppress(ValidationError):
                _apply(
                    step, fund=fund, requests=requests, cast=cast, dora=dora, household=household_a
                )
            assert_books_balance(fund)
            assert_books_match_requests(fund)
        for status in sorted({r.status for r in FundRequest.objects.filter(fund=fund)}):
            event(f"a request ended {status}")
