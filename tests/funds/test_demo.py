"""The demo funds: every state of a request, a balanced ledger, a year of payments."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from stdnum import iban as stdnum_iban

from doorbraak.accounts.models import Municipality
from doorbraak.breakthroughs.demo import seed_breakthroughs
from doorbraak.funds import ledger
from doorbraak.funds.demo import FUND_NAME, seed_funds
from doorbraak.funds.models import (
    Approval,
    Fund,
    FundRequest,
    FundRequestStatus,
    LedgerTransaction,
    MandateRule,
)
from doorbraak.home.management.commands.seed_demo import Command
from doorbraak.tables.demo import seed_tables


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker) -> Iterator[int]:  # type: ignore[no-untyped-def]
    """One seeded demo for the whole module, rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--quiet-logins", "--households", "0")
        Command()._seed_households(80)
        municipality = Municipality.objects.get(code="0999")
        seed_breakthroughs(municipality=municipality, count=40)
        seed_tables(municipality=municipality)
        created = seed_funds(municipality=municipality)
        yield created
        transaction.set_rollback(True)


pytestmark = [pytest.mark.usefixtures("demo"), pytest.mark.django_db]


def test_about_forty_requests_in_every_state(demo: int) -> None:
    assert 35 <= demo == FundRequest.objects.count() <= 45
    statuses = set(FundRequest.objects.values_list("status", flat=True))
    assert statuses == set(FundRequestStatus.values)
    assert FundRequest.objects.filter(
        status=FundRequestStatus.DRAFT, household__isnull=True
    ).exists()


def test_the_municipal_fund_of_this_year_and_its_rules() -> None:
    fund = Fund.objects.filter(name=FUND_NAME).order_by("-year").first()
    assert fund is not None
    assert fund.budget_cents == 2_500_000
    assert (fund.cap_per_request_cents, fund.cap_per_household_year_cents) == (50_000, 100_000)
    assert fund.purposes
    rules = MandateRule.objects.filter(fund=fund).order_by("min_amount_cents")
    assert [r.approvals_required for r in rules] == [1, 2, 2]
    assert [r.needs_table for r in rules] == [False, False, True]
    assert Fund.objects.filter(district__isnull=False).exists()


def test_the_ledger_balances_and_never_goes_below_zero() -> None:
    for booked in LedgerTransaction.objects.prefetch_related("entries"):
        assert sum(e.amount_cents for e in booked.entries.all()) == 0
    for fund in Fund.objects.all():
        b = ledger.balances(fund)
        assert b.available == b.budget - b.committed - b.paid >= 0


def test_a_year_of_payments_spread_over_the_months() -> None:
    paid = FundRequest.objects.filter(paid_on__isnull=False)
    months = {d.strftime("%Y-%m") for d in paid.values_list("paid_on", flat=True)}
    assert len(months) >= 6
    assert paid.count() >= 20


def test_requests_are_tied_to_demo_data() -> None:
    assert FundRequest.objects.filter(breakthrough__isnull=False).exists()
    assert FundRequest.objects.filter(prevents_cost_item__isnull=False).exists()
    assert FundRequest.objects.exclude(table_decision_ref="").exists()
    for iban in FundRequest.objects.exclude(iban="").values_list("iban", flat=True):
        assert stdnum_iban.is_valid(iban)
    for fund_request in FundRequest.objects.filter(status=FundRequestStatus.APPROVED):
        approvals = Approval.objects.filter(request=fund_request)
        assert approvals.count() == fund_request.approvals_required
        assert fund_request.requested_by_id not in {a.approver_id for a in approvals}


def test_seeding_again_changes_nothing() -> None:
    municipality = Municipality.objects.get(code="0999")
    before = FundRequest.objects.count()
    assert seed_funds(municipality=municipality) == 0
    assert FundRequest.objects.count() == before
