"""In real Chromium: a request to the Voorkom Erger Potje, two approvals, payment, balance.

Alice asks € 250 for the Zwart household, found with the form's household search; the
fund's rule says above € 200 two approvers are needed. Carol (team lead) gives the first
approval, a second approver the last one, and Frank (fund manager) records the payment.
The fund page then shows the new paid and available amounts. No accessibility blockers
and no CSP violations on any page visited.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorbraak.accounts.models import Role
from doorbraak.funds import services
from doorbraak.funds.models import ApproverRole, FundRequest, FundRequestStatus
from doorbraak.households.models import Household
from tests.browser.test_household_flow import assert_accessible, submit
from tests.browser.test_login_flow import log_in
from tests.conftest import Cast
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

IBAN = "NL91ABNA0417164300"


def switch_user(page: Any, base: str, user: Any) -> None:
    page.context.clear_cookies()
    log_in(page, base, user.username, TOTPDevice.objects.filter(user=user).first())
    page.wait_for_url(f"{base}/")


def test_a_request_is_approved_twice_paid_and_the_balance_follows(
    page: Any, live_server: Any, cast: Cast, household_a: Household
) -> None:
    base = live_server.url
    fund = services.fund_create(
        actor=cast.frank,
        municipality=cast.north,
        name="Voorkom Erger Potje",
        year=timezone.localdate().year,
        budget_cents=100_000,
    )
    services.mandate_rule_add(
        actor=cast.frank,
        fund=fund,
        min_amount_cents=0,
        max_amount_cents=20_000,
        approvals_required=1,
        approver_role=ApproverRole.PROFESSIONAL,
        valid_from=timezone.localdate(),
    )
    services.mandate_rule_add(
        actor=cast.frank,
        fund=fund,
        min_amount_cents=20_001,
        max_amount_cents=None,
        approvals_required=2,
        approver_role=ApproverRole.PROFESSIONAL,
        valid_from=timezone.localdate(),
    )
    # The second approver of the team (approver roles are one per rule, see the report).
    bea = UserFactory(username="bea")
    MembershipFactory(
        user=bea,
        role=Role.PROFESSIONAL,
        team=cast.team_a,
        organisation=cast.team_a.organisation,
        municipality=cast.north,
    )

    # --- Alice asks for € 250 ----------------------------------------------------------------
    log_in(page, base, "alice", TOTPDevice.objects.get(user=cast.alice))
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/potje/")
    assert_accessible(page)
    page.locator("#fd-funds a").first.click()
    page.wait_for_url(f"**/potje/{fund.pk}/")
    assert_accessible(page)
    page.locator("#fd-new-request").click()
    page.wait_for_url("**/potje/aanvragen/nieuw/**")
    assert_accessible(page)
    # The form lists no household until one is searched for (or it is opened from the
    # household's page): Alice searches for the Zwart household.
    assert page.locator("#id_household option").count() == 1
    page.fill("#fd-household-search-q", "Zwart")
    with page.expect_navigation():
        page.locator("#fd-household-search button[type=submit]").click()
    page.wait_for_url("**/potje/aanvragen/nieuw/?*zoek=Zwart*")
    assert page.locator("#id_household option").count() == 2
    assert_accessible(page)
    page.select_option("#id_fund", str(fund.pk))
    page.fill("#id_summary", "Huurachterstand van twee maanden; de verhuurder dreigt te ontruimen.")
    page.fill("#id_amount", "250")
    page.select_option("#id_purpose", "huur")
    page.check("#id_payee_kind input[value=iban]")
    page.fill("#id_payee_name", "Woonstichting Noord")
    page.fill("#id_iban", IBAN)
    page.select_option("#id_household", str(household_a.pk))
    submit(page, "#fd-request-form")
    fund_request = FundRequest.objects.get()
    page.wait_for_url(f"**/potje/aanvragen/{fund_request.pk}/")
    assert_accessible(page)
    assert fund_request.amount_cents == 25_000
    submit(page, "#fd-submit-form")
    fund_request.refresh_from_db()
    assert fund_request.status == FundRequestStatus.REQUESTED
    assert fund_request.approvals_required == 2
    assert page.locator("#fd-approval-count").is_visible()
    assert_accessible(page)

    # --- Carol (team lead): the first approval -------------------------------------------------
    switch_user(page, base, cast.carol)
    page.goto(f"{base}/potje/aanvragen/")
    assert_accessible(page)
    page.locator(f"a[href$='/potje/aanvragen/{fund_request.pk}/']").click()
    assert_accessible(page)
    page.fill("#id_approve_note", "Voorkomt een ontruiming.")
    submit(page, "#fd-approve-form")
    fund_request.refresh_from_db()
    assert fund_request.status == FundRequestStatus.REQUESTED
    assert fund_request.approvals.count() == 1
    assert_accessible(page)

    # --- the second approver: approved -----------------------------------------------------------
    switch_user(page, base, bea)
    page.goto(f"{base}/potje/aanvragen/{fund_request.pk}/")
    submit(page, "#fd-approve-form")
    fund_request.refresh_from_db()
    assert fund_request.status == FundRequestStatus.APPROVED
    assert page.locator("#fd-status").get_attribute("data-status") == "goedgekeurd"
    assert_accessible(page)

    # --- Frank (fund manager) pays ---------------------------------------------------------------
    switch_user(page, base, cast.frank)
    page.goto(f"{base}/potje/aanvragen/")
    assert_accessible(page)
    assert IBAN not in page.content()
    page.locator(f"a[href$='/potje/aanvragen/{fund_request.pk}/']").click()
    page.wait_for_url(f"**/potje/aanvragen/{fund_request.pk}/")
    assert page.locator("#fd-iban").inner_text() == IBAN
    assert_accessible(page)
    page.fill("#id_pay_payment_reference", "BATCH-2026-07")
    page.fill("#id_pay_paid_on", timezone.localdate().isoformat())
    submit(page, "#fd-pay-form")
    fund_request.refresh_from_db()
    assert fund_request.status == FundRequestStatus.PAID
    assert fund_request.payment_reference == "BATCH-2026-07"
    assert_accessible(page)

    # --- the fund page shows the new balance ---------------------------------------------------
    page.goto(f"{base}/potje/{fund.pk}/")
    assert page.locator("#fd-paid").inner_text() == "€ 250,00"
    assert page.locator("#fd-available").inner_text() == "€ 750,00"
    assert page.locator("#fd-committed").inner_text() == "€ 0,00"
    assert page.locator("#fd-sepa-form").is_visible()
    assert_accessible(page)
