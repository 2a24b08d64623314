"""Funds, requests, approvals and payments: the rules of issue 7, at the service level."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.http import Http404
from django.utils import translation

from doorbraak.accounts.models import Role, User
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs.models import ImmutableError
from doorbraak.funds import ledger, selectors, services
from doorbraak.funds.idempotency import IdempotencyKey, KeyState, request_hash, run_idempotent
from doorbraak.funds.models import (
    Account,
    Approval,
    ApproverRole,
    Fund,
    FundPurpose,
    FundRequest,
    FundRequestStatus,
    LedgerEntry,
    LedgerTransaction,
    PayeeKind,
    TransactionKind,
)
from doorbraak.households.models import EventKind, Household, HouseholdEvent
from doorbraak.households.processing import household_subjects
from tests.conftest import Cast
from tests.factories import (
    CostItemFactory,
    DistrictFactory,
    HouseholdFactory,
    MembershipFactory,
)
from tests.funds.factories import (
    IBAN,
    FundFactory,
    MandateRuleFactory,
    approved,
    draft,
    north_fund,
    paid,
    submitted,
)


def assert_balanced(fund: Fund) -> None:
    for booked in LedgerTransaction.objects.filter(fund=fund):
        assert sum(e.amount_cents for e in booked.entries.all()) == 0
    b = ledger.balances(fund)
    assert b.available == b.budget - b.committed - b.paid >= 0


def fund_logs(**filters: object) -> list[ProcessingLog]:
    return list(ProcessingLog.objects.filter(activity=ProcessingActivity.FUND, **filters))


# --- funds and mandate rules ------------------------------------------------------------------
def test_it_creates_a_fund_and_books_its_budget(cast: Cast) -> None:
    fund = services.fund_create(
        actor=cast.frank,
        municipality=cast.north,
        name="Potje Noord",
        year=2026,
        budget_cents=5_000_000,
        cap_per_request_cents=50_000,
        purposes=[FundPurpose.RENT, FundPurpose.ENERGY],
    )
    assert selectors.fund_balances(fund=fund) == ledger.Balances(
        budget=5_000_000, committed=0, paid=0, repaid=0, available=5_000_000
    )
    assert fund.allows_purpose(FundPurpose.RENT)
    assert not fund.allows_purpose(FundPurpose.TRANSPORT)


@pytest.mark.parametrize("budget", [0, -100])
def test_a_fund_without_budget_is_refused(cast: Cast, budget: int) -> None:
    with pytest.raises(ValidationError) as error:
        services.fund_create(
            actor=cast.frank, municipality=cast.north, name="Leeg", year=2026, budget_cents=budget
        )
    assert "budget_cents" in error.value.message_dict
    assert not Fund.objects.exists()
    assert not LedgerTransaction.objects.exists()


def test_only_fund_managers_and_administrators_create_funds(cast: Cast) -> None:
    for user in (cast.alice, cast.grace, cast.dave):
        with pytest.raises(PermissionDenied):
            services.fund_create(
                actor=user, municipality=cast.north, name="X", year=2026, budget_cents=100
            )
    with pytest.raises(PermissionDenied):  # a fund manager of another municipality
        services.fund_create(
            actor=cast.frank, municipality=cast.south, name="X", year=2026, budget_cents=100
        )


def test_lowering_the_budget_below_what_is_used_is_refused(
    cast: Cast, fund: Fund, household_a: Household, dora: User
) -> None:
    approved(fund=fund, by=cast.alice, approver=dora, household=household_a, amount_cents=60_000)
    kwargs = {
        "actor": cast.frank,
        "fund": fund,
        "name": fund.name,
        "cap_per_request_cents": None,
        "cap_per_household_year_cents": None,
        "purposes": [],
        "active": True,
    }
    with pytest.raises(ValidationError):
        services.fund_update(budget_cents=50_000, **kwargs)  # type: ignore[arg-type]
    services.fund_update(budget_cents=70_000, **kwargs)  # type: ignore[arg-type]
    assert ledger.balances(fund).available == 10_000
    assert_balanced(fund)


def test_a_mandate_rule_needs_a_sensible_range_and_count(cast: Cast, fund: Fund) -> None:
    with pytest.raises(ValidationError) as error:
        services.mandate_rule_add(
            actor=cast.frank,
            fund=fund,
            min_amount_cents=50_000,
            max_amount_cents=100,
            approvals_required=0,
            approver_role="boss",
        )
    assert set(error.value.message_dict) == {
        "max_amount_cents",
        "approvals_required",
        "approver_role",
    }
    with pytest.raises(PermissionDenied):
        services.mandate_rule_add(
            actor=cast.alice,
            fund=fund,
            min_amount_cents=0,
            max_amount_cents=None,
            approvals_required=1,
            approver_role=ApproverRole.PROFESSIONAL,
        )


# --- drafting ---------------------------------------------------------------------------------
def test_a_team_discusses_a_request_anonymously_then_ties_it_to_a_household(
    cast: Cast, fund: Fund, household_a: Household
) -> None:
    request = draft(fund=fund, by=cast.alice, payee_kind=PayeeKind.VOUCHER)
    assert request.is_anonymous
    assert request.team == cast.team_a
    assert fund_logs() == []  # no personal data yet
    with pytest.raises(ValidationError):  # not without a name
        services.fund_request_submit(actor=cast.alice, fund_request=request)

    services.fund_request_attach_household(
        actor=cast.alice, fund_request=request, household=household_a
    )
    request.refresh_from_db()
    assert request.household == household_a
    logs = fund_logs(object_type="funds.fundrequest", object_id=str(request.pk))
    assert {log.subject_pseudonym for log in logs} == set(household_subjects(household_a))
    assert HouseholdEvent.objects.filter(household=household_a, kind=EventKind.FUND).exists()


def test_a_household_of_another_team_cannot_be_tied(
    cast: Cast, fund: Fund, household_b: Household
) -> None:
    request = draft(fund=fund, by=cast.alice)
    with pytest.raises(ValidationError):
        services.fund_request_attach_household(
            actor=cast.alice, fund_request=request, household=household_b
        )
    request.refresh_from_db()
    assert request.household is None


@pytest.mark.parametrize("amount", [0, -2500])
def test_zero_or_negative_amounts_are_refused_and_nothing_changes(
    cast: Cast, fund: Fund, household_a: Household, amount: int
) -> None:
    with pytest.raises(ValidationError) as error:
        draft(fund=fund, by=cast.alice, household=household_a, amount_cents=amount)
    assert "amount_cents" in error.value.message_dict
    assert not FundRequest.objects.exists()
    assert fund_logs() == []


@pytest.mark.parametrize(
    "iban",
    [
        "NL91ABNA0417164301",  # wrong check digits
        "XX91ABNA0417164300",  # unknown country
        "NL91ABNA04171643",  # too short
        "geen iban",
    ],
)
def test_an_invalid_or_unknown_iban_is_refused(
    cast: Cast, fund: Fund, household_a: Household, iban: str
) -> None:
    with pytest.raises(ValidationError) as error:
        draft(fund=fund, by=cast.alice, household=household_a, iban=iban)
    assert error.value.message_dict["iban"] == ["This IBAN is not valid; check the account number."]
    assert not FundRequest.objects.exists()


def test_an_iban_is_stored_in_its_compact_form(
    cast: Cast, fund: Fund, household_a: Household
) -> None:
    request = draft(fund=fund, by=cast.alice, household=household_a, iban="nl91 abna 0417 1643 00")
    assert request.iban == IBAN


def test_payment_in_kind_has_no_iban(cast: Cast, fund: Fund) -> None:
    with pytest.raises(ValidationError) as error:
        services.fund_request_draft(
            actor=cast.alice,
            fund=fund,
            summary="Schoolspullen",
            amount_cents=5000,
            purpose=FundPurpose.EDUCATION,
            payee_kind=PayeeKind.IN_KIND,
            iban=IBAN,
        )
    assert "iban" in error.value.message_dict


def test_people_outside_the_fund_cannot_draft(cast: Cast, fund: Fund) -> None:
    for user in (cast.mallory, cast.dave, cast.heidi, cast.frank):
        with pytest.raises(PermissionDenied):
            draft(fund=fund, by=user)


# --- submitting: caps and the mandate snapshot ------------------------------------------------
def test_the_cap_per_request_is_checked_at_submission(
    cast: Cast, fund: Fund, household_a: Household
) -> None:
    fund.cap_per_request_cents = 50_000
    fund.save()
    request = draft(fund=fund, by=cast.alice, household=household_a, amount_cents=50_001)
    with pytest.raises(ValidationError) as error:
        services.fund_request_submit(actor=cast.alice, fund_request=request)
    assert error.value.message_dict["amount_cents"] == [
        "This fund pays at most €500.00 per request."
    ]
    request.refresh_from_db()
    assert request.status == FundRequestStatus.DRAFT
    assert request.approvals_required is None


def test_the_cap_per_household_per_year_counts_earlier_requests(
    cast: Cast, fund: Fund, household_a: Household, household_b: Household
) -> None:
    fund.cap_per_household_year_cents = 50_000
    fund.save()
    submitted(fund=fund, by=cast.alice, household=household_a, amount_cents=30_000)
    second = draft(fund=fund, by=cast.alice, household=household_a, amount_cents=25_000)
    with pytest.raises(ValidationError) as error:
        services.fund_request_submit(actor=cast.alice, fund_request=second)
    assert "amount_cents" in error.value.message_dict
    # another household has its own cap
    submitted(fund=fund, by=cast.bob, household=household_b, amount_cents=25_000)


def test_a_purpose_the_fund_is_not_for_is_refused(
    cast: Cast, fund: Fund, household_a: Household
) -> None:
    fund.purposes = [FundPurpose.ENERGY]
    fund.save()
    request = draft(fund=fund, by=cast.alice, household=household_a, purpose=FundPurpose.RENT)
    with pytest.raises(ValidationError) as error:
        services.fund_request_submit(actor=cast.alice, fund_request=request)
    assert "purpose" in error.value.message_dict


def test_without_a_mandate_rule_for_the_amount_nothing_is_submitted(
    cast: Cast, household_a: Household
) -> None:
    fund = FundFactory(municipality=cast.north)
    MandateRuleFactory(fund=fund, max_amount_cents=10_000)
    request = draft(fund=fund, by=cast.alice, household=household_a, amount_cents=10_001)
    with pytest.raises(ValidationError):
        services.fund_request_submit(actor=cast.alice, fund_request=request)


def test_changing_a_rule_does_not_change_a_submitted_request(
    cast: Cast, household_a: Household, dora: User
) -> None:
    fund = FundFactory(municipality=cast.north)
    MandateRuleFactory(fund=fund, approvals_required=2)
    request = submitted(fund=fund, by=cast.alice, household=household_a)
    services.mandate_rule_add(
        actor=cast.frank,
        fund=fund,
        min_amount_cents=0,
        max_amount_cents=None,
        approvals_required=1,
        approver_role=ApproverRole.PROFESSIONAL,
    )
    services.fund_request_approve(actor=dora, fund_request=request)
    request.refresh_from_db()
    assert request.approvals_required == 2
    assert request.status == FundRequestStatus.REQUESTED  # still waits for a second approver
    services.fund_request_approve(actor=cast.carol, fund_request=request)
    request.refresh_from_db()
    assert request.status == FundRequestStatus.APPROVED
    # a new request gets the new rule
    later = submitted(fund=fund, by=cast.alice, household=household_a, amount_cents=1000)
    assert later.approvals_required == 1


# --- approving --------------------------------------------------------------------------------
def test_nobody_approves_their_own_request(cast: Cast, fund: Fund, household_a: Household) -> None:
    request = submitted(fund=fund, by=cast.alice, household=household_a)
    with pytest.raises(ValidationError) as error:
        services.fund_request_approve(actor=cast.alice, fund_request=request)
    assert error.value.messages == ["You cannot approve your own request."]
    request.refresh_from_db()
    assert request.status == FundRequestStatus.REQUESTED
    assert not Approval.objects.exists()
    assert ledger.balances(fund).committed == 0


def test_nobody_approves_twice(cast: Cast, household_a: Household, dora: User) -> None:
    fund = FundFactory(municipality=cast.north)
    MandateRuleFactory(fund=fund, approvals_required=3)
    request = submitted(fund=fund, by=cast.alice, household=household_a)
    services.fund_request_approve(actor=dora, fund_request=request)
    with pytest.raises(ValidationError) as error:
        services.fund_request_approve(actor=dora, fund_request=request)
    assert error.value.messages == ["You have already approved this request."]
    assert Approval.objects.filter(request=request).count() == 1
    request.refresh_from_db()
    assert request.status == FundRequestStatus.REQUESTED


def test_three_team_members_must_agree(cast: Cast, household_a: Household, dora: User) -> None:
    fund = FundFactory(municipality=cast.north)
    MandateRuleFactory(fund=fund, approvals_required=3)
    erik = MembershipFactory(
        role=Role.PROFESSIONAL,
        team=cast.team_a,
        organisation=cast.team_a.organisation,
        municipality=cast.north,
    ).user
    request = submitted(fund=fund, by=cast.alice, household=household_a)
    for approver in (dora, cast.carol):
        services.fund_request_approve(actor=approver, fund_request=request)
        request.refresh_from_db()
        assert request.status == FundRequestStatus.REQUESTED
        assert ledger.balances(fund).committed == 0
    services.fund_request_approve(actor=erik, fund_request=request)
    request.refresh_from_db()
    assert request.status == FundRequestStatus.APPROVED
    assert ledger.balances(fund).committed == request.amount_cents


def test_the_approver_must_have_the_role_of_the_rule(
    cast: Cast, household_a: Household, dora: User
) -> None:
    fund = FundFactory(municipality=cast.north)
    MandateRuleFactory(fund=fund, max_amount_cents=25_000)
    MandateRuleFactory(fund=fund, min_amount_cents=25_001, approver_role=ApproverRole.TEAM_LEAD)
    MandateRuleFactory(
        fund=fund, min_amount_cents=0, max_amount_cents=None, valid_from=datetime.date(2019, 1, 1)
    )
    big = submitted(fund=fund, by=cast.alice, household=household_a, amount_cents=40_000)
    assert big.approver_role == ApproverRole.TEAM_LEAD
    for outsider in (dora, cast.bob, cast.mallory):
        with pytest.raises(PermissionDenied):
            services.fund_request_approve(actor=outsider, fund_request=big)
    services.fund_request_approve(actor=cast.carol, fund_request=big)
    big.refresh_from_db()
    assert big.status == FundRequestStatus.APPROVED


def test_the_budget_holder_may_give_the_second_approval(cast: Cast, household_a: Household) -> None:
    """Mandates nest: a team lead first, then the fund manager who holds the budget."""
    fund = FundFactory(municipality=cast.north)
    MandateRuleFactory(fund=fund, approvals_required=2, approver_role=ApproverRole.TEAM_LEAD)
    request = submitted(fund=fund, by=cast.alice, household=household_a, amount_cents=25_000)
    services.fund_request_approve(actor=cast.carol, fund_request=request)
    request.refresh_from_db()
    assert request.status == FundRequestStatus.REQUESTED
    services.fund_request_approve(actor=cast.frank, fund_request=request)
    request.refresh_from_db()
    assert request.status == FundRequestStatus.APPROVED


def test_a_fund_manager_rule(cast: Cast, household_a: Household) -> None:
    fund = FundFactory(municipality=cast.north)
    MandateRuleFactory(fund=fund, approver_role=ApproverRole.FUND_MANAGER)
    request = submitted(fund=fund, by=cast.alice, household=household_a)
    with pytest.raises(PermissionDenied):
        services.fund_request_approve(actor=cast.carol, fund_request=request)
    services.fund_request_approve(actor=cast.frank, fund_request=request)
    request.refresh_from_db()
    assert request.status == FundRequestStatus.APPROVED


def test_above_the_threshold_the_table_must_have_decided(
    cast: Cast, household_a: Household
) -> None:
    fund = FundFactory(municipality=cast.north)
    MandateRuleFactory(fund=fund, needs_table=True, approver_role=ApproverRole.FUND_MANAGER)
    request = submitted(fund=fund, by=cast.alice, household=household_a)
    assert request.needs_table
    with pytest.raises(ValidationError):
        services.fund_request_approve(actor=cast.frank, fund_request=request)
    assert not Approval.objects.exists()
    services.fund_request_link_table_decision(
        actor=cast.alice, fund_request=request, table_decision_ref="tafel-2026-14"
    )
    services.fund_request_approve(actor=cast.frank, fund_request=request)
    request.refresh_from_db()
    assert request.status == FundRequestStatus.APPROVED


def test_an_approval_beyond_what_is_available_is_refused(
    cast: Cast, household_a: Household, household_b: Household, dora: User
) -> None:
    fund = FundFactory(municipality=cast.north, budget_cents=30_000)
    MandateRuleFactory(fund=fund)
    approved(fund=fund, by=cast.alice, approver=dora, household=household_a, amount_cents=25_000)
    second = submitted(fund=fund, by=cast.bob, household=household_b, amount_cents=10_000)
    bob_colleague = MembershipFactory(
        role=Role.PROFESSIONAL,
        team=cast.team_b,
        organisation=cast.team_b.organisation,
        municipality=cast.north,
    ).user
    with pytest.raises(ValidationError) as error:
        services.fund_request_approve(actor=bob_colleague, fund_request=second)
    assert "not enough money" in error.value.messages[0]
    second.refresh_from_db()
    assert second.status == FundRequestStatus.REQUESTED
    assert not Approval.objects.filter(request=second).exists()
    assert ledger.balances(fund).available == 5_000
    assert_balanced(fund)


def test_a_rejection_needs_a_reason_and_an_approver(
    cast: Cast, fund: Fund, household_a: Household
) -> None:
    request = submitted(fund=fund, by=cast.alice, household=household_a)
    with pytest.raises(ValidationError):
        services.fund_request_reject(actor=cast.carol, fund_request=request, reason=" ")
    with pytest.raises(ValidationError):
        services.fund_request_reject(actor=cast.alice, fund_request=request, reason="Eigen")
    services.fund_request_reject(actor=cast.carol, fund_request=request, reason="Past niet.")
    request.refresh_from_db()
    assert request.status == FundRequestStatus.REJECTED
    assert ledger.balances(fund).committed == 0


# --- paying, repaying, cancelling -------------------------------------------------------------
def test_request_to_paid_to_repaid_moves_the_money(
    cast: Cast, fund: Fund, household_a: Household, dora: User
) -> None:
    request = approved(fund=fund, by=cast.alice, approver=dora, household=household_a)
    assert ledger.balances(fund) == ledger.Balances(
        budget=100_000, committed=25_000, paid=0, repaid=0, available=75_000
    )
    with pytest.raises(PermissionDenied):
        services.fund_request_pay(
            actor=cast.alice,
            fund_request=request,
            payment_reference="X",
            paid_on=datetime.date.today(),
        )
    with pytest.raises(ValidationError) as error:
        services.fund_request_pay(
            actor=cast.frank,
            fund_request=request,
            payment_reference="",
            paid_on=datetime.date.today() + datetime.timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"payment_reference", "paid_on"}
    services.fund_request_pay(
        actor=cast.frank,
        fund_request=request,
        payment_reference="BATCH-7",
        paid_on=datetime.date(2026, 3, 2),
    )
    request.refresh_from_db()
    assert (request.status, request.payment_reference, request.paid_by) == (
        FundRequestStatus.PAID,
        "BATCH-7",
        cast.frank,
    )
    assert ledger.balances(fund) == ledger.Balances(
        budget=100_000, committed=0, paid=25_000, repaid=0, available=75_000
    )
    with pytest.raises(ValidationError):  # paying twice
        services.fund_request_pay(
            actor=cast.frank,
            fund_request=request,
            payment_reference="BATCH-8",
            paid_on=datetime.date(2026, 3, 2),
        )
    with pytest.raises(ValidationError):  # more than was paid
        services.fund_request_repay(actor=cast.frank, fund_request=request, amount_cents=25_001)
    services.fund_request_repay(actor=cast.frank, fund_request=request, amount_cents=10_000)
    request.refresh_from_db()
    assert request.status == FundRequestStatus.REPAID
    assert ledger.balances(fund) == ledger.Balances(
        budget=100_000, committed=0, paid=15_000, repaid=10_000, available=85_000
    )
    assert_balanced(fund)


def test_a_write_off_moves_no_money(
    cast: Cast, fund: Fund, household_a: Household, dora: User
) -> None:
    request = paid(fund=fund, by=cast.alice, approver=dora, payer=cast.frank, household=household_a)
    before = ledger.balances(fund)
    with pytest.raises(ValidationError):
        services.fund_request_write_off(actor=cast.frank, fund_request=request, note="")
    services.fund_request_write_off(
        actor=cast.frank, fund_request=request, note="Huishouden kan niet terugbetalen."
    )
    request.refresh_from_db()
    assert request.status == FundRequestStatus.WRITTEN_OFF
    assert ledger.balances(fund) == before


def test_cancelling_an_approved_request_is_a_reversal(
    cast: Cast, fund: Fund, household_a: Household, dora: User
) -> None:
    request = approved(fund=fund, by=cast.alice, approver=dora, household=household_a)
    with pytest.raises(PermissionDenied):  # once the money is committed, the fund manager
        services.fund_request_cancel(actor=cast.alice, fund_request=request, reason="Niet nodig")
    services.fund_request_cancel(actor=cast.frank, fund_request=request, reason="Niet nodig")
    commit = LedgerTransaction.objects.get(request=request, kind=TransactionKind.COMMIT)
    reversal = LedgerTransaction.objects.get(request=request, kind=TransactionKind.REVERSAL)
    assert reversal.reverses == commit
    assert sorted(e.amount_cents for e in reversal.entries.all()) == sorted(
        -e.amount_cents for e in commit.entries.all()
    )
    assert ledger.balances(fund).available == 100_000
    with pytest.raises(ValidationError):  # paid requests are not cancelled but repaid
        services.fund_request_cancel(
            actor=cast.frank,
            fund_request=paid(
                fund=fund, by=cast.alice, approver=dora, payer=cast.frank, household=household_a
            ),
            reason="Te laat",
        )
    assert_balanced(fund)


def test_a_submitted_request_is_not_edited(cast: Cast, fund: Fund, household_a: Household) -> None:
    request = submitted(fund=fund, by=cast.alice, household=household_a)
    with pytest.raises(ValidationError):
        services.fund_request_update(
            actor=cast.alice,
            fund_request=request,
            summary="Anders",
            amount_cents=1,
            purpose=FundPurpose.RENT,
            payee_kind=PayeeKind.VOUCHER,
            payee_name="",
            iban="",
        )
    request.refresh_from_db()
    assert request.amount_cents == 25_000


# --- ledger is append-only --------------------------------------------------------------------
def test_ledger_rows_are_never_changed_or_deleted(cast: Cast, fund: Fund) -> None:
    entry = LedgerEntry.objects.filter(transaction__fund=fund).first()
    assert entry is not None
    entry.amount_cents = 1
    with pytest.raises(ImmutableError):
        entry.save()
    with pytest.raises(ImmutableError):
        entry.delete()
    with pytest.raises(ImmutableError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_cents=5)
    with pytest.raises(ImmutableError):
        LedgerTransaction.objects.all().delete()


def test_an_unbalanced_posting_is_refused(cast: Cast, fund: Fund) -> None:
    with pytest.raises(ledger.LedgerError), transaction.atomic():
        ledger.post(
            fund=fund,
            kind=TransactionKind.BUDGET,
            lines=[ledger.Line(Account.FUNDING, -100), ledger.Line(Account.AVAILABLE, 99)],
            created_by=None,
        )
    assert LedgerTransaction.objects.filter(fund=fund).count() == 1


@pytest.mark.postgresql
def test_postgresql_refuses_update_and_delete_of_the_ledger(cast: Cast, fund: Fund) -> None:
    assert connection.vendor == "postgresql"
    for sql in (
        "UPDATE funds_ledgerentry SET amount_cents = 1",
        "DELETE FROM funds_ledgerentry",
        "UPDATE funds_ledgertransaction SET description = 'x'",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


# --- processing log ---------------------------------------------------------------------------
def test_every_step_with_a_household_is_in_the_processing_log(
    cast: Cast, fund: Fund, household_a: Household, dora: User
) -> None:
    request = paid(fund=fund, by=cast.alice, approver=dora, payer=cast.frank, household=household_a)
    logs = fund_logs(object_type="funds.fundrequest", object_id=str(request.pk))
    by_actor = {(log.actor_id, log.action) for log in logs}
    assert (cast.alice.pk, ProcessingAction.CREATE) in by_actor
    assert (cast.alice.pk, ProcessingAction.UPDATE) in by_actor  # submitted
    assert (dora.pk, ProcessingAction.UPDATE) in by_actor
    assert (cast.frank.pk, ProcessingAction.UPDATE) in by_actor
    assert {log.subject_pseudonym for log in logs} == set(household_subjects(household_a))
    assert all(log.municipality_id == cast.north.pk for log in logs)
    events = HouseholdEvent.objects.filter(household=household_a, kind=EventKind.FUND)
    assert events.count() == 4  # drafted, submitted, approved, paid


def test_reading_a_request_is_logged_and_lists_hold_no_iban(
    cast: Cast, fund: Fund, household_a: Household
) -> None:
    request = submitted(fund=fund, by=cast.alice, household=household_a)
    ProcessingLog.objects.all()  # (append-only: count before and after)
    before = ProcessingLog.objects.count()
    selectors.fund_request_get(user=cast.frank, pk=request.pk)
    new = list(ProcessingLog.objects.order_by("id")[before:])
    assert new
    assert all(
        (log.action, log.actor_id, log.activity)
        == (ProcessingAction.READ, cast.frank.pk, ProcessingActivity.FUND)
        for log in new
    )
    listed = selectors.fund_request_list(user=cast.frank).get()
    assert "iban" in listed.get_deferred_fields()


# --- access -----------------------------------------------------------------------------------
def test_professionals_see_their_own_teams_requests_fund_managers_submitted_ones(
    cast: Cast, fund: Fund, household_a: Household, household_b: Household
) -> None:
    a_draft = draft(fund=fund, by=cast.alice, household=household_a)
    a_submitted = submitted(fund=fund, by=cast.alice, household=household_a)
    b_submitted = submitted(fund=fund, by=cast.bob, household=household_b)

    def visible(user: User) -> set[int]:
        return set(selectors.fund_request_list(user=user).values_list("pk", flat=True))

    assert visible(cast.alice) == visible(cast.carol) == {a_draft.pk, a_submitted.pk}
    assert visible(cast.bob) == {b_submitted.pk}
    assert visible(cast.frank) == {a_submitted.pk, b_submitted.pk}  # no drafts
    for outsider in (cast.mallory, cast.dave, cast.heidi, cast.grace, cast.erin):
        assert visible(outsider) == set()
        with pytest.raises(Http404):
            selectors.fund_request_get(user=outsider, pk=a_submitted.pk)
    with pytest.raises(Http404):
        selectors.fund_request_get(user=cast.bob, pk=a_submitted.pk)
    with pytest.raises(Http404):
        selectors.fund_request_get(user=cast.frank, pk=a_draft.pk)


def test_who_sees_which_fund(cast: Cast) -> None:
    district = DistrictFactory(municipality=cast.north)
    cast.team_b.districts.add(district)
    wide = FundFactory(municipality=cast.north)
    team_fund = FundFactory(municipality=cast.north, team=cast.team_a)
    district_fund = FundFactory(municipality=cast.north, district=district)
    south = FundFactory(municipality=cast.south)

    def visible(user: User) -> set[int]:
        return set(selectors.fund_list(user=user).values_list("pk", flat=True))

    assert visible(cast.alice) == {wide.pk, team_fund.pk}
    assert visible(cast.bob) == {wide.pk, district_fund.pk}
    assert visible(cast.frank) == visible(cast.grace) == {wide.pk, team_fund.pk, district_fund.pk}
    assert visible(cast.mallory) == {south.pk}
    assert visible(cast.dave) == visible(cast.heidi) == set()
    with pytest.raises(Http404):
        selectors.fund_get(user=cast.bob, pk=team_fund.pk)


def test_the_fund_manager_sees_the_iban_others_a_masked_one(
    cast: Cast, fund: Fund, household_a: Household
) -> None:
    request = submitted(fund=fund, by=cast.alice, household=household_a)
    assert (
        selectors.fund_request_payment_details(user=cast.frank, fund_request=request).iban == IBAN
    )
    masked = selectors.fund_request_payment_details(user=cast.alice, fund_request=request).iban
    assert masked == "NL91 •••• 4300"


# --- batches and figures ----------------------------------------------------------------------
def test_the_payment_batch_for_finance(
    cast: Cast, fund: Fund, household_a: Household, dora: User
) -> None:
    request = approved(fund=fund, by=cast.alice, approver=dora, household=household_a)
    approved(
        fund=fund,
        by=cast.alice,
        approver=dora,
        household=household_a,
        amount_cents=4_000,
        payee_kind=PayeeKind.VOUCHER,
        payee_name="=HYPERLINK()",
    )
    with pytest.raises(PermissionDenied):
        services.payment_batch_csv(actor=cast.alice, fund=fund)
    before = ProcessingLog.objects.filter(action=ProcessingAction.EXPORT).count()
    text = services.payment_batch_csv(actor=cast.frank, fund=fund)
    lines = text.strip().splitlines()
    assert len(lines) == 3
    assert f"{request.pk};VEP-{fund.pk}-{request.pk};iban;Woonstichting Noord;{IBAN};250.00" in text
    assert "'=HYPERLINK()" in text  # no formulas in spreadsheets
    assert ProcessingLog.objects.filter(action=ProcessingAction.EXPORT).count() > before

    xml = services.payment_batch_sepa(
        actor=cast.frank,
        fund=fund,
        debtor_name="Gemeente Noord",
        debtor_iban="NL02ABNA0123456789",
        debtor_bic="ABNANL2A",
        execution_date=datetime.date(2026, 12, 1),
    )
    assert b"pain.001.001.03" in xml
    assert IBAN.encode() in xml
    assert b"<CtrlSum>250.00</CtrlSum>" in xml
    with pytest.raises(ValidationError):
        services.payment_batch_sepa(actor=cast.frank, fund=fund, debtor_name="", debtor_iban="NL00")


def test_spending_figures_and_what_was_prevented(
    cast: Cast, fund: Fund, household_a: Household, household_b: Household, dora: User
) -> None:
    eviction = CostItemFactory(amount_cents=2_500_000)
    district = DistrictFactory(municipality=cast.north, name="Oost")
    Household.objects.filter(pk=household_a.pk).update(district=district)
    paid(
        fund=fund,
        by=cast.alice,
        approver=dora,
        payer=cast.frank,
        household=household_a,
        prevents_cost_item=eviction,
    )
    paid(
        fund=fund,
        by=cast.alice,
        approver=dora,
        payer=cast.frank,
        household=household_a,
        amount_cents=5_000,
        purpose=FundPurpose.ENERGY,
    )
    submitted(fund=fund, by=cast.bob, household=household_b)  # not paid: not counted

    by_purpose = selectors.spend_by_purpose(user=cast.frank, fund=fund)
    assert [(line.key, line.total_cents, line.count) for line in by_purpose] == [
        (FundPurpose.RENT, 25_000, 1),
        (FundPurpose.ENERGY, 5_000, 1),
    ]
    assert [
        (line.label, line.total_cents)
        for line in selectors.spend_by_district(user=cast.frank, fund=fund)
    ] == [("Oost", 30_000)]
    assert [
        (line.key, line.total_cents)
        for line in selectors.spend_by_month(user=cast.frank, fund=fund)
    ] == [("2026-03", 30_000)]
    average = selectors.average_per_household(user=cast.frank, fund=fund)
    assert (average.households, average.average_cents) == (1, 30_000)
    assert selectors.prevented(user=cast.frank, fund=fund) == selectors.Prevented(
        requests=1, paid_cents=25_000, prevented_cents=2_500_000
    )
    assert selectors.spend_by_purpose(user=cast.mallory) == []


def test_the_fund_pages_spending_in_one_query_equals_the_five_figures(
    cast: Cast,
    fund: Fund,
    household_a: Household,
    household_b: Household,
    dora: User,
    django_assert_num_queries: Any,
) -> None:
    """``fund_spending`` (the fund page, one query) gives what the five functions give."""
    household_c = HouseholdFactory(team=cast.team_a, name="Huishouden Bakker")
    eviction = CostItemFactory(amount_cents=2_500_000)
    Household.objects.filter(pk=household_a.pk).update(
        district=DistrictFactory(municipality=cast.north, name="Oost")
    )
    Household.objects.filter(pk=household_c.pk).update(
        district=DistrictFactory(municipality=cast.north, name="West")
    )
    made = [
        paid(
            fund=fund,
            by=cast.alice,
            approver=dora,
            payer=cast.frank,
            household=household_a,
            amount_cents=amount,
            purpose=purpose,
            prevents_cost_item=item,
        )
        for amount, purpose, item in (
            (10_000, FundPurpose.RENT, eviction),
            (5_000, FundPurpose.ENERGY, None),
            (5_000, FundPurpose.ENERGY, eviction),
        )
    ] + [
        paid(
            fund=fund,
            by=cast.alice,
            approver=dora,
            payer=cast.frank,
            household=household_c,
            amount_cents=amount,
            purpose=FundPurpose.RENT,
        )
        for amount in (15_000, 5_000)
    ]
    FundRequest.objects.filter(pk=made[1].pk).update(paid_on=datetime.date(2026, 1, 31))
    FundRequest.objects.filter(pk=made[4].pk).update(paid_on=datetime.date(2025, 12, 1))
    submitted(fund=fund, by=cast.bob, household=household_b)  # not paid: not counted
    with django_assert_num_queries(1):
        spending = selectors.fund_spending(fund=fund)
    user = cast.frank
    assert spending == selectors.FundSpending(
        by_purpose=selectors.spend_by_purpose(user=user, fund=fund),
        by_district=selectors.spend_by_district(user=user, fund=fund),
        by_month=selectors.spend_by_month(user=user, fund=fund),
        average=selectors.average_per_household(user=user, fund=fund),
        prevented=selectors.prevented(user=user, fund=fund),
    )
    # What it says, so that the comparison above cannot pass on two empty answers.
    assert [(line.key, line.total_cents, line.count) for line in spending.by_purpose] == [
        (FundPurpose.RENT, 30_000, 3),
        (FundPurpose.ENERGY, 10_000, 2),
    ]
    assert [(line.label, line.total_cents) for line in spending.by_district] == [
        ("Oost", 20_000),
        ("West", 20_000),
    ]
    assert [(line.key, line.count) for line in spending.by_month] == [
        ("2025-12", 1),
        ("2026-01", 1),
        ("2026-03", 3),
    ]
    assert (spending.average.households, spending.average.total_cents) == (2, 40_000)
    assert spending.prevented == selectors.Prevented(
        requests=2, paid_cents=15_000, prevented_cents=5_000_000
    )
    empty = north_fund(cast, name="Leeg potje")
    assert selectors.fund_spending(fund=empty) == selectors.FundSpending(
        by_purpose=[],
        by_district=[],
        by_month=[],
        average=selectors.HouseholdAverage(households=0, total_cents=0),
        prevented=selectors.Prevented(requests=0, paid_cents=0, prevented_cents=0),
    )


# --- idempotency ------------------------------------------------------------------------------
def test_an_idempotent_command_runs_once_per_key(cast: Cast) -> None:
    calls: list[int] = []

    def command() -> tuple[int, dict[str, object]]:
        calls.append(1)
        return 200, {"status": "betaald", "n": len(calls)}

    first = run_idempotent(user=cast.frank, key="k1", endpoint="pay", body={"a": 1}, fn=command)
    replay = run_idempotent(user=cast.frank, key="k1", endpoint="pay", body={"a": 1}, fn=command)
    other = run_idempotent(user=cast.frank, key="k1", endpoint="pay", body={"a": 2}, fn=command)
    assert (first.status, first.replayed) == (200, False)
    assert (replay.status, replay.body, replay.replayed) == (200, first.body, True)
    assert other.status == 422
    assert len(calls) == 1
    # the same key of another user is another command
    assert (
        run_idempotent(user=cast.alice, key="k1", endpoint="pay", body={}, fn=command).status == 200
    )

    # a first call still running
    IdempotencyKey.objects.create(
        user=cast.frank,
        key="k2",
        endpoint="pay",
        request_hash=request_hash("pay", {}),
        state=KeyState.IN_PROGRESS,
    )
    assert (
        run_idempotent(user=cast.frank, key="k2", endpoint="pay", body={}, fn=command).status == 409
    )


def test_a_failed_command_releases_its_key(cast: Cast) -> None:
    def failing() -> tuple[int, dict[str, object]]:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        run_idempotent(user=cast.frank, key="k", endpoint="pay", body={}, fn=failing)
    assert not IdempotencyKey.objects.exists()
    assert (
        run_idempotent(
            user=cast.frank, key="", endpoint="pay", body={}, fn=lambda: (200, {})
        ).status
        == 400
    )


def test_the_messages_are_dutch_for_dutch_users() -> None:
    from django.utils.translation import gettext

    with translation.override("nl"):
        assert gettext("This IBAN is not valid; check the account number.") == (
            "Deze IBAN is niet geldig; controleer het rekeningnummer."
        )
