"""No deadlocks on PostgreSQL: the pairs of services that used to deadlock, side by side.

Each test lines two (or three) threads up on a barrier, each with its own database
connection against a committed database (``transaction=True``), and lets them call the
real services at the same moment, 20 times over. Every call must succeed: no ``deadlock
detected``, no other error, and no retry by the deadlock safety net
(``doorbraak.lib.retry`` logs every retry; a retry means the lock order of
``docs/locking.md`` let a deadlock through). Afterwards the processing log verifies.

Only on PostgreSQL (marker ``postgresql``): SQLite serialises writers with ``BEGIN
IMMEDIATE`` and has no row locks to get wrong.
"""

from __future__ import annotations

import datetime
import importlib
import logging
import threading
from collections.abc import Callable, Iterator

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from doorbraak.accounts.models import User
from doorbraak.assessments import services as assessments
from doorbraak.assessments.models import Assessment, LifeDomain
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.funds import services as funds
from doorbraak.funds.models import (
    Fund,
    FundPurpose,
    FundRequest,
    FundRequestStatus,
    PayeeKind,
)
from doorbraak.households import services as households
from doorbraak.households.models import Household, Member, MemberRole
from doorbraak.households.selectors import household_open
from doorbraak.plans import services as plans
from doorbraak.plans.models import ActionOwner, Goal, Plan
from tests.conftest import Cast, login_verified
from tests.funds.factories import (
    IBAN,
    FundFactory,
    MandateRuleFactory,
    draft,
    submitted_in_bulk,
)

# With the other many-thread tests on one xdist worker: SHARED_WORKER_FILES in tests/conftest.py.
pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

REPETITIONS = 20
AMOUNT = 10_000


# --- running services side by side -----------------------------------------------------------
def side_by_side(*works: Callable[[], object]) -> list[str]:
    """Run every ``work`` in its own thread, started together; the errors they met."""
    barrier = threading.Barrier(len(works))
    errors: list[str] = []

    def run(work: Callable[[], object]) -> None:
        try:
            translation.activate("en")
            barrier.wait(timeout=30)
            work()
        except Exception as error:  # every error is a finding, not only deadlocks
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs"
    return errors


class RetryCounter(logging.Handler):
    """Counts the retries of the deadlock safety net, from every thread."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def retries() -> Iterator[RetryCounter]:
    counter = RetryCounter()
    logger = logging.getLogger("doorbraak.lib.retry")
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)


def assert_clean(errors: list[str], retries: RetryCounter) -> None:
    assert errors == [], errors
    assert retries.messages == [], retries.messages
    call_command("verify_processing_log")


# --- data ----------------------------------------------------------------------------------
@pytest.fixture
def domains(cast: Cast) -> list[LifeDomain]:
    """The default catalogue: a transactional test starts from a flushed database, so the
    data migration that installs it runs again."""
    importlib.import_module("doorbraak.assessments.migrations.0003_default_life_domains").load(
        django_apps, None
    )
    return assessments.domains_for(cast.north)


def newcomer(index: int, role: MemberRole = MemberRole.OTHER_ADULT) -> households.MemberData:
    return households.MemberData(
        first_name=f"Nieuw{index}",
        last_name="Zwart",
        birth_date=datetime.date(1990, 1, 1) + datetime.timedelta(days=index),
        role=role,
    )


def scores(domains: list[LifeDomain]) -> list[assessments.ScoreData]:
    return [assessments.ScoreData(d.pk, 2 if i < 3 else 4) for i, d in enumerate(domains)]


# --- 1. a member joins while an assessment is recorded ----------------------------------------
def test_adding_a_member_while_an_assessment_is_recorded(
    cast: Cast, dora: User, household_a: Household, domains: list[LifeDomain], retries: RetryCounter
) -> None:
    errors: list[str] = []
    for index in range(REPETITIONS):
        # Every other round the newcomer becomes head: the old head is demoted as well.
        role = MemberRole.HEAD if index % 2 else MemberRole.OTHER_ADULT
        errors += side_by_side(
            lambda i=index, r=role: households.member_add(
                actor=cast.alice, household=household_a, data=newcomer(i, r)
            ),
            lambda: assessments.assessment_record(
                actor=dora, household=household_a, scores=scores(domains)
            ),
        )
    assert_clean(errors, retries)
    assert Member.objects.filter(household=household_a).count() == 2 + REPETITIONS
    assert Assessment.objects.filter(household=household_a).count() == REPETITIONS


# --- 2. a plan goal is added while a member joins --------------------------------------------
def test_adding_a_goal_while_a_member_is_added(
    cast: Cast, dora: User, household_a: Household, domains: list[LifeDomain], retries: RetryCounter
) -> None:
    plan = plans.plan_start(actor=cast.alice, household=household_a)
    errors: list[str] = []
    for index in range(REPETITIONS):
        errors += side_by_side(
            lambda i=index: plans.goal_add(
                actor=cast.alice, plan=plan, domain=domains[i % len(domains)], description=f"D{i}"
            ),
            lambda i=index: households.member_add(
                actor=dora, household=household_a, data=newcomer(i)
            ),
            lambda i=index: plans.action_add(
                actor=dora,
                plan=plan,
                description=f"Actie {i}",
                owner=ActionOwner.HOUSEHOLD,
                due_on=datetime.date(2026, 12, 1),
            ),
        )
    assert_clean(errors, retries)
    assert Goal.objects.filter(plan=plan).count() == REPETITIONS
    assert sorted(Goal.objects.filter(plan=plan).values_list("position", flat=True)) == list(
        range(REPETITIONS)
    )
    assert Plan.objects.get(pk=plan.pk).actions.count() == REPETITIONS


# --- 3. a fund request is drafted while another one is approved or edited ---------------------
def _submitted(fund: Fund, *, by: User, household: Household, count: int) -> list[FundRequest]:
    return submitted_in_bulk(
        fund=fund, by=by, household=household, count=count, amount_cents=AMOUNT
    )


def test_drafting_a_request_while_another_of_the_fund_is_approved_or_edited(
    cast: Cast, dora: User, household_a: Household, retries: RetryCounter
) -> None:
    fund = FundFactory(municipality=cast.north, budget_cents=10 * REPETITIONS * AMOUNT)
    MandateRuleFactory(fund=fund)
    to_approve = _submitted(fund, by=cast.alice, household=household_a, count=REPETITIONS)
    to_edit = draft(fund=fund, by=dora, household=household_a)
    errors: list[str] = []
    for index in range(REPETITIONS):
        errors += side_by_side(
            lambda: draft(fund=fund, by=cast.alice, household=household_a, amount_cents=AMOUNT),
            lambda i=index: funds.fund_request_approve(actor=dora, fund_request=to_approve[i]),
            lambda i=index: funds.fund_request_update(
                actor=dora,
                fund_request=to_edit,
                summary=f"Huurachterstand, versie {i}",
                amount_cents=AMOUNT + i,
                purpose=FundPurpose.RENT,
                payee_kind=PayeeKind.IBAN,
                payee_name="Woonstichting Noord",
                iban=IBAN,
            ),
        )
    assert_clean(errors, retries)
    statuses = FundRequest.objects.filter(fund=fund).values_list("status", flat=True)
    assert list(statuses).count(FundRequestStatus.APPROVED) == REPETITIONS
    assert list(statuses).count(FundRequestStatus.DRAFT) == REPETITIONS + 1


def test_drafting_requests_while_requests_of_the_fund_are_submitted_and_approved(
    cast: Cast, dora: User, household_a: Household, retries: RetryCounter
) -> None:
    fund = FundFactory(municipality=cast.north, budget_cents=10 * REPETITIONS * AMOUNT)
    MandateRuleFactory(fund=fund)
    drafts = [draft(fund=fund, by=cast.alice, household=household_a) for _ in range(REPETITIONS)]
    to_approve = _submitted(fund, by=cast.alice, household=household_a, count=REPETITIONS)
    errors: list[str] = []
    for index in range(REPETITIONS):
        errors += side_by_side(
            lambda: draft(fund=fund, by=dora, household=household_a, amount_cents=AMOUNT),
            lambda i=index: funds.fund_request_submit(actor=cast.alice, fund_request=drafts[i]),
            lambda i=index: funds.fund_request_approve(actor=dora, fund_request=to_approve[i]),
        )
    assert_clean(errors, retries)


# --- 4. two professionals open the household page while one adds a member ---------------------
def test_two_professionals_open_the_household_page_while_a_member_is_added(
    cast: Cast, dora: User, household_a: Household, retries: RetryCounter
) -> None:
    clients = [login_verified(Client(), user) for user in (cast.alice, dora)]
    url = reverse("households:detail", args=[household_a.public_id])
    reads_before = ProcessingLog.objects.filter(action=ProcessingAction.READ).count()
    statuses: list[int] = []

    def open_page(client: Client) -> None:
        response = client.get(url)
        statuses.append(response.status_code)
        if response.status_code != 200:
            raise AssertionError(f"household page answered {response.status_code}")

    errors: list[str] = []
    for index in range(REPETITIONS):
        errors += side_by_side(
            lambda c=clients[0]: open_page(c),
            lambda c=clients[1]: open_page(c),
            lambda i=index: households.member_add(
                actor=cast.alice, household=household_a, data=newcomer(i)
            ),
        )
    assert_clean(errors, retries)
    assert statuses == [200] * (2 * REPETITIONS)
    # Every page view logged a read of every member it showed.
    assert ProcessingLog.objects.filter(action=ProcessingAction.READ).count() > reads_before


# --- inserting a child never waits for, nor blocks, the lock on its parent --------------------
def while_open(work: Callable[[], object], then: Callable[[], object]) -> None:
    """Run ``work`` in a thread and keep its transaction open while ``then`` runs here.

    The open transaction has run its foreign-key checks, so it holds ``FOR KEY SHARE`` on
    every parent of the rows it inserted, as it does while it commits.

    ``then`` gets a lock timeout: if it had to wait for the open transaction it fails with
    "canceling statement due to lock timeout" instead of hanging (the open transaction
    only commits after ``then`` returned). The timeout only bounds a failure.
    """
    ready, release = threading.Event(), threading.Event()
    failures: list[str] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                work()
                # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: their checks, and
                # the FOR KEY SHARE locks on the parents, come at COMMIT. Take them now, so
                # the open transaction holds what a committing one holds.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                ready.set()
                release.wait(timeout=60)
        except Exception as error:
            failures.append(f"{type(error).__name__}: {error}")
        finally:
            ready.set()
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert ready.wait(timeout=60)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '10s'")
        try:
            then()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        release.set()
        thread.join(timeout=60)
    assert failures == [], failures


def test_an_approval_does_not_wait_for_a_draft_of_the_same_fund(
    cast: Cast, dora: User, household_a: Household, retries: RetryCounter
) -> None:
    fund = FundFactory(municipality=cast.north, budget_cents=10 * AMOUNT)
    MandateRuleFactory(fund=fund)
    waiting = _submitted(fund, by=cast.alice, household=household_a, count=1)[0]
    editing = draft(fund=fund, by=dora, household=household_a)
    while_open(
        lambda: draft(fund=fund, by=cast.alice, household=household_a),
        lambda: (
            funds.fund_request_approve(actor=dora, fund_request=waiting),
            funds.fund_request_update(
                actor=dora,
                fund_request=editing,
                summary="Huurachterstand, bijgewerkt",
                amount_cents=AMOUNT,
                purpose=FundPurpose.RENT,
                payee_kind=PayeeKind.IBAN,
                payee_name="Woonstichting Noord",
                iban=IBAN,
            ),
        ),
    )
    assert FundRequest.objects.get(pk=waiting.pk).status == FundRequestStatus.APPROVED
    assert_clean([], retries)


def test_an_assessment_does_not_wait_for_a_fund_approval_on_the_household_timeline(
    cast: Cast, dora: User, household_a: Household, domains: list[LifeDomain], retries: RetryCounter
) -> None:
    fund = FundFactory(municipality=cast.north, budget_cents=10 * AMOUNT)
    MandateRuleFactory(fund=fund)
    waiting = _submitted(fund, by=cast.alice, household=household_a, count=1)[0]
    # The approval locks the fund and writes an event on the household's timeline.
    while_open(
        lambda: funds.fund_request_approve(actor=dora, fund_request=waiting),
        lambda: assessments.assessment_record(
            actor=cast.alice, household=household_a, scores=scores(domains)
        ),
    )
    assert Assessment.objects.filter(household=household_a).count() == 1
    assert_clean([], retries)


def test_adding_a_member_does_not_wait_for_someone_reading_the_household_page(
    cast: Cast, dora: User, household_a: Household, retries: RetryCounter
) -> None:
    while_open(
        lambda: household_open(user=dora, public_id=household_a.public_id),
        lambda: households.member_add(actor=cast.alice, household=household_a, data=newcomer(1)),
    )
    assert Member.objects.filter(household=household_a).count() == 3
    assert_clean([], retries)


# --- 5. a partner answers while the household is worked on -----------------------------------
def test_a_partner_answers_while_a_member_is_added_and_an_assessment_is_recorded(
    cast: Cast, dora: User, household_a: Household, domains: list[LifeDomain], retries: RetryCounter
) -> None:
    """The breakthrough used to be locked with its household, municipality and team."""
    from doorbraak.breakthroughs import services as breakthroughs
    from doorbraak.breakthroughs.models import PartnerRequest, RequestStatus
    from tests.breakthroughs.builders import give_consent, send, submitted

    give_consent(cast, household_a, cast.uwv)
    request: PartnerRequest = send(cast, submitted(cast, household_a))
    errors: list[str] = []
    for index in range(REPETITIONS):
        errors += side_by_side(
            lambda: breakthroughs.partner_request_answer(
                actor=cast.dave,
                request=request,
                status=RequestStatus.MORE_INFORMATION,
                answer="Sinds wanneer staat mevrouw nergens ingeschreven?",
            ),
            lambda i=index: households.member_add(
                actor=dora, household=household_a, data=newcomer(i)
            ),
            lambda: assessments.assessment_record(
                actor=cast.alice, household=household_a, scores=scores(domains)
            ),
        )
        breakthroughs.partner_request_clarify(
            actor=cast.alice, request=request, information="Sinds 1 maart."
        )
    assert_clean(errors, retries)
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
