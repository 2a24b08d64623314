"""The double-entry ledger of the funds: posting, reversing and balances.

Only this module writes ledger rows. :func:`post` refuses a transaction whose entries do
not sum to zero (a programming error, so ``LedgerError``, not a user message) and one
that would leave the AVAILABLE account below zero. Callers that move money first take
:func:`lock_fund`, so that reading the balance and posting happen under one lock:
``SELECT … FOR NO KEY UPDATE`` on PostgreSQL (the lock order is in docs/locking.md); on
SQLite the whole write transaction already holds the database write lock
(``transaction_mode = IMMEDIATE`` in the settings).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from doorbraak.accounts.models import User
from doorbraak.funds.models import (
    Account,
    Fund,
    FundRequest,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)


class LedgerError(RuntimeError):
    """An unbalanced or otherwise impossible posting: a bug, never user input."""


class InsufficientFunds(LedgerError):
    """The posting would make the available balance negative."""


@dataclass(frozen=True)
class Line:
    account: Account
    amount_cents: int


@dataclass(frozen=True)
class Balances:
    """What a fund holds, in cents, derived from its ledger entries."""

    budget: int
    committed: int
    paid: int  # net of repayments
    repaid: int
    available: int

    @property
    def gross_paid(self) -> int:
        return self.paid + self.repaid


def account_balances(fund: Fund | int) -> dict[str, int]:
    """The balance of every account of ``fund`` (accounts without entries are 0)."""
    fund_id = fund if isinstance(fund, int) else fund.pk
    rows = (
        LedgerEntry.objects.filter(transaction__fund_id=fund_id)
        .values("account")
        .annotate(total=Sum("amount_cents"))
        .order_by()
    )
    found = {row["account"]: int(row["total"] or 0) for row in rows}
    return {account.value: found.get(account.value, 0) for account in Account}


def balances(fund: Fund | int) -> Balances:
    return _balances(account_balances(fund))


def balances_of(funds: Iterable[Fund | int]) -> dict[int, Balances]:
    """``{fund id: balances}`` of several funds in one query (the fund list: one grouped
    statement however many funds it shows, issue 20)."""
    ids = [fund if isinstance(fund, int) else fund.pk for fund in funds]
    found: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    rows = (
        LedgerEntry.objects.filter(transaction__fund_id__in=ids)
        .values_list("transaction__fund_id", "account")
        .annotate(total=Sum("amount_cents"))
        .order_by()
    )
    for fund_id, account, total in rows:
        found[fund_id][account] = int(total or 0)
    return {
        pk: _balances({account.value: totals.get(account.value, 0) for account in Account})
        for pk, totals in found.items()
    }


def _balances(accounts: dict[str, int]) -> Balances:
    return Balances(
        budget=-accounts[Account.FUNDING],
        committed=accounts[Account.COMMITTED],
        paid=accounts[Account.PAID] + accounts[Account.REPAID],
        repaid=-accounts[Account.REPAID],
        available=accounts[Account.AVAILABLE],
    )


def lock_fund(fund: Fund | int) -> Fund:
    """Re-read the fund under a row lock; must be called inside ``transaction.atomic``."""
    if not transaction.get_connection().in_atomic_block:
        raise LedgerError("lock_fund() outside a transaction would lock nothing.")
    pk = fund if isinstance(fund, int) else fund.pk
    # FOR NO KEY UPDATE: queues the services that move money, but not the transactions
    # that only insert rows pointing at the fund (drafting a request, booking a ledger
    # row), which take FOR KEY SHARE (docs/locking.md).
    return Fund.objects.select_for_update(no_key=True).get(pk=pk)


@transaction.atomic
def post(
    *,
    fund: Fund,
    kind: TransactionKind,
    lines: Iterable[Line],
    created_by: User | None,
    request: FundRequest | None = None,
    reverses: LedgerTransaction | None = None,
    description: str = "",
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """Book one balanced transaction; the caller holds the fund lock."""
    line_list = [line for line in lines if line.amount_cents != 0]
    if not line_list:
        raise LedgerError("A transaction needs at least one non-zero entry.")
    if sum(line.amount_cents for line in line_list) != 0:
        raise LedgerError("The entries of a transaction must sum to zero.")
    if any(line.account not in Account.values for line in line_list):
        raise LedgerError("Unknown account.")
    change = sum(line.amount_cents for line in line_list if line.account == Account.AVAILABLE)
    if change < 0 and balances(fund).available + change < 0:
        raise InsufficientFunds(_("There is not enough money left in this fund."))
    booked = LedgerTransaction.objects.create(
        fund=fund,
        kind=kind,
        request=request,
        reverses=reverses,
        description=description[:200],
        idempotency_key=idempotency_key,
        created_by=created_by,
        created_at=timezone.now(),
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(transaction=booked, account=line.account, amount_cents=line.amount_cents)
        for line in line_list
    )
    return booked


def reverse(
    *, original: LedgerTransaction, created_by: User | None, description: str = ""
) -> LedgerTransaction:
    """Undo ``original`` with a new transaction of the negated entries."""
    if LedgerTransaction.objects.filter(reverses=original).exists():
        raise LedgerError("This transaction has already been reversed.")
    lines = [Line(Account(entry.account), -entry.amount_cents) for entry in original.entries.all()]
    return post(
        fund=original.fund,
        kind=TransactionKind.REVERSAL,
        lines=lines,
        created_by=created_by,
        request=original.request,
        reverses=original,
        description=description or f"reversal of #{original.pk}",
    )


# --- the movements the services use -----------------------------------------------------------
def allocate(*, fund: Fund, amount_cents: int, created_by: User | None) -> LedgerTransaction:
    """Add (positive) or withdraw (negative) budget."""
    return post(
        fund=fund,
        kind=TransactionKind.BUDGET,
        lines=[Line(Account.FUNDING, -amount_cents), Line(Account.AVAILABLE, amount_cents)],
        created_by=created_by,
    )


def commit(*, request: FundRequest, created_by: User | None) -> LedgerTransaction:
    return post(
        fund=request.fund,
        kind=TransactionKind.COMMIT,
        lines=[
            Line(Account.AVAILABLE, -request.amount_cents),
            Line(Account.COMMITTED, request.amount_cents),
        ],
        created_by=created_by,
        request=request,
    )


def pay(
    *, request: FundRequest, created_by: User | None, idempotency_key: str | None = None
) -> LedgerTransaction:
    return post(
        fund=request.fund,
        kind=TransactionKind.PAYMENT,
        lines=[
            Line(Account.COMMITTED, -request.amount_cents),
            Line(Account.PAID, request.amount_cents),
        ],
        created_by=created_by,
        request=request,
        idempotency_key=idempotency_key,
    )


def repay(*, request: FundRequest, amount_cents: int, created_by: User | None) -> LedgerTransaction:
    return post(
        fund=request.fund,
        kind=TransactionKind.REPAYMENT,
        lines=[Line(Account.REPAID, -amount_cents), Line(Account.AVAILABLE, amount_cents)],
        created_by=created_by,
        request=request,
    )


def open_commitment(request: FundRequest) -> LedgerTransaction | None:
    """The request's commitment that has neither been paid nor reversed, if any."""
    return (
        LedgerTransaction.objects.filter(
            request=request, kind=TransactionKind.COMMIT, reversed_by__isnull=True
        )
        .order_by("-pk")
        .first()
    )
