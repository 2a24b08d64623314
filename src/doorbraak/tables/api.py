"""``/api/v1/``: breakthrough tables, meetings, the agenda, decisions and follow-up.

Thin views: everything is reached through ``tables.selectors`` (404 unless the user chairs
or sits at the table; every read of case data in the processing log with the activity
"breakthrough table"); every change goes through ``tables.services``, whose Django
``ValidationError`` is answered as a 400 problem with ``invalidParams`` and changes nothing.
Only table chairs and partner contact persons use these endpoints (403 for other roles).
Money is in integer cents; no BSN anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doorbraak.accounts.models import Organisation, User
from doorbraak.assessments.api import drf_validation_error
from doorbraak.lib.access import Lookup, api, refuse_unless
from doorbraak.tables import policies, selectors, services
from doorbraak.tables.models import (
    AgendaItem,
    Attendance,
    BreakthroughTable,
    FollowUpAction,
    Meeting,
    TableDecision,
    TableMember,
)
from doorbraak.tables.serializers import (
    AgendaAddSerializer,
    AgendaItemSerializer,
    AgendaMoveSerializer,
    AgendaNoteSerializer,
    AttendanceInputSerializer,
    AttendanceSerializer,
    FollowUpActionSerializer,
    FollowUpDoneSerializer,
    FollowUpQuerySerializer,
    MeetingDetail,
    MeetingDetailSerializer,
    MeetingInputSerializer,
    MeetingSerializer,
    MeetingUpdateSerializer,
    OrganisationActionsSerializer,
    TableCorrectionInputSerializer,
    TableDecisionInputSerializer,
    TableDecisionSerializer,
    TableDetail,
    TableDetailQuerySerializer,
    TableDetailSerializer,
    TableSerializer,
)

TAGS = ["tables"]


# --- objects and helpers -------------------------------------------------------------------
#: The objects of the URLs, 404 outside the tables the user sits at.
TABLE = Lookup("table", selectors.table_get)
MEETING = Lookup("meeting", selectors.meeting_get)
DECISION = Lookup("decision", selectors.decision_get)
FOLLOW_UP = Lookup("action", selectors.follow_up_get)


def _user(request: Request) -> User:
    user = request.user
    if not isinstance(user, User):  # the permission class already demands a login
        raise exceptions.NotAuthenticated
    return user


@contextmanager
def _service() -> Iterator[None]:
    """A service refused the change (and changed nothing): answer 400 in camelCase."""
    try:
        yield
    except DjangoValidationError as error:
        raise drf_validation_error(error) from error


def _valid(serializer_class: type[Any], data: Any, **kwargs: Any) -> Any:
    serializer = serializer_class(data=data, **kwargs)
    if not serializer.is_valid():
        raise exceptions.ValidationError(serializer.errors)
    return serializer.validated_data


def _many(serializer_class: type[Any], objects: Any) -> Any:
    return serializer_class(objects, many=True).data


def _invalid(field: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [message]})


def _organisation(table: BreakthroughTable, pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    found = Organisation.objects.filter(
        Q(municipality__isnull=True) | Q(municipality_id=table.municipality_id), pk=pk
    ).first()
    if found is None:
        raise _invalid(field, _("Choose an organisation that works here."))
    return found


def _action_organisation(table: BreakthroughTable, pk: int) -> Organisation:
    found = _organisation(table, pk, "actions")
    assert found is not None
    return found


def _person(table: BreakthroughTable, pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    found = (
        User.objects.filter(pk=pk, is_active=True)
        .filter(
            Q(memberships__municipality_id=table.municipality_id)
            | Q(table_memberships__table=table)
        )
        .distinct()
        .first()
    )
    if found is None:
        raise _invalid(field, _("Choose a person who works in this municipality."))
    return found


def _meeting_data(meeting: Meeting) -> Any:
    return MeetingSerializer(meeting).data


def _decision_data(decision: TableDecision) -> Any:
    found = (
        TableDecision.objects.filter(pk=decision.pk)
        .select_related("responsible_organisation", "responsible_user", "decided_by")
        .prefetch_related("follow_up_actions__organisation")
        .get()
    )
    return TableDecisionSerializer(found).data


# --- tables --------------------------------------------------------------------------------
@api(policies.can_use_tables)
class TableListView(generics.GenericAPIView[BreakthroughTable]):
    serializer_class = TableSerializer

    @extend_schema(tags=TAGS, operation_id="tables_list", responses=TableSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The tables you chair or sit at."""
        tables = selectors.table_list(user=request.user)
        page = self.paginate_queryset(tables)
        return self.get_paginated_response(_many(TableSerializer, page))


@api(policies.can_use_tables, obj=TABLE)
class TableDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="tables_retrieve",
        parameters=[TableDetailQuerySerializer],
        responses=TableDetailSerializer,
    )
    def get(self, request: Request, table: BreakthroughTable) -> Response:
        """The table with its members, what they may decide, and the figures of a year."""
        query = _valid(TableDetailQuerySerializer, request.query_params)
        year = query.get("year") or timezone.localdate().year
        detail = TableDetail(
            table=table,
            members=list(selectors.table_members(table=table)),
            figures=selectors.table_figures(table=table, year=year),
            is_chair=policies.is_chair(request.user, table),
        )
        return Response(TableDetailSerializer(detail).data)


@api(policies.can_use_tables, obj=TABLE)
class TableMeetingListView(generics.GenericAPIView[Meeting]):
    serializer_class = MeetingSerializer

    @extend_schema(
        tags=TAGS, operation_id="tables_meetings_list", responses=MeetingSerializer(many=True)
    )
    def get(self, request: Request, table: BreakthroughTable) -> Response:
        """The table's meetings, the newest first."""
        meetings = selectors.meeting_list(user=request.user, table=table)
        page = self.paginate_queryset(meetings)
        return self.get_paginated_response(_many(MeetingSerializer, page))

    @extend_schema(
        tags=TAGS,
        operation_id="tables_meetings_create",
        request=MeetingInputSerializer,
        responses={201: MeetingSerializer},
    )
    def post(self, request: Request, table: BreakthroughTable) -> Response:
        """Schedule a meeting (chair only); the agenda is proposed from the waiting cases."""
        refuse_unless(policies.is_chair(request.user, table))
        data = _valid(MeetingInputSerializer, request.data)
        with _service():
            meeting = services.meeting_schedule(
                actor=_user(request),
                table=table,
                starts_at=data["startsAt"],
                ends_at=data["endsAt"],
                location=data["location"],
                online_url=data["onlineUrl"],
            )
        return Response(_meeting_data(meeting), status=status.HTTP_201_CREATED)


# --- meetings ------------------------------------------------------------------------------
@api(policies.can_use_tables, obj=MEETING)
class MeetingDetailView(APIView):
    @extend_schema(tags=TAGS, operation_id="meetings_retrieve", responses=MeetingDetailSerializer)
    def get(self, request: Request, meeting: Meeting) -> Response:
        """The meeting with its agenda as you may see it (each case read is logged)."""
        detail = MeetingDetail(
            meeting=meeting,
            agenda=selectors.agenda(user=request.user, meeting=meeting),
            attendance=list(
                Attendance.objects.filter(meeting=meeting).select_related(
                    "member__user", "member__organisation"
                )
            ),
            can_run=policies.can_run_meeting(request.user, meeting),
        )
        return Response(MeetingDetailSerializer(detail).data)

    @extend_schema(
        tags=TAGS,
        operation_id="meetings_partial_update",
        request=MeetingUpdateSerializer,
        responses=MeetingSerializer,
    )
    def patch(self, request: Request, meeting: Meeting) -> Response:
        """Move a planned meeting; fields left out keep their value."""
        data = _valid(MeetingUpdateSerializer, request.data)
        with _service():
            meeting = services.meeting_reschedule(
                actor=_user(request),
                meeting=meeting,
                starts_at=data.get("startsAt", meeting.starts_at),
                ends_at=data.get("endsAt", meeting.ends_at),
                location=data.get("location", meeting.location),
                online_url=data.get("onlineUrl", meeting.online_url),
            )
        return Response(_meeting_data(meeting))


def _meeting_action(operation_id: str, summary: str, service: Any) -> type[APIView]:
    """A POST without a body that moves the meeting on (chair only)."""

    @api(policies.can_use_tables, obj=MEETING)
    class MeetingActionView(APIView):
        @extend_schema(
            tags=TAGS,
            operation_id=operation_id,
            summary=summary,
            request=None,
            responses=MeetingSerializer,
        )
        def post(self, request: Request, meeting: Meeting) -> Response:
            with _service():
                meeting = service(actor=_user(request), meeting=meeting)
            return Response(_meeting_data(meeting))

    MeetingActionView.__name__ = MeetingActionView.__qualname__ = (
        "".join(part.title() for part in operation_id.split("_")) + "View"
    )
    return MeetingActionView


MeetingCancelView = _meeting_action(
    "meetings_cancel",
    "Cancel a planned meeting; its open items return to the pool.",
    services.meeting_cancel,
)
MeetingPublishView = _meeting_action(
    "meetings_publish", "Send the members word that the agenda is ready.", services.agenda_publish
)
MeetingOpenView = _meeting_action(
    "meetings_open", "Start the meeting: decisions can now be recorded.", services.meeting_open
)
MeetingCloseView = _meeting_action(
    "meetings_close",
    "Close the meeting: open items are postponed, decisions become final and flow back.",
    services.meeting_close,
)
MeetingMinutesSendView = _meeting_action(
    "meetings_minutes_send", "Tell the members the minutes are ready.", services.minutes_send
)


@api(policies.can_use_tables, obj=MEETING, allow=policies.chairs_meeting)
class MeetingAgendaItemView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="meetings_agenda_items_create",
        request=AgendaAddSerializer,
        responses={201: AgendaItemSerializer},
    )
    def post(self, request: Request, meeting: Meeting) -> Response:
        """Put an open breakthrough of the table's area on the agenda (chair only)."""
        user = _user(request)
        data = _valid(AgendaAddSerializer, request.data)
        breakthrough = (
            selectors.candidates_to_add(user=user, meeting=meeting)
            .select_related("household")
            .filter(pk=data["breakthrough"])
            .first()
        )
        if breakthrough is None:
            raise _invalid(
                "breakthrough",
                _("Choose an open breakthrough of this table's area that is not on the agenda."),
            )
        with _service():
            item = services.agenda_add(
                actor=user, meeting=meeting, breakthrough=breakthrough, note=data["note"]
            )
        return Response(AgendaItemSerializer(item).data, status=status.HTTP_201_CREATED)


@api(policies.can_use_tables, obj=MEETING, allow=policies.chairs_meeting)
class MeetingAttendanceView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="meetings_attendance_update",
        request=AttendanceInputSerializer(many=True),
        responses=AttendanceSerializer(many=True),
    )
    def put(self, request: Request, meeting: Meeting) -> Response:
        """Record who is present (chair only); members left out keep what was recorded."""
        user = _user(request)
        rows = _valid(AttendanceInputSerializer, request.data, many=True)
        members = {
            m.pk: m
            for m in TableMember.objects.filter(
                table=meeting.table, pk__in=[row["member"] for row in rows]
            )
        }
        if any(row["member"] not in members for row in rows):
            raise _invalid("member", _("This person is not a member of this table."))
        if len({row["member"] for row in rows}) != len(rows):
            raise _invalid("member", _("Give each member once."))
        with _service():
            for row in rows:
                services.attendance_record(
                    actor=user,
                    meeting=meeting,
                    member=members[row["member"]],
                    present=row["present"],
                    note=row["note"],
                )
        attendance = Attendance.objects.filter(meeting=meeting).select_related(
            "member__user", "member__organisation"
        )
        return Response(_many(AttendanceSerializer, attendance))


# --- agenda items --------------------------------------------------------------------------
#: An agenda item of a meeting at the user's table (404 otherwise).
AGENDA_ITEM = Lookup("item", selectors.agenda_item_get)


@api(policies.can_use_tables, obj=AGENDA_ITEM, allow=policies.chairs_meeting_of)
class AgendaItemMoveView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="agenda_items_move",
        request=AgendaMoveSerializer,
        responses=AgendaItemSerializer(many=True),
    )
    def post(self, request: Request, item: AgendaItem) -> Response:
        """Put the item at another place on the agenda; the rest is renumbered."""
        data = _valid(AgendaMoveSerializer, request.data)
        with _service():
            items = services.agenda_move(actor=_user(request), item=item, position=data["position"])
        return Response(_many(AgendaItemSerializer, items))


@api(policies.can_use_tables, obj=AGENDA_ITEM, allow=policies.chairs_meeting_of)
class AgendaItemPostponeView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="agenda_items_postpone",
        request=AgendaNoteSerializer,
        responses=AgendaItemSerializer,
    )
    def post(self, request: Request, item: AgendaItem) -> Response:
        """Not this time: the item goes to the next planned meeting, or back to the pool."""
        data = _valid(AgendaNoteSerializer, request.data)
        with _service():
            item = services.agenda_postpone(actor=_user(request), item=item, note=data["note"])
        return Response(AgendaItemSerializer(item).data)


@api(policies.can_use_tables, obj=AGENDA_ITEM, allow=policies.chairs_meeting_of)
class AgendaItemDecisionView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="agenda_items_decision_create",
        request=TableDecisionInputSerializer,
        responses={201: TableDecisionSerializer},
    )
    def post(self, request: Request, item: AgendaItem) -> Response:
        """Record the table's decision while the meeting runs (replaces an earlier one)."""
        user = _user(request)
        table = item.meeting.table
        data = _valid(TableDecisionInputSerializer, request.data)
        actions = [
            services.ActionData(
                description=action["description"],
                organisation=_action_organisation(table, action["organisation"]),
                due_on=action["dueOn"],
                responsible_user=_person(table, action["responsibleUser"], "actions"),
            )
            for action in data["actions"]
        ]
        with _service():
            decision = services.decision_record(
                actor=user,
                item=item,
                outcome=data["outcome"],
                reason=data["reason"],
                responsible_organisation=_organisation(
                    table, data["responsibleOrganisation"], "responsibleOrganisation"
                ),
                responsible_user=_person(table, data["responsibleUser"], "responsibleUser"),
                fund_amount_cents=data["fundAmountCents"],
                fund_purpose=data["fundPurpose"],
                actions=actions,
            )
        return Response(_decision_data(decision), status=status.HTTP_201_CREATED)


@api(policies.can_use_tables, obj=DECISION, allow=policies.chairs_meeting_of_decision)
class DecisionCorrectionView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="table_decisions_correction_create",
        request=TableCorrectionInputSerializer,
        responses={201: TableDecisionSerializer},
    )
    def post(self, request: Request, decision: TableDecision) -> Response:
        """After the meeting: a correction is a new decision linked to the one it corrects."""
        user = _user(request)
        table = decision.item.meeting.table
        data = _valid(TableCorrectionInputSerializer, request.data)
        with _service():
            correction = services.decision_correct(
                actor=user,
                decision=decision,
                outcome=data["outcome"],
                reason=data["reason"],
                responsible_organisation=_organisation(
                    table, data["responsibleOrganisation"], "responsibleOrganisation"
                ),
                responsible_user=_person(table, data["responsibleUser"], "responsibleUser"),
                fund_amount_cents=data["fundAmountCents"],
                fund_purpose=data["fundPurpose"],
            )
        return Response(_decision_data(correction), status=status.HTTP_201_CREATED)


# --- follow-up -----------------------------------------------------------------------------
@api(policies.can_use_tables)
class FollowUpListView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="follow_up_actions_list",
        parameters=[FollowUpQuerySerializer],
        responses=OrganisationActionsSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """Open follow-up actions of your tables per organisation, the nearest deadline first."""
        query = _valid(FollowUpQuerySerializer, request.query_params)
        groups = selectors.follow_up_dashboard(user=request.user, include_done=query["includeDone"])
        return Response(_many(OrganisationActionsSerializer, groups))


@api(policies.can_use_tables, obj=FOLLOW_UP)
class FollowUpDoneView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="follow_up_actions_done",
        request=FollowUpDoneSerializer,
        responses=FollowUpActionSerializer,
    )
    def post(self, request: Request, action: FollowUpAction) -> Response:
        """Mark the action done: the responsible person, a contact of the organisation, or
        the chair."""
        data = _valid(FollowUpDoneSerializer, request.data)
        with _service():
            services.follow_up_done(
                actor=_user(request),
                action=action,
                done_on=data.get("doneOn") or timezone.localdate(),
                note=data["note"],
            )
        found = FollowUpAction.objects.select_related(
            "organisation", "responsible_user", "decision__item__meeting__table"
        ).get(pk=action.pk)
        return Response(FollowUpActionSerializer(found).data)
