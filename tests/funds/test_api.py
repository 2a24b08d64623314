"""The funds API: funds and balances, the life of a request, idempotent approve and pay,
payment batches, access, the processing log, bad input and query counts."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doorbraak.accounts.models import User
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.downloads.models import Download
from doorbraak.downloads.services import Builder, download_build
from doorbraak.funds import ledger
from doorbraak.funds.exports import build_payment_batch_csv, build_payment_batch_sepa
from doorbraak.funds.idempotency import IdempotencyKey, request_hash
from doorbraak.funds.models import (
    Approval,
    Fund,
    FundRequest,
    FundRequestStatus,
    LedgerTransaction,
    TransactionKind,
)
from doorbraak.households.models import Household
from tests.conftest import Cast
from tests.funds.factories import (
    IBAN,
    FundFactory,
    MandateRuleFactory,
    approved,
    draft,
    paid,
    submitted,
)

JSON = "application/json"
PROBLEM = "application/problem+json"
AsUser = Callable[[User], Client]
MaxQueries = Any


def url(name: str, *args: Any) -> str:
    return reverse(f"api:{name}", args=args)


def post(client: Client, address: str, data: Any = None, key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        address, json.dumps(data if data is not None else {}), content_type=JSON, headers=headers
    )


def problem_names(response: Any) -> list[str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    return [p["name"] for p in response.json()["invalidParams"]]


@pytest.fixture
def two_approvals(cast: Cast) -> Fund:
    fund = FundFactory(municipality=cast.north, budget_cents=100_000, name="Potje Twee")
    MandateRuleFactory(fund=fund, approvals_required=2)
    return fund


def new_request(household: Household, fund: Fund, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "fund": fund.pk,
        "summary": "Huurachterstand van twee maanden; ontruiming dreigt.",
        "amountCents": 25_000,
        "purpose": "huur",
        "payeeKind": "iban",
        "payeeName": "Woonstichting Noord",
        "iban": "NL91 ABNA 0417 1643 00",
        "household": str(household.public_id),
    }
    data.update(overrides)
    return data


# --- funds -------------------------------------------------------------------------------------
def test_the_fund_list_shows_balances(as_user: AsUser, cast: Cast, fund: Fund) -> None:
    body = as_user(cast.alice).get(url("fund-list")).json()
    assert body["count"] == 1
    found = body["results"][0]
    assert found["name"] == "Potje Noord"
    assert found["balances"] == {
        "budgetCents": 100_000,
        "committedCents": 0,
        "paidCents": 0,
        "repaidCents": 0,
        "availableCents": 100_000,
    }
    assert as_user(cast.alice).get(url("fund-list"), {"year": "20x6"}).status_code == 400
    assert as_user(cast.alice).get(url("fund-list"), {"year": "1999"}).json()["count"] == 0


def test_the_fund_detail_shows_rules_and_spending(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    paid(fund=fund, by=cast.alice, approver=cast.carol, payer=cast.frank, household=household_a)
    approved(
        fund=fund,
        by=cast.alice,
        approver=cast.carol,
        household=household_a,
        amount_cents=10_000,
    )
    body = as_user(cast.frank).get(url("fund-detail", fund.pk)).json()
    assert body["balances"]["paidCents"] == 25_000
    assert body["balances"]["committedCents"] == 10_000
    assert body["balances"]["availableCents"] == 65_000
    assert body["mandateRules"][0]["approvalsRequired"] == 1
    line = body["spendByPurpose"][0]
    assert (line["key"], line["totalCents"], line["count"]) == ("huur", 25_000, 1)
    assert line["label"]
    assert body["spendByMonth"][0]["key"] == "2026-03"
    assert body["averagePerHousehold"] == {
        "households": 1,
        "totalCents": 25_000,
        "averageCents": 25_000,
    }
    assert body["prevented"]["requests"] == 0
    assert len(body["spendByDistrict"]) == 1


def test_mandate_rules_are_listed_and_added_by_the_fund_manager(
    as_user: AsUser, cast: Cast, fund: Fund
) -> None:
    rule = {"minAmountCents": 25_001, "approvalsRequired": 2, "approverRole": "professional"}
    response = post(as_user(cast.frank), url("mandate-rule-list", fund.pk), rule)
    assert response.status_code == 201, response.content
    assert response.json()["maxAmountCents"] is None
    assert post(as_user(cast.alice), url("mandate-rule-list", fund.pk), rule).status_code == 403
    bad = {**rule, "approvalsRequired": 0}
    names = problem_names(post(as_user(cast.frank), url("mandate-rule-list", fund.pk), bad))
    assert names == ["approvalsRequired"]
    assert len(as_user(cast.alice).get(url("mandate-rule-list", fund.pk)).json()) == 2


# --- the life of a request ---------------------------------------------------------------------
def test_a_request_goes_from_anonymous_draft_to_paid(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    alice = as_user(cast.alice)
    data = new_request(household_a, fund)
    del data["household"]
    response = post(alice, url("fund-request-create"), data)
    assert response.status_code == 201, response.content
    created = response.json()
    pk = created["id"]
    assert created["household"] is None
    assert created["status"] == "concept"
    assert created["iban"] == "NL91 •••• 4300"  # masked for the team
    assert created["actions"]["edit"] is True

    response = alice.patch(url("fund-request-detail", pk), {"amountCents": 30_000}, JSON)
    assert response.status_code == 200, response.content
    assert response.json()["amountCents"] == 30_000
    response = post(
        alice, url("fund-request-household", pk), {"household": str(household_a.public_id)}
    )
    assert response.json()["household"] == str(household_a.public_id)
    response = post(alice, url("fund-request-submit", pk))
    assert response.json()["status"] == "aangevraagd", response.content

    carol = as_user(cast.carol)
    assert carol.get(url("fund-request-detail", pk)).json()["actions"]["approve"] is True
    response = post(carol, url("fund-request-approve", pk), {"note": "Akkoord"}, key="a-1")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "goedgekeurd"
    assert response.json()["approvals"][0]["note"] == "Akkoord"

    frank = as_user(cast.frank)
    response = post(
        frank,
        url("fund-request-pay", pk),
        {"paymentReference": "BATCH-1", "paidOn": "2026-01-05"},
        key="p-1",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "betaald"
    assert response.json()["iban"] == "NL91 •••• 4300"  # stored with the key: masked
    detail = frank.get(url("fund-request-detail", pk)).json()
    assert detail["iban"] == IBAN  # in full for the fund manager
    assert detail["paymentReference"] == "BATCH-1"
    assert detail["actions"]["settle"] is True
    assert ledger.balances(fund).paid == 30_000

    response = post(frank, url("fund-request-repay", pk), {"amountCents": 10_000, "note": "Terug"})
    assert response.json()["status"] == "terugbetaald", response.content
    assert ledger.balances(fund).available == 80_000


def test_a_paid_request_can_be_written_off(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    found = paid(
        fund=fund, by=cast.alice, approver=cast.carol, payer=cast.frank, household=household_a
    )
    frank = as_user(cast.frank)
    assert "note" in problem_names(post(frank, url("fund-request-write-off", found.pk), {}))
    response = post(frank, url("fund-request-write-off", found.pk), {"note": "Niet te innen"})
    assert response.json()["status"] == "afgeschreven"


def test_requests_are_rejected_and_cancelled_with_a_reason(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    first = submitted(fund=fund, by=cast.alice, household=household_a)
    carol = as_user(cast.carol)
    assert "reason" in problem_names(post(carol, url("fund-request-reject", first.pk), {}))
    response = post(carol, url("fund-request-reject", first.pk), {"reason": "Geen noodzaak"})
    assert response.json()["status"] == "afgewezen"
    assert response.json()["rejectionReason"] == "Geen noodzaak"

    second = approved(fund=fund, by=cast.alice, approver=cast.carol, household=household_a)
    assert ledger.balances(fund).committed == 25_000
    response = post(
        as_user(cast.frank), url("fund-request-cancel", second.pk), {"reason": "Dubbel"}
    )
    assert response.json()["status"] == "ingetrokken", response.content
    assert ledger.balances(fund).committed == 0


def test_lists_never_show_the_iban(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    submitted(fund=fund, by=cast.alice, household=household_a)
    for user in (cast.alice, cast.frank):
        response = as_user(user).get(url("fund-request-list", fund.pk))
        assert response.json()["count"] == 1
        assert "iban" not in response.json()["results"][0]
        assert "ABNA" not in response.content.decode()
    filtered = as_user(cast.alice).get(url("fund-request-list", fund.pk), {"status": "betaald"})
    assert filtered.json()["count"] == 0


# --- idempotency -------------------------------------------------------------------------------
def test_approve_and_pay_require_an_idempotency_key(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    found = submitted(fund=fund, by=cast.alice, household=household_a)
    response = post(as_user(cast.carol), url("fund-request-approve", found.pk), {})
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "Idempotency-Key" in response.json()["detail"]
    response = post(as_user(cast.carol), url("fund-request-approve", found.pk), {}, key=" ")
    assert response.status_code == 400
    response = post(as_user(cast.frank), url("fund-request-pay", found.pk), {})
    assert response.status_code == 400
    assert FundRequest.objects.get(pk=found.pk).status == FundRequestStatus.REQUESTED


def test_a_replayed_approval_returns_the_first_result(
    as_user: AsUser, cast: Cast, two_approvals: Fund, household_a: Household
) -> None:
    found = submitted(fund=two_approvals, by=cast.alice, household=household_a)
    carol = as_user(cast.carol)
    first = post(carol, url("fund-request-approve", found.pk), {"note": "ok"}, key="k1")
    again = post(carol, url("fund-request-approve", found.pk), {"note": "ok"}, key="k1")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Approval.objects.filter(request=found).count() == 1
    other = post(carol, url("fund-request-approve", found.pk), {"note": "anders"}, key="k1")
    assert other.status_code == 422
    assert other["Content-Type"] == PROBLEM
    # A new key is a new command: approving twice is refused and changes nothing.
    twice = post(carol, url("fund-request-approve", found.pk), {"note": "ok"}, key="k2")
    assert problem_names(twice) == ["nonFieldErrors"]
    assert Approval.objects.filter(request=found).count() == 1


def test_a_replayed_payment_pays_once(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    found = approved(fund=fund, by=cast.alice, approver=cast.carol, household=household_a)
    frank = as_user(cast.frank)
    body = {"paymentReference": "B-7", "paidOn": "2026-02-02"}
    responses = [post(frank, url("fund-request-pay", found.pk), body, key="pay-7") for _ in "abc"]
    assert {r.status_code for r in responses} == {200}
    assert responses[0].json() == responses[2].json()
    payments = LedgerTransaction.objects.filter(request=found, kind=TransactionKind.PAYMENT)
    assert payments.count() == 1
    assert ledger.balances(fund).paid == 25_000
    changed = {**body, "paymentReference": "B-8"}
    assert post(frank, url("fund-request-pay", found.pk), changed, key="pay-7").status_code == 422


def test_a_concurrent_duplicate_gets_409(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    found = submitted(fund=fund, by=cast.alice, household=household_a)
    endpoint = f"fund-requests/{found.pk}/approve"
    IdempotencyKey.objects.create(
        user=cast.carol, key="busy", endpoint=endpoint, request_hash=request_hash(endpoint, {})
    )
    response = post(as_user(cast.carol), url("fund-request-approve", found.pk), {}, key="busy")
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert FundRequest.objects.get(pk=found.pk).status == FundRequestStatus.REQUESTED


def test_a_refused_command_releases_its_key(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    found = submitted(fund=fund, by=cast.alice, household=household_a)
    own = post(as_user(cast.alice), url("fund-request-approve", found.pk), {}, key="mine")
    assert problem_names(own) == ["nonFieldErrors"]  # nobody approves their own request
    assert not IdempotencyKey.objects.filter(key="mine").exists()
    assert Approval.objects.count() == 0


# --- access ------------------------------------------------------------------------------------
def test_other_teams_and_municipalities_get_404(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    found = submitted(fund=fund, by=cast.alice, household=household_a)
    for user in (cast.bob, cast.mallory):
        client = as_user(user)
        assert client.get(url("fund-request-detail", found.pk)).status_code == 404
        assert post(client, url("fund-request-approve", found.pk), {}, key="x").status_code == 404
        assert (
            post(client, url("fund-request-cancel", found.pk), {"reason": "x"}).status_code == 404
        )
    assert as_user(cast.mallory).get(url("fund-detail", fund.pk)).status_code == 404
    assert as_user(cast.mallory).get(url("fund-list")).json()["count"] == 0
    for user in (cast.dave, cast.heidi):
        client = as_user(user)
        assert client.get(url("fund-list")).status_code == 403
        assert client.get(url("fund-detail", fund.pk)).status_code in (403, 404)
        assert client.get(url("fund-request-detail", found.pk)).status_code in (403, 404)
        assert post(client, url("fund-request-create"), {}).status_code in (403, 404)
    assert Client().get(url("fund-list")).status_code == 401


def test_the_fund_manager_sees_only_his_municipality(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household, household_z: Household
) -> None:
    south = FundFactory(municipality=cast.south, name="Potje Zuid")
    MandateRuleFactory(fund=south)
    theirs = submitted(fund=south, by=cast.mallory, household=household_z)
    ours = submitted(fund=fund, by=cast.alice, household=household_a)
    frank = as_user(cast.frank)
    assert [f["name"] for f in frank.get(url("fund-list")).json()["results"]] == ["Potje Noord"]
    assert frank.get(url("fund-detail", south.pk)).status_code == 404
    assert frank.get(url("fund-request-detail", theirs.pk)).status_code == 404
    assert post(frank, url("fund-payment-batch", south.pk)).status_code == 404
    assert post(frank, url("fund-payment-batch-sepa", south.pk), SEPA).status_code == 404
    assert frank.get(url("fund-request-detail", ours.pk)).status_code == 200
    # A draft stays with the team.
    concept = draft(fund=fund, by=cast.alice, household=household_a)
    assert frank.get(url("fund-request-detail", concept.pk)).status_code == 404


def test_only_the_fund_manager_pays(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    found = approved(fund=fund, by=cast.alice, approver=cast.carol, household=household_a)
    body = {"paymentReference": "B-1"}
    response = post(as_user(cast.carol), url("fund-request-pay", found.pk), body, key="c")
    assert response.status_code == 403
    assert FundRequest.objects.get(pk=found.pk).status == FundRequestStatus.APPROVED


# --- processing log ----------------------------------------------------------------------------
def test_reading_a_request_of_a_household_is_logged(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    found = submitted(fund=fund, by=cast.alice, household=household_a)
    before = ProcessingLog.objects.filter(
        activity=ProcessingActivity.FUND, action=ProcessingAction.READ
    ).count()
    assert as_user(cast.frank).get(url("fund-request-detail", found.pk)).status_code == 200
    logs = ProcessingLog.objects.filter(
        activity=ProcessingActivity.FUND,
        action=ProcessingAction.READ,
        object_type="funds.fundrequest",
        object_id=str(found.pk),
    )
    assert logs.count() > before
    assert {log.actor for log in logs} == {cast.frank}


SEPA = {"debtorName": "Gemeente Noord", "debtorIban": "NL02ABNA0123456789"}


def _build(response: Any, build: Builder) -> Download:
    """The worker's part: build the job the 202 answer points at, as the task does."""
    assert response.status_code == 202, response.content
    download = Download.objects.get(public_id=response.json()["id"])
    assert response["Location"].endswith(url("download-detail", download.public_id))
    assert download_build(download.pk, build=build) == "done"
    download.refresh_from_db()
    return download


def test_the_payment_batch_is_built_by_the_worker_and_logged(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    approved(fund=fund, by=cast.alice, approver=cast.carol, household=household_a)
    frank = as_user(cast.frank)
    asked = post(frank, url("fund-payment-batch", fund.pk), {"status": "goedgekeurd"})
    assert asked.status_code == 202, asked.content
    assert asked.json()["status"] == "wacht"
    assert asked.json()["fileUrl"] is None
    # Asking records nothing: the worker records the export as it reads the requests.
    exports = ProcessingLog.objects.filter(
        activity=ProcessingActivity.FUND, action=ProcessingAction.EXPORT
    )
    assert not exports.exists()
    download = _build(asked, build_payment_batch_csv)
    assert {log.actor for log in exports} == {cast.frank}
    job = frank.get(asked["Location"]).json()
    assert (job["status"], job["progress"], job["summary"]) == ("klaar", 100, "1 betaling")
    file = frank.get(job["fileUrl"], HTTP_ACCEPT="text/csv")
    assert file.status_code == 200
    assert file["Content-Type"].startswith("text/csv")
    assert IBAN in b"".join(file.streaming_content).decode("utf-8-sig")
    assert download.requested_by == cast.frank

    # The file was built in the request before: that GET is gone.
    assert frank.get(url("fund-payment-batch", fund.pk)).status_code == 405
    assert frank.get(url("fund-payment-batch-sepa", fund.pk), SEPA).status_code == 405
    assert problem_names(post(frank, url("fund-payment-batch", fund.pk), {"status": "x"})) == [
        "status"
    ]
    # Nobody else sees the job or its file.
    assert post(as_user(cast.alice), url("fund-payment-batch", fund.pk)).status_code == 403
    assert as_user(cast.alice).get(asked["Location"]).status_code == 404
    assert as_user(cast.alice).get(job["fileUrl"]).status_code == 404


def test_the_sepa_file_is_built_by_the_worker_and_logged(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    approved(fund=fund, by=cast.alice, approver=cast.carol, household=household_a)
    frank = as_user(cast.frank)
    bad = post(
        frank,
        url("fund-payment-batch-sepa", fund.pk),
        {"debtorName": "X", "debtorIban": "NL00", "debtorBic": "ABN"},
    )
    assert problem_names(bad) == ["debtorIban", "debtorBic"]
    assert not Download.objects.exists()  # nothing queued
    asked = post(frank, url("fund-payment-batch-sepa", fund.pk), {**SEPA, "debtorBic": "abnanl2a"})
    download = _build(asked, build_payment_batch_sepa)
    assert download.parameters["debtor_bic"] == "ABNANL2A"
    assert ProcessingLog.objects.filter(
        activity=ProcessingActivity.FUND, action=ProcessingAction.EXPORT, actor=cast.frank
    ).exists()
    job = frank.get(asked["Location"]).json()
    assert (job["status"], job["summary"]) == ("klaar", "1 overboeking")
    file = frank.get(job["fileUrl"], HTTP_ACCEPT="application/xml")
    assert file["Content-Type"] == "application/xml"
    xml = b"".join(file.streaming_content)
    assert b"pain.001.001.03" in xml
    assert IBAN.encode() in xml
    assert b"<BIC>ABNANL2A</BIC>" in xml
    assert as_user(cast.mallory).get(asked["Location"]).status_code == 404


# --- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amountCents": 0}, "amountCents"),
        ({"amountCents": -500}, "amountCents"),
        ({"amountCents": 10**20}, "amountCents"),
        ({"iban": "NL00ABNA0000000000"}, "iban"),
        ({"purpose": "casino"}, "purpose"),
        ({"summary": "  "}, "summary"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(
    as_user: AsUser,
    cast: Cast,
    fund: Fund,
    household_a: Household,
    overrides: dict[str, Any],
    field: str,
) -> None:
    data = new_request(household_a, fund, **overrides)
    response = post(as_user(cast.alice), url("fund-request-create"), data)
    assert field in problem_names(response)
    assert FundRequest.objects.count() == 0


def test_links_out_of_reach_are_refused(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household, household_b: Household
) -> None:
    alice = as_user(cast.alice)
    south = FundFactory(municipality=cast.south)
    for overrides, field in (
        ({"household": str(household_b.public_id)}, "household"),
        ({"fund": south.pk}, "fund"),
        ({"breakthrough": 999_999}, "breakthrough"),
        ({"preventsCostItem": 999_999}, "preventsCostItem"),
    ):
        data = {**new_request(household_a, fund), **overrides}
        response = post(alice, url("fund-request-create"), data)
        assert problem_names(response) == [field]
    assert FundRequest.objects.count() == 0


def test_a_submitted_request_is_not_edited(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    found = submitted(fund=fund, by=cast.alice, household=household_a)
    response = as_user(cast.alice).patch(
        url("fund-request-detail", found.pk), {"amountCents": 1}, JSON
    )
    assert problem_names(response) == ["nonFieldErrors"]
    assert FundRequest.objects.get(pk=found.pk).amount_cents == 25_000


def test_over_the_cap_is_refused_at_submission(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    fund = FundFactory(municipality=cast.north, cap_per_request_cents=50_000)
    MandateRuleFactory(fund=fund)
    found = draft(fund=fund, by=cast.alice, household=household_a, amount_cents=60_000)
    response = post(as_user(cast.alice), url("fund-request-submit", found.pk))
    assert problem_names(response) == ["amountCents"]
    assert FundRequest.objects.get(pk=found.pk).status == FundRequestStatus.DRAFT


# --- robustness --------------------------------------------------------------------------------
JSON_VALUES = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
    st.booleans(),
    st.lists(st.one_of(st.text(max_size=5), st.integers()), max_size=3),
)
FIELD_NAMES = st.sampled_from(
    [
        "fund",
        "summary",
        "amountCents",
        "purpose",
        "payeeKind",
        "payeeName",
        "iban",
        "household",
        "breakthrough",
        "tableDecisionRef",
        "preventsCostItem",
        "note",
        "paymentReference",
        "paidOn",
    ]
)
ARBITRARY = st.one_of(
    st.dictionaries(st.one_of(FIELD_NAMES, st.text(max_size=10)), JSON_VALUES, max_size=8),
    JSON_VALUES,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=ARBITRARY)
def test_arbitrary_json_is_never_a_500(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household, payload: Any
) -> None:
    waiting = FundRequest.objects.filter(status=FundRequestStatus.REQUESTED).first()
    if waiting is None:
        waiting = submitted(fund=fund, by=cast.alice, household=household_a, amount_cents=100)
    to_pay = FundRequest.objects.filter(status=FundRequestStatus.APPROVED).first()
    if to_pay is None:
        to_pay = approved(
            fund=fund, by=cast.alice, approver=cast.carol, household=household_a, amount_cents=100
        )
    data = json.dumps(payload)
    for user, address, key in (
        (cast.alice, url("fund-request-create"), None),
        (cast.carol, url("fund-request-approve", waiting.pk), "h-approve"),
        (cast.frank, url("fund-request-pay", to_pay.pk), "h-pay"),
    ):
        headers = {"Idempotency-Key": key} if key else {}
        response = as_user(user).post(address, data, content_type=JSON, headers=headers)
        assert response.status_code < 500, (address, payload, response.content)
    for booked in LedgerTransaction.objects.all():
        assert sum(e.amount_cents for e in booked.entries.all()) == 0


# --- query counts ------------------------------------------------------------------------------
@pytest.mark.parametrize("count", [1, 5])
def test_the_fund_list_takes_a_fixed_number_of_queries(
    as_user: AsUser, cast: Cast, count: int, django_assert_max_num_queries: MaxQueries
) -> None:
    for number in range(count):
        FundFactory(municipality=cast.north, name=f"Potje {number}")
    client = as_user(cast.frank)
    with django_assert_max_num_queries(10):
        response = client.get(url("fund-list"))
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 5])
def test_the_request_list_takes_a_fixed_number_of_queries(
    as_user: AsUser,
    cast: Cast,
    fund: Fund,
    household_a: Household,
    count: int,
    django_assert_max_num_queries: MaxQueries,
) -> None:
    for _ in range(count):
        submitted(fund=fund, by=cast.alice, household=household_a, amount_cents=1_000)
    client = as_user(cast.frank)
    with django_assert_max_num_queries(10):
        response = client.get(url("fund-request-list", fund.pk))
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 4])
def test_the_details_take_a_fixed_number_of_queries(
    as_user: AsUser,
    cast: Cast,
    fund: Fund,
    household_a: Household,
    count: int,
    django_assert_max_num_queries: MaxQueries,
) -> None:
    found = None
    for day in range(count):
        found = paid(
            fund=fund,
            by=cast.alice,
            approver=cast.carol,
            payer=cast.frank,
            household=household_a,
            amount_cents=1_000,
            purpose=["huur", "energie", "zorg", "werk"][day],
        )
    assert found is not None
    client = as_user(cast.frank)
    with django_assert_max_num_queries(16):
        assert client.get(url("fund-detail", fund.pk)).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(url("fund-request-detail", found.pk)).status_code == 200
    assert datetime.date(2026, 3, 2) == FundRequest.objects.get(pk=found.pk).paid_on
