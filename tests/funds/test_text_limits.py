"""Free text of fund requests has a limit: over it is refused in Dutch, at it is kept.

The approval note lives in the append-only approvals: an over-long one must be refused
before anything is written, since nothing written there can be taken back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from doorbraak.accounts.models import Role, User
from doorbraak.funds import services
from doorbraak.funds.models import Approval, Fund, FundRequest, FundRequestStatus
from doorbraak.households.models import Household
from doorbraak.lib import limits
from tests.conftest import Cast
from tests.factories import MembershipFactory
from tests.funds.factories import FundFactory, MandateRuleFactory, approved, draft, paid, submitted
from tests.limits import TextCase, check_text_limit, database_counts, text, too_long_message


@pytest.fixture
def fund(cast: Cast) -> Fund:
    fund = FundFactory(municipality=cast.north, budget_cents=100_000)
    MandateRuleFactory(fund=fund)
    return fund


@pytest.fixture
def dora(cast: Cast) -> User:
    """A second professional of Buurtteam A, who approves Alice's requests."""
    return MembershipFactory(
        role=Role.PROFESSIONAL,
        team=cast.team_a,
        organisation=cast.team_a.organisation,
        municipality=cast.north,
        user__username="dora",
    ).user


Builder = Callable[[Cast, Fund, Household, User], TextCase]


def _field(fund_request: FundRequest, name: str) -> Callable[[], str]:
    return lambda: str(getattr(FundRequest.objects.get(pk=fund_request.pk), name))


def summary_on_draft(cast: Cast, fund: Fund, household: Household, dora: User) -> TextCase:
    return TextCase(
        run=lambda value: draft(fund=fund, by=cast.alice, household=household, summary=value),
        stored=lambda: (
            FundRequest.objects.order_by("pk").values_list("summary", flat=True).last() or ""
        ),
    )


def summary_on_update(cast: Cast, fund: Fund, household: Household, dora: User) -> TextCase:
    fund_request = draft(fund=fund, by=cast.alice, household=household)
    return TextCase(
        run=lambda value: services.fund_request_update(
            actor=cast.alice,
            fund_request=fund_request,
            summary=value,
            amount_cents=fund_request.amount_cents,
            purpose=fund_request.purpose,
            payee_kind=fund_request.payee_kind,
            payee_name=fund_request.payee_name,
            iban=fund_request.iban,
        ),
        stored=_field(fund_request, "summary"),
    )


def approval_note(cast: Cast, fund: Fund, household: Household, dora: User) -> TextCase:
    fund_request = submitted(fund=fund, by=cast.alice, household=household)
    return TextCase(
        run=lambda value: services.fund_request_approve(
            actor=dora, fund_request=fund_request, note=value
        ),
        stored=lambda: (
            Approval.objects.filter(request=fund_request).values_list("note", flat=True).first()
            or ""
        ),
    )


def rejection_reason(cast: Cast, fund: Fund, household: Household, dora: User) -> TextCase:
    fund_request = submitted(fund=fund, by=cast.alice, household=household)
    return TextCase(
        run=lambda value: services.fund_request_reject(
            actor=dora, fund_request=fund_request, reason=value
        ),
        stored=_field(fund_request, "rejection_reason"),
    )


def cancel_reason(cast: Cast, fund: Fund, household: Household, dora: User) -> TextCase:
    fund_request = approved(fund=fund, by=cast.alice, approver=dora, household=household)
    return TextCase(
        run=lambda value: services.fund_request_cancel(
            actor=cast.frank, fund_request=fund_request, reason=value
        ),
        stored=_field(fund_request, "cancel_reason"),
    )


def repay_note(cast: Cast, fund: Fund, household: Household, dora: User) -> TextCase:
    fund_request = paid(
        fund=fund, by=cast.alice, approver=dora, payer=cast.frank, household=household
    )
    return TextCase(
        run=lambda value: services.fund_request_repay(
            actor=cast.frank, fund_request=fund_request, note=value
        ),
        stored=_field(fund_request, "closed_note"),
    )


def write_off_note(cast: Cast, fund: Fund, household: Household, dora: User) -> TextCase:
    fund_request = paid(
        fund=fund, by=cast.alice, approver=dora, payer=cast.frank, household=household
    )
    return TextCase(
        run=lambda value: services.fund_request_write_off(
            actor=cast.frank, fund_request=fund_request, note=value
        ),
        stored=_field(fund_request, "closed_note"),
    )


@pytest.mark.parametrize(
    "case",
    [
        summary_on_draft,
        summary_on_update,
        approval_note,
        rejection_reason,
        cancel_reason,
        repay_note,
        write_off_note,
    ],
)
def test_free_text_over_its_limit_is_refused_and_at_its_limit_kept(
    cast: Cast, fund: Fund, household_a: Household, dora: User, case: Builder
) -> None:
    check_text_limit(case(cast, fund, household_a, dora), limits.SHORT_TEXT)


# --- through the page and the API ----------------------------------------------------------
def test_the_approve_form_refuses_a_long_note_and_approves_nothing(
    cast: Cast, fund: Fund, household_a: Household, dora: User, as_user: Any
) -> None:
    fund_request = submitted(fund=fund, by=cast.alice, household=household_a)
    client: Client = as_user(dora)
    before = database_counts(reads=False)
    with translation.override("nl"):
        response = client.post(
            reverse("funds:request-approve", args=[fund_request.pk]),
            {"note": text(limits.SHORT_TEXT + 1)},
            headers={"Accept-Language": "nl"},
        )
    assert response.status_code == 200
    assert too_long_message(limits.SHORT_TEXT) in response.content.decode()
    assert database_counts(reads=False) == before
    fund_request.refresh_from_db()
    assert fund_request.status == FundRequestStatus.REQUESTED


def test_the_api_refuses_a_long_cancel_reason_as_a_problem(
    cast: Cast, fund: Fund, household_a: Household, as_user: Any
) -> None:
    fund_request = draft(fund=fund, by=cast.alice, household=household_a)
    client: Client = as_user(cast.alice)
    address = reverse("api:fund-request-cancel", args=[fund_request.pk])

    def cancel(reason: str) -> Any:
        return client.post(
            address,
            json.dumps({"reason": reason}),
            content_type="application/json",
            headers={"Idempotency-Key": f"annuleren-{len(reason)}", "Accept-Language": "nl"},
        )

    response = cancel(text(limits.SHORT_TEXT + 1))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    [problem] = response.json()["invalidParams"]
    assert problem["name"] == "reason"
    assert f"niet meer dan {limits.SHORT_TEXT} karakters" in problem["reason"]
    fund_request.refresh_from_db()
    assert fund_request.status == FundRequestStatus.DRAFT
    assert cancel(text(limits.SHORT_TEXT)).status_code == 200
    fund_request.refresh_from_db()
    assert fund_request.cancel_reason == text(limits.SHORT_TEXT)
