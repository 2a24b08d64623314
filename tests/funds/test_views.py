"""The fund pages: access, processing log, bad input, no IBAN in lists, query counts, exports."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doorbraak.accounts.models import Role, User
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.downloads.models import Download, DownloadStatus
from doorbraak.downloads.services import download_build
from doorbraak.funds import ledger, services
from doorbraak.funds.exports import (
    build_fund_figures,
    build_payment_batch_csv,
    build_payment_batch_sepa,
)
from doorbraak.funds.models import (
    Approval,
    ApproverRole,
    Fund,
    FundRequest,
    FundRequestStatus,
    PayeeKind,
)
from doorbraak.households.models import Household
from tests.conftest import Cast, login_verified
from tests.downloads.built import build_queued
from tests.factories import CostItemFactory, MembershipFactory, UserFactory
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

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(cast: Cast) -> Fund:
    fund = FundFactory(
        municipality=cast.north,
        name="Voorkom Erger Potje Noord",
        budget_cents=1_000_000,
        cap_per_request_cents=50_000,
    )
    MandateRuleFactory(fund=fund)
    return fund


@pytest.fixture
def english(db: None) -> Any:
    """``english(user)``: a new logged-in client (one per user) reading the pages in English."""

    def _as(user: User) -> Client:
        client = login_verified(Client(), user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _as


def _detail(fund_request: FundRequest) -> str:
    return reverse("funds:request-detail", args=[fund_request.pk])


def _step(fund_request: FundRequest, name: str) -> str:
    return reverse(f"funds:request-{name}", args=[fund_request.pk])


# --- access -----------------------------------------------------------------------------------
def test_only_the_team_and_the_fund_manager_open_a_request(
    english: Any, cast: Cast, fund: Fund, household_a: Household
) -> None:
    fund_request = submitted(fund=fund, by=cast.alice, household=household_a)
    url = _detail(fund_request)
    assert english(cast.alice).get(url).status_code == 200
    assert english(cast.carol).get(url).status_code == 200
    assert english(cast.frank).get(url).status_code == 200
    assert english(cast.bob).get(url).status_code == 404
    assert english(cast.mallory).get(url).status_code == 404
    assert english(cast.dave).get(url).status_code in (403, 404)
    assert english(cast.heidi).get(url).status_code in (403, 404)
    # Steps on it are out of reach too.
    assert english(cast.bob).post(_step(fund_request, "approve")).status_code == 404
    assert english(cast.dave).post(_step(fund_request, "approve")).status_code in (403, 404)


def test_a_draft_is_the_teams_own_the_fund_manager_does_not_see_it(
    english: Any, cast: Cast, fund: Fund, household_a: Household
) -> None:
    fund_request = draft(fund=fund, by=cast.alice, household=household_a)
    assert english(cast.frank).get(_detail(fund_request)).status_code == 404
    assert english(cast.carol).get(_detail(fund_request)).status_code == 200


def test_frank_sees_only_the_funds_of_his_municipality(
    english: Any, cast: Cast, fund: Fund, household_z: Household
) -> None:
    other = FundFactory(municipality=cast.south, name="Potje Zuid")
    client = english(cast.frank)
    body = client.get(reverse("funds:list")).content.decode()
    assert fund.name in body
    assert other.name not in body
    assert client.get(reverse("funds:fund-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("funds:fund-detail", args=[fund.pk])).status_code == 200
    assert english(cast.mallory).get(reverse("funds:fund-detail", args=[fund.pk])).status_code == (
        404
    )
    assert english(cast.dave).get(reverse("funds:list")).status_code == 403
    assert english(cast.heidi).get(reverse("funds:list")).status_code == 403
    # Only the fund manager downloads the payment batch.
    batch = reverse("funds:batch-csv", args=[fund.pk])
    assert english(cast.alice).post(batch).status_code == 403
    assert english(cast.mallory).post(batch).status_code == 404
    assert not Download.objects.exists()


def test_frank_sees_only_his_municipalitys_requests_in_the_list(
    english: Any,
    cast: Cast,
    fund: Fund,
    household_a: Household,
    household_b: Household,
    household_z: Household,
) -> None:
    mine = submitted(fund=fund, by=cast.alice, household=household_a)
    other_fund = FundFactory(municipality=cast.south, name="Potje Zuid")
    MandateRuleFactory(fund=other_fund)
    theirs = submitted(fund=other_fund, by=cast.mallory, household=household_z)
    body = english(cast.frank).get(reverse("funds:request-list")).content.decode()
    assert _detail(mine) in body
    assert _detail(theirs) not in body
    bob_body = english(cast.bob).get(reverse("funds:request-list")).content.decode()
    assert _detail(mine) not in bob_body
    assert english(cast.frank).get(_detail(theirs)).status_code == 404


# --- processing log ---------------------------------------------------------------------------
def test_opening_a_request_is_in_the_processing_log(
    english: Any, cast: Cast, fund: Fund, household_a: Household
) -> None:
    fund_request = submitted(fund=fund, by=cast.alice, household=household_a)
    before = ProcessingLog.objects.count()
    assert english(cast.frank).get(_detail(fund_request)).status_code == 200
    records = ProcessingLog.objects.filter(
        actor=cast.frank,
        action=ProcessingAction.READ,
        object_type="funds.fundrequest",
        object_id=str(fund_request.pk),
    )
    assert records.exists()
    assert ProcessingLog.objects.count() > before


def test_the_iban_is_shown_in_full_to_the_fund_manager_only(
    english: Any, cast: Cast, fund: Fund, household_a: Household
) -> None:
    fund_request = approved(fund=fund, by=cast.alice, approver=cast.carol, household=household_a)
    assert IBAN in english(cast.frank).get(_detail(fund_request)).content.decode()
    body = english(cast.carol).get(_detail(fund_request)).content.decode()
    assert IBAN not in body
    assert fund_request.masked_iban in body


# --- creating and changing --------------------------------------------------------------------
def _form(fund: Fund, household: Household | None = None, **overrides: Any) -> dict[str, Any]:
    data = {
        "fund": fund.pk,
        "summary": "Huurachterstand van twee maanden, ontruiming dreigt.",
        "amount": "250",
        "purpose": "huur",
        "payee_kind": PayeeKind.IBAN,
        "payee_name": "Woonstichting Noord",
        "iban": "NL91 ABNA 0417 1643 00",
        "household": household.pk if household else "",
        "breakthrough": "",
        "prevents_cost_item": "",
    }
    data.update(overrides)
    return data


def test_alice_drafts_a_request_and_it_is_logged(
    english: Any, cast: Cast, fund: Fund, household_a: Household
) -> None:
    client = english(cast.alice)
    url = reverse("funds:request-create")
    page = client.get(f"{url}?fonds={fund.pk}&huishouden={household_a.public_id}")
    assert page.status_code == 200
    assert household_a.name in page.content.decode()
    response = client.post(reverse("funds:request-create"), _form(fund, household_a))
    fund_request = FundRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(fund_request)
    assert fund_request.amount_cents == 25_000
    assert fund_request.iban == IBAN
    assert fund_request.household == household_a
    assert ProcessingLog.objects.filter(
        object_type="funds.fundrequest", action=ProcessingAction.CREATE
    ).exists()


def test_an_anonymous_draft_is_tied_to_a_household_later_and_submitted(
    english: Any, cast: Cast, fund: Fund, household_a: Household
) -> None:
    client = english(cast.alice)
    client.post(reverse("funds:request-create"), _form(fund))
    fund_request = FundRequest.objects.get()
    assert fund_request.household is None
    assert "id_attach_household" in client.get(_detail(fund_request)).content.decode()
    response = client.post(_step(fund_request, "submit"))
    assert response.status_code == 200
    assert "Tie the request to a household before submitting it." in response.content.decode()
    client.post(_step(fund_request, "attach"), {"household": household_a.pk})
    client.post(_step(fund_request, "submit"))
    fund_request.refresh_from_db()
    assert fund_request.household == household_a
    assert fund_request.status == FundRequestStatus.REQUESTED


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "0"}, "Enter an amount greater than zero."),
        ({"amount": "-5"}, "Enter an amount greater than zero."),
        ({"amount": "twee"}, "Enter a number."),
        ({"iban": "NL00 ABNA 0000 0000 00"}, "This IBAN is not valid; check the account number."),
        ({"payee_kind": PayeeKind.VOUCHER}, "Leave the IBAN empty for payment in kind"),
        ({"summary": " "}, "This field is required."),
    ],
)
def test_bad_input_on_the_request_form_changes_nothing(
    english: Any,
    cast: Cast,
    fund: Fund,
    household_a: Household,
    overrides: dict[str, Any],
    message: str,
) -> None:
    response = english(cast.alice).post(
        reverse("funds:request-create"), _form(fund, household_a, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FundRequest.objects.exists()


def test_a_fund_of_another_team_or_municipality_cannot_be_chosen(
    english: Any, cast: Cast, household_a: Household
) -> None:
    other = FundFactory(municipality=cast.south, name="Potje Zuid")
    MandateRuleFactory(fund=other)
    response = english(cast.alice).post(reverse("funds:request-create"), _form(other, household_a))
    assert response.status_code == 200
    assert not FundRequest.objects.exists()
    assert english(cast.frank).get(reverse("funds:request-create")).status_code == 403


def test_over_the_cap_the_request_cannot_be_submitted(
    english: Any, cast: Cast, fund: Fund, household_a: Household
) -> None:
    fund_request = draft(fund=fund, by=cast.alice, household=household_a, amount_cents=60_000)
    response = english(cast.alice).post(_step(fund_request, "submit"))
    assert response.status_code == 200
    assert "This fund pays at most €500.00 per request." in response.content.decode()
    fund_request.refresh_from_db()
    assert fund_request.status == FundRequestStatus.DRAFT


def test_the_team_changes_a_draft_but_not_a_submitted_request(
    english: Any, cast: Cast, fund: Fund, household_a: Household
) -> None:
    fund_request = draft(fund=fund, by=cast.alice, household=household_a)
    client = english(cast.alice)
    data = _form(fund, amount="300,50")
    response = client.post(_step(fund_request, "edit"), data)
    assert response.status_code == 302
    fund_request.refresh_from_db()
    assert fund_request.amount_cents == 30_050
    response = client.post(_step(fund_request, "edit"), {**data, "amount": "0"})
    assert response.status_code == 200
    fund_request.refresh_from_db()
    assert fund_request.amount_cents == 30_050
    services.fund_request_submit(actor=cast.alice, fund_request=fund_request)
    assert client.post(_step(fund_request, "edit"), data).status_code == 302
    fund_request.refresh_from_db()
    assert fund_request.amount_cents == 30_050
    assert english(cast.bob).get(_step(fund_request, "edit")).status_code == 404


# --- approval and payment ---------------------------------------------------------------------
def test_alice_cannot_approve_her_own_request(
    english: Any, cast: Cast, fund: Fund, household_a: Household
) -> None:
    fund_request = submitted(fund=fund, by=cast.alice, household=household_a)
    client = english(cast.alice)
    assert "fd-approve-form" not in client.get(_detail(fund_request)).content.decode()
    response = client.post(_step(fund_request, "approve"), {"note": ""})
    assert response.status_code == 200
    assert "You cannot approve your own request." in response.content.decode()
    assert not Approval.objects.exists()
    fund_request.refresh_from_db()
    assert fund_request.status == FundRequestStatus.REQUESTED


def test_two_approvals_each_approver_once_then_the_fund_manager_pays(
    english: Any, cast: Cast, household_a: Household
) -> None:
    fund = FundFactory(municipality=cast.north, budget_cents=100_000)
    MandateRuleFactory(fund=fund, max_amount_cents=20_000)
    MandateRuleFactory(fund=fund, min_amount_cents=20_001, approvals_required=2)
    second = UserFactory(username="bea")
    MembershipFactory(
        user=second,
        role=Role.PROFESSIONAL,
        team=cast.team_a,
        organisation=cast.team_a.organisation,
        municipality=cast.north,
    )
    fund_request = submitted(fund=fund, by=cast.alice, household=household_a)
    carol = english(cast.carol)
    page = carol.get(_detail(fund_request)).content.decode()
    assert "0 of 2 approvals given" in page
    assert carol.post(_step(fund_request, "approve"), {"note": "Akkoord"}).status_code == 302
    response = carol.post(_step(fund_request, "approve"), {"note": ""})
    assert response.status_code == 200
    assert "You have already approved this request." in response.content.decode()
    assert Approval.objects.count() == 1
    assert "1 of 2 approvals given" in response.content.decode()

    english(second).post(_step(fund_request, "approve"), {"note": ""})
    fund_request.refresh_from_db()
    assert fund_request.status == FundRequestStatus.APPROVED
    assert ledger.balances(fund).committed == 25_000

    frank = english(cast.frank)
    response = frank.post(
        _step(fund_request, "pay"), {"payment_reference": "B-1", "paid_on": "2030-01-01"}
    )
    assert response.status_code == 200
    assert "Enter the date of payment; it cannot be in the future." in response.content.decode()
    fund_request.refresh_from_db()
    assert fund_request.status == FundRequestStatus.APPROVED
    assert english(cast.carol).post(
        _step(fund_request, "pay"),
        {"payment_reference": "B-1", "paid_on": datetime.date.today().isoformat()},
    ).status_code in (200, 403)
    fund_request.refresh_from_db()
    assert fund_request.status == FundRequestStatus.APPROVED
    response = frank.post(
        _step(fund_request, "pay"),
        {"payment_reference": "BATCH-1", "paid_on": datetime.date.today().isoformat()},
    )
    assert response.status_code == 302
    fund_request.refresh_from_db()
    assert fund_request.status == FundRequestStatus.PAID
    balances = ledger.balances(fund)
    assert (balances.paid, balances.available) == (25_000, 75_000)
    body = frank.get(reverse("funds:fund-detail", args=[fund.pk])).content.decode()
    assert "€250.00" in body
    assert "€750.00" in body


def test_reject_cancel_repay_and_write_off_from_the_page(
    english: Any, cast: Cast, fund: Fund, household_a: Household
) -> None:
    carol = english(cast.carol)
    frank = english(cast.frank)
    rejected = submitted(fund=fund, by=cast.alice, household=household_a)
    response = carol.post(_step(rejected, "reject"), {"reason": " "})
    assert response.status_code == 200
    rejected.refresh_from_db()
    assert rejected.status == FundRequestStatus.REQUESTED
    carol.post(_step(rejected, "reject"), {"reason": "Past niet bij het doel."})
    rejected.refresh_from_db()
    assert rejected.status == FundRequestStatus.REJECTED

    cancelled = approved(fund=fund, by=cast.alice, approver=cast.carol, household=household_a)
    frank.post(_step(cancelled, "cancel"), {"reason": "Dubbel ingediend."})
    cancelled.refresh_from_db()
    assert cancelled.status == FundRequestStatus.CANCELLED

    repaid = paid(
        fund=fund, by=cast.alice, approver=cast.carol, payer=cast.frank, household=household_a
    )
    response = frank.post(_step(repaid, "repay"), {"amount": "300", "note": ""})
    assert response.status_code == 200
    assert "More cannot be repaid than was paid" in response.content.decode()
    frank.post(_step(repaid, "repay"), {"amount": "100", "note": "Teruggestort."})
    repaid.refresh_from_db()
    assert (repaid.status, repaid.repaid_cents) == (FundRequestStatus.REPAID, 10_000)

    written = paid(
        fund=fund, by=cast.alice, approver=cast.carol, payer=cast.frank, household=household_a
    )
    assert frank.post(_step(written, "write-off"), {"note": ""}).status_code == 200
    frank.post(_step(written, "write-off"), {"note": "Niet inbaar."})
    written.refresh_from_db()
    assert written.status == FundRequestStatus.WRITTEN_OFF


# --- lists: no IBAN, query counts -------------------------------------------------------------
def test_lists_never_show_the_iban_and_take_few_queries(
    english: Any,
    cast: Cast,
    fund: Fund,
    household_a: Household,
    django_assert_max_num_queries: Any,
) -> None:
    for _n in range(3):
        paid(fund=fund, by=cast.alice, approver=cast.carol, payer=cast.frank, household=household_a)
    for _n in range(3):
        submitted(fund=fund, by=cast.alice, household=household_a)
    masked = FundRequest.objects.first().masked_iban  # type: ignore[union-attr]
    for user in (cast.alice, cast.frank):
        client = english(user)
        with django_assert_max_num_queries(25):
            response = client.get(reverse("funds:request-list"))
        body = response.content.decode()
        assert response.status_code == 200
        assert IBAN not in body
        assert masked not in body
        with django_assert_max_num_queries(30):
            response = client.get(reverse("funds:fund-detail", args=[fund.pk]))
        body = response.content.decode()
        assert response.status_code == 200
        assert IBAN not in body
        assert "€750.00" in body  # three paid
        with django_assert_max_num_queries(20):
            response = client.get(reverse("funds:list"))
        assert IBAN not in response.content.decode()


def test_the_fund_page_explains_the_rules_and_the_figures(
    english: Any, cast: Cast, household_a: Household
) -> None:
    fund = FundFactory(municipality=cast.north, budget_cents=100_000)
    MandateRuleFactory(fund=fund, max_amount_cents=20_000)
    MandateRuleFactory(
        fund=fund,
        min_amount_cents=20_001,
        approvals_required=2,
        approver_role=ApproverRole.TEAM_LEAD,
    )
    eviction = CostItemFactory(name="Ontruiming", amount_cents=800_000)
    paid(
        fund=fund,
        by=cast.alice,
        approver=cast.carol,
        payer=cast.frank,
        household=household_a,
        amount_cents=15_000,
        prevents_cost_item=eviction,
    )
    body = english(cast.alice).get(reverse("funds:fund-detail", args=[fund.pk])).content.decode()
    assert "one approval by a professional of the team" in body
    assert "2 approvals, each by the team lead" in body
    assert "€8,000.00" in body  # what it prevented
    assert "1 household helped, on average €150.00 per household." in body
    assert "2026-03" in body
    assert "fd-w-100" in body
    assert 'style="' not in body


# --- exports ----------------------------------------------------------------------------------
def test_the_figures_export_as_csv(
    english: Any, cast: Cast, fund: Fund, household_a: Household
) -> None:
    paid(fund=fund, by=cast.alice, approver=cast.carol, payer=cast.frank, household=household_a)
    client = english(cast.alice)
    assert client.get(reverse("funds:fund-export", args=[fund.pk])).status_code == 405
    asked = client.post(reverse("funds:fund-export", args=[fund.pk]))
    built = build_queued(client, asked, build_fund_figures)
    assert built.response["Content-Type"].startswith("text/csv")
    assert f'filename="potje-{fund.pk}-{fund.year}.csv"' in built.response["Content-Disposition"]
    text = built.content.decode("utf-8-sig")
    assert built.content.startswith("\ufeff".encode())
    assert "beschikbaar;9750.00" in text  # built in Dutch, as the worker does
    assert "beschikbaar;10000.00" not in text
    assert IBAN not in text
    other = FundFactory(municipality=cast.south, name="Potje Zuid")
    assert client.post(reverse("funds:fund-export", args=[other.pk])).status_code == 404


def test_a_formula_in_a_district_name_is_neutralised_in_the_figures(
    english: Any, cast: Cast, fund: Fund, household_a: Household
) -> None:
    from tests.factories import DistrictFactory

    district = DistrictFactory(municipality=cast.north, name='=HYPERLINK("http://x")')
    Household.objects.filter(pk=household_a.pk).update(district=district)
    paid(fund=fund, by=cast.alice, approver=cast.carol, payer=cast.frank, household=household_a)
    client = english(cast.alice)
    asked = client.post(reverse("funds:fund-export", args=[fund.pk]))
    text = build_queued(client, asked, build_fund_figures).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["per wijk", '\'=HYPERLINK("http://x")', "250.00", "1"] in rows
    assert "beschikbaar;9750.00" in text  # numbers stay numbers


def test_the_fund_manager_downloads_the_payment_batch_and_a_sepa_file(
    english: Any, cast: Cast, fund: Fund, household_a: Household
) -> None:
    to_pay = approved(fund=fund, by=cast.alice, approver=cast.carol, household=household_a)
    done = paid(
        fund=fund, by=cast.alice, approver=cast.carol, payer=cast.frank, household=household_a
    )
    frank = english(cast.frank)
    page = frank.get(reverse("funds:fund-detail", args=[fund.pk])).content.decode()
    assert "fd-sepa-form" in page
    exports = ProcessingLog.objects.filter(action=ProcessingAction.EXPORT)
    batch = reverse("funds:batch-csv", args=[fund.pk])
    asked = frank.post(batch, {"status": "goedgekeurd"})
    assert not exports.exists()  # the request only asks: the task reads and records
    built = build_queued(frank, asked, build_payment_batch_csv)
    assert built.response["Content-Type"].startswith("text/csv")
    text = built.content.decode("utf-8-sig")
    assert f"VEP-{fund.pk}-{to_pay.pk}" in text
    assert IBAN in text
    assert f"VEP-{fund.pk}-{done.pk}" not in text
    # One record per current member of the household, for the fund manager who asked.
    members = sorted(m.pseudonym for m in household_a.members.current())
    assert sorted(r.subject_pseudonym for r in exports.all()) == members
    assert {r.actor_id for r in exports.all()} == {cast.frank.pk}
    # Exporting changes nothing: the request is still to be paid, and can be exported again.
    to_pay.refresh_from_db()
    assert to_pay.status == FundRequestStatus.APPROVED
    paid_text = build_queued(
        frank, frank.post(batch, {"status": "betaald"}), build_payment_batch_csv
    ).content.decode("utf-8-sig")
    assert f"VEP-{fund.pk}-{done.pk}" in paid_text
    assert frank.post(batch, {"status": "afgewezen"}).status_code == 404

    sepa = reverse("funds:batch-sepa", args=[fund.pk])
    queued = Download.objects.count()
    response = frank.post(sepa, {"debtor_name": "Gemeente Noord", "debtor_iban": "NL00"})
    assert response.status_code == 200
    assert "This IBAN is not valid; check the account number." in response.content.decode()
    assert Download.objects.count() == queued  # nothing asked
    asked = frank.post(
        sepa,
        {
            "debtor_name": "Gemeente Noord",
            "debtor_iban": "NL02ABNA0123456789",
            "debtor_bic": "ABNANL2A",
        },
    )
    built = build_queued(frank, asked, build_payment_batch_sepa)
    assert built.response["Content-Type"] == "application/xml"
    assert built.download.summary == "1 overboeking"
    xml = built.content.decode()
    assert "pain.001" in xml
    assert f"VEP-{fund.pk}-{to_pay.pk}" in xml
    assert IBAN in xml
    assert "NL02ABNA0123456789" in xml
    assert english(cast.alice).post(sepa, {}).status_code == 403


def test_a_sepa_file_without_approved_transfers_is_a_form_error(
    english: Any, cast: Cast, fund: Fund
) -> None:
    response = english(cast.frank).post(
        reverse("funds:batch-sepa", args=[fund.pk]),
        {"debtor_name": "Gemeente Noord", "debtor_iban": "NL02ABNA0123456789"},
    )
    assert response.status_code == 200
    assert "There are no approved bank transfers to pay." in response.content.decode()
    assert not Download.objects.exists()


def test_the_batch_task_checks_the_fund_manager_again(
    english: Any, cast: Cast, fund: Fund, household_a: Household
) -> None:
    approved(fund=fund, by=cast.alice, approver=cast.carol, household=household_a)
    batch = reverse("funds:batch-csv", args=[fund.pk])
    english(cast.frank).post(batch, {"status": "goedgekeurd"})
    download = Download.objects.get()
    cast.frank.memberships.filter(role=Role.FUND_MANAGER).delete()
    assert download_build(download.pk, build=build_payment_batch_csv) == "failed"
    download.refresh_from_db()
    assert (download.status, download.file.name) == (DownloadStatus.FAILED, "")
    assert not ProcessingLog.objects.filter(action=ProcessingAction.EXPORT).exists()


def test_the_form_can_start_from_a_household(
    english: Any, cast: Cast, fund: Fund, household_a: Household
) -> None:
    client = english(cast.alice)
    url = reverse("funds:request-create")
    page = client.get(f"{url}?fonds={fund.pk}&huishouden={household_a.public_id}")
    assert f'<option value="{household_a.pk}" selected>' in page.content.decode()
    assert client.get(f"{url}?huishouden=not-a-uuid").status_code == 200


def test_the_request_form_offers_no_fund_of_a_past_year(
    english: Any, cast: Cast, fund: Fund
) -> None:
    last_year = north_fund(cast, name="Potje vorig jaar", year=timezone.localdate().year - 1)
    page = english(cast.alice).get(reverse("funds:request-create"))
    choices = [str(pk) for pk, _label in page.context["form"].fields["fund"].choices]
    assert str(fund.pk) in choices
    assert str(last_year.pk) not in choices
