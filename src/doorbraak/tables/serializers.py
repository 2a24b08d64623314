"""Input and output serializers of the breakthrough-tables API.

Input serializers check the shape of a request only; the rules (who may decide, deadlines,
closed meetings) live in ``tables.services``, whose Dutch messages reach the client as
``invalidParams``. Money is in integer cents. A member sees a case as a minimised summary:
``householdName`` and ``address`` are null unless the household consented to share them
with the member's organisation for the breakthrough table. No BSN anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from doorbraak.accounts.serializers import UserRefSerializer
from doorbraak.breakthroughs.serializers import LEVEL_HELP, ReturnSerializer
from doorbraak.lib import limits
from doorbraak.lib.bounds import MAX_CENTS, MAX_INT, bounded_int, id_field
from doorbraak.lib.serializers import EnumField, NameRefSerializer
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
from doorbraak.tables.selectors import (
    AgendaRow,
    Ask,
    CaseSummary,
    OrganisationActions,
    TableFigures,
)


# --- tables --------------------------------------------------------------------------------
class TableSerializer(serializers.Serializer[BreakthroughTable]):
    """A breakthrough table of a municipality, or of one of its districts."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    municipality = NameRefSerializer()
    district = NameRefSerializer(allow_null=True, help_text="Null for the whole municipality.")
    chair = UserRefSerializer()
    active = serializers.BooleanField()


class TableMemberSerializer(serializers.Serializer[TableMember]):
    """A member: the person, the organisation they represent and their mandate."""

    id = serializers.IntegerField()
    user = UserRefSerializer()
    organisation = NameRefSerializer()
    mayDecide = serializers.CharField(source="may_decide")
    maxAmountCents = serializers.IntegerField(
        source="max_amount_cents", allow_null=True, help_text="Null: no amount in the mandate."
    )


class TableFiguresSerializer(serializers.Serializer[TableFigures]):
    """Counts only, no personal data: in the spirit of "60 cases a year"."""

    year = serializers.IntegerField()
    meetings = serializers.IntegerField(help_text="Closed meetings that started in the year.")
    casesHandled = serializers.IntegerField(source="cases_handled")
    approved = serializers.IntegerField()
    medianDaysToDecision = serializers.FloatField(
        source="median_days_to_decision",
        allow_null=True,
        help_text="Median days from submission to an approval or rejection.",
    )
    actions = serializers.IntegerField(help_text="Follow-up actions agreed in the year.")
    actionsOnTimePct = serializers.IntegerField(
        source="actions_on_time_pct",
        allow_null=True,
        help_text="Share of settled follow-up actions done by their deadline.",
    )


@dataclass
class TableDetail:
    table: BreakthroughTable
    members: list[TableMember]
    figures: TableFigures
    is_chair: bool


class TableDetailSerializer(serializers.Serializer[TableDetail]):
    """The table with its members and their mandates, and the figures of one year."""

    id = serializers.IntegerField(source="table.id")
    name = serializers.CharField(source="table.name")
    municipality = NameRefSerializer(source="table.municipality")
    district = NameRefSerializer(source="table.district", allow_null=True)
    chair = UserRefSerializer(source="table.chair")
    active = serializers.BooleanField(source="table.active")
    isChair = serializers.BooleanField(source="is_chair", help_text="You chair this table.")
    members = TableMemberSerializer(many=True)
    figures = TableFiguresSerializer()


class TableDetailQuerySerializer(serializers.Serializer[dict[str, Any]]):
    year = serializers.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Figures of this year (default: now).",
    )


# --- meetings ------------------------------------------------------------------------------
class MeetingSerializer(serializers.Serializer[Meeting]):
    """A meeting of a table: when, where, and how far it is."""

    id = serializers.IntegerField()
    table = NameRefSerializer()
    startsAt = serializers.DateTimeField(source="starts_at")
    endsAt = serializers.DateTimeField(source="ends_at")
    location = serializers.CharField()
    onlineUrl = serializers.CharField(source="online_url")
    status = EnumField(MeetingStatus)
    agendaPublishedAt = serializers.DateTimeField(source="agenda_published_at", allow_null=True)
    openedAt = serializers.DateTimeField(source="opened_at", allow_null=True)
    closedAt = serializers.DateTimeField(source="closed_at", allow_null=True)
    minutesSentAt = serializers.DateTimeField(source="minutes_sent_at", allow_null=True)


class MeetingInputSerializer(serializers.Serializer[dict[str, Any]]):
    startsAt = serializers.DateTimeField()
    endsAt = serializers.DateTimeField()
    location = serializers.CharField(
        required=False, allow_blank=True, max_length=200, default="", help_text="Place, or empty."
    )
    onlineUrl = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        default="",
        help_text="https:// link, or empty. A place or a link is required.",
    )


class MeetingUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    """Fields left out keep their value."""

    startsAt = serializers.DateTimeField(required=False)
    endsAt = serializers.DateTimeField(required=False)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    onlineUrl = serializers.CharField(required=False, allow_blank=True, max_length=200)


class FollowUpRefSerializer(serializers.Serializer[FollowUpAction]):
    id = serializers.IntegerField()
    description = serializers.CharField()
    organisation = NameRefSerializer()
    dueOn = serializers.DateField(source="due_on")
    doneOn = serializers.DateField(source="done_on", allow_null=True)


class DecisionActionSerializer(serializers.Serializer[FollowUpAction]):
    """A follow-up action agreed with a decision."""

    id = serializers.IntegerField()
    description = serializers.CharField()
    organisation = NameRefSerializer()
    responsibleUser = serializers.IntegerField(source="responsible_user_id", allow_null=True)
    dueOn = serializers.DateField(source="due_on")
    doneOn = serializers.DateField(source="done_on", allow_null=True)


class TableDecisionSerializer(serializers.Serializer[TableDecision]):
    """The table's decision on an agenda item; fixed once the meeting is closed."""

    id = serializers.IntegerField()
    item = serializers.IntegerField(source="item_id")
    outcome = EnumField(TableOutcome)
    reason = serializers.CharField()
    responsibleOrganisation = NameRefSerializer(source="responsible_organisation", allow_null=True)
    responsibleUser = UserRefSerializer(source="responsible_user", allow_null=True)
    fundAmountCents = serializers.IntegerField(source="fund_amount_cents", allow_null=True)
    fundPurpose = serializers.CharField(source="fund_purpose")
    decidedBy = UserRefSerializer(source="decided_by")
    decidedAt = serializers.DateTimeField(source="decided_at")
    corrects = serializers.IntegerField(
        source="corrects_id", allow_null=True, help_text="The decision this one corrects."
    )
    followUpActions = DecisionActionSerializer(many=True, source="follow_up_actions.all")


class CaseAskSerializer(serializers.Serializer[Ask]):
    organisation = serializers.CharField()
    status = serializers.CharField()


class CaseSummarySerializer(serializers.Serializer[CaseSummary]):
    """What a member may see of a case: minimised, identified only with consent."""

    breakthrough = serializers.IntegerField(source="breakthrough.id")
    title = serializers.CharField(source="breakthrough.title")
    proposal = serializers.CharField(
        allow_null=True,
        help_text="The proposal's free text: only when the household consented to share it "
        "with your organisation (the title says what is proposed).",
    )
    bottleneck = serializers.CharField(source="breakthrough.bottleneck.title")
    level = serializers.IntegerField(source="breakthrough.level", help_text=LEVEL_HELP)
    levelDeadline = serializers.DateField(source="breakthrough.level_deadline", allow_null=True)
    initials = serializers.CharField()
    district = serializers.CharField()
    ageBand = serializers.CharField(source="age_band")
    directCostCents = serializers.IntegerField(source="breakthrough.direct_cost_cents")
    returnCalculation = ReturnSerializer(source="return_calculation")
    asks = CaseAskSerializer(many=True)
    householdName = serializers.CharField(
        source="household_name",
        allow_null=True,
        help_text="Only when the household consented to share it with your organisation.",
    )
    address = serializers.CharField(
        allow_null=True,
        help_text="Only when the household consented to share it with your organisation.",
    )


class AgendaRowSerializer(serializers.Serializer[AgendaRow]):
    """One agenda item: a case (minimised) or an overdue follow-up action."""

    id = serializers.IntegerField(source="item.id")
    position = serializers.IntegerField(source="item.position")
    status = EnumField(AgendaItemStatus, source="item.status")
    note = serializers.CharField(source="item.note")
    case = CaseSummarySerializer(allow_null=True, help_text="Null for a follow-up item.")
    followUp = FollowUpRefSerializer(
        source="item.follow_up", allow_null=True, help_text="Null for a case."
    )
    decision = TableDecisionSerializer(allow_null=True, help_text="The decision in force.")
    decisions = TableDecisionSerializer(many=True, help_text="The original and its corrections.")


class AttendanceSerializer(serializers.Serializer[Attendance]):
    member = serializers.IntegerField(source="member_id")
    user = UserRefSerializer(source="member.user")
    organisation = NameRefSerializer(source="member.organisation")
    present = serializers.BooleanField()
    note = serializers.CharField()


@dataclass
class MeetingDetail:
    meeting: Meeting
    agenda: list[AgendaRow]
    attendance: list[Attendance]
    can_run: bool


class MeetingDetailSerializer(serializers.Serializer[MeetingDetail]):
    """The meeting with its agenda as you may see it, and the attendance."""

    id = serializers.IntegerField(source="meeting.id")
    table = NameRefSerializer(source="meeting.table")
    startsAt = serializers.DateTimeField(source="meeting.starts_at")
    endsAt = serializers.DateTimeField(source="meeting.ends_at")
    location = serializers.CharField(source="meeting.location")
    onlineUrl = serializers.CharField(source="meeting.online_url")
    status = EnumField(MeetingStatus, source="meeting.status")
    agendaPublishedAt = serializers.DateTimeField(
        source="meeting.agenda_published_at", allow_null=True
    )
    openedAt = serializers.DateTimeField(source="meeting.opened_at", allow_null=True)
    closedAt = serializers.DateTimeField(source="meeting.closed_at", allow_null=True)
    minutesSentAt = serializers.DateTimeField(source="meeting.minutes_sent_at", allow_null=True)
    canRun = serializers.BooleanField(
        source="can_run", help_text="You chair the meeting and it is not closed."
    )
    agenda = AgendaRowSerializer(many=True)
    attendance = AttendanceSerializer(many=True)


# --- agenda --------------------------------------------------------------------------------
class AgendaItemSerializer(serializers.Serializer[AgendaItem]):
    """An agenda item after a change (no case data)."""

    id = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id")
    position = serializers.IntegerField()
    status = EnumField(AgendaItemStatus)
    note = serializers.CharField()
    breakthrough = serializers.IntegerField(source="breakthrough_id", allow_null=True)
    followUp = serializers.IntegerField(source="follow_up_id", allow_null=True)


class AgendaAddSerializer(serializers.Serializer[dict[str, Any]]):
    breakthrough = id_field(help_text="An open breakthrough of the table's area.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class AgendaMoveSerializer(serializers.Serializer[dict[str, Any]]):
    position = bounded_int(1, MAX_INT, help_text="The new place, from 1.")


class AgendaNoteSerializer(serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class AttendanceInputSerializer(serializers.Serializer[dict[str, Any]]):
    member = id_field(help_text="A table member's id.")
    present = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


# --- decisions -----------------------------------------------------------------------------
class FollowUpActionInputSerializer(serializers.Serializer[dict[str, Any]]):
    description = serializers.CharField(allow_blank=True, max_length=300)
    organisation = id_field()
    dueOn = serializers.DateField()
    responsibleUser = id_field(required=False, allow_null=True, default=None)


class TableCorrectionInputSerializer(serializers.Serializer[dict[str, Any]]):
    outcome = EnumField(TableOutcome)
    reason = serializers.CharField(allow_blank=True, max_length=limits.TEXT)
    responsibleOrganisation = id_field(required=False, allow_null=True, default=None)
    responsibleUser = id_field(required=False, allow_null=True, default=None)
    fundAmountCents = bounded_int(
        0,
        MAX_CENTS,
        required=False,
        allow_null=True,
        default=None,
        help_text="Money from the fund, only with an approval.",
    )
    fundPurpose = serializers.CharField(
        required=False, allow_blank=True, max_length=200, default=""
    )


class TableDecisionInputSerializer(TableCorrectionInputSerializer):
    actions = FollowUpActionInputSerializer(many=True, required=False, default=list)


# --- follow-up -----------------------------------------------------------------------------
class FollowUpActionSerializer(serializers.Serializer[FollowUpAction]):
    """Who does what by when, after a table decision."""

    id = serializers.IntegerField()
    description = serializers.CharField()
    organisation = NameRefSerializer()
    responsibleUser = UserRefSerializer(source="responsible_user", allow_null=True)
    dueOn = serializers.DateField(source="due_on")
    doneOn = serializers.DateField(source="done_on", allow_null=True)
    doneNote = serializers.CharField(source="done_note")
    remindedOn = serializers.DateField(source="reminded_on", allow_null=True)
    overdue = serializers.SerializerMethodField()
    table = NameRefSerializer(source="decision.item.meeting.table")
    meeting = serializers.IntegerField(source="decision.item.meeting_id")
    decision = serializers.IntegerField(source="decision_id")

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, action: FollowUpAction) -> bool:
        return action.done_on is None and action.due_on < timezone.localdate()


class OrganisationActionsSerializer(serializers.Serializer[OrganisationActions]):
    organisation = NameRefSerializer()
    overdue = serializers.IntegerField(help_text="How many of the open actions are overdue.")
    actions = FollowUpActionSerializer(many=True)


class FollowUpQuerySerializer(serializers.Serializer[dict[str, Any]]):
    includeDone = serializers.BooleanField(
        required=False, default=False, help_text="Also the actions that are done."
    )


class FollowUpDoneSerializer(serializers.Serializer[dict[str, Any]]):
    doneOn = serializers.DateField(required=False, help_text="Default: today.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
