"""The pages of the breakthrough tables: agenda, minimisation, meeting mode, minutes, follow-up."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorbraak.accounts.models import User
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs.models import Breakthrough, Decision, EscalationLevel
from doorbraak.households.models import EventKind, Household, HouseholdEvent
from doorbraak.tables import services
from doorbraak.tables.models import (
    AgendaItem,
    AgendaItemStatus,
    Attendance,
    BreakthroughTable,
    FollowUpAction,
    Meeting,
    MeetingStatus,
    TableDecision,
    TableOutcome,
)
from tests.breakthroughs.builders import submitted
from tests.conftest import Cast
from tests.tables.builders import at_table, household_of_team_a, schedule, table_consent

IN_A_WEEK = datetime.timedelta(days=7)


def url(name: str, *args: Any) -> str:
    return reverse(f"tables:{name}", args=args)


def decision_data(cast: Cast, actions: list[dict[str, Any]] | None = None, **over: Any) -> dict:
    data: dict[str, Any] = {
        "outcome": TableOutcome.APPROVED,
        "reason": "De tafel ziet dat dit erger voorkomt.",
        "responsible_organisation": cast.uwv.pk,
        "responsible_user": cast.dave.pk,
        "fund_amount": "",
        "fund_purpose": "",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "3",
    }
    for number in range(3):
        action = (actions or [])[number] if number < len(actions or []) else {}
        for field in ("description", "organisation", "due_on", "responsible_user"):
            data[f"actions-{number}-{field}"] = action.get(field, "")
    data.update(over)
    return data


def an_action(cast: Cast, **over: Any) -> dict[str, Any]:
    action = {
        "description": "Zoon reageert elke week op woningaanbod",
        "organisation": cast.uwv.pk,
        "due_on": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
        "responsible_user": cast.dave.pk,
    }
    action.update(over)
    return action


def first_item(meeting: Meeting) -> AgendaItem:
    return meeting.items.order_by("position").first()  # type: ignore[return-value]


def head_initials(household: Household) -> str:
    head = household.members.get(role="hoofd")
    return "".join(p[0].upper() + "." for p in f"{head.first_name} {head.last_name}".split())


def reads(user: User) -> int:
    return ProcessingLog.objects.filter(
        actor=user,
        action=ProcessingAction.READ,
        activity=ProcessingActivity.BREAKTHROUGH_TABLE,
        object_type="tables.agendaitem",
    ).count()


@pytest.fixture
def closed(cast: Cast, running: Meeting) -> TableDecision:
    """The meeting ran: approved with a follow-up action for Dave, and closed."""
    decision = services.decision_record(
        actor=cast.erin,
        item=first_item(running),
        outcome=TableOutcome.APPROVED,
        reason="Goedgekeurd door de tafel.",
        responsible_organisation=cast.uwv,
        responsible_user=cast.dave,
        actions=[
            services.ActionData(
                description="Brief sturen",
                organisation=cast.uwv,
                due_on=timezone.localdate() + IN_A_WEEK,
                responsible_user=cast.dave,
            )
        ],
    )
    services.meeting_close(actor=cast.erin, meeting=running)
    return decision


# --- tables --------------------------------------------------------------------------------------
def test_the_overview_shows_the_users_tables_and_meetings(
    cast: Cast, as_user: Any, meeting: Meeting
) -> None:
    for user in (cast.erin, cast.dave):
        response = as_user(user).get(url("overview"))
        assert response.status_code == 200
        content = response.content.decode()
        assert "Doorbraaktafel Noord" in content
        assert url("meeting-detail", meeting.pk) in content
        assert url("follow-up") in content


def test_the_table_page_shows_members_mandates_meetings_and_figures(
    cast: Cast, as_user: Any, table: BreakthroughTable, meeting: Meeting
) -> None:
    response = as_user(cast.erin).get(url("table-detail", table.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert "UWV" in content
    assert "Terugvordering opschorten" in content
    assert url("meeting-detail", meeting.pk) in content
    assert url("meeting-create", table.pk) in content
    assert response.context["figures"].year == timezone.localdate().year
    assert (
        as_user(cast.erin)
        .get(url("table-detail", table.pk), {"jaar": "2022"})
        .context["figures"]
        .year
        == 2022
    )
    # Nonsense in the year falls back to this year; a member sees no "schedule" link.
    response = as_user(cast.dave).get(url("table-detail", table.pk), {"jaar": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year
    assert url("meeting-create", table.pk) not in response.content.decode()


# --- meetings ------------------------------------------------------------------------------------
def test_the_chair_schedules_a_meeting_and_the_agenda_is_proposed(
    cast: Cast, as_user: Any, table: BreakthroughTable, case: Breakthrough
) -> None:
    client = as_user(cast.erin)
    assert client.get(url("meeting-create", table.pk)).status_code == 200
    day = timezone.localdate() + IN_A_WEEK
    response = client.post(
        url("meeting-create", table.pk),
        {"date": day.isoformat(), "start_time": "14:00", "end_time": "16:00", "location": "Zaal 3"},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("meeting-detail", meeting.pk)
    assert timezone.localtime(meeting.starts_at).hour == 14
    assert list(meeting.items.values_list("breakthrough", flat=True)) == [case.pk]
    assert as_user(cast.dave).get(url("meeting-create", table.pk)).status_code == 403


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start_time": "16:00", "end_time": "14:00"}, "end_time"),
        ({"location": "", "online_url": ""}, "location"),
        ({"online_url": "http://onveilig.example"}, "online_url"),
        ({"date": "morgen"}, "date"),
    ],
)
def test_bad_meeting_input_shows_errors_and_changes_nothing(
    cast: Cast, as_user: Any, table: BreakthroughTable, data: dict[str, str], field: str
) -> None:
    post = {
        "date": (timezone.localdate() + IN_A_WEEK).isoformat(),
        "start_time": "14:00",
        "end_time": "16:00",
        "location": "Zaal 3",
    }
    post.update(data)
    response = as_user(cast.erin).post(url("meeting-create", table.pk), post)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not Meeting.objects.exists()


def test_the_chair_moves_and_cancels_a_meeting(cast: Cast, as_user: Any, meeting: Meeting) -> None:
    client = as_user(cast.erin)
    assert client.get(url("meeting-edit", meeting.pk)).status_code == 200
    day = timezone.localdate() + datetime.timedelta(days=9)
    response = client.post(
        url("meeting-edit", meeting.pk),
        {"date": day.isoformat(), "start_time": "09:30", "end_time": "11:00", "location": "Zaal 1"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.starts_at).date() == day
    assert meeting.location == "Zaal 1"
    response = client.post(
        url("meeting-edit", meeting.pk),
        {"date": day.isoformat(), "start_time": "11:00", "end_time": "09:00", "location": "X"},
    )
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.location == "Zaal 1"
    assert client.post(url("meeting-cancel", meeting.pk)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    # A cancelled meeting cannot be cancelled again: the objection shows, nothing breaks.
    response = client.post(url("meeting-cancel", meeting.pk))
    assert response.status_code == 200
    assert response.context["errors"]


# --- the agenda ---------------------------------------------------------------------------------
def test_the_agenda_shows_its_order_and_the_chair_reorders_postpones_and_adds(
    cast: Cast, as_user: Any, table: BreakthroughTable, household_a: Household
) -> None:
    first = at_table(cast, household_a)
    second = at_table(cast, household_of_team_a(cast))
    meeting = schedule(cast, table)
    items = list(meeting.items.order_by("position"))
    assert [i.breakthrough_id for i in items] == [first.pk, second.pk]
    client = as_user(cast.erin)

    def shown() -> list[int]:
        content = client.get(url("meeting-detail", meeting.pk)).content.decode()
        return [int(pk) for pk in re.findall(r'id="punt-(\d+)"', content)]

    assert shown() == [items[0].pk, items[1].pk]
    response = client.post(url("agenda-move", items[1].pk), {"position": "1"})
    assert response.status_code == 302
    assert shown() == [items[1].pk, items[0].pk]
    assert client.post(url("agenda-move", items[1].pk), {"position": "9"}).status_code == 200

    response = client.post(url("agenda-postpone", items[0].pk), {"note": "Wacht op UWV"})
    assert response.status_code == 302
    items[0].refresh_from_db()
    assert items[0].status == AgendaItemStatus.POSTPONED
    assert items[0].note == "Wacht op UWV"

    # Below the table the picker shows id, theme, level and deadline, not what is stuck
    # (docs/need-to-know.md, tested in test_need_to_know.py); adding moves the case up.
    third = submitted_below_table(cast)
    page = client.get(url("meeting-detail", meeting.pk)).content.decode()
    assert f"#{third.pk} — {third.bottleneck.get_theme_display()}" in page
    response = client.post(url("agenda-add", meeting.pk), {"breakthrough": third.pk})
    assert response.status_code == 302
    third.refresh_from_db()
    assert third.level == EscalationLevel.TABLE
    assert meeting.items.filter(breakthrough=third).exists()
    response = client.post(url("agenda-add", meeting.pk), {"breakthrough": "999999"})
    assert response.status_code == 200
    assert response.context["add_form"].errors


def submitted_below_table(cast: Cast) -> Breakthrough:
    return submitted(cast, household_of_team_a(cast, "Huishouden de Vries"))


def test_a_member_sees_a_minimised_case_until_the_household_consents_for_uwv(
    cast: Cast, as_user: Any, household_a: Household, meeting: Meeting
) -> None:
    client = as_user(cast.dave)
    content = client.get(url("meeting-detail", meeting.pk)).content.decode()
    assert head_initials(household_a) in content
    assert household_a.name not in content
    assert household_a.street not in content
    assert "Eigen mandaat" not in content  # no escalation history either
    assert "Geen uitkering zonder adres" in content  # the bottleneck
    table_consent(cast, household_a, cast.wi_north)  # consent for another organisation
    assert household_a.name not in client.get(url("meeting-detail", meeting.pk)).content.decode()
    table_consent(cast, household_a, cast.uwv)
    content = client.get(url("meeting-detail", meeting.pk)).content.decode()
    assert household_a.name in content
    assert household_a.street in content


def test_the_chair_sees_the_name_only_with_consent_for_the_chairs_organisation(
    cast: Cast, as_user: Any, household_a: Household, meeting: Meeting
) -> None:
    client = as_user(cast.erin)
    assert household_a.name not in client.get(url("meeting-detail", meeting.pk)).content.decode()
    table_consent(cast, household_a, cast.uwv)
    assert household_a.name not in client.get(url("meeting-detail", meeting.pk)).content.decode()
    table_consent(cast, household_a, cast.wi_north)
    assert household_a.name in client.get(url("meeting-detail", meeting.pk)).content.decode()


def test_every_view_of_the_agenda_is_in_the_processing_log(
    cast: Cast, as_user: Any, running: Meeting
) -> None:
    for user, name in ((cast.dave, "meeting-detail"), (cast.erin, "meeting-mode")):
        before = reads(user)
        assert as_user(user).get(url(name, running.pk)).status_code == 200
        assert reads(user) == before + 1
    record = ProcessingLog.objects.filter(actor=cast.dave).latest("id")
    assert record.activity == ProcessingActivity.BREAKTHROUGH_TABLE
    assert record.object_id == str(first_item(running).pk)


def test_publishing_and_opening_from_the_meeting_page(
    cast: Cast,
    as_user: Any,
    meeting: Meeting,
) -> None:
    client = as_user(cast.erin)
    assert client.post(url("agenda-publish", meeting.pk)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is not None
    assert as_user(cast.dave).post(url("meeting-open", meeting.pk)).status_code == 403
    # Meeting mode only while the meeting runs.
    client = as_user(cast.erin)
    assert client.get(url("meeting-mode", meeting.pk))["Location"] == url(
        "meeting-detail", meeting.pk
    )
    response = client.post(url("meeting-open", meeting.pk))
    assert response["Location"] == url("meeting-mode", meeting.pk)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.IN_PROGRESS
    assert client.post(url("meeting-open", meeting.pk)).status_code == 200  # already open


# --- meeting mode --------------------------------------------------------------------------------
def test_meeting_mode_from_attendance_to_a_decision_that_flows_back(
    cast: Cast, as_user: Any, household_a: Household, case: Breakthrough, running: Meeting
) -> None:
    client = as_user(cast.erin)
    page = client.get(url("meeting-mode", running.pk))
    assert page.status_code == 200
    member = running.table.members.get()
    response = client.post(url("attendance", running.pk), {f"member_{member.pk}": "1"})
    assert response.status_code == 302
    assert Attendance.objects.get(meeting=running, member=member).present

    item = first_item(running)
    response = client.post(
        url("decision-record", item.pk),
        decision_data(
            cast, [an_action(cast)], fund_amount="250", fund_purpose="Vliegticket naar familie"
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == url("meeting-mode", running.pk) + f"?punt={item.pk}"
    decision = TableDecision.objects.get(item=item)
    assert decision.fund_amount_cents == 25_000
    assert decision.responsible_user == cast.dave
    assert FollowUpAction.objects.get(decision=decision).responsible_user == cast.dave

    # With htmx the chair may change it while the meeting runs; the panel comes back.
    response = client.post(
        url("decision-record", item.pk),
        decision_data(cast, outcome=TableOutcome.REJECTED, responsible_organisation=""),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="tb-item-panel"' in response.content.decode()
    assert f"?punt={item.pk}" in response.content.decode()  # the agenda list is in the panel
    assert "<html" not in response.content.decode()
    assert "HX-Push-Url" in response
    assert TableDecision.objects.get(item=item).outcome == TableOutcome.REJECTED
    assert not FollowUpAction.objects.exists()
    client.post(url("decision-record", item.pk), decision_data(cast, [an_action(cast)]))

    # htmx navigation answers with the panel only.
    response = client.get(
        url("meeting-mode", running.pk), {"punt": item.pk}, headers={"HX-Request": "true"}
    )
    assert "<html" not in response.content.decode()

    response = client.post(url("meeting-close", running.pk))
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.status == MeetingStatus.CLOSED
    flowed_back = Decision.objects.get(breakthrough=case)
    assert flowed_back.level == EscalationLevel.TABLE
    assert HouseholdEvent.objects.filter(household=household_a, kind=EventKind.DECISION).exists()
    content = client.get(url("meeting-detail", running.pk)).content.decode()
    assert url("minutes", running.pk) in content
    assert url("decision-correct", TableDecision.objects.get(item=item).pk) in content


@pytest.mark.parametrize(
    ("over", "actions", "field"),
    [
        ({"reason": "  "}, None, "reason"),
        ({"fund_amount": "250", "fund_purpose": ""}, None, "fund_purpose"),
        ({"fund_amount": "veel"}, None, "fund_amount"),
        ({"outcome": "misschien"}, None, "outcome"),
        ({"responsible_organisation": ""}, None, "responsible_organisation"),
        ({}, [{"due_on": "2020-01-01"}], "actions"),
        ({}, [{"organisation": ""}], "actions"),
    ],
)
def test_a_bad_decision_shows_errors_and_changes_nothing(
    cast: Cast,
    as_user: Any,
    running: Meeting,
    over: dict[str, Any],
    actions: list[dict[str, Any]] | None,
    field: str,
) -> None:
    item = first_item(running)
    post = decision_data(cast, [an_action(cast, **a) for a in actions] if actions else None, **over)
    response = as_user(cast.erin).post(url("decision-record", item.pk), post)
    assert response.status_code == 200
    if field == "actions":
        assert any(f.errors for f in response.context["actions"].forms)
    else:
        assert response.context["form"].errors.get(field)
    assert not TableDecision.objects.exists()
    item.refresh_from_db()
    assert item.status == AgendaItemStatus.OPEN


def test_after_closing_a_decision_is_fixed_and_a_correction_is_linked(
    cast: Cast, as_user: Any, household_a: Household, closed: TableDecision
) -> None:
    client = as_user(cast.erin)
    response = client.post(
        url("decision-record", closed.item_id),
        decision_data(cast, outcome=TableOutcome.REJECTED, responsible_organisation=""),
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    closed.refresh_from_db()
    assert closed.outcome == TableOutcome.APPROVED
    assert TableDecision.objects.count() == 1

    assert client.get(url("decision-correct", closed.pk)).status_code == 200
    events = HouseholdEvent.objects.filter(household=household_a, kind=EventKind.TABLE).count()
    response = client.post(
        url("decision-correct", closed.pk),
        decision_data(cast, reason=""),
    )
    assert response.status_code == 200
    assert TableDecision.objects.count() == 1
    response = client.post(
        url("decision-correct", closed.pk),
        decision_data(cast, fund_amount="100", fund_purpose="Verhuiskosten"),
    )
    assert response.status_code == 302
    correction = TableDecision.objects.get(corrects=closed)
    assert correction.fund_amount_cents == 10_000
    assert HouseholdEvent.objects.filter(household=household_a, kind=EventKind.TABLE).count() == (
        events + 1
    )
    assert as_user(cast.dave).get(url("decision-correct", closed.pk)).status_code == 403


# --- minutes ------------------------------------------------------------------------------------
def test_the_minutes_are_a_minimised_pdf_and_the_download_is_logged(
    cast: Cast, as_user: Any, household_a: Household, closed: TableDecision
) -> None:
    meeting = closed.item.meeting
    response = as_user(cast.dave).get(url("minutes", meeting.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="notulen-{day}.pdf"'
    assert response.content.startswith(b"%PDF")
    exports = ProcessingLog.objects.filter(
        actor=cast.dave,
        action=ProcessingAction.EXPORT,
        activity=ProcessingActivity.BREAKTHROUGH_TABLE,
        object_type="tables.meeting",
    )
    assert exports.count() == household_a.members.count()


def test_the_minutes_template_carries_no_name_even_with_consent(
    cast: Cast, household_a: Household, closed: TableDecision
) -> None:
    from django.template.loader import render_to_string

    from doorbraak.tables import selectors

    table_consent(cast, household_a, cast.uwv)
    meeting = closed.item.meeting
    html = render_to_string(
        "tables/minutes_pdf.html",
        {
            "meeting": meeting,
            "table": meeting.table,
            "rows": selectors.agenda(user=cast.dave, meeting=meeting),
            "attendance": [],
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "today": timezone.localdate(),
        },
    )
    assert head_initials(household_a) in html
    assert household_a.name not in html
    assert household_a.street not in html
    assert "Brief sturen" in html


def test_minutes_of_an_open_meeting_do_not_exist_and_sending_is_for_the_chair(
    cast: Cast, as_user: Any, running: Meeting
) -> None:
    assert as_user(cast.erin).get(url("minutes", running.pk)).status_code == 404
    response = as_user(cast.erin).post(url("minutes-send", running.pk))
    assert response.status_code == 200
    assert response.context["errors"]


def test_the_chair_sends_the_minutes(cast: Cast, as_user: Any, closed: TableDecision) -> None:
    meeting = closed.item.meeting
    assert as_user(cast.dave).post(url("minutes-send", meeting.pk)).status_code == 403
    assert as_user(cast.erin).post(url("minutes-send", meeting.pk)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_sent_at is not None


# --- follow-up ----------------------------------------------------------------------------------
def test_the_follow_up_dashboard_and_marking_an_action_done(
    cast: Cast, as_user: Any, closed: TableDecision
) -> None:
    action = FollowUpAction.objects.get()
    client = as_user(cast.dave)
    content = client.get(url("follow-up")).content.decode()
    assert "Brief sturen" in content
    assert url("follow-up-done", action.pk) in content
    response = client.post(
        url("follow-up-done", action.pk),
        {"done_on": (timezone.localdate() + IN_A_WEEK).isoformat(), "note": "Gedaan"},
    )
    assert response.status_code == 200
    action.refresh_from_db()
    assert action.done_on is None
    response = client.post(
        url("follow-up-done", action.pk),
        {"done_on": timezone.localdate().isoformat(), "note": "Brief is verstuurd"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()
    assert "Brief sturen" not in client.get(url("follow-up")).content.decode()


def test_an_overdue_action_is_marked_red(cast: Cast, as_user: Any, closed: TableDecision) -> None:
    FollowUpAction.objects.update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    content = as_user(cast.erin).get(url("follow-up")).content.decode()
    assert "tb-follow-up__action--overdue" in content


# --- access ---------------------------------------------------------------------------------------
def _all_urls(table: BreakthroughTable, decision: TableDecision) -> list[tuple[str, str]]:
    meeting = decision.item.meeting
    item = decision.item
    action = decision.follow_up_actions.get()
    return [
        ("get", url("overview")),
        ("get", url("table-detail", table.pk)),
        ("get", url("meeting-create", table.pk)),
        ("get", url("meeting-detail", meeting.pk)),
        ("get", url("meeting-edit", meeting.pk)),
        ("post", url("meeting-cancel", meeting.pk)),
        ("post", url("agenda-propose", meeting.pk)),
        ("post", url("agenda-add", meeting.pk)),
        ("post", url("agenda-publish", meeting.pk)),
        ("post", url("agenda-move", item.pk)),
        ("post", url("agenda-postpone", item.pk)),
        ("post", url("meeting-open", meeting.pk)),
        ("get", url("meeting-mode", meeting.pk)),
        ("post", url("attendance", meeting.pk)),
        ("post", url("decision-record", item.pk)),
        ("get", url("decision-correct", decision.pk)),
        ("post", url("meeting-close", meeting.pk)),
        ("get", url("minutes", meeting.pk)),
        ("post", url("minutes-send", meeting.pk)),
        ("get", url("follow-up")),
        ("post", url("follow-up-done", action.pk)),
    ]


@pytest.mark.parametrize("persona", ["alice", "bob", "mallory", "heidi"])
def test_people_who_do_not_sit_at_tables_get_403_everywhere(
    cast: Cast, as_user: Any, table: BreakthroughTable, closed: TableDecision, persona: str
) -> None:
    client = as_user(getattr(cast, persona))
    for method, address in _all_urls(table, closed):
        assert getattr(client, method)(address).status_code == 403, address


def test_anonymous_visitors_are_sent_to_log_in(
    client: Client, table: BreakthroughTable, closed: TableDecision
) -> None:
    for method, address in _all_urls(table, closed):
        assert getattr(client, method)(address).status_code == 302, address


@pytest.mark.parametrize("persona", ["piet", "other_table_member"])
def test_partner_contacts_of_other_tables_get_404_on_its_pages(
    cast: Cast,
    as_user: Any,
    table: BreakthroughTable,
    closed: TableDecision,
    persona: str,
    request: pytest.FixtureRequest,
) -> None:
    client = as_user(request.getfixturevalue(persona))
    for method, address in _all_urls(table, closed):
        expected = 200 if address in (url("overview"), url("follow-up")) else 404
        assert getattr(client, method)(address).status_code == expected, address
    assert "Brief sturen" not in client.get(url("follow-up")).content.decode()
    assert not ProcessingLog.objects.filter(
        actor=request.getfixturevalue(persona), object_type="tables.agendaitem"
    ).exists()


def test_a_member_may_not_run_the_meeting(cast: Cast, as_user: Any, meeting: Meeting) -> None:
    client = as_user(cast.dave)
    item = first_item(meeting)
    for address in (
        url("meeting-cancel", meeting.pk),
        url("agenda-publish", meeting.pk),
        url("agenda-move", item.pk),
        url("agenda-postpone", item.pk),
        url("meeting-open", meeting.pk),
        url("meeting-close", meeting.pk),
    ):
        assert client.post(address).status_code == 403, address
    assert client.get(url("meeting-mode", meeting.pk)).status_code == 403
    assert client.get(url("meeting-edit", meeting.pk)).status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.agenda_published_at is None


# --- query counts -------------------------------------------------------------------------------
def test_the_meeting_page_with_eight_items_uses_a_bounded_number_of_queries(
    cast: Cast, as_user: Any, table: BreakthroughTable, django_assert_max_num_queries: Any
) -> None:
    for number in range(8):
        at_table(cast, household_of_team_a(cast, f"Huishouden {number}"))
    meeting = schedule(cast, table)
    assert meeting.items.count() == 8
    client = as_user(cast.erin)
    client.get(url("meeting-detail", meeting.pk))
    # The processing log writes one record per case read; the rest does not grow.
    with django_assert_max_num_queries(60):
        assert client.get(url("meeting-detail", meeting.pk)).status_code == 200
    client = as_user(cast.dave)
    with django_assert_max_num_queries(60):
        assert client.get(url("meeting-detail", meeting.pk)).status_code == 200


def test_the_meeting_page_writes_the_records_of_all_its_cases_in_one_insert(
    cast: Cast, as_user: Any, table: BreakthroughTable
) -> None:
    for number in range(8):
        at_table(cast, household_of_team_a(cast, f"Huishouden {number}"))
    meeting = schedule(cast, table)
    client = as_user(cast.erin)
    before = ProcessingLog.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("meeting-detail", meeting.pk)).status_code == 200
    inserts = [q for q in queries if 'INSERT INTO "audit_processinglog"' in q["sql"]]
    assert len(inserts) == 1
    written = ProcessingLog.objects.count() - before
    assert written >= 8
    assert (
        ProcessingLog.objects.filter(object_type="tables.agendaitem", actor=cast.erin)
        .values("object_id")
        .distinct()
        .count()
        == 8
    )


def test_the_follow_up_dashboard_uses_a_bounded_number_of_queries(
    cast: Cast, as_user: Any, closed: TableDecision, django_assert_max_num_queries: Any
) -> None:
    for number in range(6):
        FollowUpAction.objects.create(
            decision=closed,
            description=f"Actie {number}",
            organisation=cast.wi_north if number % 2 else cast.uwv,
            due_on=timezone.localdate() + datetime.timedelta(days=number - 2),
        )
    client = as_user(cast.dave)
    client.get(url("follow-up"))
    with django_assert_max_num_queries(15):
        response = client.get(url("follow-up"))
    assert response.status_code == 200
    assert "Actie 5" in response.content.decode()
