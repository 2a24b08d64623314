"""The breakthrough-tables API: tables, meetings, the minimised agenda, decisions, follow-up."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doorbraak.accounts.models import Organisation, Role, User
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs.models import Breakthrough, Decision, EscalationLevel
from doorbraak.households.models import ConsentPurpose, Household
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
    TableMember,
    TableOutcome,
)
from tests.breakthroughs.builders import give_consent, submitted
from tests.conftest import Cast
from tests.factories import HouseholdFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.tables.builders import at_table, north_table, schedule

JSON = "application/json"
AsUser = Callable[[User], Client]
MaxQueries = Any


def url(name: str, *args: Any) -> str:
    return reverse(f"api:{name}", args=args)


def problem_names(response: Any) -> list[str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return [p["name"] for p in response.json()["invalidParams"]]


def reads(object_type: str) -> int:
    return ProcessingLog.objects.filter(
        object_type=object_type, action=ProcessingAction.READ
    ).count()


@pytest.fixture
def piet(cast: Cast) -> User:
    """A contact person of CJIB in Gemeente Noord who does not sit at the table."""
    user = UserFactory(username="piet")
    MembershipFactory(
        user=user,
        role=Role.PARTNER_CONTACT,
        organisation=OrganisationFactory(name="CJIB", national=True),
        municipality=cast.north,
    )
    return user


@pytest.fixture
def table(cast: Cast) -> BreakthroughTable:
    return north_table(cast, max_amount_cents=50_000)


@pytest.fixture
def case(cast: Cast, household_a: Household) -> Breakthrough:
    return at_table(cast, household_a)


@pytest.fixture
def meeting(cast: Cast, table: BreakthroughTable, case: Breakthrough) -> Meeting:
    return schedule(cast, table)


def running(cast: Cast, meeting: Meeting) -> Meeting:
    services.agenda_publish(actor=cast.erin, meeting=meeting)
    return services.meeting_open(actor=cast.erin, meeting=meeting)


def decision_body(cast: Cast, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "outcome": TableOutcome.APPROVED,
        "reason": "Een vliegticket naar familie is goedkoper dan nog een winter in de kou.",
        "responsibleOrganisation": cast.wi_north.pk,
        "responsibleUser": cast.erin.pk,
        "fundAmountCents": 25_000,
        "fundPurpose": "Vliegticket",
        "actions": [
            {
                "description": "Ticket boeken",
                "organisation": cast.uwv.pk,
                "dueOn": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
                "responsibleUser": cast.dave.pk,
            }
        ],
    }
    body.update(overrides)
    return body


# --- access ----------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "heidi", "mallory", "ivan"])
def test_roles_that_cannot_use_tables_get_403(
    as_user: AsUser, cast: Cast, meeting: Meeting, persona: str
) -> None:
    client = as_user(getattr(cast, persona))
    item = meeting.items.get()
    for path in (
        url("table-list"),
        url("table-detail", meeting.table_id),
        url("table-meeting-list", meeting.table_id),
        url("meeting-detail", meeting.pk),
        url("follow-up-list"),
    ):
        assert client.get(path).status_code == 403, path
    assert client.post(url("meeting-publish", meeting.pk)).status_code == 403
    assert client.post(url("agenda-item-postpone", item.pk)).status_code == 403
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is None


def test_anonymous_gets_401_or_403(client: Client, meeting: Meeting) -> None:
    assert client.get(url("meeting-detail", meeting.pk)).status_code in (401, 403)


def test_a_partner_contact_who_does_not_sit_at_the_table_gets_404(
    as_user: AsUser, cast: Cast, meeting: Meeting, piet: User
) -> None:
    client = as_user(piet)
    item = meeting.items.get()
    assert client.get(url("table-list")).json()["results"] == []
    assert client.get(url("table-detail", meeting.table_id)).status_code == 404
    assert client.get(url("table-meeting-list", meeting.table_id)).status_code == 404
    assert client.get(url("meeting-detail", meeting.pk)).status_code == 404
    assert client.post(url("meeting-publish", meeting.pk)).status_code == 404
    assert client.post(url("agenda-item-move", item.pk), {"position": 1}).status_code == 404
    assert reads("tables.agendaitem") == 0


def test_a_chair_of_another_municipality_gets_404(
    as_user: AsUser, cast: Cast, meeting: Meeting
) -> None:
    other = UserFactory(username="zara")
    MembershipFactory(
        user=other, role=Role.TABLE_CHAIR, organisation=cast.wi_south, municipality=cast.south
    )
    client = as_user(other)
    assert client.get(url("table-detail", meeting.table_id)).status_code == 404
    assert client.get(url("meeting-detail", meeting.pk)).status_code == 404


def test_a_member_reads_but_cannot_run_the_meeting(
    as_user: AsUser, cast: Cast, meeting: Meeting
) -> None:
    client = as_user(cast.dave)
    item = meeting.items.get()
    assert client.get(url("meeting-detail", meeting.pk)).status_code == 200
    assert client.post(url("meeting-publish", meeting.pk)).status_code == 403
    assert client.post(url("agenda-item-postpone", item.pk)).status_code == 403
    assert (
        client.post(
            url("agenda-item-decision", item.pk), decision_body(cast), content_type=JSON
        ).status_code
        == 403
    )
    assert (
        client.post(
            url("table-meeting-list", meeting.table_id),
            {"startsAt": "2030-01-01T10:00:00Z", "endsAt": "2030-01-01T12:00:00Z", "location": "x"},
            content_type=JSON,
        ).status_code
        == 403
    )
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is None
    assert Meeting.objects.count() == 1


# --- tables -----------------------------------------------------------------------------------
def test_tables_with_members_mandates_and_figures(
    as_user: AsUser, cast: Cast, table: BreakthroughTable
) -> None:
    for user in (cast.erin, cast.dave):
        client = as_user(user)
        body = client.get(url("table-list")).json()
        assert [t["name"] for t in body["results"]] == ["Doorbraaktafel Noord"]
        detail = client.get(url("table-detail", table.pk), {"year": 2026}).json()
        assert detail["isChair"] is (user == cast.erin)
        assert detail["chair"]["id"] == cast.erin.pk
        assert detail["members"][0]["organisation"]["name"] == "UWV"
        assert detail["members"][0]["maxAmountCents"] == 50_000
        assert detail["figures"]["year"] == 2026
        assert detail["figures"]["meetings"] == 0
    client = as_user(cast.erin)
    assert "year" in problem_names(client.get(url("table-detail", table.pk), {"year": "x"}))


def test_table_list_and_detail_query_counts(
    as_user: AsUser,
    cast: Cast,
    table: BreakthroughTable,
    django_assert_max_num_queries: MaxQueries,
) -> None:
    for number in range(5):
        BreakthroughTable.objects.create(
            municipality=cast.north, name=f"Tafel {number}", chair=cast.erin
        )
    client = as_user(cast.erin)
    with django_assert_max_num_queries(12):
        assert len(client.get(url("table-list")).json()["results"]) == 6
    with django_assert_max_num_queries(20):
        assert client.get(url("table-detail", table.pk)).status_code == 200


# --- meetings -----------------------------------------------------------------------------------
def test_the_chair_schedules_moves_and_cancels_a_meeting(
    as_user: AsUser, cast: Cast, table: BreakthroughTable, case: Breakthrough
) -> None:
    client = as_user(cast.erin)
    starts = timezone.now() + datetime.timedelta(days=10)
    response = client.post(
        url("table-meeting-list", table.pk),
        {
            "startsAt": starts.isoformat(),
            "endsAt": (starts + datetime.timedelta(hours=2)).isoformat(),
            "onlineUrl": "https://meet.example/tafel",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == MeetingStatus.PLANNED
    meeting = Meeting.objects.get(pk=body["id"])
    assert list(meeting.items.values_list("breakthrough", flat=True)) == [case.pk]
    listed = client.get(url("table-meeting-list", table.pk)).json()["results"]
    assert [m["id"] for m in listed] == [meeting.pk]

    later = starts + datetime.timedelta(days=1)
    response = client.patch(
        url("meeting-detail", meeting.pk),
        {
            "startsAt": later.isoformat(),
            "endsAt": (later + datetime.timedelta(hours=1)).isoformat(),
        },
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    meeting.refresh_from_db()
    assert meeting.starts_at == later
    assert meeting.online_url == "https://meet.example/tafel"

    response = client.post(url("meeting-cancel", meeting.pk))
    assert response.json()["status"] == MeetingStatus.CANCELLED
    assert meeting.items.get().status == AgendaItemStatus.POSTPONED


def test_bad_meeting_input_is_400_and_changes_nothing(
    as_user: AsUser, cast: Cast, table: BreakthroughTable, meeting: Meeting
) -> None:
    client = as_user(cast.erin)
    starts = timezone.now() + datetime.timedelta(days=3)
    cases = [
        ({"startsAt": "morgen", "endsAt": starts.isoformat(), "location": "x"}, "startsAt"),
        (
            {
                "startsAt": starts.isoformat(),
                "endsAt": (starts - datetime.timedelta(hours=1)).isoformat(),
                "location": "Stadhuis",
            },
            "endsAt",
        ),
        (
            {
                "startsAt": starts.isoformat(),
                "endsAt": (starts + datetime.timedelta(hours=1)).isoformat(),
            },
            "location",
        ),
        (
            {
                "startsAt": starts.isoformat(),
                "endsAt": (starts + datetime.timedelta(hours=1)).isoformat(),
                "onlineUrl": "http://onveilig.example",
            },
            "onlineUrl",
        ),
    ]
    for body, field in cases:
        response = client.post(url("table-meeting-list", table.pk), body, content_type=JSON)
        assert field in problem_names(response), body
    assert Meeting.objects.count() == 1
    location = meeting.location
    response = client.patch(
        url("meeting-detail", meeting.pk), {"location": "", "onlineUrl": ""}, content_type=JSON
    )
    assert "location" in problem_names(response)
    meeting.refresh_from_db()
    assert meeting.location == location == "Stadskantoor, zaal 3"


def test_meeting_detail_is_minimised_and_logged(
    as_user: AsUser, cast: Cast, meeting: Meeting, household_a: Household
) -> None:
    client = as_user(cast.dave)
    response = client.get(url("meeting-detail", meeting.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["canRun"] is False
    (row,) = body["agenda"]
    assert row["case"]["householdName"] is None
    assert row["case"]["address"] is None
    # The free text of the proposal is not minimised: like the page, only its title.
    assert row["case"]["proposal"] is None
    assert row["case"]["title"]
    assert row["case"]["initials"]
    assert "bsn" not in str(body).lower()
    assert household_a.name not in response.content.decode()
    assert reads("tables.agendaitem") == 1
    entry = ProcessingLog.objects.get(object_type="tables.agendaitem")
    assert entry.actor_id == cast.dave.pk

    give_consent(cast, household_a, cast.uwv, purpose=ConsentPurpose.BREAKTHROUGH_TABLE)
    body = client.get(url("meeting-detail", meeting.pk)).json()
    assert body["agenda"][0]["case"]["householdName"] == household_a.name
    assert body["agenda"][0]["case"]["proposal"]
    assert reads("tables.agendaitem") > 1
    # The chair speaks for W&I Noord, which has no consent: minimised for her.
    chair = as_user(cast.erin).get(url("meeting-detail", meeting.pk)).json()
    assert chair["canRun"] is True
    assert chair["agenda"][0]["case"]["householdName"] is None
    assert chair["agenda"][0]["case"]["proposal"] is None


def test_meeting_detail_query_count(
    as_user: AsUser,
    cast: Cast,
    table: BreakthroughTable,
    household_a: Household,
    django_assert_max_num_queries: MaxQueries,
) -> None:
    at_table(cast, household_a)
    for _number in range(3):
        at_table(cast, HouseholdFactory(team=cast.team_a, coordinator=cast.alice))
    meeting = schedule(cast, table)
    assert meeting.items.count() == 4
    client = as_user(cast.dave)
    with django_assert_max_num_queries(60):
        body = client.get(url("meeting-detail", meeting.pk)).json()
    assert len(body["agenda"]) == 4
    with django_assert_max_num_queries(12):
        client.get(url("table-meeting-list", table.pk))


# --- agenda ---------------------------------------------------------------------------------------
def test_the_chair_adds_moves_and_postpones_items(
    as_user: AsUser, cast: Cast, meeting: Meeting, household_a: Household
) -> None:
    client = as_user(cast.erin)
    other = submitted(cast, HouseholdFactory(team=cast.team_a, coordinator=cast.alice))
    response = client.post(
        url("meeting-agenda-item-list", meeting.pk),
        {"breakthrough": other.pk, "note": "Spoed"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    added = response.json()
    assert (added["position"], added["breakthrough"]) == (2, other.pk)
    other.refresh_from_db()
    assert other.level == EscalationLevel.TABLE
    again = client.post(
        url("meeting-agenda-item-list", meeting.pk), {"breakthrough": other.pk}, content_type=JSON
    )
    assert "breakthrough" in problem_names(again)
    assert meeting.items.count() == 2

    response = client.post(url("agenda-item-move", added["id"]), {"position": 1}, content_type=JSON)
    assert [i["breakthrough"] for i in response.json()] == [
        other.pk,
        meeting.items.get(position=2).breakthrough_id,
    ]
    assert "position" in problem_names(
        client.post(url("agenda-item-move", added["id"]), {"position": 9}, content_type=JSON)
    )
    assert "position" in problem_names(
        client.post(url("agenda-item-move", added["id"]), {"position": "x"}, content_type=JSON)
    )
    assert meeting.items.get(pk=added["id"]).position == 1

    response = client.post(
        url("agenda-item-postpone", added["id"]), {"note": "Eerst navragen"}, content_type=JSON
    )
    assert response.json()["status"] == AgendaItemStatus.POSTPONED


def test_an_out_of_area_case_cannot_be_added(
    as_user: AsUser, cast: Cast, meeting: Meeting, household_z: Household
) -> None:
    response = as_user(cast.erin).post(
        url("meeting-agenda-item-list", meeting.pk), {"breakthrough": 999_999}, content_type=JSON
    )
    assert "breakthrough" in problem_names(response)
    assert meeting.items.count() == 1


# --- meeting mode, decisions, correction ---------------------------------------------------------
def test_a_meeting_from_agenda_to_minutes(
    as_user: AsUser, cast: Cast, meeting: Meeting, case: Breakthrough
) -> None:
    client = as_user(cast.erin)
    item = meeting.items.get()
    assert client.post(url("meeting-publish", meeting.pk)).json()["agendaPublishedAt"]
    # No decision before the meeting runs.
    early = client.post(
        url("agenda-item-decision", item.pk), decision_body(cast), content_type=JSON
    )
    assert problem_names(early) == ["nonFieldErrors"]
    assert (
        client.post(url("meeting-open", meeting.pk)).json()["status"] == MeetingStatus.IN_PROGRESS
    )

    member = TableMember.objects.get(user=cast.dave)
    response = client.put(
        url("meeting-attendance", meeting.pk),
        [{"member": member.pk, "present": True}],
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    assert response.json()[0]["present"] is True

    response = client.post(
        url("agenda-item-decision", item.pk), decision_body(cast), content_type=JSON
    )
    assert response.status_code == 201, response.content
    decision = response.json()
    assert decision["fundAmountCents"] == 25_000
    assert decision["followUpActions"][0]["organisation"]["name"] == "UWV"
    # While the meeting runs the chair may still change it: the decision is replaced.
    response = client.post(
        url("agenda-item-decision", item.pk),
        decision_body(cast, fundAmountCents=30_000),
        content_type=JSON,
    )
    assert response.status_code == 201
    assert TableDecision.objects.get().fund_amount_cents == 30_000

    assert client.post(url("meeting-close", meeting.pk)).json()["status"] == MeetingStatus.CLOSED
    flowed = Decision.objects.get(breakthrough=case)
    assert flowed.level == EscalationLevel.TABLE
    assert "UWV" in flowed.mandate

    # Immutable after closing: a new decision is refused with a message.
    closed = client.post(
        url("agenda-item-decision", item.pk),
        decision_body(cast, outcome=TableOutcome.REJECTED, fundAmountCents=None, fundPurpose=""),
        content_type=JSON,
    )
    assert closed.status_code in (400, 409)
    assert closed.json()["invalidParams"][0]["reason"]
    assert TableDecision.objects.get().outcome == TableOutcome.APPROVED

    original = TableDecision.objects.get()
    response = client.post(
        url("table-decision-correction", original.pk),
        {
            "outcome": TableOutcome.APPROVED,
            "reason": "Het bedrag was € 250, niet € 300.",
            "responsibleOrganisation": cast.wi_north.pk,
            "fundAmountCents": 25_000,
            "fundPurpose": "Vliegticket",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    assert response.json()["corrects"] == original.pk
    original.refresh_from_db()
    assert original.fund_amount_cents == 30_000

    assert client.post(url("meeting-minutes-send", meeting.pk)).json()["minutesSentAt"]
    detail = client.get(url("meeting-detail", meeting.pk)).json()
    row = detail["agenda"][0]
    assert len(row["decisions"]) == 2
    assert row["decision"]["corrects"] == original.pk
    assert detail["canRun"] is False


def test_bad_decision_input_is_400_and_changes_nothing(
    as_user: AsUser, cast: Cast, meeting: Meeting
) -> None:
    running(cast, meeting)
    client = as_user(cast.erin)
    item = meeting.items.get()
    far = OrganisationFactory(name="Ver weg", municipality=cast.south)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"outcome": "misschien"}, "outcome"),
        ({"reason": " "}, "reason"),
        ({"outcome": TableOutcome.REJECTED}, "fundAmountCents"),
        ({"fundAmountCents": 0}, "fundAmountCents"),
        ({"fundAmountCents": None}, "fundAmountCents"),
        ({"responsibleOrganisation": far.pk}, "responsibleOrganisation"),
        ({"responsibleOrganisation": None}, "responsibleOrganisation"),
        ({"responsibleUser": 999_999}, "responsibleUser"),
        (
            {"actions": [{"description": "x", "organisation": cast.uwv.pk, "dueOn": yesterday}]},
            "actions.1",
        ),
        (
            {"actions": [{"description": "x", "organisation": far.pk, "dueOn": "2099-01-01"}]},
            "actions",
        ),
        ({"actions": [{"description": "x"}]}, "actions"),
    ]
    for overrides, field in cases:
        response = client.post(
            url("agenda-item-decision", item.pk),
            decision_body(cast, **overrides),
            content_type=JSON,
        )
        names = problem_names(response)
        assert any(name.startswith(field) for name in names), (overrides, names)
    assert not TableDecision.objects.exists()
    assert not FollowUpAction.objects.exists()
    item.refresh_from_db()
    assert item.status == AgendaItemStatus.OPEN


def test_bad_attendance_is_400(as_user: AsUser, cast: Cast, meeting: Meeting) -> None:
    running(cast, meeting)
    client = as_user(cast.erin)
    member = TableMember.objects.get()
    for body in (
        [{"member": 999_999, "present": True}],
        [{"member": member.pk, "present": True}, {"member": member.pk, "present": False}],
        [{"member": member.pk}],
        {"member": member.pk, "present": True},
    ):
        response = client.put(url("meeting-attendance", meeting.pk), body, content_type=JSON)
        assert response.status_code == 400, body
    assert not Attendance.objects.exists()


# --- follow-up ------------------------------------------------------------------------------------
def decided(cast: Cast, meeting: Meeting) -> FollowUpAction:
    running(cast, meeting)
    services.decision_record(
        actor=cast.erin,
        item=meeting.items.get(),
        outcome=TableOutcome.APPROVED,
        reason="Goedgekeurd.",
        responsible_organisation=cast.uwv,
        actions=[
            services.ActionData(
                description="Terugvordering stilzetten",
                organisation=cast.uwv,
                due_on=timezone.localdate() + datetime.timedelta(days=7),
            )
        ],
    )
    services.meeting_close(actor=cast.erin, meeting=meeting)
    return FollowUpAction.objects.get()


def test_the_follow_up_dashboard_and_done(
    as_user: AsUser, cast: Cast, meeting: Meeting, piet: User
) -> None:
    action = decided(cast, meeting)
    FollowUpAction.objects.filter(pk=action.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    client = as_user(cast.dave)
    (group,) = client.get(url("follow-up-list")).json()
    assert group["organisation"]["name"] == "UWV"
    assert group["overdue"] == 1
    assert group["actions"][0]["overdue"] is True
    assert group["actions"][0]["table"]["name"] == "Doorbraaktafel Noord"

    assert (
        as_user(piet).post(url("follow-up-done", action.pk), {}, content_type=JSON).status_code
        == 404
    )
    client = as_user(cast.dave)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(url("follow-up-done", action.pk), {"doneOn": future}, content_type=JSON)
    assert "doneOn" in problem_names(response)
    response = client.post(
        url("follow-up-done", action.pk), {"note": "Stilgezet"}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    assert response.json()["doneOn"] == timezone.localdate().isoformat()
    assert client.get(url("follow-up-list")).json() == []
    assert len(client.get(url("follow-up-list"), {"includeDone": "true"}).json()) == 1
    again = client.post(url("follow-up-done", action.pk), {}, content_type=JSON)
    assert problem_names(again) == ["nonFieldErrors"]


def test_another_organisations_contact_cannot_complete_an_action(
    as_user: AsUser, cast: Cast, meeting: Meeting, table: BreakthroughTable
) -> None:
    action = decided(cast, meeting)
    cjib = Organisation.objects.create(name="CJIB", short_name="CJIB")
    other = UserFactory(username="kees")
    MembershipFactory(
        user=other, role=Role.PARTNER_CONTACT, organisation=cjib, municipality=cast.north
    )
    TableMember.objects.create(table=table, user=other, organisation=cjib, may_decide="Boetes.")
    response = as_user(other).post(url("follow-up-done", action.pk), {}, content_type=JSON)
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.done_on is None


def test_query_count_of_the_follow_up_dashboard(
    as_user: AsUser,
    cast: Cast,
    meeting: Meeting,
    django_assert_max_num_queries: MaxQueries,
) -> None:
    decided(cast, meeting)
    client = as_user(cast.erin)
    with django_assert_max_num_queries(10):
        assert len(client.get(url("follow-up-list")).json()) == 1
    assert AgendaItem.objects.count() == 1
