"""Idempotency keys recover: a dead owner's key is taken over, a done key is done with its
command, old keys are purged, and the admin lists them without their responses."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from io import StringIO
from typing import Any

import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doorbraak.accounts.models import Role, User
from doorbraak.funds import ledger, services
from doorbraak.funds.idempotency import (
    IdempotencyKey,
    KeyState,
    purge_idempotency_keys,
    request_hash,
    run_idempotent,
)
from doorbraak.funds.models import (
    Approval,
    Fund,
    FundRequest,
    FundRequestStatus,
    LedgerTransaction,
    TransactionKind,
)
from doorbraak.funds.tasks import purge_idempotency_keys_task
from doorbraak.households.models import Household
from tests.conftest import Cast
from tests.factories import MembershipFactory, UserFactory
from tests.funds.factories import approved, submitted

JSON = "application/json"
AsUser = Callable[[User], Client]
T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def post(client: Client, address: str, data: Any, key: str) -> Any:
    return client.post(
        address, json.dumps(data), content_type=JSON, headers={"Idempotency-Key": key}
    )


def approve_url(fund_request: FundRequest) -> str:
    return reverse("api:fund-request-approve", args=[fund_request.pk])


def pay_url(fund_request: FundRequest) -> str:
    return reverse("api:fund-request-pay", args=[fund_request.pk])


def left_in_progress(user: User, key: str, endpoint: str, body: Any) -> IdempotencyKey:
    """The claim a process leaves behind when it dies in the middle of its command."""
    return IdempotencyKey.objects.create(
        user=user,
        key=key,
        endpoint=endpoint,
        request_hash=request_hash(endpoint, body),
        claim_token="dead" * 8,
        claimed_at=timezone.now(),
    )


# --- takeover -----------------------------------------------------------------------------------
def test_a_dead_owners_key_is_taken_over_after_the_takeover_time(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household, settings: Any
) -> None:
    settings.IDEMPOTENCY_TAKEOVER_MINUTES = 5
    found = submitted(fund=fund, by=cast.alice, household=household_a)
    body = {"note": "akkoord"}
    start = timezone.now().replace(microsecond=0)  # the session must not expire meanwhile
    with time_machine.travel(start, tick=False):
        stale = left_in_progress(cast.carol, "k-dead", f"fund-requests/{found.pk}/approve", body)
    carol = as_user(cast.carol)

    with time_machine.travel(start + datetime.timedelta(minutes=4, seconds=59), tick=False):
        busy = post(carol, approve_url(found), body, key="k-dead")
    assert busy.status_code == 409
    assert busy["Content-Type"] == "application/problem+json"
    assert Approval.objects.count() == 0

    later = start + datetime.timedelta(minutes=5, seconds=1)
    with time_machine.travel(later, tick=False):
        other_body = post(carol, approve_url(found), {"note": "anders"}, key="k-dead")
        assert other_body.status_code == 422  # a takeover needs the same request
        taken = post(carol, approve_url(found), body, key="k-dead")
    assert taken.status_code == 200, taken.content
    assert "Idempotent-Replayed" not in taken
    assert Approval.objects.filter(request=found, approver=cast.carol).count() == 1
    assert FundRequest.objects.get(pk=found.pk).status == FundRequestStatus.APPROVED
    stale.refresh_from_db()
    assert stale.state == KeyState.DONE
    assert stale.claimed_at == later
    assert stale.completed_at == later
    assert stale.claim_token != "dead" * 8
    assert stale.response_body == taken.json()

    with time_machine.travel(later + datetime.timedelta(minutes=10), tick=False):
        replay = post(carol, approve_url(found), body, key="k-dead")
    assert replay.status_code == 200
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == taken.json()
    assert Approval.objects.count() == 1


def test_the_takeover_time_comes_from_the_settings(cast: Cast, settings: Any) -> None:
    settings.IDEMPOTENCY_TAKEOVER_MINUTES = 30
    calls: list[int] = []

    def command() -> tuple[int, dict[str, object]]:
        calls.append(1)
        return 200, {"n": len(calls)}

    with time_machine.travel(T0, tick=False):
        left_in_progress(cast.frank, "k", "pay", {})
    with time_machine.travel(T0 + datetime.timedelta(minutes=29), tick=False):
        busy = run_idempotent(user=cast.frank, key="k", endpoint="pay", body={}, fn=command)
        assert (busy.status, calls) == (409, [])
    with time_machine.travel(T0 + datetime.timedelta(minutes=31), tick=False):
        result = run_idempotent(user=cast.frank, key="k", endpoint="pay", body={}, fn=command)
    assert (result.status, result.body, calls) == (200, {"n": 1}, [1])


def test_a_fresh_key_in_progress_still_answers_409(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    found = submitted(fund=fund, by=cast.alice, household=household_a)
    left_in_progress(cast.carol, "busy", f"fund-requests/{found.pk}/approve", {})
    response = post(as_user(cast.carol), approve_url(found), {}, key="busy")
    assert response.status_code == 409
    assert Approval.objects.count() == 0


def test_only_one_of_two_takers_wins(cast: Cast) -> None:
    with time_machine.travel(T0, tick=False):
        left_in_progress(cast.frank, "k", "pay", {})
    seen: list[str] = []

    def second_taker() -> tuple[int, dict[str, object]]:
        # While the first taker runs, a second request with the same key arrives.
        inner = run_idempotent(
            user=cast.frank, key="k", endpoint="pay", body={}, fn=lambda: (200, {"who": 2})
        )
        seen.append(str(inner.status))
        return 200, {"who": 1}

    with time_machine.travel(T0 + datetime.timedelta(hours=1), tick=False):
        first = run_idempotent(user=cast.frank, key="k", endpoint="pay", body={}, fn=second_taker)
    assert (first.status, first.body) == (200, {"who": 1})
    assert seen == ["409"]  # the claim it met was fresh: the first taker's


def test_a_slow_owner_whose_key_was_taken_over_rolls_its_command_back(
    cast: Cast, fund: Fund, household_a: Household
) -> None:
    """Marking the key done is part of the payment's transaction: both or neither."""
    found = approved(fund=fund, by=cast.alice, approver=cast.carol, household=household_a)

    def pay_then_lose_the_key() -> tuple[int, dict[str, object]]:
        services.fund_request_pay(
            actor=cast.frank,
            fund_request=found,
            payment_reference="B-1",
            paid_on=datetime.date(2026, 3, 2),
        )
        # Meanwhile the key was taken over by another request (the owner looked dead).
        IdempotencyKey.objects.filter(key="slow").update(claim_token="someone-else")
        return 200, {"status": "betaald"}

    result = run_idempotent(
        user=cast.frank, key="slow", endpoint="pay", body={}, fn=pay_then_lose_the_key
    )
    assert result.status == 409
    found.refresh_from_db()
    assert found.status == FundRequestStatus.APPROVED
    assert not LedgerTransaction.objects.filter(request=found, kind=TransactionKind.PAYMENT)
    assert IdempotencyKey.objects.get(key="slow").state == KeyState.IN_PROGRESS


def test_a_replay_after_a_committed_payment_returns_the_stored_result(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    found = approved(fund=fund, by=cast.alice, approver=cast.carol, household=household_a)
    frank = as_user(cast.frank)
    body = {"paymentReference": "B-7", "paidOn": "2026-03-02"}
    first = post(frank, pay_url(found), body, key="pay-7")
    assert first.status_code == 200
    key = IdempotencyKey.objects.get(key="pay-7")
    # Committed together: the payment is there and the key is done with its response.
    assert key.state == KeyState.DONE
    assert (key.response_status, key.response_body) == (200, first.json())
    assert key.completed_at is not None
    assert LedgerTransaction.objects.filter(request=found, kind=TransactionKind.PAYMENT).count()
    # Well after the takeover time the replay still gets the stored result.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=20), tick=False):
        replay = post(frank, pay_url(found), body, key="pay-7")
    assert replay.status_code == 200
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert LedgerTransaction.objects.filter(request=found, kind=TransactionKind.PAYMENT).count()
    assert ledger.balances(fund).paid == found.amount_cents


def test_long_keys_that_share_a_beginning_are_different_payments(
    as_user: AsUser, cast: Cast, fund: Fund, household_a: Household
) -> None:
    """The ledger keeps its own key per payment; a long key is hashed there, not cut."""
    first = approved(fund=fund, by=cast.alice, approver=cast.carol, household=household_a)
    second = approved(fund=fund, by=cast.alice, approver=cast.carol, household=household_a)
    frank = as_user(cast.frank)
    prefix = "batch-2026-03-" + "x" * 200
    body = {"paymentReference": "B-9", "paidOn": "2026-03-02"}
    assert post(frank, pay_url(first), body, key=prefix + "-1").status_code == 200
    assert post(frank, pay_url(second), body, key=prefix + "-2").status_code == 200
    assert ledger.balances(fund).paid == first.amount_cents + second.amount_cents
    keys = set(
        LedgerTransaction.objects.filter(kind=TransactionKind.PAYMENT).values_list(
            "idempotency_key", flat=True
        )
    )
    assert len(keys) == 2
    assert all(key is not None and len(key) <= 100 for key in keys)


# --- purge --------------------------------------------------------------------------------------
def _key(user: User, name: str, *, state: KeyState, at: datetime.datetime) -> IdempotencyKey:
    with time_machine.travel(at, tick=False):
        done = state == KeyState.DONE
        return IdempotencyKey.objects.create(
            user=user,
            key=name,
            endpoint="pay",
            request_hash=request_hash("pay", {}),
            state=state,
            claimed_at=at,
            response_status=200 if done else None,
            response_body={"status": "betaald"} if done else None,
            completed_at=at if done else None,
        )


def test_the_purge_removes_only_keys_done_longer_ago_than_retained(
    cast: Cast, settings: Any
) -> None:
    settings.IDEMPOTENCY_RETENTION_DAYS = 7
    now = T0 + datetime.timedelta(days=30)
    _key(cast.frank, "old-done", state=KeyState.DONE, at=now - datetime.timedelta(days=8))
    _key(cast.frank, "recent-done", state=KeyState.DONE, at=now - datetime.timedelta(days=6))
    _key(cast.frank, "old-running", state=KeyState.IN_PROGRESS, at=now - datetime.timedelta(days=9))
    assert purge_idempotency_keys(now=now) == 1
    assert set(IdempotencyKey.objects.values_list("key", flat=True)) == {
        "recent-done",
        "old-running",
    }
    settings.IDEMPOTENCY_RETENTION_DAYS = 5
    with time_machine.travel(now, tick=False):
        assert purge_idempotency_keys_task.call() == 1
    assert set(IdempotencyKey.objects.values_list("key", flat=True)) == {"old-running"}


def test_the_purge_command_runs_here_or_hands_it_to_the_worker(cast: Cast) -> None:
    _key(cast.frank, "ancient", state=KeyState.DONE, at=timezone.now() - datetime.timedelta(365))
    out = StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    assert "Deleted 1" in out.getvalue()
    assert not IdempotencyKey.objects.exists()
    out = StringIO()
    call_command("purge_idempotency_keys", "--enqueue", stdout=out)
    assert "Enqueued" in out.getvalue()


# --- admin --------------------------------------------------------------------------------------
def test_the_admin_lists_keys_read_only_without_their_responses(
    as_user: AsUser, cast: Cast
) -> None:
    secret = "Woonstichting Geheim NL91ABNA0417164300"
    mine = IdempotencyKey.objects.create(
        user=cast.frank,
        key="client-key-1",
        endpoint="fund-requests/7/pay",
        request_hash=request_hash("x", {}),
        state=KeyState.DONE,
        response_status=200,
        response_body={"payeeName": secret},
        completed_at=timezone.now(),
    )
    outsider = UserFactory(username="zuidbeheer")
    MembershipFactory(user=outsider, role=Role.FUND_MANAGER, municipality=cast.south)
    IdempotencyKey.objects.create(
        user=outsider, key="elsewhere", endpoint="fund-requests/99/pay", request_hash="y"
    )
    admin = as_user(cast.ivan)
    listing = admin.get(reverse("admin:funds_idempotencykey_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "fund-requests/7/pay" in page
    assert "fund-requests/99/pay" not in page  # a user of another municipality
    assert secret not in page
    assert "payeeName" not in page
    detail = admin.get(reverse("admin:funds_idempotencykey_change", args=[mine.pk]))
    assert detail.status_code == 200
    assert secret not in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert admin.get(reverse("admin:funds_idempotencykey_add")).status_code == 403
    deleted = admin.post(reverse("admin:funds_idempotencykey_delete", args=[mine.pk]), {"post": 1})
    assert deleted.status_code == 403
    assert IdempotencyKey.objects.filter(pk=mine.pk).exists()
    response = as_user(cast.alice).get(reverse("admin:funds_idempotencykey_changelist"))
    assert response.status_code in (302, 403)
