"""The demo (``manage.py seed_demo``), seeded once for the whole module and checked at length.

Seeding runs the whole method through the real services (intake, assessments, plans,
bottlenecks, breakthroughs with escalation, the table, the fund, outcomes, signals), so it
is by far the slowest thing the suite does. One seeded demo serves every test here; it is
rolled back afterwards. Under xdist the module runs on one worker (SHARED_WORKER_FILES in
``tests/conftest.py``), which seeds it once.

The size is the smallest that still shows everything: every state of a breakthrough, of a
fund request and of a table decision.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from stdnum import iban as stdnum_iban

from doorbraak.accounts.models import District, Membership, Municipality, Organisation, Role, User
from doorbraak.audit.chain import verify_chain
from doorbraak.audit.models import ProcessingLog
from doorbraak.breakthroughs import services as breakthrough_services
from doorbraak.breakthroughs.models import (
    Bottleneck,
    Breakthrough,
    BreakthroughStatus,
    ContactProfile,
    Decision,
    DecisionOutcome,
    Disclosure,
    EscalationLevel,
    EscalationSettings,
    EscalationStep,
    PartnerRequest,
    RequestStatus,
    TimeOut,
    TimeOutStatus,
)
from doorbraak.funds import ledger
from doorbraak.funds.demo import FUND_NAME
from doorbraak.funds.models import (
    Approval,
    Fund,
    FundRequest,
    FundRequestStatus,
    LedgerTransaction,
    MandateRule,
)
from doorbraak.households.models import (
    Consent,
    ConsentPurpose,
    EventKind,
    Household,
    HouseholdEvent,
    Member,
    MemberRole,
    Referral,
)
from doorbraak.insights.models import Signal
from doorbraak.outcomes.models import Outcome
from doorbraak.plans.models import Plan
from doorbraak.residents.models import ResidentAccount
from doorbraak.tables.models import (
    BreakthroughTable,
    FollowUpAction,
    Meeting,
    MeetingStatus,
    TableDecision,
    TableMember,
    TableOutcome,
)
from tests.lengths import overlong_values

#: Referral stories; seed_demo makes about 60 bottlenecks per 235 (here 40).
HOUSEHOLDS = 157
BOTTLENECKS = round(HOUSEHOLDS * 60 / 235)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Demo:
    output: str  # what seed_demo printed, the logins included


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup: None, django_db_blocker) -> Iterator[Demo]:  # type: ignore[no-untyped-def]
    """One seeded demo for the whole module, rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", "--households", str(HOUSEHOLDS), stdout=out)
        yield Demo(output=out.getvalue())
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    models = (
        User,
        Membership,
        Organisation,
        District,
        Referral,
        Household,
        Member,
        Plan,
        Bottleneck,
        Breakthrough,
        Decision,
        PartnerRequest,
        Meeting,
        TableDecision,
        Fund,
        FundRequest,
        LedgerTransaction,
        Outcome,
        Signal,
    )
    return {model.__name__: model.objects.count() for model in models}


def casebook_stories(demo: Demo) -> int:
    """The closed stories the casebook demo added to have about 40 examples to publish."""
    found = re.search(r"Added (\d+) closed demo stories", demo.output)
    return int(found.group(1)) if found else 0


def demostad() -> Municipality:
    return Municipality.objects.get(code="0999")


# --- the municipality, its users and the command ---------------------------------------------
def test_the_demo_municipality_has_one_user_per_role_and_prints_the_logins(demo: Demo) -> None:
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert set(District.objects.values_list("name", flat=True)) == {
        "Ondiep/Pijlsweerd",
        "Kanaleneiland",
        "Overvecht",
        "Zuilen",
    }
    shorts = set(Organisation.objects.values_list("short_name", flat=True))
    assert {"UWV", "SVB", "CAK", "CJIB", "DUO", "Toeslagen", "W&I"} <= shorts
    assert "otpauth://totp/" in demo.output
    assert "professional" in demo.output


def test_one_demo_household_has_a_resident_account_not_in_the_logins(demo: Demo) -> None:
    account = ResidentAccount.objects.select_related("member__household", "user").get()
    assert account.member.household.municipality == demostad()
    assert account.member.role == MemberRole.HEAD
    assert not account.user.has_usable_password()
    assert "Demo resident: the head of" in demo.output
    logins = demo.output.split("Demo logins", 1)[1]
    assert account.user.username not in logins


def test_synthetic_bsns_are_stored_encrypted_only() -> None:
    assert Household.objects.count() >= HOUSEHOLDS // 2
    members = Member.objects.exclude(bsn_index="")
    assert members.exists()
    assert all(m.bsn_encrypted and not m.bsn_encrypted.isdigit() for m in members)


def test_demo_users_get_a_working_code() -> None:
    out = StringIO()
    call_command("demo_totp", "privacy", stdout=out)
    assert out.getvalue()[:6].isdigit()


def test_the_demo_data_fits_every_column() -> None:
    assert overlong_values() == []


def test_seeding_again_changes_nothing() -> None:
    before = counts()
    out = StringIO()
    call_command("seed_demo", "--quiet-logins", "--households", str(HOUSEHOLDS), stdout=out)
    assert counts() == before
    assert ResidentAccount.objects.count() == 1
    assert "Created" not in out.getvalue(), out.getvalue()
    assert "otpauth://" not in out.getvalue()
    assert verify_chain().intact


# --- bottlenecks and breakthroughs -----------------------------------------------------------
def test_every_breakthrough_status_and_every_open_level_is_present(demo: Demo) -> None:
    assert set(Breakthrough.objects.values_list("status", flat=True)) == set(
        BreakthroughStatus.values
    )
    open_levels = set(
        Breakthrough.objects.filter(status=BreakthroughStatus.SUBMITTED).values_list(
            "level", flat=True
        )
    )
    # Every level was open at some time; the table has since decided the cases at level 3.
    assert set(EscalationStep.objects.values_list("level", flat=True)) == {1, 2, 3, 4}
    assert open_levels >= {1, 2, 4}
    assert TableDecision.objects.filter(item__breakthrough__level=EscalationLevel.TABLE).exists()
    assert Bottleneck.objects.count() == BOTTLENECKS + casebook_stories(demo)
    assert Bottleneck.objects.filter(breakthroughs__isnull=True).exists()
    # Each carries its household's team and municipality (the lists filter on the copies).
    assert not Breakthrough.objects.exclude(
        team=F("household__team"), municipality=F("household__municipality")
    ).exists()


def test_every_request_and_time_out_answer_is_present() -> None:
    statuses = set(PartnerRequest.objects.values_list("status", flat=True))
    assert statuses == set(RequestStatus.values) - {RequestStatus.WITHDRAWN}
    assert set(TimeOut.objects.values_list("status", flat=True)) == set(TimeOutStatus.values)
    # A clarified request was opened again, with the information appended to the question.
    assert PartnerRequest.objects.filter(question__contains="Budgetplan").exists()


def test_decisions_are_accountable() -> None:
    decisions = list(Decision.objects.all())
    assert decisions
    assert all(d.mandate.strip() and d.reason.strip() for d in decisions)
    assert {d.level for d in decisions} == {1, 2, 3, 4}
    decided = Breakthrough.objects.exclude(
        status__in=[BreakthroughStatus.DRAFT, BreakthroughStatus.SUBMITTED]
    )
    assert all(b.decisions.count() == 1 for b in decided)


def test_disclosures_have_a_purpose_and_basis_and_one_is_a_team_lead_override() -> None:
    disclosures = list(Disclosure.objects.all())
    assert disclosures
    assert all(d.purpose and d.legal_basis.strip() for d in disclosures)
    assert all(d.consent_id or d.override_reason for d in disclosures)
    overrides = [d for d in disclosures if d.consent_id is None]
    assert len(overrides) == 1
    assert overrides[0].disclosed_by.username == "teamleider"


def test_every_submitted_triangle_is_complete_and_some_drafts_are_not() -> None:
    for breakthrough in Breakthrough.objects.exclude(status=BreakthroughStatus.DRAFT):
        assert breakthrough_services.triangle_gaps(breakthrough) == {}, breakthrough
    drafts = list(Breakthrough.objects.filter(status=BreakthroughStatus.DRAFT))
    assert any(breakthrough_services.triangle_gaps(d) for d in drafts)
    assert any(not breakthrough_services.triangle_gaps(d) for d in drafts)


def test_breakthrough_dates_tell_a_story_over_the_last_year() -> None:
    today = timezone.localdate()
    created = [timezone.localdate(b.created_at) for b in Bottleneck.objects.all()]
    assert min(created) < today - datetime.timedelta(days=60)
    assert max(created) <= today
    for breakthrough in Breakthrough.objects.exclude(status=BreakthroughStatus.DRAFT):
        assert breakthrough.submitted_at is not None
        assert breakthrough.created_at <= breakthrough.submitted_at
        for decision in breakthrough.decisions.all():
            assert breakthrough.submitted_at <= decision.decided_at
    deadlines = [
        b.level_deadline
        for b in Breakthrough.objects.filter(status=BreakthroughStatus.SUBMITTED)
        if b.level_deadline is not None
    ]
    assert any(d < today for d in deadlines)
    assert any(d >= today for d in deadlines)
    # One current escalation step per open breakthrough; it matches the level.
    for breakthrough in Breakthrough.objects.filter(status=BreakthroughStatus.SUBMITTED):
        current = EscalationStep.objects.get(breakthrough=breakthrough, ended_at__isnull=True)
        assert current.level == breakthrough.level
        assert current.deadline == breakthrough.level_deadline


def test_timeline_log_and_escalation_settings_are_consistent(demo: Demo) -> None:
    assert HouseholdEvent.objects.filter(kind=EventKind.BOTTLENECK).count() == (
        BOTTLENECKS + casebook_stories(demo)
    )
    assert HouseholdEvent.objects.filter(kind=EventKind.DECISION).count() == (
        Decision.objects.count()
    )
    assert ProcessingLog.objects.filter(object_type="breakthroughs.decision").exists()
    assert verify_chain().intact
    assert EscalationSettings.objects.filter(municipality=demostad()).exists()
    profiles = ContactProfile.objects.select_related("membership__user")
    assert {p.membership.user.username for p in profiles} == {"contactpersoon", "corporatie"}
    assert all(p.mandate and p.max_amount_cents for p in profiles)


# --- the breakthrough table ------------------------------------------------------------------
def test_a_table_chaired_by_the_demo_chair_with_the_partner_contacts() -> None:
    table = BreakthroughTable.objects.get()
    assert table.chair.username == "voorzitter"
    members = TableMember.objects.filter(table=table)
    assert {m.user.username for m in members} == {"contactpersoon", "corporatie"}
    assert all(m.may_decide for m in members)
    assert any(m.max_amount_cents for m in members)


def test_past_meetings_are_closed_with_minutes_and_every_outcome() -> None:
    assert Meeting.objects.count() >= 6
    closed = Meeting.objects.filter(status=MeetingStatus.CLOSED)
    assert closed.count() >= 2
    assert all(m.minutes_sent_at and m.agenda_published_at for m in closed)
    assert all(m.starts_at < timezone.now() for m in closed)
    assert set(TableDecision.objects.values_list("outcome", flat=True)) == set(TableOutcome.values)
    assert TableDecision.objects.filter(fund_amount_cents__gt=0).exists()


def test_table_decisions_flowed_back_to_the_breakthroughs() -> None:
    decisive = TableDecision.objects.filter(
        outcome__in=[TableOutcome.APPROVED, TableOutcome.REJECTED],
        item__breakthrough__isnull=False,
        item__meeting__status=MeetingStatus.CLOSED,
    ).select_related("item__breakthrough")
    assert decisive.exists()
    levels = set()
    for decision in decisive:
        flowed = Decision.objects.get(breakthrough=decision.item.breakthrough)
        assert flowed.decided_at >= decision.item.meeting.starts_at - datetime.timedelta(days=1)
        assert flowed.level >= EscalationLevel.TABLE  # 4 when it had gone up further
        levels.add(flowed.level)
        expected = (
            DecisionOutcome.APPROVED
            if decision.outcome == TableOutcome.APPROVED
            else DecisionOutcome.REJECTED
        )
        assert flowed.outcome == expected
    assert EscalationLevel.TABLE in levels


def test_follow_up_done_on_time_late_and_open_overdue() -> None:
    actions = list(FollowUpAction.objects.all())
    today = timezone.localdate()
    assert any(a.done_on and a.done_on <= a.due_on for a in actions)
    assert any(a.done_on and a.done_on > a.due_on for a in actions)
    assert any(a.done_on is None and a.due_on < today for a in actions)


def test_an_upcoming_meeting_has_a_published_agenda_and_another_is_planned() -> None:
    planned = list(Meeting.objects.filter(status=MeetingStatus.PLANNED).order_by("starts_at"))
    assert len(planned) == 2
    upcoming, further = planned
    assert upcoming.starts_at > timezone.now()
    assert upcoming.agenda_published_at is not None
    assert upcoming.items.filter(breakthrough__isnull=False).exists()
    assert further.agenda_published_at is None


def test_some_households_consented_to_the_table() -> None:
    assert Consent.objects.filter(purpose=ConsentPurpose.BREAKTHROUGH_TABLE).exists()


# --- the Voorkom Erger Potje ----------------------------------------------------------------
def test_about_forty_fund_requests_in_every_state() -> None:
    assert 35 <= FundRequest.objects.count() <= 45
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


def test_fund_requests_are_tied_to_demo_data() -> None:
    assert FundRequest.objects.filter(breakthrough__isnull=False).exists()
    assert FundRequest.objects.filter(prevents_cost_item__isnull=False).exists()
    assert FundRequest.objects.exclude(table_decision_ref="").exists()
    for iban in FundRequest.objects.exclude(iban="").values_list("iban", flat=True):
        assert stdnum_iban.is_valid(iban)
    for fund_request in FundRequest.objects.filter(status=FundRequestStatus.APPROVED):
        approvals = Approval.objects.filter(request=fund_request)
        assert approvals.count() == fund_request.approvals_required
        assert fund_request.requested_by_id not in {a.approver_id for a in approvals}


# --- outcomes and signals --------------------------------------------------------------------
def test_the_demo_records_valued_outcomes() -> None:
    outcomes = Outcome.objects.all()
    assert outcomes.count() >= 10
    assert all(o.value_cents > 0 for o in outcomes)
    assert outcomes.filter(breakthrough__isnull=False).exists()
    assert {o.outcome_type for o in outcomes} >= {"huisuitzetting_voorkomen", "werk_gevonden"}


def test_the_spiegel_proposed_its_signals(demo: Demo) -> None:
    assert Signal.objects.exists()
    assert f"Proposed {Signal.objects.count()} demo signals." in demo.output


def test_about_forty_examples_are_published_through_the_services(demo: Demo) -> None:
    from doorbraak.casebook.models import Example, ExampleStatus

    published = Example.objects.filter(status=ExampleStatus.PUBLISHED)
    assert 35 <= published.count() <= 40
    assert ProcessingLog.objects.filter(object_type="casebook.example").exists()
