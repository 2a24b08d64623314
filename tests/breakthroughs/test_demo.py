"""The demo bottlenecks and breakthroughs: every state, level and answer, all consistent."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from doorbraak.accounts.models import Municipality
from doorbraak.audit.chain import verify_chain
from doorbraak.audit.models import ProcessingLog
from doorbraak.breakthroughs import services
from doorbraak.breakthroughs.demo import seed_breakthroughs
from doorbraak.breakthroughs.models import (
    Bottleneck,
    Breakthrough,
    BreakthroughStatus,
    ContactProfile,
    Decision,
    Disclosure,
    EscalationSettings,
    EscalationStep,
    PartnerRequest,
    RequestStatus,
    TimeOut,
    TimeOutStatus,
)
from doorbraak.home.management.commands.seed_demo import Command
from doorbraak.households.models import EventKind, HouseholdEvent

COUNT = 24  # 18 breakthroughs: the first plans cover every state


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """One seeded demo for the whole module (seeding takes a few seconds), rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--quiet-logins", "--households", "0")
        Command()._seed_households(40)
        municipality = Municipality.objects.get(code="0999")
        seed_breakthroughs(municipality=municipality, count=COUNT)
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("demo")


@pytest.mark.django_db
def test_every_status_and_every_open_level_is_present() -> None:
    assert set(Breakthrough.objects.values_list("status", flat=True)) == set(
        BreakthroughStatus.values
    )
    open_levels = set(
        Breakthrough.objects.filter(status=BreakthroughStatus.SUBMITTED).values_list(
            "level", flat=True
        )
    )
    assert open_levels == {1, 2, 3, 4}
    assert Bottleneck.objects.count() == COUNT
    assert Bottleneck.objects.filter(breakthroughs__isnull=True).exists()


@pytest.mark.django_db
def test_every_request_and_time_out_answer_is_present() -> None:
    statuses = set(PartnerRequest.objects.values_list("status", flat=True))
    assert statuses == set(RequestStatus.values) - {RequestStatus.WITHDRAWN}
    assert set(TimeOut.objects.values_list("status", flat=True)) == set(TimeOutStatus.values)
    # A clarified request was opened again, with the information appended to the question.
    assert PartnerRequest.objects.filter(question__contains="Budgetplan").exists()


@pytest.mark.django_db
def test_decisions_are_accountable() -> None:
    decisions = list(Decision.objects.all())
    assert decisions
    assert all(d.mandate.strip() and d.reason.strip() for d in decisions)
    assert {d.level for d in decisions} == {1, 2, 3, 4}
    decided = Breakthrough.objects.exclude(
        status__in=[BreakthroughStatus.DRAFT, BreakthroughStatus.SUBMITTED]
    )
    assert all(b.decisions.count() == 1 for b in decided)


@pytest.mark.django_db
def test_disclosures_have_a_purpose_and_basis_and_one_is_a_team_lead_override() -> None:
    disclosures = list(Disclosure.objects.all())
    assert disclosures
    assert all(d.purpose and d.legal_basis.strip() for d in disclosures)
    assert all(d.consent_id or d.override_reason for d in disclosures)
    overrides = [d for d in disclosures if d.consent_id is None]
    assert len(overrides) == 1
    assert overrides[0].disclosed_by.username == "teamleider"


@pytest.mark.django_db
def test_every_submitted_triangle_is_complete_and_some_drafts_are_not() -> None:
    for breakthrough in Breakthrough.objects.exclude(status=BreakthroughStatus.DRAFT):
        assert services.triangle_gaps(breakthrough) == {}, breakthrough
    drafts = list(Breakthrough.objects.filter(status=BreakthroughStatus.DRAFT))
    assert any(services.triangle_gaps(d) for d in drafts)
    assert any(not services.triangle_gaps(d) for d in drafts)


@pytest.mark.django_db
def test_dates_tell_a_story_over_the_last_year() -> None:
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


@pytest.mark.django_db
def test_timeline_log_and_settings_are_consistent() -> None:
    assert HouseholdEvent.objects.filter(kind=EventKind.BOTTLENECK).count() == COUNT
    assert HouseholdEvent.objects.filter(kind=EventKind.DECISION).count() == (
        Decision.objects.count()
    )
    assert ProcessingLog.objects.filter(object_type="breakthroughs.decision").exists()
    assert verify_chain().intact
    municipality = Municipality.objects.get(code="0999")
    assert EscalationSettings.objects.filter(municipality=municipality).exists()
    profiles = ContactProfile.objects.select_related("membership__user")
    assert {p.membership.user.username for p in profiles} == {"contactpersoon", "corporatie"}
    assert all(p.mandate and p.max_amount_cents for p in profiles)


@pytest.mark.django_db
def test_a_second_run_changes_nothing() -> None:
    municipality = Municipality.objects.get(code="0999")
    before = (Bottleneck.objects.count(), Breakthrough.objects.count(), Decision.objects.count())
    assert seed_breakthroughs(municipality=municipality, count=COUNT) == 0
    after = (Bottleneck.objects.count(), Breakthrough.objects.count(), Decision.objects.count())
    assert after == before
    assert ContactProfile.objects.count() == 2
