"""Factories for funds. Anything that moves money goes through the services, so the
ledger of a test fund is always a real one."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.db import transaction
from django.utils import timezone

from doorbraak.accounts.models import User
from doorbraak.funds import ledger, services
from doorbraak.funds.models import (
    ApproverRole,
    Fund,
    FundPurpose,
    FundRequest,
    FundRequestStatus,
    MandateRule,
    PayeeKind,
)
from doorbraak.households.models import Household
from tests.factories import MunicipalityFactory

#: A valid Dutch test IBAN (the checksum is right; the account is fictional).
IBAN = "NL91ABNA0417164300"


class FundFactory(factory.django.DjangoModelFactory[Fund]):
    """A fund whose budget is booked in the ledger, as ``fund_create`` does."""

    class Meta:
        model = Fund

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Voorkom Erger Potje {n}")
    # This year: a past year's fund is not offered for new requests.
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    budget_cents = 1_000_000
    purposes: list[str] = []
    active = True

    @classmethod
    def _create(cls, model_class: type[Fund], *args: Any, **kwargs: Any) -> Fund:
        with transaction.atomic():
            fund = super()._create(model_class, *args, **kwargs)
            ledger.allocate(fund=fund, amount_cents=fund.budget_cents, created_by=None)
        return fund


class MandateRuleFactory(factory.django.DjangoModelFactory[MandateRule]):
    """By default: any amount, one approval by a professional of the team."""

    class Meta:
        model = MandateRule

    fund = factory.SubFactory(FundFactory)
    min_amount_cents = 0
    max_amount_cents = None
    approvals_required = 1
    approver_role = ApproverRole.PROFESSIONAL
    needs_table = False
    valid_from = datetime.date(2020, 1, 1)


def north_fund(cast: Any, **overrides: Any) -> Fund:
    """€ 1.000 for Gemeente Noord; any amount needs one professional's approval."""
    arguments: dict[str, Any] = {
        "municipality": cast.north,
        "budget_cents": 100_000,
        "name": "Potje Noord",
    }
    arguments.update(overrides)
    fund = FundFactory(**arguments)
    MandateRuleFactory(fund=fund)
    return fund


def draft(
    *,
    fund: Fund,
    by: User,
    household: Household | None = None,
    amount_cents: int = 25_000,
    purpose: str = FundPurpose.RENT,
    payee_kind: str = PayeeKind.IBAN,
    iban: str = IBAN,
    **kwargs: Any,
) -> FundRequest:
    return services.fund_request_draft(
        actor=by,
        fund=fund,
        summary=kwargs.pop("summary", "Huurachterstand van twee maanden, ontruiming dreigt."),
        amount_cents=amount_cents,
        purpose=purpose,
        payee_kind=payee_kind,
        payee_name=kwargs.pop("payee_name", "Woonstichting Noord"),
        iban=iban if payee_kind == PayeeKind.IBAN else "",
        household=household,
        **kwargs,
    )


def submitted(*, fund: Fund, by: User, household: Household, **kwargs: Any) -> FundRequest:
    return services.fund_request_submit(
        actor=by, fund_request=draft(fund=fund, by=by, household=household, **kwargs)
    )


def submitted_in_bulk(
    *, fund: Fund, by: User, household: Household, count: int, amount_cents: int
) -> list[FundRequest]:
    """Submitted requests created directly, for tests whose subject is what comes after
    (approvals racing each other): setup, not the behaviour under test."""
    return FundRequest.objects.bulk_create(
        FundRequest(
            fund=fund,
            team=household.team,
            household=household,
            summary="Huurachterstand",
            amount_cents=amount_cents,
            purpose=FundPurpose.RENT,
            payee_kind=PayeeKind.IBAN,
            payee_name="Woonstichting Noord",
            iban=IBAN,
            status=FundRequestStatus.REQUESTED,
            approvals_required=1,
            approver_role=ApproverRole.PROFESSIONAL,
            requested_by=by,
        )
        for _ in range(count)
    )


def approved(
    *, fund: Fund, by: User, approver: User, household: Household, **kwargs: Any
) -> FundRequest:
    fund_request = submitted(fund=fund, by=by, household=household, **kwargs)
    return services.fund_request_approve(actor=approver, fund_request=fund_request)


def paid(
    *, fund: Fund, by: User, approver: User, payer: User, household: Household, **kwargs: Any
) -> FundRequest:
    fund_request = approved(fund=fund, by=by, approver=approver, household=household, **kwargs)
    return services.fund_request_pay(
        actor=payer,
        fund_request=fund_request,
        payment_reference="BATCH-2026-01",
        paid_on=datetime.date(2026, 3, 2),
    )
