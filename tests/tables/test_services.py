"""Rules of the breakthrough tables: agenda, minimisation, decisions, follow-up, notifications."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingLog
from doorbraak.breakthroughs.models import (
    Breakthrough,
    BreakthroughStatus,
    Decision,
    EscalationLevel,
)
from doorbraak.households.models import (
    ConsentMethod,
    ConsentPurpose,
    EventKind,
    Household,
    HouseholdEvent,
    Member,
)
from doorbraak.households.services import consent_give
from doorbraak.tables import selectors, services
from doorbraak.tables.models import (
    AgendaItemStatus,
    BreakthroughTable,
    ClosedMeetingError,
    FollowUpAction,
    Meeting,
    MeetingStatus,
    TableDecision,
    TableMember,
    TableOutcome,
)
from tests.breakthroughs.builders import submitted
from tests.conftest import Cast
from tests.factories import HouseholdFactory
from tests.tables.builders import at_table, decide, schedule

pytestmark = pytest.mark.usefixtures("_dutch")


@pytest.fixture
def _dutch() -> Any:
    with translation.override("nl"):
        yield


def _registered_in_the_south(cast: Cast, breakthrough: Breakthrough) -> None:
    """Make the breakthrough's household one of Gemeente Zuid, as if registered there: with
    the copies of its team (members) and of its team and municipality (breakthroughs)."""
    household = breakthrough.household_id
    Household.objects.filter(pk=household).update(team=cast.team_z, municipality=cast.south)
    Member.objects.filter(household=household).update(team=cast.team_z)
    Breakthrough.objects.filter(household=household).update(
        team=cast.team_z, municipality=cast.south
    )


# --- meetings and the agenda ----------------------------------------------------------------------
def test_the_agenda_is_proposed_by_deadline_then_level(
    cast: Cast, table: BreakthroughTable, household_a: Household
) -> None:
    later = at_table(cast, household_a)
    sooner = at_table(cast, HouseholdFactory(team=cast.team_a, coordinator=cast.alice))
    Breakthrough.objects.filter(pk=later.pk).update(
        level_deadline=timezone.localdate() + datetime.timedelta(days=10)
    )
    Breakthrough.objects.filter(pk=sooner.pk).update(
        level_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    elsewhere = at_table(cast, HouseholdFactory(team=cast.team_a, coordinator=cast.alice))
    _registered_in_the_south(cast, elsewhere)
    meeting = schedule(cast, table)
    assert [i.breakthrough for i in meeting.items.order_by("position")] == [sooner, later]
    assert not meeting.items.filter(breakthrough=elsewhere).exists()
    # A second meeting does not propose what is already on an open agenda.
    assert not schedule(cast, table, days=14).items.exists()


def test_proposing_again_in_a_running_meeting_skips_what_it_already_decided(
    cast: Cast, table: BreakthroughTable, household_a: Household
) -> None:
    """A decided item is no longer open, but still on this meeting's agenda: proposing the
    agenda again (the chair's button during the meeting) added it a second time, and the
    unique constraint gave a server error."""
    meeting = schedule(cast, table)
    at_table(cast, household_a)
    (item,) = services.agenda_propose(actor=cast.erin, meeting=meeting)
    services.meeting_open(actor=cast.erin, meeting=meeting)
    decide(cast, item)
    newcomer = at_table(cast, HouseholdFactory(team=cast.team_a, coordinator=cast.alice))
    added = services.agenda_propose(actor=cast.erin, meeting=meeting)
    assert [i.breakthrough for i in added] == [newcomer]
    assert meeting.items.filter(breakthrough=item.breakthrough).count() == 1


def test_the_chair_reorders_adds_and_postpones(
    cast: Cast, table: BreakthroughTable, household_a: Household
) -> None:
    first = at_table(cast, household_a)
    second = at_table(cast, HouseholdFactory(team=cast.team_a, coordinator=cast.alice))
    meeting = schedule(cast, table)
    items = list(meeting.items.order_by("position"))
    services.agenda_move(actor=cast.erin, item=items[1], position=1)
    assert [i.breakthrough for i in meeting.items.order_by("position")] == [
        items[1].breakthrough,
        items[0].breakthrough,
    ]
    with pytest.raises(ValidationError):
        services.agenda_move(actor=cast.erin, item=items[1], position=9)
    with pytest.raises(PermissionDenied):
        services.agenda_move(actor=cast.dave, item=items[1], position=2)
    # A case still at the partner level can be added: it moves up to the table.
    third = submitted(cast, HouseholdFactory(team=cast.team_a, coordinator=cast.alice))
    item = services.agenda_add(actor=cast.erin, meeting=meeting, breakthrough=third)
    third.refresh_from_db()
    assert third.level == EscalationLevel.TABLE
    assert item.position == 3
    with pytest.raises(ValidationError):
        services.agenda_add(actor=cast.erin, meeting=meeting, breakthrough=third)
    other = submitted(cast, HouseholdFactory(team=cast.team_a, coordinator=cast.alice))
    _registered_in_the_south(cast, other)
    other.refresh_from_db()
    with pytest.raises(ValidationError):
        services.agenda_add(actor=cast.erin, meeting=meeting, breakthrough=other)
    # Postponed to the next planned meeting.
    following = schedule(cast, table, days=21)
    services.agenda_postpone(actor=cast.erin, item=item, note="Eerst advies van de GGD.")
    item.refresh_from_db()
    assert item.status == AgendaItemStatus.POSTPONED
    assert following.items.filter(breakthrough=third).exists()
    assert {first, second} <= {i.breakthrough for i in meeting.items.all()}


def test_bad_meeting_input_changes_nothing(cast: Cast, table: BreakthroughTable) -> None:
    start = timezone.now() + datetime.timedelta(days=3)
    cases: list[dict[str, Any]] = [
        {"ends_at": start - datetime.timedelta(hours=1)},
        {"location": "", "online_url": ""},
        {"online_url": "http://onveilig.example", "location": ""},
        {"starts_at": timezone.now() - datetime.timedelta(days=1)},
    ]
    for overrides in cases:
        arguments: dict[str, Any] = {
            "actor": cast.erin,
            "table": table,
            "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=2),
            "location": "Stadskantoor",
        }
        arguments.update(overrides)
        if "starts_at" in overrides:
            arguments["ends_at"] = overrides["starts_at"] + datetime.timedelta(hours=1)
        with pytest.raises(ValidationError):
            services.meeting_schedule(**arguments)
    with pytest.raises(PermissionDenied):
        services.meeting_schedule(
            actor=cast.dave,
            table=table,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            location="x",
        )
    assert not Meeting.objects.exists()


# --- minimisation ---------------------------------------------------------------------------------
def test_members_see_a_minimised_case_unless_the_household_consented(
    cast: Cast, table: BreakthroughTable, household_a: Household
) -> None:
    at_table(cast, household_a)
    meeting = schedule(cast, table)
    before = ProcessingLog.objects.filter(activity=ProcessingActivity.BREAKTHROUGH_TABLE).count()
    [row] = selectors.agenda(user=cast.dave, meeting=meeting)
    assert row.case is not None
    assert row.case.household_name is None
    assert row.case.address is None
    assert row.case.initials.endswith("Z.")
    assert row.case.district
    assert (
        ProcessingLog.objects.filter(activity=ProcessingActivity.BREAKTHROUGH_TABLE).count()
        > before
    )
    consent_give(
        actor=cast.alice,
        household=household_a,
        given_by=household_a.members.first(),
        purpose=ConsentPurpose.BREAKTHROUGH_TABLE,
        recipient=cast.uwv,
        method=ConsentMethod.WRITTEN,
        given_on=timezone.localdate(),
        valid_until=None,
    )
    [row] = selectors.agenda(user=cast.dave, meeting=meeting)
    assert row.case is not None
    assert row.case.household_name == household_a.name
    # The chair speaks for W&I Noord, which has no consent: still minimised for her.
    [row] = selectors.agenda(user=cast.erin, meeting=meeting)
    assert row.case is not None
    assert row.case.household_name is None


def test_only_the_tables_own_people_see_its_meetings(
    cast: Cast, table: BreakthroughTable, household_a: Household
) -> None:
    at_table(cast, household_a)
    meeting = schedule(cast, table)
    for outsider in (cast.alice, cast.bob, cast.mallory, cast.heidi):
        assert not selectors.meeting_list(user=outsider).exists()
    assert list(selectors.meeting_list(user=cast.dave)) == [meeting]
    TableMember.objects.filter(user=cast.dave).update(active=False)
    assert not selectors.meeting_list(user=cast.dave).exists()


# --- meeting mode and decisions -------------------------------------------------------------------
def test_decisions_become_final_at_closing_and_flow_back(
    cast: Cast, table: BreakthroughTable, household_a: Household
) -> None:
    breakthrough = at_table(cast, household_a)
    other = at_table(cast, HouseholdFactory(team=cast.team_a, coordinator=cast.alice))
    meeting = schedule(cast, table)
    first, second = list(meeting.items.order_by("position"))
    with pytest.raises(ValidationError):
        decide(cast, first)  # the meeting has not started
    services.meeting_open(actor=cast.erin, meeting=meeting)
    member = table.members.get()
    services.attendance_record(actor=cast.erin, meeting=meeting, member=member, present=True)
    decide(cast, first, outcome=TableOutcome.REJECTED)
    # While the meeting runs, the chair may change her mind.
    decision = decide(
        cast,
        first,
        fund_amount_cents=25_000,
        fund_purpose="Vliegticket naar familie",
        actions=[
            services.ActionData(
                "Zoon reageert op woningaanbod",
                cast.uwv,
                timezone.localdate() + datetime.timedelta(days=30),
                cast.dave,
            )
        ],
    )
    assert TableDecision.objects.filter(item=first).count() == 1
    assert decision.follow_up_actions.count() == 1
    services.meeting_close(actor=cast.erin, meeting=meeting)
    breakthrough.refresh_from_db()
    assert breakthrough.status == BreakthroughStatus.APPROVED
    accountable = Decision.objects.get(breakthrough=breakthrough)
    assert accountable.level == EscalationLevel.TABLE
    assert "UWV" in accountable.mandate
    # The item nobody discussed is postponed; its case stays open at the table.
    second.refresh_from_db()
    assert second.status == AgendaItemStatus.POSTPONED
    other.refresh_from_db()
    assert other.is_open
    assert HouseholdEvent.objects.filter(household=household_a, kind=EventKind.DECISION).exists()
    # After closing, nothing changes the decision; a correction is a new, linked decision.
    decision.reason = "Anders"
    with pytest.raises(ClosedMeetingError):
        decision.save()
    with pytest.raises(ValidationError):
        decide(cast, first)
    correction = services.decision_correct(
        actor=cast.erin,
        decision=decision,
        outcome=TableOutcome.APPROVED,
        reason="Het bedrag was € 275, niet € 250.",
        responsible_organisation=cast.uwv,
        fund_amount_cents=27_500,
        fund_purpose="Vliegticket naar familie",
    )
    assert correction.corrects == decision
    with pytest.raises(ValidationError):
        services.decision_correct(
            actor=cast.erin,
            decision=decision,
            outcome=TableOutcome.APPROVED,
            reason="nog eens",
            responsible_organisation=cast.uwv,
        )
    [row, _second] = selectors.agenda(user=cast.erin, meeting=meeting)
    assert row.decision == correction


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": " "}, "reason"),
        ({"outcome": "misschien"}, "outcome"),
        ({"responsible_organisation": None}, "responsible_organisation"),
        ({"fund_amount_cents": 25_000}, "fund_purpose"),
        ({"fund_amount_cents": 0, "fund_purpose": "x"}, "fund_amount_cents"),
        ({"fund_purpose": "ticket"}, "fund_amount_cents"),
        (
            {"outcome": TableOutcome.REJECTED, "fund_amount_cents": 100, "fund_purpose": "x"},
            "fund_amount_cents",
        ),
    ],
)
def test_a_bad_decision_changes_nothing(
    cast: Cast,
    table: BreakthroughTable,
    household_a: Household,
    changes: dict[str, Any],
    field: str,
) -> None:
    at_table(cast, household_a)
    meeting = schedule(cast, table)
    services.meeting_open(actor=cast.erin, meeting=meeting)
    item = meeting.items.get()
    with pytest.raises(ValidationError) as caught:
        decide(cast, item, **changes)
    assert field in caught.value.message_dict
    assert not TableDecision.objects.exists()


def test_a_follow_up_action_deadline_in_the_past_is_refused(
    cast: Cast, table: BreakthroughTable, household_a: Household
) -> None:
    at_table(cast, household_a)
    meeting = schedule(cast, table)
    services.meeting_open(actor=cast.erin, meeting=meeting)
    with pytest.raises(ValidationError):
        decide(
            cast,
            meeting.items.get(),
            actions=[
                services.ActionData(
                    "Te laat", cast.uwv, timezone.localdate() - datetime.timedelta(days=1)
                )
            ],
        )
    assert not FollowUpAction.objects.exists()


# --- follow-up and notifications ---------------------------------------------------------------
def test_overdue_actions_remind_once_a_day_and_join_the_next_agenda(
    cast: Cast,
    table: BreakthroughTable,
    household_a: Household,
    django_capture_on_commit_callbacks: Any,
) -> None:
    at_table(cast, household_a)
    meeting = schedule(cast, table)
    services.meeting_open(actor=cast.erin, meeting=meeting)
    due = timezone.localdate() + datetime.timedelta(days=10)
    decide(
        cast,
        meeting.items.get(),
        actions=[services.ActionData("Woning aanpassen", cast.uwv, due, cast.dave)],
    )
    services.meeting_close(actor=cast.erin, meeting=meeting)
    following = schedule(cast, table, days=30)
    action = FollowUpAction.objects.get()
    later = datetime.datetime.combine(
        due + datetime.timedelta(days=1), datetime.time(8), tzinfo=datetime.UTC
    )
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks() as sent:
        assert services.follow_up_sweep() == {"reminded": 1, "on_agenda": 1}
        assert services.follow_up_sweep() == {"reminded": 0, "on_agenda": 0}
    assert len(sent) == 1
    assert following.items.filter(follow_up=action).exists()
    with pytest.raises(PermissionDenied):
        services.follow_up_done(actor=cast.alice, action=action, done_on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.follow_up_done(
            actor=cast.dave,
            action=action,
            done_on=timezone.localdate() + datetime.timedelta(days=2),
        )
    services.follow_up_done(actor=cast.dave, action=action, done_on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.follow_up_done(actor=cast.dave, action=action, done_on=timezone.localdate())


def test_figures_count_cases_approvals_days_and_actions_on_time(
    cast: Cast, table: BreakthroughTable, household_a: Household
) -> None:
    breakthrough = at_table(cast, household_a)
    meeting = schedule(cast, table)
    services.meeting_open(actor=cast.erin, meeting=meeting)
    decide(
        cast,
        meeting.items.get(),
        actions=[
            services.ActionData(
                "Ticket boeken", cast.uwv, timezone.localdate() + datetime.timedelta(days=5)
            )
        ],
    )
    services.meeting_close(actor=cast.erin, meeting=meeting)
    services.follow_up_done(
        actor=cast.erin, action=FollowUpAction.objects.get(), done_on=timezone.localdate()
    )
    figures = selectors.table_figures(table=table, year=meeting.starts_at.year)
    assert figures.meetings == 1
    assert figures.cases_handled == 1
    assert figures.approved == 1
    assert figures.actions == 1
    assert figures.actions_on_time_pct == 100
    assert figures.median_days_to_decision is not None
    assert breakthrough.submitted_at is not None


def test_the_agenda_e_mail_reaches_a_real_smtp_server(
    cast: Cast, table: BreakthroughTable, household_a: Household, settings: Any
) -> None:
    """aiosmtpd on localhost: the notification task speaks real SMTP, with no names inside."""
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received: list[Any] = []

    class Collect(Message):
        def handle_message(self, message: Any) -> None:
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        cast.dave.email = "dave@uwv.example"
        cast.dave.save()
        at_table(cast, household_a)
        meeting = schedule(cast, table)
        from doorbraak.lib.notifications import send_notification

        services.agenda_publish(actor=cast.erin, meeting=meeting)
        # In production the worker runs the task; here it is called directly.
        send_notification.call(
            ["dave@uwv.example"],
            "Doorbraak: de agenda van uw doorbraaktafel staat klaar",
            f"Agenda: https://doorbraak.example/doorbraaktafels/overleg/{meeting.pk}/",
        )
    finally:
        controller.stop()
    assert len(received) == 1
    message = received[0]
    assert message["To"] == "dave@uwv.example"
    assert household_a.name not in message.get_payload()
    assert mail.outbox == []  # it went over the wire, not to the test outbox
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is not None
    assert meeting.status == MeetingStatus.PLANNED
