"""The demo breakthrough table: a year of meetings, every outcome, follow-up, what is next."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from doorbraak.accounts.models import Municipality
from doorbraak.audit.chain import verify_chain
from doorbraak.breakthroughs.demo import seed_breakthroughs
from doorbraak.breakthroughs.models import Decision, DecisionOutcome, EscalationLevel
from doorbraak.home.management.commands.seed_demo import Command
from doorbraak.households.models import Consent, ConsentPurpose
from doorbraak.tables.demo import seed_tables
from doorbraak.tables.models import (
    BreakthroughTable,
    FollowUpAction,
    Meeting,
    MeetingStatus,
    TableDecision,
    TableMember,
    TableOutcome,
)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker) -> Iterator[int]:  # type: ignore[no-untyped-def]
    """One seeded demo for the whole module, rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--quiet-logins", "--households", "0")
        Command()._seed_households(40)
        municipality = Municipality.objects.get(code="0999")
        seed_breakthroughs(municipality=municipality, count=40)
        created = seed_tables(municipality=municipality)
        yield created
        transaction.set_rollback(True)


pytestmark = [pytest.mark.usefixtures("demo"), pytest.mark.django_db]


def test_a_table_chaired_by_the_demo_chair_with_the_partner_contacts() -> None:
    table = BreakthroughTable.objects.get()
    assert table.chair.username == "voorzitter"
    members = TableMember.objects.filter(table=table)
    assert {m.user.username for m in members} == {"contactpersoon", "corporatie"}
    assert all(m.may_decide for m in members)
    assert any(m.max_amount_cents for m in members)


def test_past_meetings_are_closed_with_minutes_and_every_outcome(demo: int) -> None:
    assert demo >= 6
    closed = Meeting.objects.filter(status=MeetingStatus.CLOSED)
    assert closed.count() >= 2  # more with the full demo's 60 bottlenecks
    assert all(m.minutes_sent_at and m.agenda_published_at for m in closed)
    assert all(m.starts_at < timezone.now() for m in closed)
    assert set(TableDecision.objects.values_list("outcome", flat=True)) == set(TableOutcome.values)
    assert TableDecision.objects.filter(fund_amount_cents__gt=0).exists()


def test_decisions_flowed_back_to_the_breakthroughs() -> None:
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


def test_some_households_consented_to_the_table_and_the_log_is_intact() -> None:
    assert Consent.objects.filter(purpose=ConsentPurpose.BREAKTHROUGH_TABLE).exists()
    assert verify_chain().intact


def test_seeding_again_changes_nothing() -> None:
    municipality = Municipality.objects.get(code="0999")
    meetings = Meeting.objects.count()
    assert seed_tables(municipality=municipality) == 0
    assert Meeting.objects.count() == meetings
